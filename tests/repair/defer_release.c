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
    free(j->name);
    if (verbose)
        printf("closing job %d (%s)\n", j->id, j->name); // expect-fix: defer-release
    j->name = NULL;
}

int job_status(struct job *j)
{
    int *status = malloc(sizeof(*status));
    if (status == NULL)
        return -1;
    *status = j->id % 4;
    free(status);
    return *status; // expect-fix: defer-release
}
