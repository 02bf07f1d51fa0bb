#pragma once
// Private to fonts/: rewrites the cmap of a subset font for libharu's sake.
//
// libharu 2.3.0 builds a 65,536-entry CIDToGIDMap for every font by looking up each code
// point with a linear scan over the cmap's format 4 segments. A subset of scattered
// Chinese characters has one segment per character, so that scan was a quarter of the
// time of rendering a whole admission ticket. Here nearby code points share a segment
// (glyph ids from an array, zeros for the gaps), which leaves a handful of segments: a
// lookup ends within a few compares, and the mostly-zero array deflates to little.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace examdocs::fonts {

// `ttf` is a TrueType font; `mapping` holds (BMP code point, glyph id) pairs. Returns the
// font with its cmap table replaced. Throws std::runtime_error for a malformed font.
std::string with_flat_cmap(const std::string& ttf,
                           const std::vector<std::pair<char32_t, std::uint16_t>>& mapping);

}  // namespace examdocs::fonts
