/* Repair fixture: an average divides by a count read from the user. */
#include <stdio.h>

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
