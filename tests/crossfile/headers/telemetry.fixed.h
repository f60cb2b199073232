/* Telemetry records shared by the gateway's modules: small helpers defined in the header,
 * as generated accessor headers do. Each module uses a few of them, none uses all. */
#ifndef TELEMETRY_H
#define TELEMETRY_H

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

struct reading {
    int channel;
    int value;
    int samples;
};

typedef int (*reading_handler)(struct reading *r);

/* Used by sampler.c. */
static inline int *tm_window_new(size_t n)
{
    int *window = malloc(n * sizeof *window);
    if (window != NULL)
        window[0] = 0;
    return window;
}

/* Reached only through export.c's table of handlers. */
static inline int tm_release(struct reading *r)
{
    int last = r->value;
    free(r);
    return last;
}

/* Used by no module: its label fits. */
static inline void tm_label(char *out, const struct reading *r)
{
    char name[8];
    snprintf(name, sizeof name, "ch%d", r->channel);
    out[0] = name[0];

}

/* Accessors no module uses. */
static inline int tm_channel(const struct reading *r) { return r->channel; }
static inline int tm_value(const struct reading *r) { return r->value; }
static inline int tm_samples(const struct reading *r) { return r->samples; }
static inline void tm_set_channel(struct reading *r, int c) { r->channel = c; }
static inline void tm_set_value(struct reading *r, int v) { r->value = v; }
static inline void tm_set_samples(struct reading *r, int s) { r->samples = s; }
static inline void tm_clear(struct reading *r) { memset(r, 0, sizeof *r); }

#endif
