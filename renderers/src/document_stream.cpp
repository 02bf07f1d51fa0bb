#include "examdocs/renderers/document_stream.h"

#include <stdexcept>

#include "page_ops.h"
#include "pdf_writer.h"

namespace examdocs::renderers {

bool valid_pages_per_sheet(int n) { return n == 1 || n == 2 || n == 4; }

DocumentStream::DocumentStream(std::ostream& out, const fonts::FontSet& fonts, SheetOptions options,
                               PdfOutput output)
    : options_(options) {
    if (!valid_pages_per_sheet(options.pages_per_sheet)) {
        throw std::invalid_argument("pages per sheet must be 1, 2 or 4");
    }
    writer_ = std::make_unique<PdfWriter>(out, fonts, output);
}

DocumentStream::~DocumentStream() = default;

int DocumentStream::sheet_count() const { return writer_->page_count(); }
std::uint64_t DocumentStream::bytes_written() const { return writer_->bytes_written(); }

void DocumentStream::add(const ComposedDocument& doc) {
    if (!doc.pages) return;
    const ComposedPages& composed = *doc.pages;
    if (!pending_pages_.empty()) {
        const ComposedPages& first = *pending_pages_.front().first;
        if (first.width != composed.width || first.height != composed.height) flush_sheet();
    }
    for (std::size_t i = 0; i < composed.pages.size(); ++i) {
        // Kept alive for every sheet its pages wait on: a document of three pages 2-up
        // leaves its third for the next sheet, after flush_sheet() let go of the first.
        if (pending_docs_.empty() || pending_docs_.back() != doc.pages) {
            pending_docs_.push_back(doc.pages);
        }
        pending_pages_.emplace_back(&composed, i);
        ++pages_added_;
        if (static_cast<int>(pending_pages_.size()) == options_.pages_per_sheet) flush_sheet();
    }
}

void DocumentStream::flush_sheet() {
    if (pending_pages_.empty()) return;
    const float pw = pending_pages_.front().first->width;
    const float ph = pending_pages_.front().first->height;
    const int n = options_.pages_per_sheet;
    // Sheet size and the grid of slots on it.
    const float sheet_w = n == 2 ? ph : pw;
    const float sheet_h = n == 2 ? pw : ph;
    const int columns = n == 1 ? 1 : 2;
    const int rows = n == 4 ? 2 : 1;
    const float slot_w = sheet_w / static_cast<float>(columns);
    const float slot_h = sheet_h / static_cast<float>(rows);
    const float scale = sheet_scale(pw, ph, n);

    std::vector<Placement> placements;
    for (std::size_t i = 0; i < pending_pages_.size(); ++i) {
        const auto& [doc, page] = pending_pages_[i];
        const int column = static_cast<int>(i) % columns;
        const int row = static_cast<int>(i) / columns;
        placements.push_back({&doc->pages[page], ph,
                              static_cast<float>(column) * slot_w + (slot_w - scale * pw) / 2,
                              static_cast<float>(row) * slot_h + (slot_h - scale * ph) / 2, scale});
    }
    // Sized up front and filled in place: growing a vector of operations trips a false
    // -Wrestrict in GCC 12's inlined string moves.
    const bool marked = n > 1 && options_.cut_marks;
    PageOps marks(marked ? static_cast<std::size_t>(columns + rows - 2) : 0, Op{LineOp{}});
    if (marked) {
        const Color grey{0.55F, 0.55F, 0.55F};
        const std::vector<float> dash{6, 4};
        std::size_t next = 0;
        for (int c = 1; c < columns; ++c) {
            const float x = slot_w * static_cast<float>(c);
            std::get<LineOp>(marks[next++]) = LineOp{x, 0, x, sheet_h, 0.4F, grey, dash};
        }
        for (int r = 1; r < rows; ++r) {
            const float y = slot_h * static_cast<float>(r);
            std::get<LineOp>(marks[next++]) = LineOp{0, y, sheet_w, y, 0.4F, grey, dash};
        }
    }
    writer_->add_sheet(sheet_w, sheet_h, placements, marks);
    pending_pages_.clear();
    pending_docs_.clear();
}

namespace {

DocumentInfo document_info(const StreamInfo& info) {
    DocumentInfo document;
    document.title = info.title;
    document.author = info.author;
    document.subject = info.subject;
    document.created = info.created;
    document.document_id = info.document_id;
    if (document.document_id.empty()) document.document_id = new_document_id();
    return document;
}

}  // namespace

void DocumentStream::finish(const StreamInfo& info) {
    flush_sheet();
    writer_->finish(document_info(info));
}

PartManifest DocumentStream::finish_part() {
    flush_sheet();
    return writer_->finish_part();
}

PartAssembler::PartAssembler(std::ostream& out, const fonts::FontSet& fonts)
    : writer_(
          std::make_unique<PdfWriter>(out, fonts, PdfOutput::document, CharacterIds::glyph_ids)) {}

PartAssembler::~PartAssembler() = default;

void PartAssembler::add(std::string_view objects, const PartManifest& manifest) {
    writer_->add_part(objects, manifest);
}

void PartAssembler::finish(const StreamInfo& info) { writer_->finish(document_info(info)); }

int PartAssembler::sheet_count() const { return writer_->page_count(); }
std::uint64_t PartAssembler::bytes_written() const { return writer_->bytes_written(); }

}  // namespace examdocs::renderers
