// FreeType 2 (Debian libfreetype-dev): glyph rasterisation for Plotting's PNG backend.
#include <ft2build.h>
#include FT_FREETYPE_H
