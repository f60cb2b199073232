#include <stdlib.h>
#include <string.h>
#include "relay.h"

static const struct handler handlers[] = {
    {0x03, 8},  /* read holding registers */
    {0x10, 16}, /* write multiple registers */
};

const struct handler *relay_lookup(uint8_t code)
{
    for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; ++i)
        if (handlers[i].code == code)
            return &handlers[i];
    return NULL;
}

int relay_frame(const uint8_t *frame, size_t size)
{
    if (size < 3)
        return -1;
    const struct handler *h = relay_lookup(frame[0]);
    size_t keep = h->record_size; // expect: CWE-476
    uint8_t units = frame[1];
    size_t payload = size - 2;
    size_t per_unit = payload / units; // expect: CWE-369
    /* Write multiple registers keeps the whole payload, in records of `keep` bytes. */
    uint8_t *records = malloc(keep * units);
    if (records == NULL)
        return -1;
    if (frame[0] == 0x03 && units > 8)
        return -1; /* read at most 8 units: `records` is lost */ // expect: CWE-401
    if (frame[0] == 0x10 && payload > 32)
        memcpy(records, frame + 2, payload); // expect: CWE-122
    else
        memcpy(records, frame + 2, per_unit < keep ? per_unit : keep);
    free(records);
    return 0;
}
