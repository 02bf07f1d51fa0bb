#include "examdocs/renderers/layout.h"

#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cstdlib>
#include <map>

namespace examdocs::renderers {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr float kPointsPerMm = 72.0F / 25.4F;

[[noreturn]] void fail(const std::string& where, const std::string& what) {
    throw LayoutError(where + ": " + what);
}

float mm(const Object& o, const std::string& key, const std::string& where, float fallback = 0) {
    if (!o.has(key)) return fallback;
    try {
        return static_cast<float>(o.getValue<double>(key)) * kPointsPerMm;
    } catch (const Poco::Exception&) {
        fail(where + "." + key, "must be a number (millimetres)");
    }
}

float number(const Object& o, const std::string& key, float fallback) {
    return o.has(key) ? static_cast<float>(o.getValue<double>(key)) : fallback;
}

std::string text(const Object& o, const std::string& key, const std::string& fallback = {}) {
    return o.has(key) ? o.getValue<std::string>(key) : fallback;
}

Box box(const Object& o, const std::string& where) {
    auto a = o.getArray("box");
    if (!a || a->size() != 4) fail(where + ".box", "must be [x, y, width, height] in millimetres");
    Box b;
    b.x = static_cast<float>(a->getElement<double>(0)) * kPointsPerMm;
    b.y = static_cast<float>(a->getElement<double>(1)) * kPointsPerMm;
    b.w = static_cast<float>(a->getElement<double>(2)) * kPointsPerMm;
    b.h = static_cast<float>(a->getElement<double>(3)) * kPointsPerMm;
    if (b.w < 0 || b.h < 0) fail(where + ".box", "width and height must not be negative");
    return b;
}

Color color(const std::string& hex, const std::string& where) {
    if (hex.size() != 7 || hex[0] != '#') fail(where, "a colour is #rrggbb");
    auto channel = [&](std::size_t i) {
        char* end = nullptr;
        const std::string part = hex.substr(i, 2);
        const long v = std::strtol(part.c_str(), &end, 16);
        if (*end != '\0') fail(where, "a colour is #rrggbb");
        return static_cast<float>(v) / 255.0F;
    };
    return Color{channel(1), channel(3), channel(5)};
}

Align align(const std::string& s, const std::string& where) {
    static const std::map<std::string, Align> values{{"left", Align::left},
                                                     {"center", Align::center},
                                                     {"right", Align::right},
                                                     {"justify", Align::justify}};
    auto it = values.find(s);
    if (it == values.end()) fail(where, "align is left, center, right or justify");
    return it->second;
}

VAlign valign(const std::string& s, const std::string& where) {
    if (s == "top") return VAlign::top;
    if (s == "middle") return VAlign::middle;
    if (s == "bottom") return VAlign::bottom;
    fail(where, "valign is top, middle or bottom");
}

TextSource source(const Object& o, const std::string& where) {
    TextSource s;
    s.literal = text(o, "text");
    s.pointer = text(o, "value");
    s.template_text = text(o, "template");
    s.format = text(o, "format");
    const int given = !s.literal.empty() + !s.pointer.empty() + !s.template_text.empty();
    if (given > 1) fail(where, "give one of text, value and template");
    if (!s.pointer.empty() && s.pointer.front() != '/') {
        fail(where + ".value", "a value is a JSON pointer such as /candidate/name");
    }
    if (!s.format.empty() && s.format != "date-cn" && s.format != "date-en" &&
        s.format != "level-cn" && s.format != "level-en" && s.format != "groups-4") {
        fail(where + ".format", "unknown format '" + s.format + "'");
    }
    return s;
}

Element element(const Object& o, const std::string& where) {
    static const std::map<std::string, ElementKind> kinds{
        {"text", ElementKind::text},       {"list", ElementKind::list},
        {"rect", ElementKind::rect},       {"line", ElementKind::line},
        {"photo", ElementKind::photo},     {"qr", ElementKind::qr},
        {"barcode", ElementKind::barcode}, {"table", ElementKind::table},
        {"pattern", ElementKind::pattern}};
    const std::string type = text(o, "type");
    auto kind = kinds.find(type);
    if (kind == kinds.end()) fail(where + ".type", "unknown element type '" + type + "'");
    Element e;
    e.kind = kind->second;
    e.when = text(o, "when");
    e.when_not = text(o, "whenNot");
    if (e.kind != ElementKind::line) e.box = box(o, where);
    e.source = source(o, where);
    e.size = number(o, "size", 10.5F);
    e.min_size = number(o, "minSize", e.size);
    if (e.min_size > e.size) fail(where + ".minSize", "must not be above size");
    e.leading = number(o, "leading", 1.25F);
    e.align =
        align(text(o, "align", e.kind == ElementKind::table ? "center" : "left"), where + ".align");
    e.valign = valign(text(o, "valign", e.kind == ElementKind::list ? "top" : "middle"),
                      where + ".valign");
    e.bold = o.optValue<bool>("bold", false);
    if (o.has("color")) e.color = color(text(o, "color"), where + ".color");
    if (o.has("fill")) e.fill = color(text(o, "fill"), where + ".fill");
    e.line_width = number(o, "lineWidth", 0.5F);
    if (auto dash = o.getArray("dash")) {
        for (std::size_t i = 0; i < dash->size(); ++i) {
            e.dash.push_back(
                static_cast<float>(dash->getElement<double>(static_cast<unsigned>(i))) *
                kPointsPerMm);
        }
    }
    if (e.kind == ElementKind::line) {
        auto from = o.getArray("from");
        auto to = o.getArray("to");
        if (!from || !to || from->size() != 2 || to->size() != 2) {
            fail(where, "a line has from: [x, y] and to: [x, y]");
        }
        e.box.x = static_cast<float>(from->getElement<double>(0)) * kPointsPerMm;
        e.box.y = static_cast<float>(from->getElement<double>(1)) * kPointsPerMm;
        e.x2 = static_cast<float>(to->getElement<double>(0)) * kPointsPerMm;
        e.y2 = static_cast<float>(to->getElement<double>(1)) * kPointsPerMm;
    }
    e.barcode_format = text(o, "format", "code128");
    if (e.kind == ElementKind::barcode) {
        e.source.format.clear();
        if (e.barcode_format != "code128") fail(where + ".format", "barcodes are code128");
    }
    e.qr_ecc = text(o, "ecc", "M");
    if (e.qr_ecc != "L" && e.qr_ecc != "M" && e.qr_ecc != "Q" && e.qr_ecc != "H") {
        fail(where + ".ecc", "QR error correction is L, M, Q or H");
    }
    e.list_style = text(o, "style");
    if (e.kind == ElementKind::table) {
        e.rows = text(o, "rows");
        if (e.rows.empty()) fail(where + ".rows", "a table needs the pointer of its rows");
        e.header_height = mm(o, "headerHeight", where, 8);
        e.row_height = mm(o, "rowHeight", where, 8);
        e.empty_text = text(o, "empty");
        e.continued_title = text(o, "continued");
        auto cols = o.getArray("columns");
        if (!cols || cols->size() == 0) fail(where + ".columns", "a table needs columns");
        float total = 0;
        for (std::size_t i = 0; i < cols->size(); ++i) {
            const std::string cw = where + ".columns[" + std::to_string(i) + "]";
            auto c = cols->getObject(static_cast<unsigned>(i));
            Column col;
            col.title = text(*c, "title");
            col.value = source(*c, cw);
            col.width = mm(*c, "width", cw);
            col.align = align(text(*c, "align", "center"), cw + ".align");
            total += col.width;
            e.columns.push_back(std::move(col));
        }
        if (total > e.box.w + 0.5F) fail(where + ".columns", "the columns are wider than the box");
    }
    e.dpi = number(o, "dpi", 300);
    if (e.dpi < 100 || e.dpi > 600) fail(where + ".dpi", "a photo's dpi is between 100 and 600");
    if (e.kind == ElementKind::pattern) e.pattern_lines = static_cast<int>(number(o, "lines", 60));
    const bool needs_source = e.kind == ElementKind::text || e.kind == ElementKind::list ||
                              e.kind == ElementKind::photo || e.kind == ElementKind::qr ||
                              e.kind == ElementKind::barcode;
    if (needs_source && e.source.literal.empty() && e.source.pointer.empty() &&
        e.source.template_text.empty()) {
        fail(where, "a " + type + " needs text, value or template");
    }
    return e;
}

std::vector<Element> elements(const Object& o, const std::string& where) {
    std::vector<Element> out;
    auto list = o.getArray("elements");
    if (!list) fail(where + ".elements", "must be an array");
    for (std::size_t i = 0; i < list->size(); ++i) {
        auto item = list->getObject(static_cast<unsigned>(i));
        const std::string w = where + ".elements[" + std::to_string(i) + "]";
        if (!item) fail(w, "must be an object");
        out.push_back(element(*item, w));
    }
    return out;
}

FieldRule field(const Object& o, const std::string& where) {
    FieldRule f;
    f.pointer = text(o, "pointer");
    if (f.pointer.empty() || f.pointer.front() != '/') fail(where + ".pointer", "a JSON pointer");
    f.label = text(o, "label");
    f.type = text(o, "type", "string");
    static const std::vector<std::string> types{"string", "integer", "number", "boolean",
                                                "array",  "photo",   "date"};
    if (std::find(types.begin(), types.end(), f.type) == types.end()) {
        fail(where + ".type", "unknown type '" + f.type + "'");
    }
    f.required = o.optValue<bool>("required", false);
    f.max_length = o.optValue<int>("maxLength", 0);
    f.min_items = o.optValue<int>("minItems", 0);
    f.max_items = o.optValue<int>("maxItems", 0);
    f.pattern = text(o, "pattern");
    if (auto expected = o.getObject("expected")) {
        f.expected_cn = text(*expected, "zh");
        f.expected_en = text(*expected, "en");
        f.example = text(*expected, "example");
    }
    if (!f.pattern.empty() &&
        (f.expected_cn.empty() || f.expected_en.empty() || f.example.empty())) {
        fail(where + ".expected",
             "a pattern needs expected.zh, expected.en and expected.example, so that an error "
             "can say what form is wanted");
    }
    if (auto values = o.getArray("oneOf")) {
        for (std::size_t i = 0; i < values->size(); ++i) {
            f.one_of.push_back(values->getElement<std::string>(static_cast<unsigned>(i)));
        }
    }
    if (auto values = o.getArray("alsoAccepts")) {
        for (std::size_t i = 0; i < values->size(); ++i) {
            f.also_accepts.push_back(values->getElement<std::string>(static_cast<unsigned>(i)));
        }
    }
    f.normalize = text(o, "normalize");
    if (!f.normalize.empty() && f.normalize != "year-month") {
        fail(where + ".normalize", "the only normalisation is year-month");
    }
    f.rule = text(o, "rule");
    static const std::vector<std::string> rules{
        "", "id-number", "phone", "postcode", "email", "date", "url", "level", "qualification"};
    if (std::find(rules.begin(), rules.end(), f.rule) == rules.end()) {
        fail(where + ".rule", "unknown rule '" + f.rule + "'");
    }
    f.level_at = text(o, "levelAt");
    if (f.rule == "qualification" && (f.level_at.empty() || f.level_at.front() != '/')) {
        fail(where + ".levelAt", "rule qualification needs levelAt, the pointer of the level");
    }
    if (o.has("minimum")) f.minimum = o.getValue<long long>("minimum");
    if (o.has("maximum")) f.maximum = o.getValue<long long>("maximum");
    if (auto when = o.getObject("appliesWhen")) {
        f.applies_when_pointer = text(*when, "pointer");
        if (auto values = when->getArray("oneOf")) {
            for (std::size_t i = 0; i < values->size(); ++i) {
                f.applies_when_values.push_back(
                    values->getElement<std::string>(static_cast<unsigned>(i)));
            }
        }
        if (f.applies_when_pointer.empty() || f.applies_when_values.empty()) {
            fail(where + ".appliesWhen", "needs pointer and oneOf");
        }
    }
    if (auto derive = o.getObject("derive")) {
        f.derive_sex = text(*derive, "sex");
        f.derive_birth_date = text(*derive, "birthDate");
    }
    return f;
}

void add_source_pointers(const TextSource& s, const std::string& base,
                         std::vector<std::string>& out) {
    if (!s.pointer.empty()) out.push_back(base + s.pointer);
    for (std::size_t open = s.template_text.find("{/"); open != std::string::npos;
         open = s.template_text.find("{/", open + 1)) {
        const auto close = s.template_text.find('}', open);
        if (close == std::string::npos) break;
        out.push_back(base + s.template_text.substr(open + 1, close - open - 1));
    }
}

void add_element_pointers(const std::vector<Element>& elements, std::vector<std::string>& out) {
    for (const auto& e : elements) {
        if (!e.when.empty()) out.push_back(e.when);
        if (!e.when_not.empty()) out.push_back(e.when_not);
        add_source_pointers(e.source, "", out);
        if (!e.rows.empty()) {
            out.push_back(e.rows);
            for (const auto& c : e.columns) add_source_pointers(c.value, e.rows + "/*", out);
        }
    }
}

std::vector<std::string> known_pointers(const Layout& l) {
    std::vector<std::string> out;
    add_source_pointers(l.document_title, "", out);
    add_source_pointers(l.author, "", out);
    add_source_pointers(l.filename, "", out);
    for (const auto& f : l.fields) {
        out.push_back(f.pointer);
        if (!f.applies_when_pointer.empty()) out.push_back(f.applies_when_pointer);
        const std::string base = f.pointer.substr(0, f.pointer.rfind('/'));
        if (!f.derive_sex.empty()) out.push_back(base + f.derive_sex);
        if (!f.derive_birth_date.empty()) out.push_back(base + f.derive_birth_date);
        if (!f.level_at.empty()) out.push_back(f.level_at);
    }
    for (const auto& page : l.pages) add_element_pointers(page.elements, out);
    add_element_pointers(l.continuation_elements, out);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

}  // namespace

Layout parse_layout(std::string_view json) {
    Poco::JSON::Parser parser;
    Object::Ptr root;
    try {
        root = parser.parse(std::string(json)).extract<Object::Ptr>();
    } catch (const Poco::Exception& e) {
        throw LayoutError("layout is not valid JSON: " + e.message());
    }
    Layout l;
    l.name = text(*root, "name");
    if (l.name.empty()) fail("layout", "needs a name");
    const std::string where = l.name;
    l.title = text(*root, "title");
    l.description = text(*root, "description");
    try {
        auto page = root->getObject("page");
        if (!page) fail(where + ".page", "needed");
        const std::string size = text(*page, "size", "A4");
        if (size != "A4" && size != "A5") fail(where + ".page.size", "A4 or A5");
        float w = size == "A4" ? 210 : 148;
        float h = size == "A4" ? 297 : 210;
        if (text(*page, "orientation", "portrait") == "landscape") std::swap(w, h);
        l.page_width = w * kPointsPerMm;
        l.page_height = h * kPointsPerMm;
        if (auto meta = root->getObject("metadata")) {
            l.document_title = source(*meta->getObject("title"), where + ".metadata.title");
            if (meta->has("author")) {
                l.author = source(*meta->getObject("author"), where + ".metadata.author");
            }
            if (meta->has("filename")) {
                l.filename = source(*meta->getObject("filename"), where + ".metadata.filename");
            }
        }
        if (auto fields = root->getArray("fields")) {
            for (std::size_t i = 0; i < fields->size(); ++i) {
                l.fields.push_back(field(*fields->getObject(static_cast<unsigned>(i)),
                                         where + ".fields[" + std::to_string(i) + "]"));
            }
        }
        auto pages = root->getArray("pages");
        if (!pages || pages->size() == 0) fail(where + ".pages", "at least one page");
        for (std::size_t i = 0; i < pages->size(); ++i) {
            l.pages.push_back(Page{elements(*pages->getObject(static_cast<unsigned>(i)),
                                            where + ".pages[" + std::to_string(i) + "]")});
        }
        if (auto cont = root->getObject("continuation")) {
            l.continuation_elements = elements(*cont, where + ".continuation");
            l.continuation_table = box(*cont->getObject("table"), where + ".continuation.table");
        }
        l.passthrough = root->optValue<bool>("passthrough", false);
        if (root->has("official") && !root->get("official").isBoolean()) {
            fail(where + ".official", "true or false");
        }
        l.official = root->optValue<bool>("official", false);
        const std::string scheme = text(*root, "levels", "skill");
        l.levels = LevelSchemes::bundled().find(scheme);
        if (!l.levels) {
            std::string known;
            for (const auto& s : LevelSchemes::bundled().all()) {
                known += (known.empty() ? "" : ", ") + s.name;
            }
            fail(where + ".levels", "unknown level scheme '" + scheme + "' (" + known + ")");
        }
        l.known_pointers = known_pointers(l);
    } catch (const LayoutError&) {
        throw;
    } catch (const Poco::Exception& e) {
        throw LayoutError(where + ": " + e.displayText());
    }
    return l;
}

}  // namespace examdocs::renderers
