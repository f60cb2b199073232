/* Repair fixture: an average divides by a count read from the user. */
#include <stdio.h>
#include <stdlib.h>

struct table {
    char *cells;
    int per_row;
};

int average_rate(long total)
{
    int buckets;
    if (scanf("%d", &buckets) != 1)
        return -1;
    if (buckets == 0) {
        return -1;
    }
    long per_bucket = total / buckets; // expect-fix: divisor-check
    printf("%ld\n", per_bucket);
    return 0;
}

/* The failure path releases the cells it allocated and leaves no dangling field behind. */
int table_init(struct table *t, const char *columns)
{
    t->cells = malloc(64);
    if (t->cells == NULL)
        return -1;
    int n = atoi(columns);
    if (n == 0) {
        free(t->cells);
        t->cells = NULL;
        return -1;
    }
    t->per_row = 64 / n; // expect-fix: divisor-check
    return 0;
}
