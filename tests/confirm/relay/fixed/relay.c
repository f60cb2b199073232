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
    if (h == NULL)
        return -1;
    size_t keep = h->record_size;
    uint8_t units = frame[1];
    if (units == 0)
        return -1;
    size_t payload = size - 2;
    size_t per_unit = payload / units;
    /* Write multiple registers keeps the whole payload, in records of `keep` bytes. */
    if (frame[0] == 0x10 && payload > keep * units)
        return -1;
    uint8_t *records = malloc(keep * units);
    if (records == NULL)
        return -1;
    if (frame[0] == 0x03 && units > 8) {
        free(records);
        return -1; /* read at most 8 units */
    }
    if (frame[0] == 0x10 && payload > 32)
        memcpy(records, frame + 2, payload);
    else
        memcpy(records, frame + 2, per_unit < keep ? per_unit : keep);
    free(records);
    return 0;
}
