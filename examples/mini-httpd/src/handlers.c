/* Request handlers and response handling. */
#include "httpd.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

struct sample {
    char name[24];
    double value;
};

struct response *response_new(void)
{
    struct response *res = malloc(sizeof(*res));
    res->status = 200; // BUG(CWE-476): malloc result is used without a NULL check
    res->reason = "OK";
    res->content_type = "text/plain";
    res->body = NULL;
    res->body_len = 0;
    return res;
}

void response_free(struct response *res)
{
    if (res == NULL)
        return;
    free(res->body);
    free(res);
}

static int set_body(struct response *res, const char *data, size_t len,
                    const char *type)
{
    char *copy = malloc(len > 0 ? len : 1);
    if (copy == NULL)
        return -1;
    if (len > 0)
        memcpy(copy, data, len);
    free(res->body);
    res->body = copy;
    res->body_len = len;
    res->content_type = type;
    return 0;
}

static int set_status(struct response *res, int status, const char *reason)
{
    char text[128];
    int n = snprintf(text, sizeof(text), "%d %s\n", status, reason);
    res->status = status;
    res->reason = reason;
    set_body(res, text, n > 0 ? (size_t)n : 0, "text/plain");
    return status;
}

static const char *content_type_for(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (dot == NULL)
        return "application/octet-stream";
    if (strcmp(dot, ".html") == 0 || strcmp(dot, ".htm") == 0)
        return "text/html";
    if (strcmp(dot, ".txt") == 0)
        return "text/plain";
    if (strcmp(dot, ".json") == 0)
        return "application/json";
    return "application/octet-stream";
}

/* GET /files/<name>: static files below the document root. */
static int handle_files(const struct httpd_config *cfg,
                        const struct request *req, struct response *res)
{
    char path[PATH_MAX];
    char data[8192];
    const char *name = req->path + strlen("/files/");

    char *decoded = url_decode(name, strlen(name));
    if (decoded == NULL)
        return set_status(res, 500, "Internal Server Error");
    snprintf(path, sizeof(path), "%s/%s", cfg->doc_root, decoded);

    FILE *fp = fopen(path, "rb"); // BUG(CWE-22): "../" in the name escapes the document root
    if (fp == NULL) {
        int err = errno;
        free(decoded);
        log_error("cannot open %s: %s", decoded, strerror(err)); // BUG(CWE-416): decoded was just freed
        return set_status(res, 404, "Not Found");
    }
    size_t n = fread(data, 1, sizeof(data), fp);
    fclose(fp);
    log_debug("served %zu bytes of %s", n, path);
    if (set_body(res, data, n, content_type_for(decoded)) != 0) {
        free(decoded);
        return set_status(res, 500, "Internal Server Error");
    }
    free(decoded);
    return 200;
}

/* GET /diag/ping?host=<host>: reachability check for the admin page. */
static int handle_ping(const struct httpd_config *cfg,
                       const struct request *req, struct response *res)
{
    char cmd[256];
    char out[4096];

    char *host = request_query_param(req, "host");
    if (host == NULL)
        return set_status(res, 400, "Bad Request");
    if (host[0] == '\0')
        return set_status(res, 400, "Bad Request"); // BUG(CWE-401): host is leaked on this error path
    if (!cfg->allow_exec) {
        free(host);
        return set_status(res, 403, "Forbidden");
    }

    snprintf(cmd, sizeof(cmd), "ping -c 1 -W 1 %s 2>&1", host);
    free(host);
    FILE *p = popen(cmd, "r"); // BUG(CWE-78): the host parameter is interpreted by the shell
    if (p == NULL)
        return set_status(res, 500, "Internal Server Error");
    size_t n = fread(out, 1, sizeof(out), p);
    int rc = pclose(p);
    set_body(res, out, n, "text/plain");
    if (rc != 0) {
        res->status = 502;
        res->reason = "Bad Gateway";
    }
    return res->status;
}

/* POST /echo: returns the request body (used by the health checker). */
static int handle_echo(const struct request *req, struct response *res)
{
    char msg[256];

    if (req->body_len < req->content_length)
        return set_status(res, 400, "Bad Request"); /* truncated body */
    memcpy(msg, req->body, req->content_length); // BUG(CWE-121): Content-Length is never checked against sizeof(msg)
    if (set_body(res, msg, req->content_length, "text/plain") != 0)
        return set_status(res, 500, "Internal Server Error");
    return 200;
}

/*
 * POST /metrics: the agent announces the number of samples in
 * X-Sample-Count and sends one "<name> <value>" line per sample.
 */
static int handle_metrics(const struct request *req, struct response *res)
{
    const char *hdr = request_header(req, "X-Sample-Count");
    if (hdr == NULL)
        return set_status(res, 400, "Bad Request");
    unsigned long count = strtoul(hdr, NULL, 10);
    if (count == 0)
        return set_status(res, 400, "Bad Request");

    struct sample *samples = malloc(count * sizeof(struct sample)); // BUG(CWE-190): count * 32 wraps around for huge counts
    if (samples == NULL)
        return set_status(res, 413, "Payload Too Large");

    size_t n = 0;
    double sum = 0.0;
    const char *p = req->body;
    const char *end = req->body + req->body_len;
    while (p < end && n < count) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl != NULL ? nl : end;
        const char *sp = memchr(p, ' ', (size_t)(eol - p));
        if (sp != NULL) {
            char num[32];
            size_t nlen = (size_t)(sp - p);
            size_t vlen = (size_t)(eol - sp - 1);
            if (nlen >= sizeof(samples[n].name))
                nlen = sizeof(samples[n].name) - 1;
            if (vlen >= sizeof(num))
                vlen = sizeof(num) - 1;
            memcpy(samples[n].name, p, nlen);
            samples[n].name[nlen] = '\0';
            memcpy(num, sp + 1, vlen);
            num[vlen] = '\0';
            samples[n].value = strtod(num, NULL);
            sum += samples[n].value;
            n++;
        }
        p = eol + 1;
    }

    char text[128];
    int len = snprintf(text, sizeof(text), "accepted %zu samples, sum %.3f\n", n, sum);
    free(samples);
    if (set_body(res, text, len > 0 ? (size_t)len : 0, "text/plain") != 0)
        return set_status(res, 500, "Internal Server Error");
    return 200;
}

int handle_request(const struct httpd_config *cfg, const struct request *req,
                   struct response *res)
{
    int is_get = strcmp(req->method, "GET") == 0;
    int is_post = strcmp(req->method, "POST") == 0;

    if (is_get && strncmp(req->path, "/files/", 7) == 0)
        return handle_files(cfg, req, res);
    if (is_get && strcmp(req->path, "/diag/ping") == 0)
        return handle_ping(cfg, req, res);
    if (is_post && strcmp(req->path, "/echo") == 0)
        return handle_echo(req, res);
    if (is_post && strcmp(req->path, "/metrics") == 0)
        return handle_metrics(req, res);
    if (is_get && strcmp(req->path, "/") == 0) {
        static const char index_html[] =
            "<html><body><h1>mini-httpd</h1>"
            "<a href=\"/files/index.html\">files</a></body></html>\n";
        set_body(res, index_html, sizeof(index_html) - 1, "text/html");
        return 200;
    }
    if (!is_get && !is_post)
        return set_status(res, 405, "Method Not Allowed");
    return set_status(res, 404, "Not Found");
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int response_send(const struct response *res, int fd)
{
    char head[256];
    int n = snprintf(head, sizeof(head),
                     "HTTP/1.0 %d %s\r\n"
                     "Content-Type: %s\r\n"
                     "Content-Length: %zu\r\n"
                     "Connection: close\r\n\r\n",
                     res->status, res->reason, res->content_type, res->body_len);
    if (n < 0 || (size_t)n >= sizeof(head))
        return -1;
    if (write_all(fd, head, (size_t)n) != 0)
        return -1;
    return write_all(fd, res->body, res->body_len);
}

int httpd_handle(const struct httpd_config *cfg, const char *buf, size_t len,
                 int out_fd)
{
    struct request req;
    struct response *res = response_new();

    if (request_parse(&req, buf, len) != 0) {
        set_status(res, 400, "Bad Request");
    } else {
        handle_request(cfg, &req, res);
        log_access(cfg->access_log, &req, res->status, res->body_len);
    }
    if (out_fd >= 0 && response_send(res, out_fd) != 0)
        log_error("short write to client");

    int status = res->status;
    response_free(res);
    request_free(&req);
    return status;
}
