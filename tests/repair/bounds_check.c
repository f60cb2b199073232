/* Repair fixture: an index and a length from the user address fixed buffers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SLOTS 16

int set_slot(const char *arg, int value)
{
    int slots[MAX_SLOTS] = {0};
    int slot = atoi(arg);
    slots[slot] = value; // expect-fix: bounds-check
    return slots[0];
}

int copy_field(const char *src, const char *len_text)
{
    char field[32];
    long len = strtol(len_text, NULL, 10);
    memcpy(field, src, len); // expect-fix: bounds-check
    field[0] = 'x';
    return field[1];
}

void greet(const char *name)
{
    char banner[16];
    strcpy(banner, "hello, ");
    strcat(banner, "administrator of this host"); // expect-fix: bounds-check
    puts(banner);
}

static unsigned checksum(const unsigned char *buf, size_t n)
{
    unsigned sum = 0;
    for (size_t i = 0; i <= n; i++)
        sum += buf[i]; // expect-fix: bounds-check
    return sum;
}

unsigned frame_checksum(void)
{
    unsigned char frame[16] = {0};
    return checksum(frame, sizeof frame);
}

void append_name(const char *name)
{
    char line[32] = "name: ";
    strncat(line, name, 64); // expect-fix: bounds-check
    puts(line);
}
