/* Error and access logging. */
#include "log.h"

#include <stdarg.h>
#include <time.h>

static int g_verbose;

void log_set_verbose(int verbose)
{
    g_verbose = verbose;
}

void log_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("mini-httpd: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void log_debug(const char *fmt, ...)
{
    if (!g_verbose)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("mini-httpd: debug: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void log_access(FILE *fp, const struct request *req, int status, size_t bytes)
{
    char ts[64];
    char line[1024];
    struct tm tm;
    time_t now = time(NULL);

    if (fp == NULL)
        return;
    if (gmtime_r(&now, &tm) == NULL ||
        strftime(ts, sizeof(ts), "%d/%b/%Y:%H:%M:%S +0000", &tm) == 0)
        ts[0] = '\0';

    const char *ua = request_header(req, "User-Agent");
    snprintf(line, sizeof(line), "- - [%s] \"%s %s HTTP/1.%d\" %d %zu \"%s\"\n",
             ts, req->method, req->target, req->minor_version, status, bytes,
             ua != NULL ? ua : "-");
    fprintf(fp, line); // BUG(CWE-134): request target and User-Agent become part of the format
    fflush(fp);
}
