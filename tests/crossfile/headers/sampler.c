#include "telemetry.h"

int sample(size_t n)
{
    int *window = tm_window_new(n);
    int first = window ? window[0] : -1;
    free(window);
    return first;
}
