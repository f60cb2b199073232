/* Repair fixture: blocks sized by sizeof of a pointer. */
#include <stdlib.h>
#include <string.h>

struct reading {
    unsigned sensor;
    double value;
    long long at_ms;
};

struct reading *readings_new(size_t n)
{
    struct reading *r = malloc(n * sizeof(r)); // expect-fix: sizeof-pointee
    if (r == NULL)
        return NULL;
    memset(r, 0, n * sizeof(*r));
    return r;
}

struct reading **index_new(size_t n)
{
    struct reading **all = calloc(n, sizeof(struct reading *)); /* pointers, rightly */
    return all;
}

struct reading *readings_copy(const struct reading *src, size_t n)
{
    struct reading *r = calloc(n, sizeof(struct reading *)); // expect-fix: sizeof-pointee
    if (r == NULL)
        return NULL;
    memcpy(r, src, n * sizeof(struct reading));
    return r;
}
