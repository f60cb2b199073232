/* meter: reads readings from a field unit on standard input and prints the
 * average and a checksum. It has no fuzz target: confirm must write harnesses. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned checksum(const unsigned char *buf, size_t n)
{
    unsigned sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += buf[i];
    return sum;
}

void report_average(void)
{
    int total = 0, count = 0;
    if (scanf("%d %d", &total, &count) != 2 || count == 0)
        return;
    if (total == INT_MIN && count == -1) /* the one quotient an int cannot hold */
        return;
    printf("average %d\n", total / count);
}

int main(void)
{
    unsigned char frame[16] = {0};
    printf("%u\n", checksum(frame, sizeof frame));
    report_average();
    return 0;
}
