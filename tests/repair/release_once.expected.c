/* Repair fixture: a buffer is released on an error path and again at the end. */
#include <stdlib.h>
#include <string.h>

struct msg {
    char *body;
    size_t len;
};

int msg_parse(struct msg *m, const char *text)
{
    m->body = strdup(text);
    if (m->body == NULL)
        return -1;
    m->len = strlen(m->body);
    if (m->len == 0) {
        free(m->body);
        m->body = NULL;
    }
    free(m->body); // expect-fix: null-after-release
    return 0;
}
