/* Repair fixture: a stack buffer is released. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int print_prefix(const char *ident)
{
    char prefix[64];
    snprintf(prefix, sizeof(prefix), "%s: ", ident);
    fputs(prefix, stderr);
     // expect-fix: remove-release
    return 0;
}

struct entry {
    int id;
    char *name;
    char *value;
};

/* Releases an entry from entry_new(): its strings, then the entry. */
static void entry_free(struct entry *e)
{
    if (e == NULL)
        return;
    free(e->name);
    free(e->value);
    free(e);
}

int entry_print(const char *name, const char *value)
{
    struct entry e;
    e.id = 1;
    e.name = strdup(name);
    e.value = strdup(value);
    if (e.name != NULL && e.value != NULL)
        printf("%s=%s\n", e.name, e.value);
    free(e.name);
    free(e.value); // expect-fix: release-fields
    return 0;
}
