/* Repair fixture: names from outside are opened below the folders they belong in. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SPOOL_DIR "/var/spool/jobs/"

struct config {
    const char *doc_root;
};

/* Added by mamori fix: whether PATH, once links and ".." are resolved, is ROOT or lies
   below it. A file that does not exist yet is judged by the folder it would be made in. */
static int mamori_path_within(const char *path, const char *root)
{
    char *real_root = realpath(root, NULL);
    char *real = realpath(path, NULL);
    if (real == NULL) {
        size_t length = strlen(path);
        char *folder = (char *)malloc(length + 1);
        char *slash = NULL;
        if (folder != NULL) {
            memcpy(folder, path, length + 1);
            slash = strrchr(folder, '/');
        }
        const char *leaf = slash != NULL ? slash + 1 : path;
        if (folder != NULL && strcmp(leaf, "..") != 0 && strcmp(leaf, ".") != 0) {
            if (slash == folder)
                slash[1] = '\0';
            else if (slash != NULL)
                *slash = '\0';
            real = realpath(slash != NULL ? folder : ".", NULL);
        }
        free(folder);
    }
    size_t n = real_root != NULL ? strlen(real_root) : 0;
    if (real_root == NULL || real == NULL || strncmp(real, real_root, n) != 0 ||
        (n > 1 && real[n] != '\0' && real[n] != '/')) {
        free(real_root);
        free(real);
        return 0;
    }
    free(real_root);
    free(real);
    return 1;
}

/* Prints a job's file; the name comes from stdin. */
int show_spool_file(void)
{
    char name[64], path[128];
    if (fgets(name, sizeof(name), stdin) == NULL)
        return -1;
    name[strcspn(name, "\n")] = '\0';
    snprintf(path, sizeof(path), "/var/spool/jobs/%s", name);
    if (!mamori_path_within(path, "/var/spool/jobs/")) {
        return -1;
    }
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
    if (!mamori_path_within(path, cfg->doc_root)) {
        return -1;
    }
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
    if (!mamori_path_within(path, SPOOL_DIR)) {
        return -1;
    }
    if (remove(path) != 0) // expect-fix: path-root-check
        return -1;
    return 0;
}

int touch_named_file(void)
{
    char *name = getenv("OUTPUT_NAME");
    if (name == NULL)
        return -1;
    if (!mamori_path_within(name, ".")) {
        return -1;
    }
    FILE *f = fopen(name, "w"); // expect-fix: path-root-check
    if (f == NULL)
        return -1;
    fclose(f);
    return 0;
}
