/* Repair fixture: a stack buffer is released. */
#include <stdio.h>
#include <stdlib.h>

int print_prefix(const char *ident)
{
    char prefix[64];
    snprintf(prefix, sizeof(prefix), "%s: ", ident);
    fputs(prefix, stderr);
    free(prefix); // expect-fix: remove-release
    return 0;
}
