#pragma once
// Reading the QR code off a photo or scan of a document (ZXing-cpp 1.4 on an image
// decoded by the image gate). Only QR codes are looked for: fewer formats, fewer of the
// decoder paths where ZXing 1.4 can throw on crafted input, and every throw is caught
// here. Thread-safe.
#include <cstddef>
#include <optional>
#include <span>
#include <string>

#include "examdocs/images/image_error.h"

namespace examdocs::certificates {

struct QrReading {
    std::optional<std::string> text;          // the first readable QR code
    std::optional<images::ImageError> error;  // the picture itself was refused
};

// The text of the first readable QR code; neither text nor error when the picture was
// read but holds no readable code.
QrReading read_qr_code(std::span<const std::byte> image_bytes);

}  // namespace examdocs::certificates
