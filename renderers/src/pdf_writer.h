#pragma once
// Private to renderers/: the writer proper. It numbers objects, writes them at the offsets
// it records, and ends the file with the cross-reference table and trailer. What goes in
// the objects comes from the layers below: pdf_syntax.h (dictionaries that refuse a
// duplicate key), pdf_content.h (content streams), pdf_font.h (font objects), and
// part_manifest.h (what a part holds).
//
// Streaming: each sheet's objects (content stream, images, a form on first use, the page
// dictionary) are written as soon as the sheet is added; the fonts at finish(), subset to
// every character the sheets drew. So one writer serves a one-page ticket and a merged
// file of ten thousand tickets alike, with memory that does not grow with the page count
// beyond an offset per object.
//
// Every document is PDF/A-2b (see pdf_archival.h): finish() adds the XMP metadata and the
// sRGB output intent. A document may carry one signature field, whose value is written as
// a placeholder that pdf_signature.h fills in once the file is complete.
//
// We write PDF ourselves rather than through libharu 2.3.0 (measured on the admission
// ticket: half of the 10 ms render went to libharu deflating a 128 KB CIDToGIDMap per
// font and to its object model; and it keeps a whole document in memory until saved, so
// a bulk job would grow with its page count).
#include <chrono>
#include <cstdint>
#include <map>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "examdocs/fonts/font_set.h"
#include "examdocs/renderers/document_stream.h"
#include "examdocs/renderers/part_manifest.h"
#include "page_ops.h"
#include "pdf_content.h"
#include "pdf_syntax.h"

namespace examdocs::renderers {

class PdfError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct DocumentInfo {
    std::string title, author, subject;
    std::chrono::system_clock::time_point created;
    std::string document_id;  // 32 hex digits for the trailer's /ID
};

// Where finish() left the placeholders of a signature: byte offsets in the file.
struct SignatureSlot {
    std::uint64_t byte_range_at = 0;    // the '[' of /ByteRange [0 0000000000 …]
    std::uint64_t contents_at = 0;      // the '<' of /Contents <00…>
    std::uint64_t contents_length = 0;  // from '<' to '>' inclusive
};

// How text is encoded. A whole document numbers its characters in order of first use,
// which keeps its CIDToGIDMap small. Parts and their assembly use the font's own glyph
// ids, so a part's content streams stay valid in the joined file unchanged.
enum class CharacterIds { first_use, glyph_ids };

class PdfWriter final : private ContentResources {
  public:
    // A part always uses glyph ids; `ids` chooses for a document.
    PdfWriter(std::ostream& out, const fonts::FontSet& fonts,
              PdfOutput output = PdfOutput::document, CharacterIds ids = CharacterIds::first_use);
    PdfWriter(const PdfWriter&) = delete;
    PdfWriter& operator=(const PdfWriter&) = delete;
    ~PdfWriter() override = default;

    // One sheet of the given size holding one or more composed pages; `extra` is drawn
    // over them in sheet coordinates (cut marks).
    void add_sheet(float width, float height, const std::vector<Placement>& placements,
                   const PageOps& extra = {});
    void add_page(float width, float height, const PageOps& ops) {
        add_sheet(width, height, {Placement{&ops, height}});
    }
    // A document to be signed: before the first sheet, since the field's widget goes in
    // the first page's /Annots. `contents_bytes` is the room /Contents keeps for the CMS.
    // Not for a part.
    void add_signature_field(std::size_t contents_bytes);
    // Writes the fonts, page tree, metadata, output intent, information dictionary,
    // cross-reference table and trailer. Throws PdfError when the output stream fails
    // (here or earlier). Not for a part.
    void finish(const DocumentInfo& info);
    // After finish(), for a document with a signature field.
    const SignatureSlot& signature_slot() const { return signature_slot_; }

    // A part: the manifest of what was written (its objects, pages and characters).
    PartManifest finish_part();
    // A document with glyph ids: appends a part's pages. `objects` is what a part's writer
    // wrote, `manifest` what its finish_part() returned. Throws PdfError when they do not
    // agree or name a face this font set lacks.
    void add_part(std::string_view objects, const PartManifest& manifest);

    std::uint64_t bytes_written() const { return position_; }
    // Pages written so far; a part's pages are written as dictionaries only when assembled.
    int page_count() const {
        return static_cast<int>(output_ == PdfOutput::part ? part_pages_.size() : pages_.size());
    }

  private:
    struct FontUse {
        int type0 = 0;              // object number, reserved on first use
        std::u32string codepoints;  // by character id - 1 (first-use ids)
        std::map<char32_t, std::uint16_t> cids;
        std::map<std::uint16_t, char32_t> glyphs;  // character id → code point (glyph ids)
    };

    // ContentResources
    std::uint16_t character(int face, char32_t codepoint) override;
    int image(const std::string& jpeg) override;
    int pattern(const CurveOp& curves, float page_height) override;

    int reserve();
    void begin_object(int number);
    void end_object();
    void write(std::string_view bytes);
    void write_object(int number, const pdf::Dictionary& dict);
    // `level`: zlib level, 0 to write `data` as it is. /Length (and /Filter when
    // compressing) are the writer's to set.
    void write_stream(int number, pdf::Dictionary dict, std::string_view data, int level);
    void write_font(int face, FontUse& use);
    int font_object(int face);
    // The page dictionary; `xobjects` are (name number, object number) pairs, names unique.
    void write_page(int page, float width, float height, int contents, std::vector<int> faces,
                    const std::vector<std::pair<int, int>>& xobjects);
    // The field, its widget and the signature dictionary with its placeholders; the
    // AcroForm that goes in the catalog.
    pdf::Dictionary write_signature_field(const DocumentInfo& info);

    std::ostream& out_;
    const fonts::FontSet& fonts_;
    PdfOutput output_;
    CharacterIds ids_;
    std::vector<PartManifest::Page> part_pages_;
    std::uint64_t position_ = 0;
    std::vector<std::uint64_t> offsets_;  // by object number - 1
    int pages_root_ = 0;
    std::vector<int> pages_;
    std::map<int, FontUse> fonts_used_;   // by face
    std::map<std::uint64_t, int> forms_;  // pattern key → form XObject
    int signature_widget_ = 0;            // reserved by add_signature_field()
    std::size_t signature_bytes_ = 0;
    SignatureSlot signature_slot_;
};

}  // namespace examdocs::renderers
