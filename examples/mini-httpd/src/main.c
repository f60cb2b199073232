/*
 * mini-httpd: a deliberately vulnerable, tiny HTTP/1.0 server used as
 * the bundled example for mamori.  DO NOT DEPLOY.
 *
 *   mini-httpd [-r docroot] [-p port] [-x] [-v]   serve on 127.0.0.1:port
 *   mini-httpd -i [-r docroot] [-x] < request     handle one request from
 *                                                 stdin, reply on stdout
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "httpd.h"
#include "log.h"

static void usage(const char *prog)
{
    fprintf(stderr,
            "usage: %s [-r docroot] [-p port] [-x] [-v]\n"
            "       %s -i [-r docroot] [-x] < request\n"
            "  -i  read one request from stdin and answer on stdout\n"
            "  -x  enable /diag/ping (runs ping(8))\n"
            "  -v  verbose logging\n",
            prog, prog);
}

/*
 * Bytes needed for the complete request in buf, or 0 while the header
 * block is still incomplete.  Never more than cap.
 */
static size_t expected_length(const char *buf, size_t cap)
{
    const char *hdr_end = strstr(buf, "\r\n\r\n");
    if (hdr_end == NULL)
        return 0;
    size_t total = (size_t)(hdr_end - buf) + 4;

    const char *line = strstr(buf, "\r\n");
    while (line != NULL && line < hdr_end) {
        line += 2;
        if (strncasecmp(line, "Content-Length:", 15) == 0) {
            unsigned long cl = strtoul(line + 15, NULL, 10);
            if (cl > cap)
                cl = cap;
            total += cl;
            break;
        }
        line = strstr(line, "\r\n");
    }
    return total < cap ? total : cap;
}

/* Reads one request from a client socket into buf (NUL-terminated). */
static size_t read_request(int fd, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    while (len < cap) {
        ssize_t n = recv(fd, buf + len, cap - len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
        buf[len] = '\0';
        size_t want = expected_length(buf, cap);
        if (want != 0 && len >= want)
            break;
    }
    return len;
}

/* Reads stdin until EOF (or cap bytes) into buf (NUL-terminated). */
static size_t read_stdin(char *buf, size_t cap)
{
    size_t len = 0;
    while (len < cap) {
        ssize_t n = read(STDIN_FILENO, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    return len;
}

static int open_listener(unsigned short port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));

    struct sockaddr_in addr;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 || listen(fd, 16) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int serve(const struct httpd_config *cfg, unsigned short port)
{
    static char buf[REQ_MAX + 1];
    int lfd = open_listener(port);
    if (lfd < 0) {
        log_error("cannot listen on port %u: %s", (unsigned)port, strerror(errno));
        return 1;
    }
    log_error("listening on http://127.0.0.1:%u/", (unsigned)port);
    for (;;) {
        int cfd = accept(lfd, NULL, NULL);
        if (cfd < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        size_t len = read_request(cfd, buf, REQ_MAX);
        if (len > 0)
            httpd_handle(cfg, buf, len, cfd);
        close(cfd);
    }
    close(lfd);
    return 1;
}

int main(int argc, char **argv)
{
    struct httpd_config cfg = {"./www", 0, stderr};
    int from_stdin = 0;
    unsigned short port = 8080;
    int opt;

    while ((opt = getopt(argc, argv, "ir:p:xvh")) != -1) {
        switch (opt) {
        case 'i':
            from_stdin = 1;
            break;
        case 'r':
            cfg.doc_root = optarg;
            break;
        case 'p':
            port = (unsigned short)atoi(optarg);
            break;
        case 'x':
            cfg.allow_exec = 1;
            break;
        case 'v':
            log_set_verbose(1);
            break;
        default:
            usage(argv[0]);
            return opt == 'h' ? 0 : 2;
        }
    }

    signal(SIGPIPE, SIG_IGN);
    if (from_stdin) {
        static char buf[REQ_MAX + 1];
        size_t len = read_stdin(buf, REQ_MAX);
        int status = httpd_handle(&cfg, buf, len, STDOUT_FILENO);
        return status < 400 ? 0 : 1;
    }
    return serve(&cfg, port);
}
