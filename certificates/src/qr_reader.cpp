#define ZX_USE_UTF8 1  // ZXing 1.4: Result::text() as UTF-8
#include "examdocs/certificates/qr_reader.h"

#include <ZXing/DecodeHints.h>
#include <ZXing/ReadBarcode.h>

#include <algorithm>
#include <cmath>

#include "examdocs/images/decode_image.h"
#include "examdocs/images/resample.h"

namespace examdocs::certificates {

namespace {

// Large photos are read at about 2,000 pixels across: plenty for a QR code that fills a
// tenth of the picture, and a bounded cost.
constexpr int kReadingWidth = 2000;

}  // namespace

QrReading read_qr_code(std::span<const std::byte> bytes) {
    images::DecodeOptions options;
    options.limits.max_pixels = 50'000'000;  // a phone photo is at most a few tens of MP
    options.channels = 1;
    options.min_width = kReadingWidth;
    auto decoded = images::decode_image(bytes, options);
    if (!decoded) return QrReading{std::nullopt, std::move(decoded.error)};
    try {
        images::Pixels grey = std::move(*decoded.pixels);
        if (grey.width > kReadingWidth * 6 / 5) {
            const double s = static_cast<double>(kReadingWidth) / grey.width;
            grey = images::resize_area(grey.view(), kReadingWidth,
                                       std::max(1, static_cast<int>(std::lround(grey.height * s))));
        }
        ZXing::ImageView view(grey.bytes.data(), grey.width, grey.height, ZXing::ImageFormat::Lum,
                              static_cast<int>(grey.stride()));
        ZXing::DecodeHints hints;
        hints.setFormats(ZXing::BarcodeFormat::QRCode);
        hints.setTryHarder(true);
        hints.setTryRotate(true);
        for (const auto& result : ZXing::ReadBarcodes(view, hints)) {
            if (result.isValid()) return QrReading{result.text(), std::nullopt};
        }
    } catch (const std::exception&) {
        // std::out_of_range from ZXing 1.4 on crafted codes: there is no code to read.
    }
    return {};
}

}  // namespace examdocs::certificates
