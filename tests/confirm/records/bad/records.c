#include "records.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t *field_end(const uint8_t *p, const uint8_t *end)
{
    while (p < end && *p != '|')
        p++;
    return p;
}

int record_parse(const uint8_t *data, size_t size, struct record *out)
{
    const uint8_t *end = data + size;
    const uint8_t *name_end = field_end(data, end);
    if (name_end == end)
        return -1;
    memset(out, 0, sizeof(*out));
    memcpy(out->name, data, (size_t)(name_end - data)); // expect: CWE-121
    out->name[sizeof(out->name) - 1] = '\0';

    const uint8_t *kind = name_end + 1;
    if (kind + 2 > end || kind[1] != '|')
        return -1;
    out->kind = (char)kind[0];
    const uint8_t *payload = kind + 2;
    size_t left = (size_t)(end - payload);

    if (out->kind == 'N') {
        if (left < 1)
            return -1;
        size_t count = payload[0];
        out->samples = malloc(count * sizeof(uint32_t));
        if (out->samples == NULL)
            return -1;
        memcpy(out->samples, payload + 1, left - 1); // expect: CWE-122
        out->nsamples = count;
        return 0;
    }
    if (out->kind == 'T') {
        out->text = malloc(left + 1);
        if (out->text == NULL)
            return -1;
        memcpy(out->text, payload, left);
        out->text[left] = '\0';
        return 0;
    }
    return -1;
}

void record_log(const struct record *r)
{
    if (r->text != NULL)
        printf(r->text); // expect: CWE-134
}

void record_free(struct record *r)
{
    free(r->samples);
    free(r->text);
}
