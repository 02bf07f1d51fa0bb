#pragma once
// Reading back what we wrote, as a reader would: text and fonts through poppler, QR
// codes and barcodes by rasterising the page with poppler and decoding with ZXing.
#include <ZXing/BarcodeFormat.h>

#include <string>
#include <vector>

namespace examdocs::test {

struct PdfFont {
    std::string name;
    bool embedded = false;
    bool subset = false;
    bool cid_truetype = false;
};

struct PdfFacts {
    int pages = 0;
    std::vector<std::string> page_text;  // UTF-8, one entry per page
    std::string all_text;                // every page, whitespace removed
    std::vector<PdfFont> fonts;
    std::string title, author, creator;
    long long creation_time = 0;
    float page_width = 0, page_height = 0;  // points, first page
};

// Throws std::runtime_error when poppler cannot open the bytes.
PdfFacts read_pdf(const std::string& pdf);

// Texts of every code of `format` found on page `page` (0-based) rendered at `dpi`.
std::vector<std::string> decode_codes(const std::string& pdf, int page, ZXing::BarcodeFormat format,
                                      double dpi = 200);

// Page `page` rasterised at `dpi` and encoded as a JPEG, like a photo of the paper.
std::string render_page_jpeg(const std::string& pdf, int page, double dpi);

// What poppler's `pdfsig` (NSS underneath) says of the PDF's signatures: its whole report,
// e.g. "…Signature Validation: Signature is Valid.…".
std::string pdfsig_report(const std::string& pdf);

// Removes spaces and line breaks, so that text split across lines by the layout
// still compares equal.
std::string squeeze(const std::string& text);

}  // namespace examdocs::test
