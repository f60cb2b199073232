/* HTTP/1.x request parser. */
#include "request.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *dup_range(const char *s, size_t n)
{
    return strndup(s, n);
}

static const char *find_crlf(const char *p, const char *end)
{
    for (; p + 1 < end; p++) {
        if (p[0] == '\r' && p[1] == '\n')
            return p;
    }
    return NULL;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    return tolower(c) - 'a' + 10;
}

char *url_decode(const char *s, size_t n)
{
    /* Decoding never makes the string longer: work in place on a copy. */
    char *out = strndup(s, n);
    if (out == NULL)
        return NULL;
    size_t len = strlen(out);
    size_t j = 0;
    for (size_t i = 0; i < len; i++) {
        if (out[i] == '%' && i + 2 < len && isxdigit((unsigned char)out[i + 1]) &&
            isxdigit((unsigned char)out[i + 2])) {
            out[j++] = (char)(hexval(out[i + 1]) * 16 + hexval(out[i + 2]));
            i += 2;
        } else if (out[i] == '+') {
            out[j++] = ' ';
        } else {
            out[j++] = out[i];
        }
    }
    out[j] = '\0';
    return out;
}

static int parse_request_line(struct request *req, const char *line, size_t len)
{
    const char *end = line + len;
    const char *sp1 = memchr(line, ' ', len);
    if (sp1 == NULL || sp1 == line)
        return -1;
    const char *sp2 = memchr(sp1 + 1, ' ', (size_t)(end - sp1 - 1));
    if (sp2 == NULL || sp2 == sp1 + 1)
        return -1;

    req->method = dup_range(line, (size_t)(sp1 - line));
    req->target = dup_range(sp1 + 1, (size_t)(sp2 - sp1 - 1));
    if (req->method == NULL || req->target == NULL)
        goto fail;

    const char *ver = sp2 + 1;
    if (end - ver != 8 || memcmp(ver, "HTTP/1.", 7) != 0 ||
        (ver[7] != '0' && ver[7] != '1')) {
        /* Unsupported protocol version: drop what we have so far. */
        free(req->target);
        goto fail;
    }
    req->minor_version = ver[7] - '0';

    char *q = strchr(req->target, '?');
    if (q != NULL) {
        req->path = dup_range(req->target, (size_t)(q - req->target));
        req->query = strdup(q + 1);
        if (req->query == NULL)
            goto fail;
    } else {
        req->path = strdup(req->target);
    }
    if (req->path == NULL)
        goto fail;
    return 0;

fail:
    free(req->method);
    free(req->target); // BUG(CWE-415): already freed on the bad-version path above
    free(req->path);
    req->method = NULL;
    req->target = NULL;
    req->path = NULL;
    return -1;
}

static int parse_header(struct request *req, const char *line, size_t len)
{
    const char *end = line + len;
    const char *colon = memchr(line, ':', len);
    if (colon == NULL || colon == line)
        return -1;
    if (req->nheaders == MAX_HEADERS)
        return -1;

    const char *v = colon + 1;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;

    struct header *h = &req->headers[req->nheaders];
    h->name = dup_range(line, (size_t)(colon - line));
    h->value = dup_range(v, (size_t)(end - v));
    if (h->name == NULL || h->value == NULL) {
        free(h->name);
        free(h->value);
        h->name = NULL;
        h->value = NULL;
        return -1;
    }
    req->nheaders++;
    return 0;
}

int request_parse(struct request *req, const char *buf, size_t len)
{
    memset(req, 0, sizeof(*req));
    const char *end = buf + len;

    const char *eol = find_crlf(buf, end);
    if (eol == NULL)
        return -1;
    if (parse_request_line(req, buf, (size_t)(eol - buf)) != 0)
        return -1;

    const char *p = eol + 2;
    for (;;) {
        eol = find_crlf(p, end);
        if (eol == NULL)
            return -1;
        if (eol == p) { /* empty line: end of the header block */
            p += 2;
            break;
        }
        if (parse_header(req, p, (size_t)(eol - p)) != 0)
            return -1;
        p = eol + 2;
    }

    const char *cl = request_header(req, "Content-Length");
    if (cl != NULL) {
        char *e;
        unsigned long v = strtoul(cl, &e, 10);
        if (e == cl || *e != '\0')
            return -1;
        req->content_length = v;
    }
    req->body = p;
    req->body_len = (size_t)(end - p);
    if (req->body_len > req->content_length)
        req->body_len = req->content_length;
    return 0;
}

void request_free(struct request *req)
{
    free(req->method);
    free(req->target);
    free(req->path);
    free(req->query);
    for (size_t i = 0; i < req->nheaders; i++) {
        free(req->headers[i].name);
        free(req->headers[i].value);
    }
    memset(req, 0, sizeof(*req));
}

const char *request_header(const struct request *req, const char *name)
{
    for (size_t i = 0; i < req->nheaders; i++) {
        if (strcasecmp(req->headers[i].name, name) == 0)
            return req->headers[i].value;
    }
    return NULL;
}

char *request_query_param(const struct request *req, const char *name)
{
    if (req->query == NULL)
        return NULL;
    size_t nlen = strlen(name);
    const char *p = req->query;
    while (*p != '\0') {
        size_t seg = strcspn(p, "&");
        if (seg > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=')
            return url_decode(p + nlen + 1, seg - nlen - 1);
        if (seg == nlen && strncmp(p, name, nlen) == 0)
            return url_decode("", 0);
        p += seg;
        if (*p == '&')
            p++;
    }
    return NULL;
}
