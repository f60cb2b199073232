/* Repair fixture: a pointer is dereferenced and only then tested for NULL. The check goes
   before the first dereference, and it names the tested pointer (`s`), not the field read
   through it. */
#include <stdlib.h>

struct session {
    int id;
    char *pending;
};

void session_close(struct session *s)
{
    if (s == NULL) {
        return;
    }
    free(s->pending); // expect-fix: null-check
    s->pending = NULL;
    if (s)
        free(s);
}
