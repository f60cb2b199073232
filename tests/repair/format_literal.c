/* Repair fixture: a message read from the network is printed as a format. */
#include <stdio.h>
#include <syslog.h>
#include <sys/socket.h>

int relay_banner(int sock, FILE *log)
{
    char msg[256];
    ssize_t n = recv(sock, msg, sizeof(msg) - 1, 0);
    if (n <= 0)
        return -1;
    msg[n] = '\0';
    fprintf(log, msg); // expect-fix: format-literal
    syslog(LOG_INFO, msg); // expect-fix: format-literal
    return 0;
}
