/* Repair fixture: return values compared with values that never signal failure. */
#include <stdio.h>
#include <stdlib.h>

int load(const char *path, char *line, int size)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) // expect-fix: error-check
        return -1;
    if (fgets(line, size, f) == NULL) { // expect-fix: error-check
        fclose(f);
        return -1;
    }
    fclose(f);
    return 0;
}

int report(FILE *out, const char *line, int *value, char *label, size_t size)
{
    if (fputs(line, out) < 0) // expect-fix: error-check
        return -1;
    if (sscanf(line, "%d", value) <= 0) // expect-fix: error-check
        return -1;
    if (snprintf(label, size, "value %d", *value) < 0) // expect-fix: error-check
        return -1;
    return 0;
}
