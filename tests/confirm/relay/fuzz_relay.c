/* libFuzzer entry point for the frame relay. */
#include <stdint.h>
#include <stddef.h>
#include "relay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    relay_frame(data, size);
    return 0;
}
