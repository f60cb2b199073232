/* libFuzzer entry point for the depot's request handler. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "depot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4 || size > 4096)
        return 0;
    char *req = malloc(size + 1);
    if (req == NULL)
        return 0;
    memcpy(req, data, size);
    req[size] = '\0';
    char *arg = req + 4;
    depot_log_padded(req[0] == 'G' ? "GET" : req[0] == 'P' ? "PUT" : "LOG", (int)(size % 8) + 3);
    if (strncmp(req, "GET ", 4) == 0) {
        char out[256];
        depot_get(arg, out, sizeof out);
    } else if (strncmp(req, "PUT ", 4) == 0) {
        char *body = strchr(arg, '\n');
        if (body != NULL) {
            *body++ = '\0';
            depot_put(arg, body);
        }
    } else if (strncmp(req, "LOG ", 4) == 0) {
        depot_log(arg);
    }
    free(req);
    return 0;
}
