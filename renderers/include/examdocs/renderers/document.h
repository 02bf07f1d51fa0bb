#pragma once
// Renders one document: a layout plus the caller's JSON data in, PDF bytes out.
//
// Input problems (a missing field, a bad ID number, text that cannot fit its box, a
// character no bundled font has, a photo that is not an image) come back as field
// errors, all of them at once, never as a blank or a half-drawn page. Faults (a font that
// cannot be subset) throw. With a fixed `now` and `document_id` the bytes are
// deterministic. Thread-safe: each call builds its own document.
#include <Poco/Dynamic/Var.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "examdocs/core/problem.h"
#include "examdocs/fonts/font_set.h"
#include "examdocs/renderers/layout.h"
#include "examdocs/renderers/pdf_signature.h"

namespace examdocs::renderers {

struct RenderContext {
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
    std::string document_id;                // 32 hex digits for the PDF /ID; empty: random
    const fonts::FontSet* fonts = nullptr;  // null: the bundled set
    // Sign the PDF (render_document only: a composed document is not a file yet). Only the
    // registry's certificates are signed: a PDF signature vouches for what it covers.
    const PdfSigner* signer = nullptr;
    // The sheet shape the pages will be printed on (1, 2 or 4 pages per sheet, see
    // document_stream.h). Codes are checked at the size they will print: a QR code or
    // barcode whose narrowest module would fall under kMinimumModuleMm is refused
    // (`code-too-small`), since a gate scanner that cannot read it costs more than a sheet.
    int pages_per_sheet = 1;
};

// GS1's minimum X-dimension for general use, in millimetres.
inline constexpr float kMinimumModuleMm = 0.33F;

// How much a page of width × height points is scaled on a sheet of `pages_per_sheet`
// (1: 1; 2: side by side on the sheet turned; 4: two by two).
float sheet_scale(float page_width, float page_height, int pages_per_sheet);

struct RenderedDocument {
    std::string pdf;
    std::string filename;  // e.g. "准考证-2026110100123.pdf"
    std::string title;
    int page_count = 0;
};

struct RenderOutcome {
    std::optional<RenderedDocument> document;
    std::vector<FieldError> errors;
};

// A document checked and laid out but not yet written: bulk printing composes records on
// worker threads and writes them, in order, into one PDF (see document_stream.h).
struct ComposedPages;  // private to renderers/
struct ComposedDocument {
    std::shared_ptr<const ComposedPages> pages;
    std::string filename, title, author, subject;
    int page_count = 0;
};

struct CompositionOutcome {
    std::optional<ComposedDocument> document;
    std::vector<FieldError> errors;
};

CompositionOutcome compose_document(const Layout& layout, const Poco::Dynamic::Var& data,
                                    const RenderContext& context = {});

// 32 random hex digits, for a PDF's /ID.
std::string new_document_id();

RenderOutcome render_document(const Layout& layout, const Poco::Dynamic::Var& data,
                              const RenderContext& context = {});

}  // namespace examdocs::renderers
