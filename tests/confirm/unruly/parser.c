#include "parser.h"

#include <stdlib.h>
#include <string.h>

/* 'L' then a byte: waits for a terminator that never comes when the byte is 0. */
static int skip_padding(const uint8_t *data, size_t size)
{
    size_t step = size > 1 ? data[1] : 1;
    size_t i = 0;
    while (i < size && data[i] != ';')
        i += step;
    return (int)i;
}

/* 'M': keeps a list of blocks that only grows. */
static int hoard(size_t size)
{
    static char *blocks[1 << 16];
    static size_t used;
    for (int k = 0; k < 160 && used < (1 << 16); ++k) {
        blocks[used] = malloc(1 << 20);
        if (blocks[used] == NULL)
            return -1;
        memset(blocks[used], (int)size, 1 << 20);
        used++;
    }
    return 0;
}

int parse_block(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    if (data[0] == 'L')
        return skip_padding(data, size);
    if (data[0] == 'M')
        return hoard(size);
    return 0;
}
