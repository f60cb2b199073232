/* Repair fixture: sizes read from a header are multiplied and added unchecked. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define RECORD_SIZE 24

void *alloc_records(const unsigned char *hdr)
{
    uint32_t nrec;
    memcpy(&nrec, hdr, sizeof(nrec));
    nrec = ntohl(nrec);
    return malloc(nrec * RECORD_SIZE); // expect-fix: checked-arithmetic
}

int frame_length(const unsigned char *hdr, uint16_t *out)
{
    uint16_t hlen, plen;
    memcpy(&hlen, hdr, 2);
    memcpy(&plen, hdr + 2, 2);
    hlen = ntohs(hlen);
    plen = ntohs(plen);
    uint16_t total = hlen + plen; // expect-fix: checked-arithmetic
    *out = total;
    return 0;
}
