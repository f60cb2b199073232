/* Repair fixture: a file name read from stdin is opened under a spool folder. */
#include <stdio.h>
#include <string.h>

int show_spool_file(void)
{
    char name[64], path[128];
    if (fgets(name, sizeof(name), stdin) == NULL)
        return -1;
    name[strcspn(name, "\n")] = '\0';
    snprintf(path, sizeof(path), "/var/spool/jobs/%s", name);
    if (strstr(path, "..") != NULL) {
        return -1;
    }
    FILE *f = fopen(path, "r"); // expect-fix: path-dotdot-guard
    if (f == NULL)
        return -1;
    fclose(f);
    return 0;
}
