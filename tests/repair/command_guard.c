/* Repair fixture: a host name from the environment reaches the shell. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ping_gateway(void)
{
    const char *host = getenv("GATEWAY");
    char cmd[128];
    if (host == NULL)
        return -1;
    snprintf(cmd, sizeof(cmd), "ping -c 1 %s", host);
    return system(cmd); // expect-fix: command-metacharacter-guard
}
