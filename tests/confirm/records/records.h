/* records: a parser for the telemetry records a field unit sends upstream.
 * A record is "NAME|KIND|PAYLOAD": KIND is "T" (text) or "N" (a count of 4-byte samples
 * followed by the samples). */
#ifndef RECORDS_H
#define RECORDS_H
#include <stddef.h>
#include <stdint.h>

/* `name` comes last: an overflow of it leaves the struct, where ASan sees it at the copy,
 * instead of overwriting the pointers after it and surfacing later as a bad free. */
struct record {
    char kind;
    uint32_t *samples;
    size_t nsamples;
    char *text;
    char name[16];
};

int record_parse(const uint8_t *data, size_t size, struct record *out);
void record_log(const struct record *r);
void record_free(struct record *r);

#endif
