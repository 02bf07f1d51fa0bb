#pragma once
// Private to renderers/: the objects of an embedded font, as pure builders. A font is
// written as a Type0 font with Identity-H over a CIDFontType2 whose character ids are
// either the order of first use (a whole document: a small CIDToGIDMap) or the face's
// glyph ids (parts and their assembly: the same in every part). These functions take the
// characters and return object bodies; the writer numbers and writes them.
#include <cstdint>
#include <string>
#include <vector>

#include "examdocs/fonts/font_set.h"
#include "pdf_syntax.h"

namespace examdocs::renderers {

// The characters a font draws as (character id, code point), ids ascending; id 0 is
// .notdef and never listed.
struct FontCharacters {
    std::vector<std::uint16_t> ids;
    std::u32string codepoints;
};

// The six-letter tag a subset font's name carries (PDF 32000 9.6.4), from its characters:
// the same characters give the same tag, so output stays deterministic.
std::string subset_tag(int face, const std::u32string& codepoints);

// The CIDToGIDMap stream's bytes: for each character id, the glyph id in the subset.
// `subset_glyphs` are the subset's glyph ids in the order of `chars.codepoints`.
std::string cid_to_gid_map(const FontCharacters& chars,
                           const std::vector<std::uint16_t>& subset_glyphs);

// The ToUnicode CMap: each character id to its code point, so that text extracts.
std::string to_unicode_cmap(const FontCharacters& chars);

// The /W array: widths in runs of consecutive ids ("first [w w w]"); `advances` by
// position in `chars`.
pdf::Array widths(const FontCharacters& chars, const std::vector<float>& advances);

// The font descriptor of the subset named `name`.
pdf::Dictionary font_descriptor(const std::string& name, const fonts::FaceMetrics& metrics,
                                pdf::Ref font_file);

// The CIDFontType2 and the Type0 font over it.
pdf::Dictionary cid_font(const std::string& name, pdf::Ref descriptor, const pdf::Array& widths,
                         pdf::Ref cid_to_gid);
pdf::Dictionary type0_font(const std::string& name, pdf::Ref cid_font, pdf::Ref to_unicode);

}  // namespace examdocs::renderers
