/* Repair fixture: names from outside are opened below the folders they belong in. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SPOOL_DIR "/var/spool/jobs/"

struct config {
    const char *doc_root;
};

/* Prints a job's file; the name comes from stdin. */
int show_spool_file(void)
{
    char name[64], path[128];
    if (fgets(name, sizeof(name), stdin) == NULL)
        return -1;
    name[strcspn(name, "\n")] = '\0';
    snprintf(path, sizeof(path), "/var/spool/jobs/%s", name);
    FILE *f = fopen(path, "r"); // expect-fix: path-root-check
    if (f == NULL)
        return -1;
    fclose(f);
    return 0;
}

/* Serves a document below the configured root. */
long document_size(const struct config *cfg)
{
    char path[256];
    const char *request = getenv("DOCUMENT");
    if (request == NULL)
        return -1;
    snprintf(path, sizeof(path), "%s/%s", cfg->doc_root, request);
    FILE *f = fopen(path, "rb"); // expect-fix: path-root-check
    if (f == NULL)
        return -1;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    return size;
}

int remove_job(void)
{
    char path[128] = SPOOL_DIR;
    char *name = getenv("JOB_NAME");
    if (name == NULL)
        return -1;
    strncat(path, name, sizeof(path) - strlen(path) - 1);
    if (remove(path) != 0) // expect-fix: path-root-check
        return -1;
    return 0;
}

int touch_named_file(void)
{
    char *name = getenv("OUTPUT_NAME");
    if (name == NULL)
        return -1;
    FILE *f = fopen(name, "w"); // expect-fix: path-root-check
    if (f == NULL)
        return -1;
    fclose(f);
    return 0;
}
