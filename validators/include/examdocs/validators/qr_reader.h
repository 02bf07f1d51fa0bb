#pragma once
// Reading the QR code off a photo or scan of a document (ZXing-cpp 1.4 on an image
// decoded by OpenCV). Only QR codes are looked for: fewer formats, fewer of the decoder
// paths where ZXing 1.4 can throw on crafted input, and every throw is caught here.
// Thread-safe.
#include <cstddef>
#include <optional>
#include <span>
#include <string>

namespace examdocs::validators {

// The text of the first readable QR code, or nullopt (not an image, too large, no code).
std::optional<std::string> read_qr_code(std::span<const std::byte> image_bytes);

}  // namespace examdocs::validators
