// Takes the path out of a request, in place; it passes the peer's data on.
#include <stdlib.h>
#include <string.h>

char *read_request(int fd);

char *route_path(int fd) {
    char *req = read_request(fd);
    if (!req) return NULL;
    if (strncmp(req, "GET ", 4) != 0) {
        free(req);
        return NULL;
    }
    memmove(req, req + 4, strlen(req + 4) + 1);
    return req;
}
