/* Repair fixture: a counter and a buffer are read before they hold values. */
#include <stdlib.h>

int count_positive(const int *v, int n)
{
    int count;
    if (v == NULL)
        return count; // expect-fix: initialize
    count = 0;
    for (int i = 0; i < n; i++)
        if (v[i] > 0)
            count++;
    return count;
}

long first_sample(size_t n)
{
    long *samples = malloc(n * sizeof(*samples));
    if (samples == NULL)
        return -1;
    long first = samples[0]; // expect-fix: zeroed-allocation
    free(samples);
    return first;
}

/* The end pointer is read, but the conversion was never given it. */
long parse_length(const char *value)
{
    char *end;
    long n = strtol(value, NULL, 10);
    if (*end != '\0') // expect-fix: end-pointer
        return -1;
    return n;
}
