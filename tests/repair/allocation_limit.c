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

char *receive_text(int sock)
{
    uint32_t wire;
    if (recv(sock, &wire, sizeof wire, MSG_WAITALL) != sizeof wire)
        return NULL;
    uint32_t len = ntohl(wire);
    char *text = malloc(len + 1); // expect-fix: allocation-limit
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
    struct sample *samples = calloc(count, sizeof(struct sample)); // expect-fix: allocation-limit
    if (samples == NULL)
        return -1;
    *out = samples;
    return count;
}
