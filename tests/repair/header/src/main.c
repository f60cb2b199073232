#include "buf.h"

int main(void)
{
    char out[8];
    return copy_name(out, sizeof(out)) + ratio(10);
}
