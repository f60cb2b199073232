/* relay: the frame relay of a substation gateway. It takes a frame from the field bus,
 * "FC|UNITS|PAYLOAD" (a function code, a count of units, the payload), looks up the
 * handler of the function code and hands it the payload split over the units. */
#ifndef RELAY_H
#define RELAY_H
#include <stddef.h>
#include <stdint.h>

struct handler {
    uint8_t code;
    size_t record_size; /* bytes per unit the handler keeps */
};

const struct handler *relay_lookup(uint8_t code);
int relay_frame(const uint8_t *frame, size_t size);

#endif
