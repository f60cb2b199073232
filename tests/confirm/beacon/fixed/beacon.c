/* beacon: a field station's telemetry. It pulls a reading from its collector as a TCP
 * client, and serves an averaging request as a TCP server. It has no fuzz target:
 * confirm must write harnesses, and the network is the input. */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define COLLECTOR_PORT 7401
#define SERVICE_PORT 7402
#define CHANNELS 8

/* Reads what the peer sends, up to cap - 1 bytes, as a string. */
static int receive_text(int fd, char *buf, size_t cap)
{
    size_t got = 0;
    while (got < cap - 1) {
        ssize_t n = recv(fd, buf + got, cap - 1 - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    buf[got] = '\0';
    return (int)got;
}

/* Connects to the collector and reads its message into buf, as a string; -1 when it is
 * not there. */
static int ask_collector(char *buf, size_t cap)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in collector;
    memset(&collector, 0, sizeof collector);
    collector.sin_family = AF_INET;
    collector.sin_port = htons(COLLECTOR_PORT);
    collector.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&collector, sizeof collector) != 0) {
        close(fd);
        return -1;
    }
    int n = receive_text(fd, buf, cap);
    close(fd);
    return n;
}

/* "CHANNEL VALUE" from the collector, added to that channel's total. */
void pull_reading(void)
{
    int totals[CHANNELS] = {0};
    char line[64];
    if (ask_collector(line, sizeof line) < 0)
        return;
    int channel = atoi(line);
    const char *space = strchr(line, ' ');
    int value = space ? atoi(space + 1) : 0;
    if (channel < 0 || channel >= CHANNELS)
        return;
    totals[channel] += value;
    printf("channel %d total %d\n", channel, totals[channel]);
}

/* Answers "SUM COUNT" requests with the average, one per client, for as long as it runs. */
void serve_average(void)
{
    char request[64];
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    if (listener < 0)
        return;
    struct sockaddr_in service;
    memset(&service, 0, sizeof service);
    service.sin_family = AF_INET;
    service.sin_port = htons(SERVICE_PORT);
    service.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(listener, (struct sockaddr *)&service, sizeof service) != 0 || listen(listener, 4) != 0) {
        close(listener);
        return;
    }
    for (;;) {
        int client = accept(listener, NULL, NULL);
        if (client < 0)
            break;
        receive_text(client, request, sizeof request);
        int sum = 0, count = 0;
        if (sscanf(request, "%d %d", &sum, &count) == 2 && sum >= 0 && count > 0) {
            char answer[32];
            int n = snprintf(answer, sizeof answer, "%d\n", sum / count);
            send(client, answer, (size_t)n, 0);
        }
        close(client);
    }
    close(listener);
}

static const int calibration[CHANNELS] = {0, -3, 2, 0, 5, -1, 0, 4};

static void log_offset(int channel, int offset)
{
    printf("channel %d offset %d\n", channel, offset);
}

/* "CHANNEL" from the collector: that channel's calibration offset, told. */
void report_calibration(void)
{
    char line[64];
    int offset;
    if (ask_collector(line, sizeof line) < 0)
        return;
    int channel = atoi(line);
    if (channel < 0 || channel >= CHANNELS)
        return;
    offset = calibration[channel];
    log_offset(channel, offset);
}

/* "RESTART UNIT" from the collector: the station restarts that unit's service. The
 * program ends here, replaced by the shell, as a supervisor would have it. */
void apply_command(void)
{
    char line[64], command[128];
    if (ask_collector(line, sizeof line) < 0)
        return;
    if (strncmp(line, "RESTART ", 8) != 0)
        return;
    const char *unit = line + 8;
    for (const char *c = unit; *c; ++c)
        if (!isalnum((unsigned char)*c) && *c != '-')
            return;
    snprintf(command, sizeof command, "echo restarting %s", unit);
    execl("/bin/sh", "sh", "-c", command, (char *)NULL);
}

int main(void)
{
    pull_reading();
    serve_average();
    return 0;
}
