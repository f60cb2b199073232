/* Repair fixture: names from outside become words of shell commands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Pings the gateway the environment names; the output goes to the log. */
int ping_gateway(void)
{
    const char *host = getenv("GATEWAY");
    char cmd[128];
    if (host == NULL)
        return -1;
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
    strcat(cmd, snapshot);
    FILE *p = popen(cmd, "r"); // expect-fix: command-allowlist
    if (p == NULL)
        return -1;
    return pclose(p);
}
