#pragma once
// Private to renderers/: the one owner of a libharu document. Every libharu call goes
// through here; the C error callback only records (it must not throw across C), and
// check() throws from C++ afterwards. After any error the document is discarded.
// One PdfWriter per thread.
#include <hpdf.h>

#include <chrono>
#include <string>
#include <string_view>

namespace examdocs::renderers {

class PdfError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class PdfWriter {
  public:
    PdfWriter();
    ~PdfWriter();
    PdfWriter(const PdfWriter&) = delete;
    PdfWriter& operator=(const PdfWriter&) = delete;

    HPDF_Doc doc() const { return doc_; }
    // Throws PdfError if any libharu call since the last check failed.
    void check(std::string_view what);

    // Embeds a TrueType font given as bytes; returns the font, UTF-8 encoded. `codepoints`
    // are the characters it will draw (BMP only), for its ToUnicode map.
    HPDF_Font load_font(const std::string& ttf_bytes, const std::u32string& codepoints);
    HPDF_Image load_jpeg(const std::string& jpeg_bytes);

    void set_info(std::string_view title, std::string_view author, std::string_view subject,
                  std::chrono::system_clock::time_point created);
    // The whole PDF; `document_id` (32 hex digits) becomes the trailer's /ID.
    std::string save(std::string_view document_id);

  private:
    static void on_error(HPDF_STATUS error, HPDF_STATUS detail, void* self);

    HPDF_Doc doc_ = nullptr;
    HPDF_STATUS error_ = HPDF_OK;
    HPDF_STATUS detail_ = HPDF_OK;
};

}  // namespace examdocs::renderers
