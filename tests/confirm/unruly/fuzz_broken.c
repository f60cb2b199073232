/* A harness that does not compile: confirm must say so and go on with the others. */
#include <stdint.h>
#include <stddef.h>
#include "parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return parse_block(data, size, 0)
}
