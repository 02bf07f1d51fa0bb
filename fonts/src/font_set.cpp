#include "examdocs/fonts/font_set.h"

#include <harfbuzz/hb-ot.h>
#include <harfbuzz/hb-subset.h>
#include <harfbuzz/hb.h>

#include <stdexcept>

namespace examdocs::fonts {

// RAII over the HarfBuzz objects of one face.
class FontFace {
  public:
    explicit FontFace(const FontEntry& entry) : entry_(entry) {
        blob_ = hb_blob_create_from_file_or_fail(entry.file.c_str());
        if (!blob_) throw std::runtime_error("cannot read the font " + entry.id);
        face_ = hb_face_create(blob_, static_cast<unsigned>(entry.face));
        if (hb_face_get_glyph_count(face_) == 0) {
            release();
            throw std::runtime_error("the font " + entry.id + " has no glyphs");
        }
        hb_face_make_immutable(face_);
        font_ = hb_font_create(face_);
        upem_ = static_cast<float>(hb_face_get_upem(face_));
        hb_font_make_immutable(font_);
        unicodes_ = hb_set_create();
        hb_face_collect_unicodes(face_, unicodes_);
    }
    ~FontFace() { release(); }
    FontFace(const FontFace&) = delete;
    FontFace& operator=(const FontFace&) = delete;

    const FontEntry& entry() const { return entry_; }
    bool covers(char32_t cp) const { return hb_set_has(unicodes_, cp); }
    float per_mille(float units) const { return units * 1000.0F / upem_; }

    std::uint16_t glyph(char32_t cp) const {
        hb_codepoint_t glyph = 0;
        if (!hb_font_get_nominal_glyph(font_, cp, &glyph) || glyph > 0xFFFF) return 0;
        return static_cast<std::uint16_t>(glyph);
    }

    float advance(char32_t cp) const {
        hb_codepoint_t glyph = 0;
        if (!hb_font_get_nominal_glyph(font_, cp, &glyph)) return 0;
        return per_mille(static_cast<float>(hb_font_get_glyph_h_advance(font_, glyph)));
    }

    float ascent() const {
        hb_font_extents_t e{};
        hb_font_get_h_extents(font_, &e);
        return per_mille(static_cast<float>(e.ascender));
    }
    float descent() const {
        hb_font_extents_t e{};
        hb_font_get_h_extents(font_, &e);
        return per_mille(static_cast<float>(e.descender));
    }

    FaceMetrics metrics() const {
        FaceMetrics m;
        char name[128];
        unsigned size = sizeof name;
        if (hb_ot_name_get_utf8(face_, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &size,
                                name) > 0) {
            m.postscript_name.assign(name, size);
        }
        // A PDF name must not hold spaces or delimiters; keep letters, digits, '-' and '_'.
        std::erase_if(m.postscript_name, [](char c) {
            return !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                     c == '-' || c == '_');
        });
        if (m.postscript_name.empty()) m.postscript_name = "Font" + entry_.id;
        // HarfBuzz has no call for the font's bounding box: read xMin..yMax from 'head'.
        hb_blob_t* head = hb_face_reference_table(face_, HB_TAG('h', 'e', 'a', 'd'));
        unsigned length = 0;
        const auto* bytes = reinterpret_cast<const unsigned char*>(hb_blob_get_data(head, &length));
        if (length >= 44) {
            for (int i = 0; i < 4; ++i) {
                const auto v =
                    static_cast<std::int16_t>((bytes[36 + 2 * i] << 8) | bytes[37 + 2 * i]);
                m.bbox[i] = per_mille(static_cast<float>(v));
            }
        }
        hb_blob_destroy(head);
        m.ascent = ascent();
        m.descent = descent();
        hb_position_t cap = 0;
        m.cap_height = hb_ot_metrics_get_position(font_, HB_OT_METRICS_TAG_CAP_HEIGHT, &cap)
                           ? per_mille(static_cast<float>(cap))
                           : m.ascent;
        return m;
    }

    FontSubset subset(const std::u32string& codepoints) const {
        hb_subset_input_t* input = hb_subset_input_create_or_fail();
        if (!input) throw std::bad_alloc();
        hb_set_t* set = hb_subset_input_unicode_set(input);
        for (char32_t cp : codepoints) hb_set_add(set, cp);
        // Hinting instructions are a third of a Zen Hei subset and do nothing for print
        // or for today's viewers.
        hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_NO_HINTING);
        hb_face_t* result = hb_subset_or_fail(face_, input);
        hb_subset_input_destroy(input);
        if (!result) throw std::runtime_error("subsetting the font " + entry_.id + " failed");
        FontSubset out;
        hb_blob_t* blob = hb_face_reference_blob(result);
        unsigned length = 0;
        const char* data = hb_blob_get_data(blob, &length);
        out.ttf.assign(data, length);
        hb_blob_destroy(blob);
        // The subset's own glyph ids: the PDF maps its character ids to these.
        hb_font_t* subset_font = hb_font_create(result);
        out.glyphs.reserve(codepoints.size());
        for (char32_t cp : codepoints) {
            hb_codepoint_t glyph = 0;
            hb_font_get_nominal_glyph(subset_font, cp, &glyph);
            out.glyphs.push_back(static_cast<std::uint16_t>(glyph));
        }
        hb_font_destroy(subset_font);
        hb_face_destroy(result);
        return out;
    }

  private:
    void release() {
        if (unicodes_) hb_set_destroy(unicodes_);
        if (font_) hb_font_destroy(font_);
        if (face_) hb_face_destroy(face_);
        if (blob_) hb_blob_destroy(blob_);
        unicodes_ = nullptr;
        font_ = nullptr;
        face_ = nullptr;
        blob_ = nullptr;
    }

    FontEntry entry_;
    hb_blob_t* blob_ = nullptr;
    hb_face_t* face_ = nullptr;
    hb_font_t* font_ = nullptr;
    hb_set_t* unicodes_ = nullptr;
    float upem_ = 1000;
};

FontSet::FontSet(const std::vector<FontEntry>& entries) {
    if (entries.empty()) throw std::runtime_error("no fonts in the manifest");
    for (const auto& e : entries) faces_.push_back(std::make_unique<FontFace>(e));
}

FontSet::~FontSet() = default;

const FontEntry& FontSet::entry(std::size_t face) const { return faces_.at(face)->entry(); }

int FontSet::face_for(char32_t cp) const {
    for (std::size_t i = 0; i < faces_.size(); ++i) {
        if (faces_[i]->covers(cp)) return static_cast<int>(i);
    }
    return -1;
}

float FontSet::advance(std::size_t face, char32_t cp) const { return faces_.at(face)->advance(cp); }
std::uint16_t FontSet::glyph(std::size_t face, char32_t cp) const {
    return faces_.at(face)->glyph(cp);
}
float FontSet::ascent() const { return faces_.front()->ascent(); }
float FontSet::descent() const { return faces_.front()->descent(); }

FaceMetrics FontSet::metrics(std::size_t face) const { return faces_.at(face)->metrics(); }

FontSubset FontSet::subset(std::size_t face, const std::u32string& codepoints) const {
    return faces_.at(face)->subset(codepoints);
}

const FontSet& bundled_font_set() {
    static const FontSet set(bundled_fonts());
    return set;
}

}  // namespace examdocs::fonts
