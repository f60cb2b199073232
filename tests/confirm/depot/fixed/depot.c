#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "depot.h"

/* A name is one plain component: no folder parts, so no way out of the store. */
static int plain_name(const char *name)
{
    return name[0] != '\0' && name[0] != '.' && strchr(name, '/') == NULL;
}

int depot_get(const char *name, char *out, size_t cap)
{
    char path[512];
    if (!plain_name(name))
        return -1;
    snprintf(path, sizeof path, "%s/%s", DEPOT_ROOT, name);
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return -1;
    size_t n = fread(out, 1, cap - 1, fp);
    out[n] = '\0';
    fclose(fp);
    return (int)n;
}

int depot_put(const char *name, const char *body)
{
    char path[512];
    if (!plain_name(name))
        return -1;
    snprintf(path, sizeof path, "%s/uploads/%s", DEPOT_ROOT, name);
    FILE *fp = fopen(path, "w");
    if (fp == NULL)
        return -1;
    fputs(body, fp);
    return fclose(fp);
}

void depot_log(const char *text)
{
    fprintf(stderr, "%s\n", text);
}

void depot_log_padded(const char *verb, int width)
{
    char format[16];
    snprintf(format, sizeof format, "%%-%ds|", width);
    fprintf(stderr, format, verb);
}
