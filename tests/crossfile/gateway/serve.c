// Needs three cross-file rounds: route.c's summary says it returns the peer's data only once
// net.c's summary is known. The double free needs pool.c's summary (round 2); the division
// needs none (round 1). Each must survive the rounds that re-run only the other analyses.
#include <stdio.h>
#include <stdlib.h>

char *route_path(int fd);
void pool_put(char *p);

int serve(int fd, int slots) {
    int none = 0;
    if (slots > 100) return slots / none; // expect: CWE-369
    char *path = route_path(fd);
    if (!path) return -1;
    FILE *f = fopen(path, "r"); // expect: CWE-22
    if (f) fclose(f);
    free(path);
    char *scratch = malloc(64);
    if (!scratch) return -1;
    pool_put(scratch);
    pool_put(scratch); // expect: CWE-415
    return 0;
}
