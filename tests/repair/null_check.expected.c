/* Repair fixture: an allocation is used without a NULL check. */
#include <stdlib.h>
#include <string.h>

struct row {
    int width;
    char *text;
};

struct row *row_new(const char *text)
{
    struct row *r = malloc(sizeof(*r));
    if (r == NULL) {
        return NULL;
    }
    r->width = (int)strlen(text); // expect-fix: null-check
    r->text = NULL;
    return r;
}
