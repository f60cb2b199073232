/* Repair fixture: sizes that a peer or the console chooses reach the allocator unchecked. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct sample {
    uint32_t channel;
    double value;
};

/* The largest block input may make this file allocate: set it to what the data needs. */
#define INPUT_ALLOCATION_LIMIT ((size_t)16 << 20)

char *receive_text(int sock)
{
    uint32_t wire;
    if (recv(sock, &wire, sizeof wire, MSG_WAITALL) != sizeof wire)
        return NULL;
    uint32_t len = ntohl(wire);
    if (len > INPUT_ALLOCATION_LIMIT - 1) {
        return NULL;
    }
    size_t sum;
    if (__builtin_add_overflow(len, 1, &sum)) {
        return NULL;
    }
    char *text = malloc(sum); // expect-fix: allocation-limit
    if (text == NULL)
        return NULL;
    if (recv(sock, text, len, MSG_WAITALL) != (ssize_t)len) {
        free(text);
        return NULL;
    }
    text[len] = '\0';
    return text;
}

int load_samples(const char *count_text, struct sample **out)
{
    int count = atoi(count_text);
    if (count < 0 || count > INPUT_ALLOCATION_LIMIT / sizeof(struct sample)) {
        return -1;
    }
    struct sample *samples = calloc(count, sizeof(struct sample)); // expect-fix: allocation-limit
    if (samples == NULL)
        return -1;
    *out = samples;
    return count;
}
