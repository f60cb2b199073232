/* Repair fixture: names from outside become words of shell commands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Added by mamori fix: whether TEXT is one plain shell word: letters, digits and . _ - + : @ , = /
   only, and no leading '-'. A shell reads none of them as syntax, so the text can neither end
   the command nor start another, redirect, quote, expand, or pass an option. */
static int mamori_shell_word(const char *text)
{
    int isalnum(int c);
    if (text[0] == '-')
        return 0;
    for (size_t i = 0; text[i] != '\0'; i++) {
        if (!isalnum((unsigned char)text[i]) && text[i] != '.' && text[i] != '_' && text[i] != '-' &&
            text[i] != '+' && text[i] != ':' && text[i] != '@' && text[i] != ',' && text[i] != '=' &&
            text[i] != '/')
            return 0;
    }
    return 1;
}

/* Pings the gateway the environment names; the output goes to the log. */
int ping_gateway(void)
{
    const char *host = getenv("GATEWAY");
    char cmd[128];
    if (host == NULL)
        return -1;
    if (!mamori_shell_word(host)) {
        return -1;
    }
    snprintf(cmd, sizeof(cmd), "ping -c 1 %s >/var/log/ping.log 2>&1", host);
    return system(cmd); // expect-fix: command-allowlist
}

int rollback(const char *pool)
{
    char snapshot[64];
    char cmd[256] = "zfs rollback ";
    if (fgets(snapshot, sizeof(snapshot), stdin) == NULL)
        return -1;
    snapshot[strcspn(snapshot, "\n")] = '\0';
    strcat(cmd, pool);
    strcat(cmd, "@");
    if (!mamori_shell_word(snapshot)) {
        return -1;
    }
    strcat(cmd, snapshot);
    FILE *p = popen(cmd, "r"); // expect-fix: command-allowlist
    if (p == NULL)
        return -1;
    return pclose(p);
}
