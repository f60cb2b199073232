// Audit trail. Only pool.c's memory summary concerns it (pool_put has no taint to tell), so a
// later round re-runs its memory analysis alone.
#include <stdio.h>
#include <stdlib.h>

void pool_put(char *p);

int audit(const char *event) {
    char *rec = malloc(128);
    if (!rec) return -1;
    snprintf(rec, 128, "event %s", event);
    pool_put(rec);
    return rec[0] == 'e'; // expect: CWE-416
}
