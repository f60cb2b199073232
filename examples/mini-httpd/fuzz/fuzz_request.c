/*
 * libFuzzer harness: feeds arbitrary bytes through the request parser
 * and the handlers of mini-httpd.
 *
 *   cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang-19 -DMINI_HTTPD_FUZZ=ON
 *   cmake --build build-fuzz --target fuzz_request
 *   ./build-fuzz/fuzz_request inputs/
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "httpd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct httpd_config cfg;
    static int initialized;

    if (!initialized) {
        cfg.doc_root = "/nonexistent/mini-httpd-fuzz-root";
        cfg.allow_exec = 0; /* never run ping(8) while fuzzing */
        cfg.access_log = fopen("/dev/null", "w");
        initialized = 1;
    }
    if (size > REQ_MAX)
        return 0;

    /* The parser expects a NUL byte after the request, like main.c. */
    char *buf = malloc(size + 1);
    if (buf == NULL)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    httpd_handle(&cfg, buf, size, -1);
    free(buf);
    return 0;
}
