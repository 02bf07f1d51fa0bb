#include "examdocs/renderers/layout.h"

#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "examdocs/core/json_pointer.h"
#include "examdocs/core/nearest_name.h"
#include "examdocs/renderers/layout_schema.h"

namespace examdocs::renderers {

namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr float kPointsPerMm = 72.0F / 25.4F;

std::string at(const std::string& base, std::string_view key) { return pointer_append(base, key); }
std::string at(const std::string& base, std::size_t index) {
    return base + "/" + std::to_string(index);
}

std::string millimetres(double mm) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f", mm);
    return buffer;
}

// Reads one layout file, collecting every problem instead of stopping at the first. The
// schema pass checks keys and types; the build pass then reads values it knows are of the
// right type (or skips them: their error is already recorded) and checks what the schema
// cannot say: relations between keys, and geometry.
class Reader {
  public:
    std::vector<LayoutProblem> errors;

    void error(std::string pointer, std::string code, std::string message) {
        errors.push_back({std::move(pointer), std::move(code), std::move(message)});
    }

    // --- the schema pass -------------------------------------------------------------

    void check_object(const Object& o, const ObjectSpec& spec, const std::string& where) {
        std::vector<std::string> known;
        for (const auto& k : spec.keys) known.emplace_back(k.key);
        for (const auto& [name, value] : o) {
            const KeySpec* key = spec.key(name);
            if (!key) {
                const auto nearest = nearest_name(name, known);
                error(at(where, name), "unknown-key",
                      "'" + name + "' is not a key of " + std::string(spec.name) +
                          (nearest ? "; did you mean '" + *nearest + "'?" : ""));
                continue;
            }
            check_value(value, *key, at(where, name));
        }
        for (const auto& k : spec.keys) {
            if (k.required && !o.has(std::string(k.key))) {
                error(at(where, k.key), "missing", "is required (" + key_type_name(k) + ")");
            }
        }
    }

    static bool is_number(const Var& v) { return v.isNumeric() && !v.isBoolean(); }

    static bool numbers(const Var& v, std::size_t count) {
        if (v.type() != typeid(Array::Ptr)) return false;
        const auto& a = v.extract<Array::Ptr>();
        if (!a || (count && a->size() != count)) return false;
        for (std::size_t i = 0; i < a->size(); ++i) {
            if (!is_number(a->get(static_cast<unsigned>(i)))) return false;
        }
        return true;
    }

    void check_value(const Var& v, const KeySpec& key, const std::string& where) {
        const auto wrong = [&] { error(where, "wrong-type", "must be " + key_type_name(key)); };
        switch (key.type) {
            case KeyType::string:
                if (!v.isString()) return wrong();
                if (!key.values.empty()) {
                    const std::string s = v.toString();
                    if (std::find(key.values.begin(), key.values.end(), s) == key.values.end()) {
                        std::string allowed;
                        for (const auto a : key.values) {
                            allowed += (allowed.empty() ? "" : ", ") + std::string(a);
                        }
                        error(where, "one-of", "'" + s + "' is not one of " + allowed);
                    }
                }
                return;
            case KeyType::pointer:
                if (!v.isString()) return wrong();
                if (v.toString().empty() || v.toString().front() != '/') {
                    error(where, "not-a-pointer",
                          "'" + v.toString() + "' is not a JSON pointer such as /candidate/name");
                }
                return;
            case KeyType::color: {
                if (!v.isString()) return wrong();
                const std::string s = v.toString();
                if (s.size() != 7 || s[0] != '#' ||
                    s.find_first_not_of("0123456789abcdefABCDEF", 1) != std::string::npos) {
                    error(where, "not-a-colour", "'" + s + "' is not a colour #rrggbb");
                }
                return;
            }
            case KeyType::number:
                if (!is_number(v)) wrong();
                return;
            case KeyType::integer:
                if (!v.isInteger() || v.isBoolean()) wrong();
                return;
            case KeyType::boolean:
                if (!v.isBoolean()) wrong();
                return;
            case KeyType::object:
                if (v.type() != typeid(Object::Ptr) || !v.extract<Object::Ptr>()) return wrong();
                check_object(*v.extract<Object::Ptr>(), object_spec(key.object), where);
                return;
            case KeyType::objects: {
                if (v.type() != typeid(Array::Ptr) || !v.extract<Array::Ptr>()) return wrong();
                const auto& a = v.extract<Array::Ptr>();
                for (std::size_t i = 0; i < a->size(); ++i) {
                    const Var item = a->get(static_cast<unsigned>(i));
                    if (item.type() != typeid(Object::Ptr) || !item.extract<Object::Ptr>()) {
                        error(at(where, i), "wrong-type", "must be an object");
                        continue;
                    }
                    check_object(*item.extract<Object::Ptr>(), object_spec(key.object),
                                 at(where, i));
                }
                return;
            }
            case KeyType::strings: {
                if (v.type() != typeid(Array::Ptr) || !v.extract<Array::Ptr>()) return wrong();
                const auto& a = v.extract<Array::Ptr>();
                for (std::size_t i = 0; i < a->size(); ++i) {
                    if (!a->get(static_cast<unsigned>(i)).isString()) {
                        error(at(where, i), "wrong-type", "must be a string");
                    }
                }
                return;
            }
            case KeyType::numbers:
                if (!numbers(v, 0)) wrong();
                return;
            case KeyType::box:
                if (!numbers(v, 4)) wrong();
                return;
            case KeyType::point:
                if (!numbers(v, 2)) wrong();
                return;
        }
    }

    // --- typed reads: the schema pass has reported any value of the wrong type ---------

    static std::string text(const Object& o, const std::string& key,
                            const std::string& fallback = {}) {
        return o.has(key) && o.get(key).isString() ? o.get(key).toString() : fallback;
    }
    static double number(const Object& o, const std::string& key, double fallback) {
        return o.has(key) && is_number(o.get(key)) ? o.get(key).convert<double>() : fallback;
    }
    static bool boolean(const Object& o, const std::string& key, bool fallback) {
        return o.has(key) && o.get(key).isBoolean() ? o.get(key).convert<bool>() : fallback;
    }
    static Object::Ptr object(const Object& o, const std::string& key) {
        if (!o.has(key) || o.get(key).type() != typeid(Object::Ptr)) return nullptr;
        return o.get(key).extract<Object::Ptr>();
    }
    static Array::Ptr array(const Object& o, const std::string& key) {
        if (!o.has(key) || o.get(key).type() != typeid(Array::Ptr)) return nullptr;
        return o.get(key).extract<Array::Ptr>();
    }
    static std::vector<double> values(const Object& o, const std::string& key) {
        std::vector<double> out;
        if (auto a = array(o, key)) {
            for (std::size_t i = 0; i < a->size(); ++i) {
                const Var v = a->get(static_cast<unsigned>(i));
                if (!is_number(v)) return {};
                out.push_back(v.convert<double>());
            }
        }
        return out;
    }
    static std::vector<std::string> strings(const Object& o, const std::string& key) {
        std::vector<std::string> out;
        if (auto a = array(o, key)) {
            for (std::size_t i = 0; i < a->size(); ++i) {
                const Var v = a->get(static_cast<unsigned>(i));
                if (v.isString()) out.push_back(v.toString());
            }
        }
        return out;
    }

    // --- the build pass ---------------------------------------------------------------

    double page_w_mm = 0, page_h_mm = 0;

    // Whether a rectangle in millimetres stays on the page; the message says by how much
    // it does not.
    void on_page(double x, double y, double w, double h, const std::string& where) {
        constexpr double kSlack = 0.05;
        if (w < 0 || h < 0) {
            error(where, "negative-size", "width and height must not be negative");
            return;
        }
        if (x < -kSlack) {
            error(where, "outside-page",
                  "starts " + millimetres(-x) + " mm left of the page's left edge");
        }
        if (y < -kSlack) {
            error(where, "outside-page",
                  "starts " + millimetres(-y) + " mm above the page's top edge");
        }
        if (x + w > page_w_mm + kSlack) {
            error(where, "outside-page",
                  "extends " + millimetres(x + w - page_w_mm) + " mm past the page's right edge");
        }
        if (y + h > page_h_mm + kSlack) {
            error(where, "outside-page",
                  "extends " + millimetres(y + h - page_h_mm) + " mm past the page's bottom edge");
        }
    }

    Box box(const Object& o, const std::string& where) {
        const auto v = values(o, "box");
        if (v.size() != 4) return {};
        on_page(v[0], v[1], v[2], v[3], at(where, "box"));
        return Box{static_cast<float>(v[0]) * kPointsPerMm, static_cast<float>(v[1]) * kPointsPerMm,
                   static_cast<float>(v[2]) * kPointsPerMm,
                   static_cast<float>(v[3]) * kPointsPerMm};
    }

    static Color color(const std::string& hex) {
        if (hex.size() != 7) return {};
        auto channel = [&](std::size_t i) {
            return static_cast<float>(std::strtol(hex.substr(i, 2).c_str(), nullptr, 16)) / 255.0F;
        };
        return Color{channel(1), channel(3), channel(5)};
    }

    static Align align(const std::string& s) {
        if (s == "center") return Align::center;
        if (s == "right") return Align::right;
        if (s == "justify") return Align::justify;
        return Align::left;
    }

    static VAlign valign(const std::string& s) {
        if (s == "top") return VAlign::top;
        if (s == "bottom") return VAlign::bottom;
        return VAlign::middle;
    }

    TextSource source(const Object& o, const std::string& where) {
        TextSource s;
        s.literal = text(o, "text");
        s.pointer = text(o, "value");
        s.template_text = text(o, "template");
        s.format = text(o, "format");
        const int given = o.has("text") + o.has("value") + o.has("template");
        if (given > 1) error(where, "several-sources", "give one of text, value and template");
        for (std::size_t open = s.template_text.find('{'); open != std::string::npos;
             open = s.template_text.find('{', open + 1)) {
            const auto close = s.template_text.find('}', open);
            if (close == std::string::npos || s.template_text[open + 1] != '/') {
                error(at(where, "template"), "bad-placeholder",
                      "a placeholder is {/pointer}, closed by }");
                break;
            }
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
        Element e;
        e.at = where;
        const auto kind = kinds.find(type);
        if (kind != kinds.end()) e.kind = kind->second;
        e.when = text(o, "when");
        e.when_not = text(o, "whenNot");
        if (e.kind == ElementKind::line) {
            const auto from = values(o, "from");
            const auto to = values(o, "to");
            if (from.size() != 2 || to.size() != 2) {
                if (!o.has("from") || !o.has("to")) {
                    error(where, "missing", "a line has from: [x, y] and to: [x, y]");
                }
            } else {
                on_page(from[0], from[1], 0, 0, at(where, "from"));
                on_page(to[0], to[1], 0, 0, at(where, "to"));
                e.box.x = static_cast<float>(from[0]) * kPointsPerMm;
                e.box.y = static_cast<float>(from[1]) * kPointsPerMm;
                e.x2 = static_cast<float>(to[0]) * kPointsPerMm;
                e.y2 = static_cast<float>(to[1]) * kPointsPerMm;
            }
        } else {
            if (!o.has("box")) error(at(where, "box"), "missing", "a " + type + " needs a box");
            e.box = box(o, where);
        }
        e.source = source(o, where);
        e.size = static_cast<float>(number(o, "size", 10.5));
        if (e.size <= 0) error(at(where, "size"), "range", "must be above 0 pt");
        e.min_size = static_cast<float>(number(o, "minSize", e.size));
        if (e.min_size > e.size) {
            error(
                at(where, "minSize"), "above-size",
                "is " + millimetres(e.min_size) + " pt, above size " + millimetres(e.size) + " pt");
        }
        if (e.min_size <= 0) error(at(where, "minSize"), "range", "must be above 0 pt");
        e.leading = static_cast<float>(number(o, "leading", 1.25));
        e.align = align(text(o, "align", e.kind == ElementKind::table ? "center" : "left"));
        e.valign = valign(text(o, "valign", e.kind == ElementKind::list ? "top" : "middle"));
        e.bold = boolean(o, "bold", false);
        if (o.has("color")) e.color = color(text(o, "color"));
        if (o.has("fill")) e.fill = color(text(o, "fill"));
        e.line_width = static_cast<float>(number(o, "lineWidth", 0.5));
        for (const double d : values(o, "dash"))
            e.dash.push_back(static_cast<float>(d) * kPointsPerMm);
        e.barcode_format = text(o, "format", "code128");
        if (e.kind == ElementKind::barcode) {
            e.source.format.clear();
            if (e.barcode_format != "code128") {
                error(at(where, "format"), "one-of", "barcodes are code128");
            }
        } else if (e.source.format == "code128") {
            error(at(where, "format"), "one-of", "code128 is the format of a barcode");
        }
        e.qr_ecc = text(o, "ecc", "M");
        e.list_style = text(o, "style");
        if (e.kind == ElementKind::table) {
            e.rows = text(o, "rows");
            if (!o.has("rows")) {
                error(at(where, "rows"), "missing", "a table needs the pointer of its rows");
            }
            e.header_height = static_cast<float>(number(o, "headerHeight", 8)) * kPointsPerMm;
            e.row_height = static_cast<float>(number(o, "rowHeight", 8)) * kPointsPerMm;
            e.empty_text = text(o, "empty");
            e.continued_title = text(o, "continued");
            const auto cols = array(o, "columns");
            if (!cols || cols->size() == 0) {
                error(at(where, "columns"), "missing", "a table needs columns");
            }
            double total = 0;
            for (std::size_t i = 0; cols && i < cols->size(); ++i) {
                const Var item = cols->get(static_cast<unsigned>(i));
                if (item.type() != typeid(Object::Ptr) || !item.extract<Object::Ptr>()) continue;
                const Object& c = *item.extract<Object::Ptr>();
                const std::string cw = at(at(where, "columns"), i);
                Column col;
                col.title = text(c, "title");
                col.value = source(c, cw);
                col.width = static_cast<float>(number(c, "width", 0)) * kPointsPerMm;
                total += number(c, "width", 0);
                col.align = align(text(c, "align", "center"));
                e.columns.push_back(std::move(col));
            }
            const double box_w = e.box.w / kPointsPerMm;
            if (cols && total > box_w + 0.2) {
                error(at(where, "columns"), "columns-too-wide",
                      "the columns are " + millimetres(total) + " mm wide, " +
                          millimetres(total - box_w) + " mm wider than the box");
            }
        }
        e.dpi = static_cast<float>(number(o, "dpi", 300));
        if (e.dpi < 100 || e.dpi > 600) {
            error(at(where, "dpi"), "range",
                  "is " + millimetres(e.dpi) + "; a photo's dpi is between 100 and 600");
        }
        if (e.kind == ElementKind::pattern) {
            e.pattern_lines = static_cast<int>(number(o, "lines", 60));
            if (e.pattern_lines < 1 || e.pattern_lines > 1000) {
                error(at(where, "lines"), "range", "a pattern has 1 to 1000 lines");
            }
        }
        const bool needs_source = e.kind == ElementKind::text || e.kind == ElementKind::list ||
                                  e.kind == ElementKind::photo || e.kind == ElementKind::qr ||
                                  e.kind == ElementKind::barcode;
        if (needs_source && !o.has("text") && !o.has("value") && !o.has("template")) {
            error(where, "needs-source", "a " + type + " needs text, value or template");
        }
        return e;
    }

    std::vector<Element> elements(const Object& o, const std::string& where) {
        std::vector<Element> out;
        const auto list = array(o, "elements");
        for (std::size_t i = 0; list && i < list->size(); ++i) {
            const Var item = list->get(static_cast<unsigned>(i));
            if (item.type() != typeid(Object::Ptr) || !item.extract<Object::Ptr>()) continue;
            out.push_back(element(*item.extract<Object::Ptr>(), at(at(where, "elements"), i)));
        }
        return out;
    }

    FieldRule field(const Object& o, const std::string& where) {
        FieldRule f;
        f.at = where;
        f.pointer = text(o, "pointer");
        f.label = text(o, "label");
        f.type = text(o, "type", "string");
        f.required = boolean(o, "required", false);
        f.max_length = static_cast<int>(number(o, "maxLength", 0));
        f.min_items = static_cast<int>(number(o, "minItems", 0));
        f.max_items = static_cast<int>(number(o, "maxItems", 0));
        if (f.max_length < 0) error(at(where, "maxLength"), "range", "must not be negative");
        f.pattern = text(o, "pattern");
        if (auto expected = object(o, "expected")) {
            f.expected_cn = text(*expected, "zh");
            f.expected_en = text(*expected, "en");
            f.example = text(*expected, "example");
        }
        if (o.has("pattern") && !o.has("expected")) {
            error(at(where, "expected"), "pattern-needs-expected",
                  "a pattern needs expected.zh, expected.en and expected.example, so that an "
                  "error can say what form is wanted");
        }
        f.one_of = strings(o, "oneOf");
        f.also_accepts = strings(o, "alsoAccepts");
        f.normalize = text(o, "normalize");
        f.rule = text(o, "rule");
        f.level_at = text(o, "levelAt");
        if (f.rule == "qualification" && f.level_at.empty()) {
            error(at(where, "levelAt"), "missing",
                  "rule qualification needs levelAt, the pointer of the level");
        }
        if (o.has("minimum") && o.get("minimum").isInteger()) {
            f.minimum = o.get("minimum").convert<long long>();
        }
        if (o.has("maximum") && o.get("maximum").isInteger()) {
            f.maximum = o.get("maximum").convert<long long>();
        }
        if (auto when = object(o, "appliesWhen")) {
            f.applies_when_pointer = text(*when, "pointer");
            f.applies_when_values = strings(*when, "oneOf");
        }
        if (auto derive = object(o, "derive")) {
            f.derive_sex = text(*derive, "sex");
            f.derive_birth_date = text(*derive, "birthDate");
        }
        f.printed = boolean(o, "printed", true);
        f.script = text(o, "script");
        if (f.script.empty()) f.script = "chinese";
        return f;
    }

    Layout layout(const Object& root) {
        check_object(root, object_spec("layout"), "");
        Layout l;
        l.name = text(root, "name");
        if (root.has("name") && l.name.empty()) error("/name", "missing", "must not be empty");
        if (l.name.find_first_of("/\\ ") != std::string::npos) {
            error("/name", "bad-name", "a name is a file name: no slashes or spaces");
        }
        l.title = text(root, "title");
        l.description = text(root, "description");
        if (auto page = object(root, "page")) {
            const std::string size = text(*page, "size", "A4");
            double w = size == "A5" ? 148 : 210;
            double h = size == "A5" ? 210 : 297;
            if (text(*page, "orientation", "portrait") == "landscape") std::swap(w, h);
            page_w_mm = w;
            page_h_mm = h;
        }
        l.page_width = static_cast<float>(page_w_mm) * kPointsPerMm;
        l.page_height = static_cast<float>(page_h_mm) * kPointsPerMm;
        if (auto meta = object(root, "metadata")) {
            if (auto t = object(*meta, "title")) l.document_title = source(*t, "/metadata/title");
            if (auto a = object(*meta, "author")) l.author = source(*a, "/metadata/author");
            if (auto f = object(*meta, "filename")) l.filename = source(*f, "/metadata/filename");
        }
        if (auto fields = array(root, "fields")) {
            for (std::size_t i = 0; i < fields->size(); ++i) {
                const Var item = fields->get(static_cast<unsigned>(i));
                if (item.type() != typeid(Object::Ptr) || !item.extract<Object::Ptr>()) continue;
                l.fields.push_back(field(*item.extract<Object::Ptr>(), at("/fields", i)));
            }
        }
        const auto pages = array(root, "pages");
        if (pages && pages->size() == 0) error("/pages", "missing", "at least one page");
        for (std::size_t i = 0; pages && i < pages->size(); ++i) {
            const Var item = pages->get(static_cast<unsigned>(i));
            if (item.type() != typeid(Object::Ptr) || !item.extract<Object::Ptr>()) continue;
            l.pages.push_back(Page{elements(*item.extract<Object::Ptr>(), at("/pages", i))});
        }
        if (auto cont = object(root, "continuation")) {
            l.continuation_elements = elements(*cont, "/continuation");
            if (auto table = object(*cont, "table")) {
                l.continuation_table = box(*table, "/continuation/table");
            }
        }
        l.passthrough = boolean(root, "passthrough", false);
        l.official = boolean(root, "official", false);
        const std::string scheme = root.has("levels") ? text(root, "levels") : "skill";
        l.levels = LevelSchemes::bundled().find(scheme);
        if (!l.levels) {
            std::string known;
            for (const auto& s : LevelSchemes::bundled().all()) {
                known += (known.empty() ? "" : ", ") + s.name;
            }
            error("/levels", "unknown-level-scheme",
                  "unknown level scheme '" + scheme + "' (" + known + ")");
        }
        return l;
    }
};

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

std::string describe(const LayoutProblem& problem) {
    return (problem.pointer.empty() ? std::string("(the layout)") : problem.pointer) + ": " +
           problem.message;
}

LayoutReading read_layout(std::string_view json) {
    LayoutReading reading;
    Object::Ptr root;
    try {
        Poco::JSON::Parser parser;
        const Var parsed = parser.parse(std::string(json));
        if (parsed.type() == typeid(Object::Ptr)) root = parsed.extract<Object::Ptr>();
    } catch (const Poco::Exception& e) {
        reading.errors.push_back({"", "invalid-json", "is not valid JSON: " + e.message()});
        return reading;
    } catch (const std::exception& e) {
        reading.errors.push_back(
            {"", "invalid-json", std::string("is not valid JSON: ") + e.what()});
        return reading;
    }
    if (!root) {
        reading.errors.push_back({"", "wrong-type", "a layout is a JSON object"});
        return reading;
    }
    Reader reader;
    Layout layout;
    try {
        layout = reader.layout(*root);
    } catch (const Poco::Exception& e) {
        // The schema pass makes this unreachable; a layout is still never half-read.
        reader.error("", "unreadable", e.displayText());
    }
    layout.known_pointers = known_pointers(layout);
    for (const auto& pointer : layout.known_pointers) {
        // One that does not start with '/' the schema pass has named already, at its place
        // in the file; this catches the rest (a '~' not followed by 0 or 1).
        if (pointer.empty() || pointer.front() != '/') continue;
        try {
            split_pointer(pointer);
        } catch (const std::invalid_argument&) {
            reader.error("", "not-a-pointer", "'" + pointer + "' is not a valid JSON pointer");
        }
    }
    reading.errors = std::move(reader.errors);
    if (reading.errors.empty()) reading.layout = std::move(layout);
    return reading;
}

Layout parse_layout(std::string_view json) {
    auto reading = read_layout(json);
    if (reading.layout) return std::move(*reading.layout);
    std::string message;
    for (const auto& e : reading.errors) message += (message.empty() ? "" : "; ") + describe(e);
    throw LayoutError(message);
}

}  // namespace examdocs::renderers
