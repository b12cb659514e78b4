// Only the declaration in include/CFuzzerDriver.h matters; SwiftPM needs one source file per C target.
#include "CFuzzerDriver.h"
