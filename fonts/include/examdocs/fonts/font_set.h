#pragma once
// The fonts examdocs draws with, loaded once per process through HarfBuzz: which
// characters each face covers, glyph advances for line breaking, the metrics a PDF font
// descriptor needs, and per-document subsets for embedding.
//
// A FontSet is immutable after load and safe to share between threads (HarfBuzz faces and
// fonts are thread-safe for reading). Faces come only from the bundled manifest.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "examdocs/fonts/font_manifest.h"

namespace examdocs::fonts {

class FontFace;

// What a PDF font descriptor says of a face, in 1/1000 em.
struct FaceMetrics {
    std::string postscript_name;   // e.g. "WenQuanYiZenHei"
    float bbox[4] = {0, 0, 0, 0};  // xMin yMin xMax yMax from the head table
    float ascent = 0;
    float descent = 0;  // negative
    float cap_height = 0;
};

// A subset font and, for each requested code point in order, its glyph id in the subset
// (0 when the face lacks it).
struct FontSubset {
    std::string ttf;
    std::vector<std::uint16_t> glyphs;
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
    // The face's own glyph id for `cp` (0 when it has none): the character id of merged
    // PDFs assembled from parts, which must agree however the parts were made.
    std::uint16_t glyph(std::size_t face, char32_t cp) const;
    // Ascent and descent (negative) of the primary face, in 1/1000 em.
    float ascent() const;
    float descent() const;
    FaceMetrics metrics(std::size_t face) const;

    // A TrueType font holding only `codepoints` (which `face` must cover), to embed in a
    // PDF. Throws on failure.
    FontSubset subset(std::size_t face, const std::u32string& codepoints) const;

  private:
    std::vector<std::unique_ptr<FontFace>> faces_;
};

// The process-wide set built from the bundled manifest, loaded on first use.
const FontSet& bundled_font_set();

}  // namespace examdocs::fonts
