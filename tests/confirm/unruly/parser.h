/* unruly: a parser whose fuzz target misbehaves in every way but crashing:
 * it can loop forever, exhaust memory, and one harness does not even compile. */
#ifndef PARSER_H
#define PARSER_H
#include <stddef.h>
#include <stdint.h>
int parse_block(const uint8_t *data, size_t size);
#endif
