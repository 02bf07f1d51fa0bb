#pragma once
// Private to renderers/: writes composed pages as PDF 1.7, streaming. Each page's objects
// (content stream, images, page dictionary) are written as soon as the page is added; the
// fonts are written at finish(), subset to every character the pages drew. So one writer
// serves a one-page ticket and a merged file of ten thousand tickets alike, with memory
// that does not grow with the page count beyond an offset per object.
//
// We write PDF ourselves rather than through libharu 2.3.0 (measured on the admission
// ticket: half of the 10 ms render went to libharu deflating a 128 KB CIDToGIDMap per
// font and to its object model; and it keeps a whole document in memory until saved, so
// a bulk job would grow with its page count). The subset covers what PDF needs of fonts:
// CIDFontType2 with Identity-H, character ids assigned in order of first use, a small
// CIDToGIDMap, widths, and a ToUnicode map so that text extracts.
#include <chrono>
#include <cstdint>
#include <map>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "examdocs/fonts/font_set.h"
#include "page_ops.h"

namespace examdocs::renderers {

class PdfError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Where a composed page goes on a sheet: scaled by `scale`, its top-left corner at (x, y)
// of the sheet (top-left origin, points). `page_height` is the composed page's own.
struct Placement {
    const PageOps* page;
    float page_height = 0;
    float x = 0, y = 0, scale = 1;
};

struct DocumentInfo {
    std::string title, author, subject;
    std::chrono::system_clock::time_point created;
    std::string document_id;  // 32 hex digits for the trailer's /ID
};

// What a writer makes. A merged PDF can be made in parts (the chunks of a bulk job, on
// several instances) and joined: a part holds its objects with numbers of its own and a
// manifest of its pages and the characters it drew; assembly renumbers the objects, writes
// the page dictionaries, and writes each font once, subset to every part's characters.
// Parts and assembly use the font's own glyph ids as character ids, so a part's content
// streams stay valid in the joined file unchanged; a whole document numbers its characters
// in order of first use, which keeps its CIDToGIDMap small.
enum class WriterMode { document, part, assembly };

class PdfWriter {
  public:
    PdfWriter(std::ostream& out, const fonts::FontSet& fonts,
              WriterMode mode = WriterMode::document);
    PdfWriter(const PdfWriter&) = delete;
    PdfWriter& operator=(const PdfWriter&) = delete;

    // One sheet of the given size holding one or more composed pages; `extra` is drawn
    // over them in sheet coordinates (cut marks).
    void add_sheet(float width, float height, const std::vector<Placement>& placements,
                   const PageOps& extra = {});
    void add_page(float width, float height, const PageOps& ops) {
        add_sheet(width, height, {Placement{&ops, height}});
    }
    // Writes the fonts, page tree, information dictionary, cross-reference table and
    // trailer. Throws PdfError when the output stream fails (here or earlier).
    // Not in part mode.
    void finish(const DocumentInfo& info);

    // Part mode: the manifest of what was written (its objects, pages and characters).
    std::string finish_part();
    // Assembly mode: appends a part's pages. `objects` is what a part-mode writer wrote,
    // `manifest` what its finish_part() returned. Throws PdfError when they do not agree.
    void add_part(std::string_view objects, std::string_view manifest);

    std::uint64_t bytes_written() const { return position_; }
    int page_count() const { return static_cast<int>(pages_.size()); }

  private:
    struct FontUse {
        int type0 = 0;              // object number, reserved on first use
        std::u32string codepoints;  // by character id - 1 (document mode)
        std::map<char32_t, std::uint16_t> cids;
        std::map<std::uint16_t, char32_t> glyphs;  // character id → code point (glyph ids)
    };
    // A page of a part, written as a dictionary only when assembled.
    struct PartPage {
        float width = 0, height = 0;
        int contents = 0;
        std::vector<int> faces, xobjects;
    };

    int reserve();
    void begin_object(int number);
    void write(std::string_view bytes);
    // `level`: zlib level, 0 for none.
    void write_stream(int number, std::string_view dict_entries, std::string_view data, int level);
    std::uint16_t cid_for(int face, char32_t cp);
    void draw(std::string& content, const Placement& at, float sheet_height,
              std::vector<int>& images, std::vector<int>& faces);
    int write_image(const std::string& jpeg);
    int write_pattern(const CurveOp& curves, float page_height);
    void write_font(int face, FontUse& use);
    // The page dictionary; `xobjects` are (name number, object number) pairs.
    void write_page(int page, float width, float height, int contents, std::vector<int> faces,
                    const std::vector<std::pair<int, int>>& xobjects);

    std::ostream& out_;
    const fonts::FontSet& fonts_;
    WriterMode mode_;
    std::vector<PartPage> part_pages_;
    std::uint64_t position_ = 0;
    std::vector<std::uint64_t> offsets_;  // by object number - 1
    int pages_root_ = 0;
    std::vector<int> pages_;
    std::map<int, FontUse> fonts_used_;   // by face
    std::map<std::uint64_t, int> forms_;  // pattern key → form XObject
};

}  // namespace examdocs::renderers
