#include "pdf_font.h"

#include <algorithm>
#include <cmath>

namespace examdocs::renderers {

std::string subset_tag(int face, const std::u32string& codepoints) {
    std::uint32_t h = 2166136261U ^ static_cast<std::uint32_t>(face);
    for (char32_t cp : codepoints) h = (h ^ static_cast<std::uint32_t>(cp)) * 16777619U;
    std::string tag(6, 'A');
    for (char& c : tag) {
        c = static_cast<char>('A' + h % 26);
        h /= 26;
    }
    return tag;
}

std::string cid_to_gid_map(const FontCharacters& chars,
                           const std::vector<std::uint16_t>& subset_glyphs) {
    const auto& ids = chars.ids;
    std::string map(2 * ((ids.empty() ? 0 : ids.back()) + 1U), '\0');
    const std::size_t n = std::min(ids.size(), subset_glyphs.size());
    for (std::size_t i = 0; i < n; ++i) {
        map[2U * ids[i]] = static_cast<char>(subset_glyphs[i] >> 8);
        map[2U * ids[i] + 1] = static_cast<char>(subset_glyphs[i] & 0xFF);
    }
    return map;
}

std::string to_unicode_cmap(const FontCharacters& chars) {
    std::string cmap =
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
    const std::size_t count = std::min(chars.ids.size(), chars.codepoints.size());
    // At most 100 entries a block (PDF 32000 9.10.3).
    for (std::size_t i = 0; i < count; i += 100) {
        const std::size_t n = std::min<std::size_t>(100, count - i);
        pdf::append_integer(cmap, static_cast<long long>(n));
        cmap += " beginbfchar\n";
        for (std::size_t k = i; k < i + n; ++k) {
            cmap += '<';
            pdf::append_hex16(cmap, chars.ids[k]);
            cmap += "> <";
            pdf::append_utf16_hex(cmap, chars.codepoints[k]);
            cmap += ">\n";
        }
        cmap += "endbfchar\n";
    }
    cmap += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
    return cmap;
}

pdf::Array widths(const FontCharacters& chars, const std::vector<float>& advances) {
    pdf::Array w;
    pdf::Array run;
    const auto& ids = chars.ids;
    for (std::size_t k = 0; k < ids.size() && k < advances.size(); ++k) {
        if (k > 0 && ids[k] != ids[k - 1] + 1) {
            w.add(run);
            run = {};
        }
        if (run.empty()) w.add(static_cast<long long>(ids[k]));
        run.add(pdf::Real{std::round(advances[k]), 0});
    }
    if (!run.empty()) w.add(run);
    return w;
}

pdf::Dictionary font_descriptor(const std::string& name, const fonts::FaceMetrics& m,
                                pdf::Ref font_file) {
    pdf::Array bbox;
    for (float v : m.bbox) bbox.add(pdf::Real{v, 0});
    pdf::Dictionary d("FontDescriptor");
    d.set("FontName", pdf::Name{name})
        .set("Flags", 4)
        .set("FontBBox", bbox)
        .set("ItalicAngle", 0)
        .set("Ascent", pdf::Real{m.ascent, 0})
        .set("Descent", pdf::Real{m.descent, 0})
        .set("CapHeight", pdf::Real{m.cap_height, 0})
        .set("StemV", 80)
        .set("FontFile2", font_file);
    return d;
}

pdf::Dictionary cid_font(const std::string& name, pdf::Ref descriptor, const pdf::Array& w,
                         pdf::Ref cid_to_gid) {
    pdf::Dictionary system_info;
    system_info.set("Registry", pdf::LiteralString{"Adobe"})
        .set("Ordering", pdf::LiteralString{"Identity"})
        .set("Supplement", 0);
    pdf::Dictionary f("Font");
    f.set("Subtype", pdf::Name{"CIDFontType2"})
        .set("BaseFont", pdf::Name{name})
        .set("CIDSystemInfo", system_info)
        .set("FontDescriptor", descriptor)
        .set("DW", 1000)
        .set("W", w)
        .set("CIDToGIDMap", cid_to_gid);
    return f;
}

pdf::Dictionary type0_font(const std::string& name, pdf::Ref cid_font, pdf::Ref to_unicode) {
    pdf::Array descendants;
    descendants.add(cid_font);
    pdf::Dictionary f("Font");
    f.set("Subtype", pdf::Name{"Type0"})
        .set("BaseFont", pdf::Name{name})
        .set("Encoding", pdf::Name{"Identity-H"})
        .set("DescendantFonts", descendants)
        .set("ToUnicode", to_unicode);
    return f;
}

}  // namespace examdocs::renderers
