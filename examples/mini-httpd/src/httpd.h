/* mini-httpd: configuration, responses and request dispatch. */
#ifndef MINI_HTTPD_HTTPD_H
#define MINI_HTTPD_HTTPD_H

#include <stddef.h>
#include <stdio.h>

#include "request.h"

#define REQ_MAX 16384

struct httpd_config {
    const char *doc_root;   /* served under /files/ */
    int allow_exec;         /* enables /diag/ping */
    FILE *access_log;       /* NULL disables the access log */
};

struct response {
    int status;
    const char *reason;
    const char *content_type;
    char *body;
    size_t body_len;
};

struct response *response_new(void);
void response_free(struct response *res);
int response_send(const struct response *res, int fd);

/* Routes a parsed request to its handler and fills res. */
int handle_request(const struct httpd_config *cfg, const struct request *req,
                   struct response *res);

/*
 * Parses one raw request (buf[len] must be a NUL byte), handles it and
 * writes the response to out_fd (skipped when out_fd < 0).
 * Returns the HTTP status code.
 */
int httpd_handle(const struct httpd_config *cfg, const char *buf, size_t len,
                 int out_fd);

#endif
