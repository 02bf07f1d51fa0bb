#pragma once
// Many composed documents into one PDF, written to a stream as they are added: what bulk
// printing makes of a thousand admission tickets. Pages are written at once and the fonts
// at finish(), subset once to every character of every document, so memory stays flat
// however many documents go in. Optionally several pages per sheet (n-up) with cut marks.
//
// Not thread-safe: compose on many threads (compose_document), add from one.
#include <chrono>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "examdocs/fonts/font_set.h"
#include "examdocs/renderers/document.h"
#include "examdocs/renderers/part_manifest.h"

namespace examdocs::renderers {

class PdfWriter;

// How pages sit on printed sheets. 1: a sheet per page. 2: two pages side by side on a
// sheet turned to landscape, each scaled to fit (A4 tickets become A5 on A4). 4: two by
// two on a sheet of the page's own size, each at half size.
struct SheetOptions {
    int pages_per_sheet = 1;
    bool cut_marks = true;  // dashed lines where the sheet is cut, when pages_per_sheet > 1
};

// The page-per-sheet counts SheetOptions accepts.
bool valid_pages_per_sheet(int n);

struct StreamInfo {
    std::string title, author, subject;
    std::chrono::system_clock::time_point created = std::chrono::system_clock::now();
    std::string document_id;  // empty: random
};

// What a PDF writer makes: a whole PDF, or a part of one that a PartAssembler joins with
// other parts (made on other threads, processes or machines) into one PDF.
enum class PdfOutput { document, part };

class DocumentStream {
  public:
    // Throws std::invalid_argument for an unsupported pages_per_sheet.
    DocumentStream(std::ostream& out, const fonts::FontSet& fonts, SheetOptions options = {},
                   PdfOutput output = PdfOutput::document);
    ~DocumentStream();
    DocumentStream(const DocumentStream&) = delete;
    DocumentStream& operator=(const DocumentStream&) = delete;

    // Appends every page of `doc`. Documents of another page size start a new sheet.
    void add(const ComposedDocument& doc);
    // Writes the rest: a partly filled last sheet, the fonts, the trailer.
    void finish(const StreamInfo& info);
    // Part output: writes a partly filled last sheet and returns the part's manifest, which
    // goes to PartAssembler::add with the bytes written to `out`.
    PartManifest finish_part();

    int page_count() const { return pages_added_; }
    int sheet_count() const;
    std::uint64_t bytes_written() const;

  private:
    void flush_sheet();

    std::unique_ptr<PdfWriter> writer_;
    SheetOptions options_;
    // Pages waiting for their sheet to fill; the composed documents they belong to are
    // kept alive until the sheet is written.
    std::vector<std::shared_ptr<const ComposedPages>> pending_docs_;
    std::vector<std::pair<const ComposedPages*, std::size_t>> pending_pages_;
    int pages_added_ = 0;
};

// Joins parts into one PDF, in the order they are added: their objects are copied with
// new numbers, and each font is written once, subset to the characters of every part.
// Parts are read one at a time, so memory does not grow with their number. The PDF half
// of bulk::PartAssembler, which joins the parts of a job's PDF or ZIP.
class PartAssembler {
  public:
    PartAssembler(std::ostream& out, const fonts::FontSet& fonts);
    ~PartAssembler();
    PartAssembler(const PartAssembler&) = delete;
    PartAssembler& operator=(const PartAssembler&) = delete;

    // Throws a std::runtime_error (PdfError) when the part and its manifest do not agree.
    void add(std::string_view objects, const PartManifest& manifest);
    void finish(const StreamInfo& info);

    int sheet_count() const;
    std::uint64_t bytes_written() const;

  private:
    std::unique_ptr<PdfWriter> writer_;
};

}  // namespace examdocs::renderers
