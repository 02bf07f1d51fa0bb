#include "examdocs/renderers/layout_lint.h"
#include "examdocs/renderers/level_schemes.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "codes.h"
#include "examdocs/core/base64.h"
#include "examdocs/core/json_pointer.h"
#include "examdocs/images/encode_jpeg.h"
#include "examdocs/renderers/document.h"
#include "examdocs/renderers/input_check.h"
#include "examdocs/renderers/text_fit.h"
#include "text_boxes.h"

namespace examdocs::renderers {

namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr float kPointsPerMm = 72.0F / 25.4F;

std::string amount(double value, int decimals = 1) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

std::string mm(float points) { return amount(points / kPointsPerMm); }

std::u32string utf32(const std::string& s) {
    std::u32string out;
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        char32_t cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
        for (int k = 1; k < n && i + static_cast<std::size_t>(k) < s.size(); ++k) {
            cp =
                (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3F);
        }
        out.push_back(cp);
        i += static_cast<std::size_t>(n);
    }
    return out;
}

std::size_t code_points(const std::string& s) { return utf32(s).size(); }

bool shows_text(const Element& e) {
    return e.kind == ElementKind::text || e.kind == ElementKind::list ||
           e.kind == ElementKind::table;
}

bool shows_content(const Element& e) {
    return shows_text(e) || e.kind == ElementKind::photo || e.kind == ElementKind::qr ||
           e.kind == ElementKind::barcode;
}

// The value an element needs to print anything: its `when`, or the one value it shows.
std::string needs(const Element& e) {
    if (!e.when.empty()) return e.when;
    if (e.kind == ElementKind::text && e.source.template_text.empty()) return e.source.pointer;
    return {};
}

// Two elements that never print together: one drawn only when a value is there, the
// other only when it is not.
bool exclusive(const Element& a, const Element& b) {
    return (!needs(a).empty() && needs(a) == b.when_not) ||
           (!a.when_not.empty() && a.when_not == needs(b));
}

std::vector<std::string> placeholders(const TextSource& s) {
    std::vector<std::string> out;
    if (!s.pointer.empty()) out.push_back(s.pointer);
    for (std::size_t open = s.template_text.find("{/"); open != std::string::npos;
         open = s.template_text.find("{/", open + 1)) {
        const auto close = s.template_text.find('}', open);
        if (close == std::string::npos) break;
        out.push_back(s.template_text.substr(open + 1, close - open - 1));
    }
    return out;
}

// Every page's elements, with the continuation's last.
std::vector<std::vector<const Element*>> element_pages(const Layout& layout) {
    std::vector<std::vector<const Element*>> pages;
    for (const auto& page : layout.pages) {
        auto& out = pages.emplace_back();
        for (const auto& e : page.elements) out.push_back(&e);
    }
    if (!layout.continuation_elements.empty()) {
        auto& out = pages.emplace_back();
        for (const auto& e : layout.continuation_elements) out.push_back(&e);
    }
    return pages;
}

void overlaps(const Layout& layout, std::vector<LayoutProblem>& out) {
    // Boxes touching by up to a millimetre are neighbours sharing a rule (or lines of a
    // bilingual pair whose boxes are taller than their text), not an overlap.
    constexpr float kSlack = 1.05F * kPointsPerMm;
    for (const auto& page : element_pages(layout)) {
        for (std::size_t j = 0; j < page.size(); ++j) {
            const Element& b = *page[j];
            if (!shows_content(b)) continue;
            for (std::size_t i = 0; i < j; ++i) {
                const Element& a = *page[i];
                if (!shows_content(a) || (!shows_text(a) && !shows_text(b)) || exclusive(a, b)) {
                    continue;
                }
                const float w =
                    std::min(a.box.x + a.box.w, b.box.x + b.box.w) - std::max(a.box.x, b.box.x);
                const float h =
                    std::min(a.box.y + a.box.h, b.box.y + b.box.h) - std::max(a.box.y, b.box.y);
                if (w <= kSlack || h <= kSlack) continue;
                const Element& text = shows_text(a) ? a : b;
                const Element& other = &text == &a ? b : a;
                out.push_back({other.at + "/box", "overlaps-text",
                               "overlaps the text box " + text.at + " by " + mm(w) + " × " + mm(h) +
                                   " mm: text extracts (and may print) out of order"});
            }
        }
    }
}

// The rules a pointer has, merged over its entries (a pointer may have several).
struct FieldFacts {
    const FieldRule* first = nullptr;
    int max_length = 0;
    int max_items = 0;
    bool latin = false;  // "script": "latin": written in Latin letters (an English name)
    std::vector<std::string> one_of;
    bool printed = true;
};

std::map<std::string, FieldFacts> field_facts(const Layout& layout) {
    std::map<std::string, FieldFacts> out;
    for (const auto& f : layout.fields) {
        auto& facts = out[f.pointer];
        if (!facts.first) facts.first = &f;
        facts.max_length = std::max(facts.max_length, f.max_length);
        facts.max_items = std::max(facts.max_items, f.max_items);
        facts.latin = facts.latin || f.script == "latin";
        if (!f.one_of.empty()) facts.one_of = f.one_of;
        facts.printed = facts.printed && f.printed;
    }
    return out;
}

// The example's dates, and the day its field rules are checked on (so that the lint's
// verdict does not change with the calendar).
constexpr const char* kExampleDate = "2026-10-31";

std::string to_utf8(std::u32string_view s) {
    std::string out;
    for (const char32_t c : s) {
        if (c < 0x80) {
            out += static_cast<char>(c);
        } else if (c < 0x800) {
            out += static_cast<char>(0xC0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            out += static_cast<char>(0xE0 | (c >> 12));
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (c & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (c >> 18));
            out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (c & 0x3F));
        }
    }
    return out;
}

// The free text the example fills a field with: `length` of the widest characters the
// field commonly holds. Chinese: 国 (every ideograph of the bundled face is a full em).
// Latin ("script": "latin"): words of capital W and M, the widest letters, nine letters
// and a space, so that the text wraps between words as an English name does.
std::string filler(bool latin, std::size_t length) {
    std::string text;
    if (!latin) {
        for (std::size_t i = 0; i < length; ++i) text += "国";
        return text;
    }
    for (std::size_t i = 0; i < length; ++i) {
        const bool space = i % 10 == 9 && i + 1 < length;
        text += space ? ' ' : (i % 2 == 0 ? 'W' : 'M');
    }
    return text;
}

// The length of a field's example: its maxLength (20 without one), but no more than a page
// of 7 pt text holds, so that a layout allowing a million characters is measured (and
// flagged) without building a string of a million.
std::size_t example_length(int max_length) {
    constexpr std::size_t kLongest = 10000;
    return max_length > 0 ? std::min(static_cast<std::size_t>(max_length), kLongest) : 20;
}

std::string filler_words(bool latin) { return latin ? "'WMWMWMWMW' words" : "'国'"; }

// What the example puts in the field at `pointer`, for a message: "30 × '国' (the
// maxLength of /name)".
std::string example_words(const std::map<std::string, FieldFacts>& facts,
                          const std::string& pointer) {
    const auto it = facts.find(pointer);
    if (it == facts.end()) return pointer;
    const FieldFacts& f = it->second;
    if (!f.one_of.empty()) {
        std::u32string longest;
        for (const auto& v : f.one_of) {
            if (utf32(v).size() > longest.size()) longest = utf32(v);
        }
        return pointer + " at its longest value '" + to_utf8(longest) + "'";
    }
    if (f.max_length > 0 && f.first && f.first->rule.empty() && f.first->pattern.empty() &&
        f.first->type == "string") {
        const std::size_t measured = example_length(f.max_length);
        return std::to_string(measured) + " × " + filler_words(f.latin) + " (the maxLength of " +
               pointer +
               (measured < static_cast<std::size_t>(f.max_length)
                    ? ", " + std::to_string(f.max_length) + ", measured that far"
                    : std::string()) +
               ")";
    }
    return pointer + " as in the example";
}

// The fields an element shows, as the example fills them, for a message.
std::string what_is_measured(const std::map<std::string, FieldFacts>& facts, const TextBox& box) {
    const Element& e = *box.element;
    if (e.kind == ElementKind::list && !e.source.pointer.empty()) {
        const auto array = facts.find(e.source.pointer);
        const int items = array == facts.end() ? 1 : std::max(1, array->second.max_items);
        // The example fills an array to at most 40 items (example_data).
        const int measured = std::min(items, 40);
        return std::to_string(measured) + " items (the maxItems of " + e.source.pointer +
               (measured < items ? ", " + std::to_string(items) + ", measured that far" : "") +
               ") of " + example_words(facts, e.source.pointer + "/*");
    }
    std::vector<std::string> shown;
    if (e.kind == ElementKind::table) {
        const auto column = box.at.substr(box.at.rfind('/') + 1);
        const auto& c = e.columns.at(static_cast<std::size_t>(std::stoul(column)));
        for (const auto& p : placeholders(c.value)) shown.push_back(e.rows + "/*" + p);
        if (shown.empty()) return "the column's title";
    } else {
        shown = placeholders(e.source);
    }
    if (shown.empty()) return "the text";
    std::string out;
    for (const auto& p : shown) out += (out.empty() ? "" : ", ") + example_words(facts, p);
    return e.source.template_text.empty() || e.kind == ElementKind::table
               ? out
               : "the template with " + out;
}

void capacities(const Layout& layout, const fonts::FontSet& fonts,
                std::vector<LayoutProblem>& out) {
    const auto facts = field_facts(layout);
    // Measured as the preview prints it: the example as the field rules leave it (sex and
    // birth date derived from the ID number), fitted by the renderer's own code.
    Var example = example_data(layout);
    auto checked = check_input(layout, example, kExampleDate);
    if (checked.errors.empty()) example = checked.data;
    for (const auto& box : text_boxes(layout, example, fonts)) {
        if (fit_text(fonts, box.request)) continue;
        const FitRequest& r = box.request;
        const float glyphs = (fonts.ascent() - fonts.descent()) / 1000.0F * r.min_size;
        const float line_height = r.min_size * r.leading;
        const int holds =
            r.height + 0.01F < glyphs
                ? 0
                : 1 + static_cast<int>(std::floor((r.height + 0.01F - glyphs) / line_height));
        const auto needs = wrap_text(fonts, r.text, r.min_size, r.width, r.hanging_indent).size();
        const std::string where =
            box.element->kind == ElementKind::table ? box.at + "/width" : box.at + "/box";
        out.push_back({where, "cannot-hold-max-length",
                       what_is_measured(facts, box) + " does not fit at minSize " +
                           amount(r.min_size) + " pt: it is " +
                           mm(text_width(fonts, r.text, r.min_size)) + " mm long, " +
                           std::to_string(needs) + (needs == 1 ? " line" : " lines") + " of " +
                           mm(r.width) + " mm, and the box holds " + std::to_string(holds) +
                           (holds == 1 ? " line" : " lines")});
    }
}

double luminance(const Color& c) {
    auto channel = [](double v) {
        return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}

void contrasts(const Layout& layout, std::vector<LayoutProblem>& out) {
    for (const auto& page : element_pages(layout)) {
        for (const Element* e : page) {
            if (!shows_text(*e)) continue;
            const double ratio = 1.05 / (luminance(e->color) + 0.05);
            // WCAG 2: 4.5 for text, 3 for large text (18 pt, or 14 pt bold).
            const bool large = e->min_size >= 18 || (e->bold && e->min_size >= 14);
            const double needed = large ? 3.0 : 4.5;
            if (ratio >= needed) continue;
            out.push_back({e->at + "/color", "low-contrast",
                           "contrast on white is " + amount(ratio, 2) + ":1, under WCAG's " +
                               amount(needed, 1) + ":1 for " + (large ? "large " : "") + "text"});
        }
    }
}

void fields_and_elements(const Layout& layout, std::vector<LayoutProblem>& out) {
    std::set<std::string> fields;
    for (const auto& f : layout.fields) {
        fields.insert(f.pointer);
        const std::string base = f.pointer.substr(0, f.pointer.rfind('/'));
        if (!f.derive_sex.empty()) fields.insert(base + f.derive_sex);
        if (!f.derive_birth_date.empty()) fields.insert(base + f.derive_birth_date);
    }
    std::set<std::string> shown;
    for (const auto& page : element_pages(layout)) {
        for (const Element* e : page) {
            std::vector<std::pair<std::string, std::string>> uses;  // pointer, where
            for (const auto& p : placeholders(e->source)) {
                uses.emplace_back(p, e->at + (e->source.pointer.empty() ? "/template" : "/value"));
            }
            if (!e->rows.empty()) {
                uses.emplace_back(e->rows, e->at + "/rows");
                for (std::size_t c = 0; c < e->columns.size(); ++c) {
                    for (const auto& p : placeholders(e->columns[c].value)) {
                        uses.emplace_back(e->rows + "/*" + p,
                                          e->at + "/columns/" + std::to_string(c));
                    }
                }
            }
            for (const auto& [pointer, where] : uses) {
                shown.insert(pointer);
                if (!fields.count(pointer)) {
                    out.push_back({where, "not-a-field",
                                   pointer + " is not a field of this layout: add a rule to "
                                             "fields, or it prints unchecked"});
                }
            }
        }
    }
    std::set<std::string> reported;
    for (const auto& f : layout.fields) {
        if (!f.printed || shown.count(f.pointer) || !reported.insert(f.pointer).second) continue;
        // An array shown through its items' fields counts as shown.
        const bool items_shown = std::any_of(shown.begin(), shown.end(), [&](const auto& s) {
            return s.rfind(f.pointer + "/", 0) == 0;
        });
        if (items_shown) continue;
        // An array's items ("/notes/*") shown by an element that shows the array (a list).
        const auto star = f.pointer.rfind("/*");
        if (star != std::string::npos && star + 2 == f.pointer.size() &&
            shown.count(f.pointer.substr(0, star))) {
            continue;
        }
        out.push_back(
            {f.at + "/pointer", "field-not-shown",
             "no element shows " + f.pointer + " (say \"printed\": false if it is only checked)"});
    }
}

// A valid 18-character ID number (GB 11643's own example).
constexpr const char* kIdNumber = "11010519491231002X";

std::string example_jpeg() {
    images::Pixels grey;
    grey.width = 300;
    grey.height = 400;
    grey.channels = 3;
    grey.bytes.resize(static_cast<std::size_t>(grey.width) * static_cast<std::size_t>(grey.height) *
                      3);
    for (int y = 0; y < grey.height; ++y) {
        for (int x = 0; x < grey.width; ++x) {
            const bool head = (x - 150) * (x - 150) + (y - 170) * (y - 170) < 80 * 95;
            const std::uint8_t v = head ? 150 : 235;
            const auto at = (static_cast<std::size_t>(y) * static_cast<std::size_t>(grey.width) +
                             static_cast<std::size_t>(x)) *
                            3;
            grey.bytes[at] = grey.bytes[at + 1] = grey.bytes[at + 2] = v;
        }
    }
    return base64_encode(images::encode_jpeg(grey, 80));
}

// The level the example data gives: the one with the longest name in print.
const Level& example_level(const LevelScheme& levels) {
    const Level* longest = &levels.levels.front();
    for (const auto& level : levels.levels) {
        if (code_points(level.zh) > code_points(longest->zh)) longest = &level;
    }
    return *longest;
}

Var example_value(const FieldFacts& facts, const std::vector<const FieldRule*>& rules,
                  const LevelScheme* levels) {
    std::string type = "string", rule, example;
    std::optional<long long> minimum, maximum;
    for (const auto* f : rules) {
        if (f->type != "string") type = f->type;
        if (!f->rule.empty()) rule = f->rule;
        if (!f->example.empty()) example = f->example;
        if (f->minimum) minimum = f->minimum;
        if (f->maximum) maximum = f->maximum;
    }
    if (type == "integer") return maximum ? *maximum : minimum ? *minimum : 99LL;
    if (type == "number") return 99.5;
    if (type == "boolean") return true;
    if (type == "photo") {
        static const std::string photo = example_jpeg();
        return photo;
    }
    if (type == "date" || rule == "date") return std::string(kExampleDate);
    // A level is a code of the layout's scheme: the one with the longest name in print.
    if (rule == "level" && levels && !levels->levels.empty()) {
        return example_level(*levels).code;
    }
    // A qualification must be one of that level's (the rule checks it against the level):
    // its longest.
    if (rule == "qualification" && levels && !levels->levels.empty()) {
        const auto& qualifications = example_level(*levels).qualifications;
        if (!qualifications.empty()) {
            const Qualification* longest = &qualifications.front();
            for (const auto& q : qualifications) {
                if (code_points(q.zh) > code_points(longest->zh)) longest = &q;
            }
            return longest->zh;
        }
    }
    if (!facts.one_of.empty()) {
        std::string longest = facts.one_of.front();
        for (const auto& v : facts.one_of) {
            if (code_points(v) > code_points(longest)) longest = v;
        }
        return longest;
    }
    if (!example.empty()) return example;
    if (rule == "id-number") return std::string(kIdNumber);
    if (rule == "phone") return std::string("13800138000");
    if (rule == "postcode") return std::string("100000");
    const std::size_t limit = example_length(facts.max_length);
    if (rule == "email") {
        std::string local(std::min<std::size_t>(std::max<std::size_t>(limit, 14) - 12, 64), 'w');
        return local + "@example.com";
    }
    if (rule == "url") {
        std::string url = "https://verify.example.org/v/";
        url.resize(std::max(url.size(), std::min<std::size_t>(limit, 128)), 'W');
        return url;
    }
    return filler(facts.latin, limit);
}

// Sets `value` at `tokens` under `node`, making objects and arrays ("*": every item of
// an array of `items`).
void put(Var& node, const std::vector<std::string>& tokens, std::size_t i, const Var& value,
         std::size_t items) {
    if (i == tokens.size()) {
        node = value;
        return;
    }
    if (tokens[i] == "*") {
        Array::Ptr a = node.type() == typeid(Array::Ptr) ? node.extract<Array::Ptr>() : new Array;
        while (a->size() < items) a->add(Var());
        for (std::size_t k = 0; k < a->size(); ++k) {
            Var item = a->get(static_cast<unsigned>(k));
            put(item, tokens, i + 1, value, items);
            a->set(static_cast<unsigned>(k), item);
        }
        node = a;
        return;
    }
    Object::Ptr o = node.type() == typeid(Object::Ptr) ? node.extract<Object::Ptr>()
                                                       : new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    Var child = o->has(tokens[i]) ? o->get(tokens[i]) : Var();
    put(child, tokens, i + 1, value, items);
    o->set(tokens[i], child);
    node = o;
}

}  // namespace

Var example_data(const Layout& layout) {
    const auto facts = field_facts(layout);
    std::map<std::string, std::vector<const FieldRule*>> rules;
    std::set<std::string> derived;
    for (const auto& f : layout.fields) {
        rules[f.pointer].push_back(&f);
        const std::string base = f.pointer.substr(0, f.pointer.rfind('/'));
        if (!f.derive_sex.empty()) derived.insert(base + f.derive_sex);
        if (!f.derive_birth_date.empty()) derived.insert(base + f.derive_birth_date);
    }
    Var root = Object::Ptr(new Object(Poco::JSON_PRESERVE_KEY_ORDER));
    for (const auto& [pointer, list] : rules) {
        if (derived.count(pointer)) continue;
        std::vector<std::string> tokens;
        try {
            tokens = split_pointer(pointer);
        } catch (const std::invalid_argument&) {
            continue;
        }
        // Arrays filled to their maxItems: "/sessions/*/date" looks up "/sessions".
        std::size_t items = 1;
        const auto star = pointer.find("/*");
        if (star != std::string::npos) {
            const auto array_rules = rules.find(pointer.substr(0, star));
            if (array_rules != rules.end()) {
                for (const auto* f : array_rules->second) {
                    items = std::max(
                        items, static_cast<std::size_t>(std::max(f->max_items, f->min_items)));
                }
            }
            items = std::min<std::size_t>(items, 40);
        }
        const auto& f = facts.at(pointer);
        bool is_array = false;
        for (const auto* r : list) is_array = is_array || r->type == "array";
        if (is_array) {
            // An array whose items have their own fields is made by them.
            // (A named copy: a lambda may not capture a structured binding before C++20's
            // P1091, which clang-tidy's clang does not have.)
            const std::string items_under = pointer + "/";
            const bool has_items = std::any_of(rules.begin(), rules.end(), [&](const auto& kv) {
                return kv.first.rfind(items_under, 0) == 0;
            });
            if (has_items) continue;
            Array::Ptr a = new Array;
            int count = 1;
            for (const auto* r : list)
                count = std::max({count, r->min_items, std::min(r->max_items, 40)});
            for (int k = 0; k < count; ++k) {
                a->add(filler(f.latin, example_length(std::max(f.max_length, 20))));
            }
            put(root, tokens, 0, a, items);
            continue;
        }
        put(root, tokens, 0, example_value(f, list, layout.levels), items);
    }
    return root;
}

std::vector<LayoutProblem> small_codes(const Layout& layout, const Var& data, int pages_per_sheet) {
    std::vector<LayoutProblem> out;
    const float scale = sheet_scale(layout.page_width, layout.page_height, pages_per_sheet);
    for (const auto& page : element_pages(layout)) {
        for (const Element* e : page) {
            if (e->kind != ElementKind::qr && e->kind != ElementKind::barcode) continue;
            std::string text = e->source.literal;
            if (!e->source.pointer.empty()) {
                const auto v = resolve_pointer(data, e->source.pointer);
                if (!v || v->isEmpty()) continue;
                text = v->toString();
            } else if (!e->source.template_text.empty()) {
                text = e->source.template_text;  // placeholders: a length like the values'
            }
            if (text.empty()) continue;
            try {
                const bool qr = e->kind == ElementKind::qr;
                const CodeModules m = qr ? qr_modules(text, e->qr_ecc[0]) : code128_modules(text);
                const float module = qr ? qr_module(e->box, m) : barcode_module(e->box, m);
                const float printed_mm = module * scale / kPointsPerMm;
                if (printed_mm + 1e-4F >= kMinimumModuleMm) continue;
                const float needed_w =
                    kMinimumModuleMm / scale * kPointsPerMm *
                    static_cast<float>(m.width + 2 * (qr ? kQrQuietModules : kBarcodeQuietModules));
                out.push_back({e->at + "/box", "code-too-small",
                               std::string(qr ? "the QR code" : "the barcode") + " of '" +
                                   (text.size() > 40 ? text.substr(0, 40) + "…" : text) +
                                   "' has a " + amount(printed_mm, 3) + " mm narrowest module at " +
                                   std::to_string(pages_per_sheet) + " page" +
                                   (pages_per_sheet == 1 ? "" : "s") +
                                   " per sheet, under 0.33 mm: the box needs to be " +
                                   mm(needed_w) + " mm " + (qr ? "square" : "wide") + " for that"});
            } catch (const std::exception&) {
                // Content a code cannot carry is refused per record when it renders.
            }
        }
    }
    return out;
}

std::vector<LayoutProblem> lint_layout(const Layout& layout, const fonts::FontSet& fonts) {
    std::vector<LayoutProblem> out;
    overlaps(layout, out);
    capacities(layout, fonts, out);
    const Var example = example_data(layout);
    for (const int n : {1, 2, 4}) {
        for (auto& p : small_codes(layout, example, n)) out.push_back(std::move(p));
    }
    fields_and_elements(layout, out);
    contrasts(layout, out);
    return out;
}

}  // namespace examdocs::renderers

namespace examdocs::renderers {

LayoutCheck check_layout(std::string_view json, const fonts::FontSet& fonts) {
    LayoutCheck check;
    auto reading = read_layout(json);
    check.errors = std::move(reading.errors);
    if (reading.layout) {
        check.warnings = lint_layout(*reading.layout, fonts);
        check.layout = std::move(reading.layout);
    }
    return check;
}

}  // namespace examdocs::renderers
