// serve.c, fixed: the divisor is never zero, the path is checked, the buffer returned once.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *route_path(int fd);
void pool_put(char *p);

int serve(int fd, int slots) {
    int per = slots > 0 ? slots : 1;
    if (slots > 100) return slots / per;
    char *path = route_path(fd);
    if (!path) return -1;
    if (strstr(path, "..") == NULL && path[0] != '/') {
        FILE *f = fopen(path, "r");
        if (f) fclose(f);
    }
    free(path);
    char *scratch = malloc(64);
    if (!scratch) return -1;
    pool_put(scratch);
    return 0;
}
