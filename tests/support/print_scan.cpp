#include "support/print_scan.h"

#define ZX_USE_UTF8 1  // ZXing 1.4: Result::text() as UTF-8
#include <ZXing/DecodeHints.h>
#include <ZXing/ReadBarcode.h>

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-image.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <memory>
#include <span>

#include <stdexcept>
#include "examdocs/images/decode_image.h"
#include "examdocs/images/encode_jpeg.h"

namespace examdocs::test {

namespace {

constexpr double kPrinterDpi = 600;

std::string jpeg_of(const cv::Mat& grey, int quality) {
    return images::encode_jpeg(
        images::PixelView{grey.data, grey.cols, grey.rows, 1, grey.step, images::ChannelOrder::rgb},
        quality);
}

cv::Mat scanned(const std::string& pdf, int page_index, const ScanConditions& c) {
    std::unique_ptr<poppler::document> doc(
        poppler::document::load_from_raw_data(pdf.data(), static_cast<int>(pdf.size())));
    if (!doc) throw std::runtime_error("poppler cannot open the PDF");
    std::unique_ptr<poppler::page> page(doc->create_page(page_index));
    if (!page) throw std::runtime_error("no such page");
    poppler::page_renderer renderer;
    renderer.set_image_format(poppler::image::format_gray8);
    poppler::image image = renderer.render_page(page.get(), kPrinterDpi, kPrinterDpi);
    cv::Mat printed(image.height(), image.width(), CV_8UC1, const_cast<char*>(image.const_data()),
                    static_cast<std::size_t>(image.bytes_per_row()));
    // Skewed on the glass: turned about the centre, the uncovered corners white.
    cv::Mat turned;
    const cv::Point2f centre(static_cast<float>(printed.cols) / 2,
                             static_cast<float>(printed.rows) / 2);
    cv::warpAffine(printed, turned, cv::getRotationMatrix2D(centre, c.degrees, 1.0), printed.size(),
                   cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(255));
    cv::Mat blurred;
    const double sigma_px = c.blur_sigma_mm / 25.4 * kPrinterDpi;
    cv::GaussianBlur(turned, blurred, cv::Size(0, 0), sigma_px);
    cv::Mat sampled;
    const double factor = c.dpi / kPrinterDpi;
    cv::resize(blurred, sampled, cv::Size(), factor, factor, cv::INTER_AREA);
    cv::Mat noise(sampled.size(), CV_16SC1);
    cv::RNG rng(c.seed);
    rng.fill(noise, cv::RNG::NORMAL, 0, c.noise_sigma);
    cv::Mat noisy;
    sampled.convertTo(noisy, CV_16SC1);
    noisy += noise;
    noisy.convertTo(sampled, CV_8UC1);  // saturates to 0..255
    // Stored as a JPEG by libjpeg-turbo, as a scanner would, and read back.
    const std::string jpeg = jpeg_of(sampled, c.jpeg_quality);
    images::DecodeOptions options;
    options.channels = 1;
    auto decoded = images::decode_image(
        std::span(reinterpret_cast<const std::byte*>(jpeg.data()), jpeg.size()), options);
    if (!decoded.pixels) throw std::runtime_error("the scan's JPEG does not decode");
    cv::Mat stored(decoded.pixels->height, decoded.pixels->width, CV_8UC1,
                   decoded.pixels->bytes.data(), decoded.pixels->stride());
    return stored.clone();
}

std::vector<std::string> read_codes(const cv::Mat& scan, ZXing::BarcodeFormats formats) {
    ZXing::ImageView view(scan.data, scan.cols, scan.rows, ZXing::ImageFormat::Lum,
                          static_cast<int>(scan.step));
    ZXing::DecodeHints hints;
    hints.setFormats(formats);
    hints.setTryHarder(true);
    hints.setTryRotate(true);
    std::vector<std::string> texts;
    try {
        for (const auto& result : ZXing::ReadBarcodes(view, hints)) {
            if (result.isValid()) texts.push_back(result.text());
        }
    } catch (const std::exception&) {
        // zxing-cpp 1.4 can throw out of its QR decoder on odd images: none read.
    }
    return texts;
}

}  // namespace

std::vector<std::string> decode_after_print_scan(const std::string& pdf, int page,
                                                 ZXing::BarcodeFormats formats,
                                                 const ScanConditions& conditions) {
    return read_codes(scanned(pdf, page, conditions), formats);
}

std::vector<std::vector<std::string>> decode_each_after_print_scan(
    const std::string& pdf, int page, const std::vector<ZXing::BarcodeFormats>& formats,
    const ScanConditions& conditions) {
    const cv::Mat scan = scanned(pdf, page, conditions);
    std::vector<std::vector<std::string>> texts;
    texts.reserve(formats.size());
    for (const auto format : formats) texts.push_back(read_codes(scan, format));
    return texts;
}

std::string print_scan_jpeg(const std::string& pdf, int page, const ScanConditions& conditions) {
    return jpeg_of(scanned(pdf, page, conditions), 90);
}

}  // namespace examdocs::test
