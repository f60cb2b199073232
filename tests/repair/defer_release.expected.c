/* Repair fixture: a name is logged after it was released. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct job {
    int id;
    char *name;
};

void job_close(struct job *j, int verbose)
{
    if (verbose)
        printf("closing job %d (%s)\n", j->id, j->name); // expect-fix: defer-release
    free(j->name);
    j->name = NULL;
}

int job_status(struct job *j)
{
    int *status = malloc(sizeof(*status));
    if (status == NULL)
        return -1;
    *status = j->id % 4;
    int result = *status;
    free(status);
    return result; // expect-fix: defer-release
}

int job_send(struct job *j, FILE *out)
{
    char *line = malloc(64);
    if (line == NULL)
        return -1;
    snprintf(line, 64, "job %d\n", j->id);
    size_t n = fwrite(line, 1, strlen(line), out);
    if (n == 0) {
        fprintf(stderr, "cannot send %s", line); // expect-fix: defer-release
        free(line);
        return -1;
    }
    free(line);
    if (ferror(out))
        return -1;
    return 0;
}
