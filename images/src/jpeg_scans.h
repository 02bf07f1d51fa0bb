#pragma once
// Private to images/: how many scans a JPEG has, counted from its start-of-scan markers
// without decoding (a baseline file has one; a progressive one several). The decoder uses
// it to bound the work a progressive file may ask for, the lossless rewrite to take only
// plain baseline files.
#include <cstddef>
#include <span>

namespace examdocs::images {

int jpeg_scan_count(std::span<const std::byte> bytes);

}  // namespace examdocs::images
