/* tally: accounts for the telemetry frames a substation gateway relays. Each frame is
 * announced as a text line "<header bytes> <body bytes>". The radio's frame-size register
 * is 16 bits wide and the link window is 4 KiB. It has no fuzz target: confirm writes a
 * harness for the line reader, since the accounting helper takes a struct. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tally {
    uint16_t frame_bytes; /* what the radio's register will hold */
    unsigned window_left; /* bytes of the 4 KiB window the frame leaves */
    double header_share;  /* header bytes per body byte, for the link statistics */
};

/* FNV-1a over the line, for the relay log: it wraps by design and is no bug. */
static uint32_t line_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h;
}

static int account(struct tally *t, unsigned header, unsigned body)
{
    if (body == 0 || body > 4096 || header > UINT16_MAX - body)
        return -1;
    t->frame_bytes = header + body;
    t->window_left = 4096 - body;
    t->header_share = (double)header / body;
    return 0;
}

void read_frame(const char *line)
{
    unsigned header = 0, body = 0;
    struct tally t = {0, 0, 0.0};
    if (sscanf(line, "%u %u", &header, &body) != 2)
        return;
    if (account(&t, header, body) != 0)
        return;
    printf("%08x %u %u %.2f\n", (unsigned)line_hash(line), (unsigned)t.frame_bytes, t.window_left, t.header_share);
}

int main(void)
{
    char line[128];
    while (fgets(line, sizeof line, stdin))
        read_frame(line);
    return 0;
}
