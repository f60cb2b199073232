#include <stdio.h>
#include <string.h>
#include "depot.h"

int depot_get(const char *name, char *out, size_t cap)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", DEPOT_ROOT, name);
    FILE *fp = fopen(path, "rb"); // expect: CWE-22
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
    snprintf(path, sizeof path, "%s/uploads/%s", DEPOT_ROOT, name);
    FILE *fp = fopen(path, "w"); // expect: CWE-22
    if (fp == NULL)
        return -1;
    fputs(body, fp);
    return fclose(fp);
}

void depot_log(const char *text)
{
    fprintf(stderr, text); // expect: CWE-134
    fputc('\n', stderr);
}

void depot_log_padded(const char *verb, int width)
{
    char format[16];
    snprintf(format, sizeof format, "%%-%ds|", width);
    fprintf(stderr, format, verb);
}
