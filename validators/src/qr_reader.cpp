#define ZX_USE_UTF8 1  // ZXing 1.4: Result::text() as UTF-8
#include "examdocs/validators/qr_reader.h"

#include <ZXing/DecodeHints.h>
#include <ZXing/ReadBarcode.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "examdocs/core/image_header.h"

namespace examdocs::validators {

std::optional<std::string> read_qr_code(std::span<const std::byte> bytes) {
    const ImageHeader header = read_image_header(bytes);
    if (header.format != ImageFormat::jpeg && header.format != ImageFormat::png)
        return std::nullopt;
    // A phone photo is at most a few tens of megapixels; refuse bombs before decoding.
    if (static_cast<std::uint64_t>(header.width) * header.height > 50'000'000 ||
        header.width == 0) {
        return std::nullopt;
    }
    try {
        cv::Mat grey = cv::imdecode(cv::Mat(1, static_cast<int>(bytes.size()), CV_8UC1,
                                            const_cast<std::byte*>(bytes.data())),
                                    cv::IMREAD_GRAYSCALE);
        if (grey.empty()) return std::nullopt;
        // Large photos are scaled to about 2,000 pixels across: plenty for a QR code that
        // fills a tenth of the picture, and a bounded cost.
        if (grey.cols > 2400) {
            const double s = 2000.0 / grey.cols;
            cv::resize(grey, grey, cv::Size(), s, s, cv::INTER_AREA);
        }
        ZXing::ImageView view(grey.data, grey.cols, grey.rows, ZXing::ImageFormat::Lum,
                              static_cast<int>(grey.step));
        ZXing::DecodeHints hints;
        hints.setFormats(ZXing::BarcodeFormat::QRCode);
        hints.setTryHarder(true);
        hints.setTryRotate(true);
        for (const auto& result : ZXing::ReadBarcodes(view, hints)) {
            if (result.isValid()) return result.text();
        }
    } catch (const std::exception&) {
        // cv::Exception on a corrupt file, std::out_of_range from ZXing 1.4 on crafted
        // codes: either way there is no code to read.
    }
    return std::nullopt;
}

}  // namespace examdocs::validators
