// Reads one request from a peer: the data is the peer's.
#include <stdlib.h>
#include <sys/socket.h>

char *read_request(int fd) {
    char *buf = malloc(256);
    if (!buf) return NULL;
    ssize_t n = recv(fd, buf, 255, 0);
    if (n < 0) n = 0;
    buf[n] = '\0';
    return buf;
}
