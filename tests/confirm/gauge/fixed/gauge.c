/* gauge: averages the channels of a data recorder's log, one line per sensor:
 * "name value value ...". Reads standard input, prints "name average". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"

static double average(const double *values, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += values[i];
    return n ? sum / (double)n : 0.0;
}

int main(void)
{
    char line[1024];
    double *values = malloc(GAUGE_MAX_CHANNELS * sizeof *values);
    if (values == NULL)
        return 1;
    while (fgets(line, sizeof line, stdin) != NULL) {
        char *name = strtok(line, " \n");
        if (name == NULL)
            continue;
        size_t n = 0;
        for (char *tok = strtok(NULL, " \n"); tok != NULL; tok = strtok(NULL, " \n")) {
            if (n == GAUGE_MAX_CHANNELS) {
                fprintf(stderr, "%s: more than %d channels, the rest is ignored\n", name, GAUGE_MAX_CHANNELS);
                break;
            }
            values[n++] = strtod(tok, NULL);
        }
        printf("%s %.2f\n", name, average(values, n));
    }
    free(values);
    return 0;
}
