// zlib (Debian zlib1g-dev): deflate and crc32 for the PNG encoder in Plotting.
#include <zlib.h>
