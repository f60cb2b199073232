/* Error and access logging. */
#ifndef MINI_HTTPD_LOG_H
#define MINI_HTTPD_LOG_H

#include <stdio.h>

#include "request.h"

void log_set_verbose(int verbose);

/* printf-style message to stderr, prefixed with the program name. */
void log_error(const char *fmt, ...);

/* Debug message, printed only in verbose mode. */
void log_debug(const char *fmt, ...);

/* One access-log line per handled request (Common Log Format-ish). */
void log_access(FILE *fp, const struct request *req, int status, size_t bytes);

#endif
