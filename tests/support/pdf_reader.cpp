#include "support/pdf_reader.h"

#define ZX_USE_UTF8 1  // ZXing 1.4: Result::text() as UTF-8
#include <ZXing/DecodeHints.h>
#include <ZXing/ReadBarcode.h>
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-font.h>
#include <poppler/cpp/poppler-image.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>
#include <Poco/TemporaryFile.h>

#include <fstream>
#include <memory>
#include <stdexcept>
#include <string_view>

#include "examdocs/images/encode_jpeg.h"

namespace examdocs::test {

namespace {

std::unique_ptr<poppler::document> open(const std::string& pdf) {
    std::unique_ptr<poppler::document> doc(
        poppler::document::load_from_raw_data(pdf.data(), static_cast<int>(pdf.size())));
    if (!doc || doc->is_locked()) throw std::runtime_error("poppler cannot open the PDF");
    return doc;
}

// The same PDF with its output intent hidden from poppler, for reading text. Poppler takes
// a document's output intent as the display profile of every page it walks, text
// extraction included, and builds lcms transforms from it for each page: ~13 ms a page
// outside ASan (pdftotext on 150 admission tickets: 1.8 s of CPU, 0.1 s without), most of
// what reading a bulk job's result back cost, for colours that text never uses. The key
// is renamed in place, to a name of the same length, so every offset in the xref stays
// true; a key inside a compressed object stream is not found and is read as before.
std::string without_output_intents(const std::string& pdf) {
    static constexpr std::string_view kKey = "/OutputIntents";
    static constexpr std::string_view kHidden = "/OutputIntentX";
    static_assert(kKey.size() == kHidden.size());
    std::string copy = pdf;
    for (std::size_t at = copy.find(kKey); at != std::string::npos;
         at = copy.find(kKey, at + kKey.size())) {
        const std::size_t after = at + kKey.size();
        // The name itself, not a longer name that starts with it.
        if (after < copy.size() &&
            std::string_view(" \t\r\n[/<").find(copy[after]) == std::string_view::npos) {
            continue;
        }
        copy.replace(at, kKey.size(), kHidden);
    }
    return copy;
}

std::string utf8(const poppler::ustring& s) {
    auto bytes = s.to_utf8();
    return std::string(bytes.begin(), bytes.end());
}

}  // namespace

std::string squeeze(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t' && c != '\f') out += c;
    }
    return out;
}

PdfFacts read_pdf(const std::string& pdf) {
    const std::string readable = without_output_intents(pdf);
    auto doc = open(readable);
    PdfFacts facts;
    facts.pages = doc->pages();
    for (int i = 0; i < facts.pages; ++i) {
        std::unique_ptr<poppler::page> page(doc->create_page(i));
        facts.page_text.push_back(utf8(page->text()));
        facts.all_text += squeeze(facts.page_text.back());
        if (i == 0) {
            auto rect = page->page_rect();
            facts.page_width = static_cast<float>(rect.width());
            facts.page_height = static_cast<float>(rect.height());
        }
    }
    for (const auto& f : doc->fonts()) {
        facts.fonts.push_back({f.name(), f.is_embedded(), f.is_subset(),
                               f.type() == poppler::font_info::cid_truetype});
    }
    facts.title = utf8(doc->info_key("Title"));
    facts.author = utf8(doc->info_key("Author"));
    facts.creator = utf8(doc->info_key("Creator"));
    facts.creation_time = static_cast<long long>(doc->info_date_t("CreationDate"));
    return facts;
}

std::vector<std::string> decode_codes(const std::string& pdf, int page_index,
                                      ZXing::BarcodeFormat format, double dpi) {
    auto doc = open(pdf);
    std::unique_ptr<poppler::page> page(doc->create_page(page_index));
    poppler::page_renderer renderer;
    renderer.set_image_format(poppler::image::format_gray8);
    poppler::image image = renderer.render_page(page.get(), dpi, dpi);
    ZXing::ImageView view(reinterpret_cast<const uint8_t*>(image.const_data()), image.width(),
                          image.height(), ZXing::ImageFormat::Lum, image.bytes_per_row());
    ZXing::DecodeHints hints;
    hints.setFormats(format);
    hints.setTryHarder(true);
    std::vector<std::string> texts;
    if (format == ZXing::BarcodeFormat::Code128) {
        // One per page; and zxing-cpp 1.4's ReadBarcodes asserts (lineCount() == 1) when it
        // compares two readings of a tall linear code to drop duplicates.
        hints.setMaxNumberOfSymbols(1);
    }
    for (const auto& result : ZXing::ReadBarcodes(view, hints)) {
        if (result.isValid()) texts.push_back(result.text());
    }
    return texts;
}

std::string render_page_jpeg(const std::string& pdf, int page_index, double dpi) {
    auto doc = open(pdf);
    std::unique_ptr<poppler::page> page(doc->create_page(page_index));
    poppler::page_renderer renderer;
    renderer.set_image_format(poppler::image::format_gray8);
    poppler::image image = renderer.render_page(page.get(), dpi, dpi);
    return images::encode_jpeg(
        images::PixelView{reinterpret_cast<const std::uint8_t*>(image.const_data()), image.width(),
                          image.height(), 1, static_cast<std::size_t>(image.bytes_per_row()),
                          images::ChannelOrder::rgb},
        85);
}

std::string pdfsig_report(const std::string& pdf) {
    Poco::TemporaryFile file;
    std::ofstream(file.path(), std::ios::binary) << pdf;
    Poco::Pipe out;
    Poco::ProcessHandle process =
        Poco::Process::launch("pdfsig", {file.path()}, nullptr, &out, &out);
    Poco::PipeInputStream stream(out);
    std::string report;
    Poco::StreamCopier::copyToString(stream, report);
    process.wait();
    return report;
}

}  // namespace examdocs::test
