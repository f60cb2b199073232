/* HTTP/1.x request parser. */
#ifndef MINI_HTTPD_REQUEST_H
#define MINI_HTTPD_REQUEST_H

#include <stddef.h>

#define MAX_HEADERS 32

struct header {
    char *name;
    char *value;
};

struct request {
    char *method;
    char *target;        /* request-target as sent: /path?query */
    char *path;          /* target up to '?' */
    char *query;         /* text after '?', or NULL */
    int minor_version;   /* HTTP/1.<minor_version> */
    struct header headers[MAX_HEADERS];
    size_t nheaders;
    size_t content_length;
    const char *body;    /* points into the caller's buffer */
    size_t body_len;     /* body bytes actually received */
};

/*
 * Parses buf[0..len) (which must be followed by a NUL byte) into req.
 * Returns 0 on success, -1 on a malformed request.  In both cases the
 * caller must call request_free(req) afterwards.
 */
int request_parse(struct request *req, const char *buf, size_t len);
void request_free(struct request *req);

/* Case-insensitive header lookup; NULL when absent. */
const char *request_header(const struct request *req, const char *name);

/* Decoded value of a query parameter (malloc'd, caller frees) or NULL. */
char *request_query_param(const struct request *req, const char *name);

/* Decodes %XX escapes and '+' in s[0..n); returns a malloc'd string. */
char *url_decode(const char *s, size_t n);

#endif
