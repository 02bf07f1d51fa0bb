#pragma once
// Private to images/: the EXIF orientation tag of a JPEG's APP1 segment, and turning
// decoded pixels the way it says, so that callers see the photo as a phone shows it.
#include <cstddef>
#include <span>

#include "examdocs/images/pixels.h"

namespace examdocs::images {

// 1–8 as TIFF tag 0x0112 defines them; 1 (as stored) for anything missing or malformed.
// `app1` is the segment's payload, starting with "Exif\0\0".
int exif_orientation(std::span<const std::byte> app1);

// Whether the orientation swaps width and height (5–8: a quarter turn).
inline bool swaps_sides(int orientation) { return orientation >= 5 && orientation <= 8; }

// The pixels as displayed. Orientation 1 returns them unchanged (moved).
Pixels apply_orientation(Pixels stored, int orientation);

}  // namespace examdocs::images
