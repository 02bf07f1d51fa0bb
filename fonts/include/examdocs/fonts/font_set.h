#pragma once
// The fonts examdocs draws with, loaded once per process through HarfBuzz: which
// characters each face covers, glyph advances for line breaking, glyph outlines for
// characters libharu cannot draw as text, and per-document subsets for embedding.
//
// A FontSet is immutable after load and safe to share between threads (HarfBuzz faces and
// fonts are thread-safe for reading). Faces come only from the bundled manifest: libharu
// must never see a font file we did not choose (see notes on its TTF parser).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "examdocs/fonts/font_manifest.h"

namespace examdocs::fonts {

class FontFace;

// One step of a glyph outline in font units scaled to 1000 per em, y up.
struct OutlineStep {
    enum Kind { move, line, cubic, close } kind;
    float x1 = 0, y1 = 0, x2 = 0, y2 = 0, x = 0, y = 0;  // cubic: two controls, then end
};

class FontSet {
  public:
    // Loads every entry of the manifest in order: the first is the primary face, the
    // others are fallbacks tried in order. Throws std::runtime_error naming a font that
    // cannot be loaded.
    explicit FontSet(const std::vector<FontEntry>& entries);
    ~FontSet();
    FontSet(const FontSet&) = delete;
    FontSet& operator=(const FontSet&) = delete;

    std::size_t size() const { return faces_.size(); }
    const FontEntry& entry(std::size_t face) const;

    // The first face that has a glyph for `cp`, or -1 when none has.
    int face_for(char32_t cp) const;
    // Advance width of `cp` in the given face, in units of 1/1000 em.
    float advance(std::size_t face, char32_t cp) const;
    // Ascent and descent (negative) of the primary face, in 1/1000 em.
    float ascent() const;
    float descent() const;
    // The outline of `cp` in `face`, in 1/1000 em.
    std::vector<OutlineStep> outline(std::size_t face, char32_t cp) const;

    // A TrueType font holding only `codepoints` (which `face` must cover), for libharu
    // to embed: smaller and far faster to load than the whole face. Throws on failure.
    std::string subset(std::size_t face, const std::u32string& codepoints) const;

  private:
    std::vector<std::unique_ptr<FontFace>> faces_;
};

// The process-wide set built from the bundled manifest, loaded on first use.
const FontSet& bundled_font_set();

}  // namespace examdocs::fonts
