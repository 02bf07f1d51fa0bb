#include "pdf_writer.h"

#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <mutex>
#include <span>
#include <sstream>

#include "examdocs/core/field_rules.h"
#include "examdocs/core/image_header.h"

namespace examdocs::renderers {

namespace {

// zlib level 6 everywhere. Level 1 was faster for the certificate's 85 KB guilloche
// pattern (0.46 ms against 3.5 ms), but that pattern is now deflated once per process (see
// PatternCache); for a ticket's 14 KB of content level 6 saves 0.6 KB a page (4 % of a
// merged ticket) and did not slow bulk printing, whose writer thread waits on composing.
constexpr int kDeflateLevel = 6;

void append_number(std::string& out, double v, int decimals = 2) {
    char buffer[32];
    auto [end, ec] =
        std::to_chars(buffer, buffer + sizeof buffer, v, std::chars_format::fixed, decimals);
    if (ec != std::errc()) {
        out += '0';
        return;
    }
    char* last = end;
    if (decimals > 0) {
        while (last > buffer && last[-1] == '0') --last;
        if (last > buffer && last[-1] == '.') --last;
    }
    std::string_view text(buffer, static_cast<std::size_t>(last - buffer));
    if (text == "-0" || text.empty()) text = "0";
    out += text;
}

void append_numbers(std::string& out, std::initializer_list<double> values, int decimals = 2) {
    for (double v : values) {
        append_number(out, v, decimals);
        out += ' ';
    }
}

void append_color(std::string& out, const Color& c, const char* op) {
    append_numbers(out, {c.r, c.g, c.b}, 3);
    out += op;
    out += '\n';
}

void append_hex16(std::string& out, unsigned v) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    out += kHex[(v >> 12) & 0xF];
    out += kHex[(v >> 8) & 0xF];
    out += kHex[(v >> 4) & 0xF];
    out += kHex[v & 0xF];
}

// UTF-16BE hex of a code point: one unit, or a surrogate pair outside the BMP.
void append_utf16_hex(std::string& out, char32_t cp) {
    if (cp > 0xFFFF) {
        const auto v = static_cast<unsigned>(cp) - 0x10000U;
        append_hex16(out, 0xD800U + (v >> 10));
        append_hex16(out, 0xDC00U + (v & 0x3FFU));
    } else {
        append_hex16(out, static_cast<unsigned>(cp));
    }
}

// A PDF text string for the information dictionary: UTF-16BE with a byte-order mark, in hex.
std::string text_string(std::string_view utf8) {
    std::string out = "<FEFF";
    for (char32_t cp : utf8_to_u32(std::string(utf8))) append_utf16_hex(out, cp);
    out += '>';
    return out;
}

std::string deflate(std::string_view data, int level) {
    uLongf size = compressBound(static_cast<uLong>(data.size()));
    std::string out(size, '\0');
    const int rc = compress2(reinterpret_cast<Bytef*>(out.data()), &size,
                             reinterpret_cast<const Bytef*>(data.data()),
                             static_cast<uLong>(data.size()), level);
    if (rc != Z_OK) throw PdfError("zlib could not compress a stream");
    out.resize(size);
    return out;
}

// The six-letter tag a subset font's name carries (PDF 32000 9.6.4), from its characters:
// the same characters give the same tag, so output stays deterministic.
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

std::string pdf_date(std::chrono::system_clock::time_point t) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "(D:%Y%m%d%H%M%SZ)", &utc);
    return buffer;
}

std::string pattern_content(const CurveOp& cv, float H) {
    std::string c = "q\n";
    append_numbers(c, {cv.clip.x, H - cv.clip.y - cv.clip.h, cv.clip.w, cv.clip.h});
    c += "re W n\n";
    append_color(c, cv.color, "RG");
    append_number(c, cv.width);
    c += " w [] 0 d\n";
    for (const auto& wave : cv.waves) {
        append_numbers(c, {wave.x0, H - wave.y0});
        c += "m\n";
        for (const auto& s : wave.segments) {
            append_numbers(c, {s.x1, H - s.y1, s.x2, H - s.y2, s.x, H - s.y});
            c += "c\n";
        }
    }
    c += "S\nQ\n";
    return c;
}

// FNV-1a over the pattern's numbers: the identity of a pattern for the caches below.
std::uint64_t pattern_key(const CurveOp& cv, float H) {
    std::uint64_t h = 14695981039346656037ULL;
    auto mix = [&h](float v) {
        std::uint32_t bits = 0;
        std::memcpy(&bits, &v, sizeof bits);
        h = (h ^ bits) * 1099511628211ULL;
    };
    for (float v : {H, cv.width, cv.color.r, cv.color.g, cv.color.b, cv.clip.x, cv.clip.y,
                    cv.clip.w, cv.clip.h}) {
        mix(v);
    }
    for (const auto& wave : cv.waves) {
        mix(wave.x0);
        mix(wave.y0);
        for (const auto& s : wave.segments) {
            for (float v : {s.x1, s.y1, s.x2, s.y2, s.x, s.y}) mix(v);
        }
    }
    return h;
}

// A certificate's background pattern is the same on every certificate of a layout, and
// formatting and deflating its ~85 KB of curves was a quarter of a certificate's render
// time. Deflated once per process here, it is written once per PDF as a form XObject.
class PatternCache {
  public:
    std::shared_ptr<const std::string> get(const CurveOp& cv, float H, std::uint64_t key) {
        {
            std::lock_guard lock(mutex_);
            auto it = entries_.find(key);
            if (it != entries_.end()) return it->second;
        }
        auto deflated =
            std::make_shared<const std::string>(deflate(pattern_content(cv, H), kDeflateLevel));
        std::lock_guard lock(mutex_);
        if (entries_.size() >= 64) entries_.clear();  // layouts have one or two patterns
        entries_.emplace(key, deflated);
        return deflated;
    }

  private:
    std::mutex mutex_;
    std::map<std::uint64_t, std::shared_ptr<const std::string>> entries_;
};

PatternCache& pattern_cache() {
    static PatternCache cache;
    return cache;
}

}  // namespace

int PdfWriter::write_pattern(const CurveOp& cv, float H) {
    const std::uint64_t key = pattern_key(cv, H);
    auto it = forms_.find(key);
    if (it != forms_.end()) return it->second;
    const auto deflated = pattern_cache().get(cv, H, key);
    const int number = reserve();
    std::string dict = "/Type /XObject /Subtype /Form /BBox [";
    append_numbers(dict,
                   {cv.clip.x, H - cv.clip.y - cv.clip.h, cv.clip.x + cv.clip.w, H - cv.clip.y});
    dict += "] /Filter /FlateDecode";
    write_stream(number, dict, *deflated, 0);
    forms_.emplace(key, number);
    return number;
}

PdfWriter::PdfWriter(std::ostream& out, const fonts::FontSet& fonts, WriterMode mode)
    : out_(out), fonts_(fonts), mode_(mode) {
    if (mode_ == WriterMode::part) return;  // objects only
    // The second line's high bytes tell transfer tools the file is binary.
    write("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
    pages_root_ = reserve();
}

int PdfWriter::reserve() {
    offsets_.push_back(0);
    return static_cast<int>(offsets_.size());
}

void PdfWriter::write(std::string_view bytes) {
    out_.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    position_ += bytes.size();
}

void PdfWriter::begin_object(int number) {
    offsets_.at(static_cast<std::size_t>(number - 1)) = position_;
    write(std::to_string(number) + " 0 obj\n");
}

void PdfWriter::write_stream(int number, std::string_view dict_entries, std::string_view data,
                             int level) {
    const bool compress = level > 0;
    std::string packed;
    if (compress) packed = deflate(data, level);
    const std::string_view body = compress ? std::string_view(packed) : data;
    begin_object(number);
    std::string head = "<< ";
    head += dict_entries;
    if (compress) head += " /Filter /FlateDecode";
    head += " /Length " + std::to_string(body.size()) + " >>\nstream\n";
    write(head);
    write(body);
    write("\nendstream\nendobj\n");
}

std::uint16_t PdfWriter::cid_for(int face, char32_t cp) {
    FontUse& use = fonts_used_[face];
    if (mode_ != WriterMode::document) {
        // The glyph id, the same in every part; a part's fonts are written at assembly.
        auto [it, inserted] = use.cids.try_emplace(cp, 0);
        if (inserted) {
            it->second = fonts_.glyph(static_cast<std::size_t>(face), cp);
            use.glyphs.try_emplace(it->second, cp);
        }
        if (use.type0 == 0 && mode_ == WriterMode::assembly) use.type0 = reserve();
        return it->second;
    }
    if (use.type0 == 0) use.type0 = reserve();
    auto [it, inserted] = use.cids.try_emplace(cp, 0);
    if (inserted) {
        if (use.codepoints.size() >= 0xFFFE) throw PdfError("too many characters for one font");
        use.codepoints += cp;
        it->second = static_cast<std::uint16_t>(use.codepoints.size());
    }
    return it->second;
}

int PdfWriter::write_image(const std::string& jpeg) {
    const ImageHeader header = read_image_header(std::as_bytes(std::span(jpeg)));
    if (header.format != ImageFormat::jpeg || header.width == 0 || header.height == 0) {
        throw PdfError("an image to embed is not a readable JPEG");
    }
    const char* space = header.components == 1   ? "/DeviceGray"
                        : header.components == 4 ? "/DeviceCMYK"
                                                 : "/DeviceRGB";
    const int number = reserve();
    std::string dict = "/Type /XObject /Subtype /Image /Width " + std::to_string(header.width) +
                       " /Height " + std::to_string(header.height) + " /ColorSpace " + space +
                       " /BitsPerComponent 8 /Filter /DCTDecode";
    // Adobe's CMYK JPEGs store inverted values.
    if (header.components == 4) dict += " /Decode [1 0 1 0 1 0 1 0]";
    write_stream(number, dict, jpeg, 0);
    return number;
}

void PdfWriter::draw(std::string& c, const Placement& at, float sheet_height,
                     std::vector<int>& images, std::vector<int>& faces) {
    const float H = at.page_height;
    const bool moved = at.scale != 1 || at.x != 0 || at.y != 0 || at.page_height != sheet_height;
    if (moved) {
        c += "q\n";
        append_numbers(c, {at.scale, 0, 0, at.scale}, 4);
        append_numbers(c, {at.x, sheet_height - at.y - at.scale * H});
        c += "cm\n";
    }
    // The graphics state as last set, so that runs of operations in one colour (the modules
    // of a QR code, a table's rules) set it once; and a run of filled rectangles of one
    // colour becomes one path filled once. Unknown at the start of every placement.
    std::optional<Color> fill, stroke;
    float width = -1;
    std::string dash = "?";
    bool open_fill = false;
    auto same = [](const std::optional<Color>& a, const Color& b) {
        return a && a->r == b.r && a->g == b.g && a->b == b.b;
    };
    auto close_fill = [&] {
        if (open_fill) c += "f\n";
        open_fill = false;
    };
    auto set_fill = [&](const Color& color) {
        if (same(fill, color)) return;
        close_fill();
        append_color(c, color, "rg");
        fill = color;
    };
    auto set_stroke = [&](const Color& color, float line_width, const std::string& pattern) {
        if (!same(stroke, color)) append_color(c, color, "RG");
        stroke = color;
        if (line_width != width) {
            append_number(c, line_width);
            c += " w\n";
            width = line_width;
        }
        if (pattern != dash) {
            c += pattern + " 0 d\n";
            dash = pattern;
        }
    };
    for (const auto& op : *at.page) {
        const auto* r = std::get_if<RectOp>(&op);
        if (r && r->fill && !r->stroke) {
            set_fill(*r->fill);
            append_numbers(c, {r->box.x, H - r->box.y - r->box.h, r->box.w, r->box.h});
            c += "re\n";
            open_fill = true;
            continue;
        }
        close_fill();
        if (const auto* t = std::get_if<TextRunOp>(&op)) {
            set_fill(t->color);
            if (t->bold) set_stroke(t->color, t->size * 0.03F, dash == "?" ? "[]" : dash);
            c += "BT\n/F";
            c += std::to_string(t->face);
            c += ' ';
            append_number(c, t->size);
            c += t->bold ? " Tf 2 Tr\n" : " Tf 0 Tr\n";
            append_numbers(c, {t->x, H - t->y});
            c += "Td <";
            for (char32_t cp : t->text) append_hex16(c, cid_for(t->face, cp));
            c += "> Tj\nET\n";
            if (std::find(faces.begin(), faces.end(), t->face) == faces.end()) {
                faces.push_back(t->face);
            }
        } else if (r) {
            if (!r->stroke) continue;
            if (r->fill) set_fill(*r->fill);
            set_stroke(*r->stroke, r->line_width, "[]");
            append_numbers(c, {r->box.x, H - r->box.y - r->box.h, r->box.w, r->box.h});
            c += r->fill ? "re B\n" : "re S\n";
        } else if (const auto* l = std::get_if<LineOp>(&op)) {
            std::string pattern = "[";
            for (float d : l->dash) {
                append_number(pattern, std::max(1.0F, std::round(d)));
                pattern += ' ';
            }
            pattern += ']';
            set_stroke(l->color, l->width, pattern);
            append_numbers(c, {l->x1, H - l->y1});
            c += "m ";
            append_numbers(c, {l->x2, H - l->y2});
            c += "l S\n";
        } else if (const auto* cv = std::get_if<CurveOp>(&op)) {
            const int form = write_pattern(*cv, H);
            images.push_back(form);
            c += "/X" + std::to_string(form) + " Do\n";
        } else if (const auto* im = std::get_if<ImageOp>(&op)) {
            const int image = write_image(im->jpeg);
            images.push_back(image);
            c += "q\n";
            append_numbers(c, {im->box.w, 0, 0, im->box.h, im->box.x, H - im->box.y - im->box.h});
            c += "cm /X" + std::to_string(image) + " Do\nQ\n";
        }
    }
    close_fill();
    if (moved) c += "Q\n";
}

void PdfWriter::add_sheet(float width, float height, const std::vector<Placement>& placements,
                          const PageOps& extra) {
    std::string content;
    std::vector<int> images;
    std::vector<int> faces;
    for (const auto& at : placements) draw(content, at, height, images, faces);
    if (!extra.empty()) draw(content, Placement{&extra, height}, height, images, faces);

    const int contents = reserve();
    write_stream(contents, "", content, kDeflateLevel);
    if (mode_ == WriterMode::part) {
        part_pages_.push_back({width, height, contents, std::move(faces), std::move(images)});
    } else {
        std::vector<std::pair<int, int>> xobjects;
        for (int image : images) xobjects.emplace_back(image, image);
        const int page = reserve();
        write_page(page, width, height, contents, std::move(faces), xobjects);
    }
    if (!out_) throw PdfError("writing the PDF failed");
}

void PdfWriter::write_page(int page, float width, float height, int contents,
                           std::vector<int> faces,
                           const std::vector<std::pair<int, int>>& xobjects) {
    begin_object(page);
    std::string dict =
        "<< /Type /Page /Parent " + std::to_string(pages_root_) + " 0 R /MediaBox [0 0 ";
    append_numbers(dict, {width, height});
    dict += "] /Resources << ";
    if (!faces.empty()) {
        std::sort(faces.begin(), faces.end());
        dict += "/Font << ";
        for (int face : faces) {
            dict += "/F" + std::to_string(face) + ' ' + std::to_string(fonts_used_.at(face).type0) +
                    " 0 R ";
        }
        dict += ">> ";
    }
    if (!xobjects.empty()) {
        dict += "/XObject << ";
        for (const auto& [name, number] : xobjects) {
            dict += "/X" + std::to_string(name) + ' ' + std::to_string(number) + " 0 R ";
        }
        dict += ">> ";
    }
    dict += ">> /Contents " + std::to_string(contents) + " 0 R >>\nendobj\n";
    write(dict);
    pages_.push_back(page);
}

void PdfWriter::write_font(int face, FontUse& use) {
    // The characters as (character id, code point), ids ascending. In a document, id i
    // (from 1) is the i-th character first drawn; in an assembly, the face's glyph id. Id 0
    // is .notdef.
    std::vector<std::uint16_t> ids;
    std::u32string codepoints;
    if (mode_ == WriterMode::document) {
        codepoints = use.codepoints;
        for (std::size_t i = 0; i < codepoints.size(); ++i) {
            ids.push_back(static_cast<std::uint16_t>(i + 1));
        }
    } else {
        for (const auto& [glyph, cp] : use.glyphs) {
            ids.push_back(glyph);
            codepoints += cp;
        }
    }
    const fonts::FontSubset subset = fonts_.subset(static_cast<std::size_t>(face), codepoints);
    const fonts::FaceMetrics m = fonts_.metrics(static_cast<std::size_t>(face));
    const std::string name = subset_tag(face, codepoints) + "+" + m.postscript_name;

    const int file = reserve();
    write_stream(file, "/Length1 " + std::to_string(subset.ttf.size()), subset.ttf, kDeflateLevel);

    std::string map(2 * ((ids.empty() ? 0 : ids.back()) + 1U), '\0');
    for (std::size_t i = 0; i < subset.glyphs.size(); ++i) {
        map[2U * ids[i]] = static_cast<char>(subset.glyphs[i] >> 8);
        map[2U * ids[i] + 1] = static_cast<char>(subset.glyphs[i] & 0xFF);
    }
    const int cid_to_gid = reserve();
    write_stream(cid_to_gid, "", map, kDeflateLevel);

    std::string cmap =
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
    for (std::size_t i = 0; i < codepoints.size(); i += 100) {
        const std::size_t n = std::min<std::size_t>(100, codepoints.size() - i);
        cmap += std::to_string(n) + " beginbfchar\n";
        for (std::size_t k = i; k < i + n; ++k) {
            cmap += '<';
            append_hex16(cmap, ids[k]);
            cmap += "> <";
            append_utf16_hex(cmap, codepoints[k]);
            cmap += ">\n";
        }
        cmap += "endbfchar\n";
    }
    cmap += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
    const int to_unicode = reserve();
    write_stream(to_unicode, "", cmap, kDeflateLevel);

    const int descriptor = reserve();
    begin_object(descriptor);
    std::string d = "<< /Type /FontDescriptor /FontName /" + name + " /Flags 4 /FontBBox [";
    append_numbers(d, {m.bbox[0], m.bbox[1], m.bbox[2], m.bbox[3]}, 0);
    d += "] /ItalicAngle 0 /Ascent ";
    append_numbers(d, {m.ascent}, 0);
    d += "/Descent ";
    append_numbers(d, {m.descent}, 0);
    d += "/CapHeight ";
    append_numbers(d, {m.cap_height}, 0);
    d += "/StemV 80 /FontFile2 " + std::to_string(file) + " 0 R >>\nendobj\n";
    write(d);

    const int cid_font = reserve();
    begin_object(cid_font);
    std::string f = "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /" + name +
                    " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
                    " /FontDescriptor " +
                    std::to_string(descriptor) + " 0 R /DW 1000 /W [";
    // Widths in runs of consecutive ids: "first [w w w]".
    for (std::size_t k = 0; k < ids.size(); ++k) {
        if (k == 0 || ids[k] != ids[k - 1] + 1) {
            if (k > 0) f += "] ";
            f += std::to_string(ids[k]) + " [";
        }
        append_number(f, std::round(fonts_.advance(static_cast<std::size_t>(face), codepoints[k])),
                      0);
        f += ' ';
    }
    if (!ids.empty()) f += ']';
    f += "] /CIDToGIDMap " + std::to_string(cid_to_gid) + " 0 R >>\nendobj\n";
    write(f);

    begin_object(use.type0);
    write("<< /Type /Font /Subtype /Type0 /BaseFont /" + name +
          " /Encoding /Identity-H /DescendantFonts [" + std::to_string(cid_font) +
          " 0 R] /ToUnicode " + std::to_string(to_unicode) + " 0 R >>\nendobj\n");
}

// The manifest is a few lines of text: the format is ours on both ends (a part is made and
// assembled by examdocs, kept in the registry database in between), and it stays readable
// when a job has to be looked into.
//   examdocs-pdf-part 1
//   object <number> <offset>          each object, by offset
//   page <w> <h> <contents> <n> <face>… <m> <xobject>…
//   glyph <face> <glyph id> <code point>
//   end <bytes>
std::string PdfWriter::finish_part() {
    if (mode_ != WriterMode::part) throw PdfError("finish_part() on a writer not in part mode");
    std::vector<std::pair<std::uint64_t, int>> objects;
    for (std::size_t i = 0; i < offsets_.size(); ++i) {
        objects.emplace_back(offsets_[i], static_cast<int>(i + 1));
    }
    std::sort(objects.begin(), objects.end());
    std::string m = "examdocs-pdf-part 1\n";
    for (const auto& [offset, number] : objects) {
        m += "object " + std::to_string(number) + ' ' + std::to_string(offset) + '\n';
    }
    for (const auto& p : part_pages_) {
        m += "page ";
        append_numbers(m, {p.width, p.height}, 3);
        m += std::to_string(p.contents) + ' ' + std::to_string(p.faces.size());
        for (int face : p.faces) m += ' ' + std::to_string(face);
        m += ' ' + std::to_string(p.xobjects.size());
        for (int x : p.xobjects) m += ' ' + std::to_string(x);
        m += '\n';
    }
    for (const auto& [face, use] : fonts_used_) {
        for (const auto& [glyph, cp] : use.glyphs) {
            m += "glyph " + std::to_string(face) + ' ' + std::to_string(glyph) + ' ' +
                 std::to_string(static_cast<std::uint32_t>(cp)) + '\n';
        }
    }
    m += "end " + std::to_string(position_) + '\n';
    out_.flush();
    if (!out_) throw PdfError("writing the PDF part failed");
    return m;
}

void PdfWriter::add_part(std::string_view objects, std::string_view manifest) {
    if (mode_ != WriterMode::assembly) throw PdfError("add_part() on a writer not assembling");
    auto bad = [](const std::string& what) {
        return PdfError("a PDF part does not match its manifest: " + what);
    };
    std::istringstream in{std::string(manifest)};
    std::string word;
    int version = 0;
    if (!(in >> word >> version) || word != "examdocs-pdf-part" || version != 1) {
        throw bad("unknown manifest");
    }
    std::vector<std::pair<int, std::uint64_t>> listed;  // number, offset
    std::vector<PartPage> pages;
    std::uint64_t end = 0;
    bool ended = false;
    while (!ended && in >> word) {
        if (word == "object") {
            int number = 0;
            std::uint64_t offset = 0;
            if (!(in >> number >> offset) || number <= 0) throw bad("object line");
            listed.emplace_back(number, offset);
        } else if (word == "page") {
            PartPage p;
            std::size_t n = 0;
            if (!(in >> p.width >> p.height >> p.contents >> n) || n > 64) throw bad("page line");
            p.faces.resize(n);
            for (int& face : p.faces) in >> face;
            if (!(in >> n) || n > 4096) throw bad("page line");
            p.xobjects.resize(n);
            for (int& x : p.xobjects) in >> x;
            if (!in) throw bad("page line");
            pages.push_back(std::move(p));
        } else if (word == "glyph") {
            int face = 0;
            unsigned glyph = 0;
            std::uint32_t cp = 0;
            if (!(in >> face >> glyph >> cp) || face < 0 ||
                static_cast<std::size_t>(face) >= fonts_.size() || glyph > 0xFFFF) {
                throw bad("glyph line");
            }
            fonts_used_[face].glyphs.try_emplace(static_cast<std::uint16_t>(glyph),
                                                 static_cast<char32_t>(cp));
        } else if (word == "end") {
            if (!(in >> end)) throw bad("end line");
            ended = true;
        } else {
            throw bad("unknown line '" + word + "'");
        }
    }
    if (!ended || end != objects.size()) throw bad("its length");

    // Each object's bytes, renumbered: "n 0 obj\n" is replaced, the rest copied as it is.
    // Pages are the only objects that refer to others, and they are written here.
    std::map<int, int> renumbered;
    for (std::size_t i = 0; i < listed.size(); ++i) {
        const auto [number, offset] = listed[i];
        const std::uint64_t next = i + 1 < listed.size() ? listed[i + 1].second : end;
        if (next < offset || next > end) throw bad("object offsets");
        const std::string_view bytes = objects.substr(offset, next - offset);
        const std::string head = std::to_string(number) + " 0 obj\n";
        if (bytes.substr(0, head.size()) != head) throw bad("object " + std::to_string(number));
        const int renumber = reserve();
        renumbered[number] = renumber;
        begin_object(renumber);
        write(bytes.substr(head.size()));
    }
    auto object = [&](int number) {
        auto it = renumbered.find(number);
        if (it == renumbered.end()) throw bad("a page refers to a missing object");
        return it->second;
    };
    for (const auto& p : pages) {
        std::vector<std::pair<int, int>> xobjects;
        for (int x : p.xobjects) xobjects.emplace_back(x, object(x));
        for (int face : p.faces) {
            if (face < 0 || static_cast<std::size_t>(face) >= fonts_.size()) throw bad("a face");
            FontUse& use = fonts_used_[face];
            if (use.type0 == 0) use.type0 = reserve();
        }
        const int page = reserve();
        write_page(page, p.width, p.height, object(p.contents), p.faces, xobjects);
    }
    if (!out_) throw PdfError("writing the PDF failed");
}

void PdfWriter::finish(const DocumentInfo& info) {
    if (mode_ == WriterMode::part) throw PdfError("finish() on a writer in part mode");
    for (auto& [face, use] : fonts_used_) {
        // An assembly can hold glyphs of a face that no page of it uses.
        if (use.type0 == 0) use.type0 = reserve();
        write_font(face, use);
    }

    begin_object(pages_root_);
    std::string kids = "<< /Type /Pages /Count " + std::to_string(pages_.size()) + " /Kids [";
    for (int page : pages_) kids += std::to_string(page) + " 0 R ";
    kids += "] >>\nendobj\n";
    write(kids);

    const int catalog = reserve();
    begin_object(catalog);
    write("<< /Type /Catalog /Pages " + std::to_string(pages_root_) +
          " 0 R /Lang (zh-CN) >>\nendobj\n");

    const int information = reserve();
    begin_object(information);
    std::string i = "<< /Title " + text_string(info.title);
    if (!info.author.empty()) i += " /Author " + text_string(info.author);
    if (!info.subject.empty()) i += " /Subject " + text_string(info.subject);
    const std::string date = pdf_date(info.created);
    i += " /Creator (examdocs) /Producer (examdocs) /CreationDate " + date + " /ModDate " + date +
         " >>\nendobj\n";
    write(i);

    const std::uint64_t xref = position_;
    std::string table =
        "xref\n0 " + std::to_string(offsets_.size() + 1) + "\n0000000000 65535 f \n";
    for (std::uint64_t offset : offsets_) {
        if (offset == 0) throw PdfError("an object was reserved and never written");
        char entry[32];
        std::snprintf(entry, sizeof entry, "%010llu 00000 n \n",
                      static_cast<unsigned long long>(offset));
        table += entry;
    }
    table += "trailer\n<< /Size " + std::to_string(offsets_.size() + 1) + " /Root " +
             std::to_string(catalog) + " 0 R /Info " + std::to_string(information) + " 0 R /ID [<" +
             info.document_id + "> <" + info.document_id + ">] >>\nstartxref\n" +
             std::to_string(xref) + "\n%%EOF\n";
    write(table);
    out_.flush();
    if (!out_) throw PdfError("writing the PDF failed");
}

}  // namespace examdocs::renderers
