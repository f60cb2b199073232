// Audit trail, fixed: the record is read before it goes back to the pool.
#include <stdio.h>
#include <stdlib.h>

void pool_put(char *p);

int audit(const char *event) {
    char *rec = malloc(128);
    if (!rec) return -1;
    snprintf(rec, 128, "event %s", event);
    int ok = rec[0] == 'e';
    pool_put(rec);
    return ok;
}
