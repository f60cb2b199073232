/* Repair fixture: a copy is lost on an early return. */
#include <stdlib.h>
#include <string.h>

int parse_port(const char *text)
{
    char *copy = strdup(text);
    if (copy == NULL)
        return -1;
    if (copy[0] == '\0')
        return -1; // expect-fix: release-on-exit
    int port = atoi(copy);
    free(copy);
    return port;
}

int grow_list(int **items, size_t n)
{
    int *list = *items;
    list = realloc(list, (n + 1) * sizeof(*list)); // expect-fix: realloc-temporary
    if (list == NULL)
        return -1;
    *items = list;
    return 0;
}
