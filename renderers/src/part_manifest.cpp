#include "examdocs/renderers/part_manifest.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "pdf_syntax.h"

namespace examdocs::renderers {

namespace {

constexpr std::string_view kHeader = "examdocs-pdf-part 1";
// Larger than any page PDF readers accept (PDF 32000 annex C: 14,400 units).
constexpr float kMaxPageSide = 14400;

// The words of one line, read left to right.
class Words {
  public:
    explicit Words(std::string_view line) : rest_(line) {}

    std::optional<std::string_view> word() {
        const auto start = rest_.find_first_not_of(' ');
        if (start == std::string_view::npos) return std::nullopt;
        rest_.remove_prefix(start);
        const auto end = std::min(rest_.find(' '), rest_.size());
        const std::string_view w = rest_.substr(0, end);
        rest_.remove_prefix(end);
        return w;
    }
    template <typename T>
    bool number(T& value) {
        const auto w = word();
        if (!w || w->empty()) return false;
        const char* end = w->data() + w->size();
        const auto [ptr, ec] = std::from_chars(w->data(), end, value);
        return ec == std::errc() && ptr == end;
    }
    bool done() { return !word().has_value(); }

  private:
    std::string_view rest_;
};

}  // namespace

std::string PartManifest::to_text() const {
    std::string m(kHeader);
    m += '\n';
    for (const auto& o : objects) {
        m += "object ";
        pdf::append_integer(m, o.number);
        m += ' ';
        pdf::append_integer(m, static_cast<long long>(o.offset));
        m += '\n';
    }
    for (const auto& p : pages) {
        m += "page ";
        pdf::append_real(m, {p.width, 3});
        m += ' ';
        pdf::append_real(m, {p.height, 3});
        m += ' ';
        pdf::append_integer(m, p.contents);
        m += ' ';
        pdf::append_integer(m, static_cast<long long>(p.faces.size()));
        for (int face : p.faces) {
            m += ' ';
            pdf::append_integer(m, face);
        }
        m += ' ';
        pdf::append_integer(m, static_cast<long long>(p.xobjects.size()));
        for (int x : p.xobjects) {
            m += ' ';
            pdf::append_integer(m, x);
        }
        m += '\n';
    }
    for (const auto& g : glyphs) {
        m += "glyph ";
        pdf::append_integer(m, g.face);
        m += ' ';
        pdf::append_integer(m, g.glyph);
        m += ' ';
        pdf::append_integer(m, static_cast<long long>(g.codepoint));
        m += '\n';
    }
    m += "end ";
    pdf::append_integer(m, static_cast<long long>(length));
    m += '\n';
    return m;
}

std::optional<PartManifest> PartManifest::parse(std::string_view text, std::string& error) {
    PartManifest manifest;
    std::size_t line_number = 0;
    auto fail = [&](const std::string& what) {
        error = "line " + std::to_string(line_number) + ": " + what;
        return std::nullopt;
    };
    // Earlier versions of examdocs listed a form XObject once per use, so a sheet drawing
    // one form twice (certificates 2-up) named it twice: the first is kept.
    auto add_once = [](std::vector<int>& list, int value) {
        if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
    };
    bool ended = false;
    std::set<int> numbers;
    while (!text.empty()) {
        const auto eol = text.find('\n');
        const std::string_view line = text.substr(0, eol);
        text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
        ++line_number;
        if (line_number == 1) {
            if (line != kHeader) return fail("not an examdocs PDF part manifest");
            continue;
        }
        if (ended) {
            if (line.find_first_not_of(' ') != std::string_view::npos) {
                return fail("text after the end line");
            }
            continue;
        }
        Words words(line);
        const auto kind = words.word();
        if (!kind) return fail("an empty line");
        if (*kind == "object") {
            Object o;
            if (!words.number(o.number) || !words.number(o.offset) || !words.done() ||
                o.number <= 0) {
                return fail("an object line is not 'object <number> <offset>'");
            }
            if (!numbers.insert(o.number).second) return fail("an object listed twice");
            if (!manifest.objects.empty() && o.offset <= manifest.objects.back().offset) {
                return fail("object offsets do not ascend");
            }
            manifest.objects.push_back(o);
        } else if (*kind == "page") {
            Page p;
            std::size_t n = 0;
            if (!words.number(p.width) || !words.number(p.height) || !words.number(p.contents) ||
                !words.number(n) || n > kMaxFacesPerPage) {
                return fail("a page line is not 'page <w> <h> <contents> <n> <face>…'");
            }
            if (!(p.width > 0 && p.width <= kMaxPageSide && p.height > 0 &&
                  p.height <= kMaxPageSide)) {
                return fail("a page size out of range");
            }
            for (std::size_t i = 0; i < n; ++i) {
                int face = 0;
                if (!words.number(face) || face < 0) return fail("a page's face");
                add_once(p.faces, face);
            }
            if (!words.number(n) || n > kMaxXObjectsPerPage) return fail("a page's XObject count");
            for (std::size_t i = 0; i < n; ++i) {
                int x = 0;
                if (!words.number(x) || numbers.count(x) == 0) {
                    return fail("a page draws an object the part does not list");
                }
                add_once(p.xobjects, x);
            }
            if (!words.done()) return fail("more on a page line than its counts say");
            if (numbers.count(p.contents) == 0) {
                return fail("a page's contents are not an object of the part");
            }
            manifest.pages.push_back(std::move(p));
        } else if (*kind == "glyph") {
            Glyph g;
            unsigned glyph = 0;
            std::uint32_t cp = 0;
            if (!words.number(g.face) || !words.number(glyph) || !words.number(cp) ||
                !words.done() || g.face < 0 || glyph > 0xFFFF) {
                return fail("a glyph line is not 'glyph <face> <glyph id> <code point>'");
            }
            if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return fail("a glyph's code point is not a Unicode scalar value");
            }
            g.glyph = static_cast<std::uint16_t>(glyph);
            g.codepoint = static_cast<char32_t>(cp);
            manifest.glyphs.push_back(g);
        } else if (*kind == "end") {
            if (!words.number(manifest.length) || !words.done()) {
                return fail("the end line is not 'end <bytes>'");
            }
            if (!manifest.objects.empty() && manifest.objects.back().offset >= manifest.length) {
                return fail("an object starts after the part's end");
            }
            ended = true;
        } else {
            return fail("unknown line '" + std::string(kind->substr(0, 32)) + "'");
        }
    }
    if (line_number == 0) return fail("not an examdocs PDF part manifest: empty");
    if (!ended) return fail("no end line");
    return manifest;
}

}  // namespace examdocs::renderers
