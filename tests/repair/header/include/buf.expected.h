/* Repair fixture: findings inside a header, patched in the header through the unit that includes it. */
#ifndef BUF_H
#define BUF_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline int copy_name(char *out, size_t cap)
{
    char tmp[16];
    if (fgets(tmp, sizeof(tmp), stdin) == NULL)
        return -1;
    int idx = atoi(tmp);
    char table[8] = {0};
    if (idx < 0 || (size_t)idx >= sizeof(table)) {
        return -1;
    }
    table[idx] = 1; // expect-fix: bounds-check
    (void)out;
    (void)cap;
    return table[0];
}

static inline int ratio(int total)
{
    char tmp[16];
    if (fgets(tmp, sizeof(tmp), stdin) == NULL)
        return -1;
    int parts = atoi(tmp);
    if (parts == 0) {
        return -1;
    }
    return total / parts; // expect-fix: divisor-check
}
#endif
