#pragma once
// Cropping and reducing decoded pixels, for the modules that place or read an image
// without OpenCV (renderers' photos, the QR reader): OpenCV's imgproc would bring its
// core and ~60 MB of shared libraries into every process for one resize.
// Pure functions, thread-safe.
#include "examdocs/images/pixels.h"

namespace examdocs::images {

// The rectangle x, y, width × height of `pixels`, borrowed (no copy). The rectangle is
// clipped to the image.
PixelView crop(const PixelView& pixels, int x, int y, int width, int height);

// `pixels` reduced to width × height by area averaging: every output sample is the mean
// of the source area it covers, partial pixels at the edges weighted by their share (what
// OpenCV calls INTER_AREA). Meant for reductions; asked to enlarge, it repeats pixels.
// Channels and order are kept. Throws std::invalid_argument for an empty view or size.
Pixels resize_area(const PixelView& pixels, int width, int height);

}  // namespace examdocs::images
