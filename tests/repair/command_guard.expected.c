/* Repair fixture: a listing command whose argument is read straight into it from stdin. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int list_folder(void)
{
    char cmd[128] = "ls -l ";
    size_t used = strlen(cmd);
    if (fgets(cmd + used, (int)(sizeof(cmd) - used), stdin) == NULL)
        return -1;
    cmd[strcspn(cmd, "\n")] = '\0';
    if (strpbrk(cmd, ";|&`$<>\\\n") != NULL) {
        return -1;
    }
    return system(cmd); // expect-fix: command-metacharacter-guard
}
