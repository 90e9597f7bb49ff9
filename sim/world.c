/* The simulated world (placeholder until the simulator lands). */
#include "sim/world.h"
