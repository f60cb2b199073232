/* Repair fixture: sizes read from a header are multiplied and added unchecked. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define RECORD_SIZE 24

/* The largest block input may make this file allocate: set it to what the data needs. */
#define INPUT_ALLOCATION_LIMIT ((size_t)16 << 20)

void *alloc_records(const unsigned char *hdr)
{
    uint32_t nrec;
    memcpy(&nrec, hdr, sizeof(nrec));
    nrec = ntohl(nrec);
    if (nrec > INPUT_ALLOCATION_LIMIT / RECORD_SIZE) {
        return NULL;
    }
    size_t product;
    if (__builtin_mul_overflow(nrec, RECORD_SIZE, &product)) {
        return NULL;
    }
    return malloc(product); // expect-fix: checked-arithmetic
}

int frame_length(const unsigned char *hdr, uint16_t *out)
{
    uint16_t hlen, plen;
    memcpy(&hlen, hdr, 2);
    memcpy(&plen, hdr + 2, 2);
    hlen = ntohs(hlen);
    plen = ntohs(plen);
    uint16_t total; // expect-fix: checked-arithmetic
    if (__builtin_add_overflow(hlen, plen, &total)) {
        return -1;
    }
    *out = total;
    return 0;
}
