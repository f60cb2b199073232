// Unit test that includes the source it tests, as many C projects do; it defines pool_put
// a second time, with another summary.
#define POOL_TESTING
#include "pool.c"

int main(void) {
    char scratch[8];
    pool_put(scratch);
    return 0;
}
