#include "examdocs/fonts/font_set.h"

#include <harfbuzz/hb-subset.h>
#include <harfbuzz/hb.h>

#include <stdexcept>

#include "flat_cmap.h"

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

    std::vector<OutlineStep> outline(char32_t cp) const {
        std::vector<OutlineStep> steps;
        hb_codepoint_t glyph = 0;
        if (!hb_font_get_nominal_glyph(font_, cp, &glyph)) return steps;
        Collector collector{this, &steps};
        hb_draw_funcs_t* funcs = draw_funcs();
        hb_font_get_glyph_shape(font_, glyph, funcs, &collector);
        return steps;
    }

    std::string subset(const std::u32string& codepoints) const {
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
        hb_blob_t* blob = hb_face_reference_blob(result);
        unsigned length = 0;
        const char* data = hb_blob_get_data(blob, &length);
        std::string bytes(data, length);
        hb_blob_destroy(blob);
        // The subset's own glyph ids for our code points, for the flat cmap.
        hb_font_t* subset_font = hb_font_create(result);
        std::vector<std::pair<char32_t, std::uint16_t>> mapping;
        for (char32_t cp : codepoints) {
            hb_codepoint_t glyph = 0;
            if (cp < 0xFFFF && hb_font_get_nominal_glyph(subset_font, cp, &glyph)) {
                mapping.emplace_back(cp, static_cast<std::uint16_t>(glyph));
            }
        }
        hb_font_destroy(subset_font);
        hb_face_destroy(result);
        return with_flat_cmap(bytes, mapping);
    }

  private:
    struct Collector {
        const FontFace* face;
        std::vector<OutlineStep>* steps;
        float last_x = 0, last_y = 0;

        void cubic(float c1x, float c1y, float c2x, float c2y, float x, float y) {
            steps->push_back({OutlineStep::cubic, face->per_mille(c1x), face->per_mille(c1y),
                              face->per_mille(c2x), face->per_mille(c2y), face->per_mille(x),
                              face->per_mille(y)});
            last_x = x;
            last_y = y;
        }
    };

    // The draw callbacks only append to a vector: nothing in them can throw but
    // bad_alloc, which we accept as fatal for the request as anywhere else.
    static hb_draw_funcs_t* draw_funcs() {
        static hb_draw_funcs_t* funcs = [] {
            hb_draw_funcs_t* f = hb_draw_funcs_create();
            hb_draw_funcs_set_move_to_func(
                f,
                [](hb_draw_funcs_t*, void* data, hb_draw_state_t*, float x, float y, void*) {
                    auto* c = static_cast<Collector*>(data);
                    c->steps->push_back({OutlineStep::move, 0, 0, 0, 0, c->face->per_mille(x),
                                         c->face->per_mille(y)});
                    c->last_x = x;
                    c->last_y = y;
                },
                nullptr, nullptr);
            hb_draw_funcs_set_line_to_func(
                f,
                [](hb_draw_funcs_t*, void* data, hb_draw_state_t*, float x, float y, void*) {
                    auto* c = static_cast<Collector*>(data);
                    c->steps->push_back({OutlineStep::line, 0, 0, 0, 0, c->face->per_mille(x),
                                         c->face->per_mille(y)});
                    c->last_x = x;
                    c->last_y = y;
                },
                nullptr, nullptr);
            // PDF has only cubic curves: raise each quadratic to the cubic that traces it.
            hb_draw_funcs_set_quadratic_to_func(
                f,
                [](hb_draw_funcs_t*, void* data, hb_draw_state_t*, float cx, float cy, float x,
                   float y, void*) {
                    auto* c = static_cast<Collector*>(data);
                    const float c1x = c->last_x + 2.0F / 3.0F * (cx - c->last_x);
                    const float c1y = c->last_y + 2.0F / 3.0F * (cy - c->last_y);
                    const float c2x = x + 2.0F / 3.0F * (cx - x);
                    const float c2y = y + 2.0F / 3.0F * (cy - y);
                    c->cubic(c1x, c1y, c2x, c2y, x, y);
                },
                nullptr, nullptr);
            hb_draw_funcs_set_cubic_to_func(
                f,
                [](hb_draw_funcs_t*, void* data, hb_draw_state_t*, float c1x, float c1y, float c2x,
                   float c2y, float x, float y,
                   void*) { static_cast<Collector*>(data)->cubic(c1x, c1y, c2x, c2y, x, y); },
                nullptr, nullptr);
            hb_draw_funcs_set_close_path_func(
                f,
                [](hb_draw_funcs_t*, void* data, hb_draw_state_t*, void*) {
                    static_cast<Collector*>(data)->steps->push_back({OutlineStep::close});
                },
                nullptr, nullptr);
            hb_draw_funcs_make_immutable(f);
            return f;
        }();
        return funcs;
    }

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
float FontSet::ascent() const { return faces_.front()->ascent(); }
float FontSet::descent() const { return faces_.front()->descent(); }

std::vector<OutlineStep> FontSet::outline(std::size_t face, char32_t cp) const {
    return faces_.at(face)->outline(cp);
}

std::string FontSet::subset(std::size_t face, const std::u32string& codepoints) const {
    return faces_.at(face)->subset(codepoints);
}

const FontSet& bundled_font_set() {
    static const FontSet set(bundled_fonts());
    return set;
}

}  // namespace examdocs::fonts
