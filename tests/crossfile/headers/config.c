#include "telemetry.h"

int config_channels(void)
{
    return 16;
}
