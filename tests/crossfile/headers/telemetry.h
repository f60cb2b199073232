/* Telemetry records shared by the gateway's modules: small helpers defined in the header,
 * as generated accessor headers do. Each module uses a few of them, none uses all. */
#ifndef TELEMETRY_H
#define TELEMETRY_H

#include <stdlib.h>
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
    window[0] = 0; // expect: CWE-476
    return window;
}

/* Reached only through export.c's table of handlers. */
static inline int tm_release(struct reading *r)
{
    int last;
    free(r);
    last = r->value; // expect: CWE-416
    return last;
}

/* Used by no module: still a defect in the header, reported once. */
static inline void tm_label(char *out, const struct reading *r)
{
    char name[8];
    strcpy(name, "channel-overflow"); // expect: CWE-121
    out[0] = name[0];
    (void)r;
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
