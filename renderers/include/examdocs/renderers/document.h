#pragma once
// Renders one document: a layout plus the caller's JSON data in, PDF bytes out.
//
// Input problems (a missing field, a bad ID number, text that cannot fit its box, a
// character no bundled font has, a photo that is not an image) come back as field
// errors, all of them at once, never as a blank or a half-drawn page. Faults (libharu
// failing) throw. With a fixed `now` and `document_id` the bytes are deterministic.
// Thread-safe: each call builds its own libharu document.
#include <Poco/Dynamic/Var.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "examdocs/core/problem.h"
#include "examdocs/fonts/font_set.h"
#include "examdocs/renderers/layout.h"

namespace examdocs::renderers {

struct RenderContext {
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
    std::string document_id;                // 32 hex digits for the PDF /ID; empty: random
    const fonts::FontSet* fonts = nullptr;  // null: the bundled set
};

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

RenderOutcome render_document(const Layout& layout, const Poco::Dynamic::Var& data,
                              const RenderContext& context = {});

}  // namespace examdocs::renderers
