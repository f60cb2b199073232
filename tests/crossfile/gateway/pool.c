// Returns a buffer to the allocator. The unit test builds it with POOL_TESTING, which only
// marks the buffer, so the test's copy of pool_put says something else than the product's.
#include <stdlib.h>

void pool_put(char *p) {
#ifndef POOL_TESTING
    free(p);
#else
    p[0] = '\0';
#endif
}
