/* libFuzzer entry point for the record parser. */
#include <stdint.h>
#include <stddef.h>
#include "records.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct record r;
    if (record_parse(data, size, &r) == 0) {
        record_log(&r);
        record_free(&r);
    }
    return 0;
}
