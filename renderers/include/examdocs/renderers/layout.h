#pragma once
// A layout: one document kind as data (layouts/*.json; the format is in layouts/README.md).
// Parsed once, then immutable and shared between threads. Lengths here are in points with
// the origin at the top left of the page; the JSON gives millimetres.
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "examdocs/renderers/level_schemes.h"

namespace examdocs::renderers {

struct Box {
    float x = 0, y = 0, w = 0, h = 0;
};

struct Color {
    float r = 0, g = 0, b = 0;
};

enum class Align { left, center, right, justify };
enum class VAlign { top, middle, bottom };

// What a text shows: a fixed text, the value at a JSON pointer, or a template with
// {/pointer} placeholders. `format` turns values into text ("date-cn": 2026年5月1日).
struct TextSource {
    std::string literal;
    std::string pointer;
    std::string template_text;
    std::string format;
};

enum class ElementKind { text, list, rect, line, photo, qr, barcode, table, pattern };

struct Column {
    std::string title;
    TextSource value;  // pointers relative to the row
    float width = 0;
    Align align = Align::center;
};

struct Element {
    std::string at;  // where it is in the layout file: "/pages/0/elements/7"
    ElementKind kind = ElementKind::text;
    std::string when;      // JSON pointer: drawn only when that value is present and not empty
    std::string when_not;  // … only when it is absent or empty
    Box box;
    TextSource source;  // text, list (pointer to an array of strings), photo, qr, barcode
    float size = 10.5F;
    float min_size = 0;  // 0: same as size
    float leading = 1.25F;
    Align align = Align::left;
    VAlign valign = VAlign::middle;
    bool bold = false;
    Color color;
    std::optional<Color> fill;
    float line_width = 0.5F;
    std::vector<float> dash;
    float x2 = 0, y2 = 0;  // line end
    std::string barcode_format = "code128";
    std::string qr_ecc = "M";
    std::string list_style;  // "numbered" or ""
    // table
    std::string rows;  // JSON pointer to the array of rows
    std::vector<Column> columns;
    float header_height = 0;
    float row_height = 0;
    std::string empty_text;  // shown in the first row when there are no rows
    // Drawn above the table on each of its continuation pages ("五、专业技术工作经历（续）"),
    // so that a form with several long tables says which one continues.
    std::string continued_title;
    // photo: the most pixels per inch kept (more only makes the PDF larger)
    float dpi = 300;
    // pattern (the certificate's background guilloche)
    int pattern_lines = 0;
};

struct Page {
    std::vector<Element> elements;
};

// The rules of one input field. Pointers of array items use "*" for the index:
// "/sessions/*/subject".
struct FieldRule {
    std::string at;  // where it is in the layout file: "/fields/3"
    std::string pointer;
    std::string label;            // Chinese name of the field, for messages
    std::string type = "string";  // string | integer | number | boolean | array | photo | date
    bool required = false;
    int max_length = 0;  // code points; 0 = no limit
    int min_items = 0, max_items = 0;
    std::string pattern;  // ECMAScript regex the whole value must match
    // What the pattern means, for the error message: in Chinese, in English, and an example
    // value. A layout with a pattern must give all three.
    std::string expected_cn, expected_en, example;
    std::vector<std::string> one_of;
    // Words accepted in place of a value of the type, unchecked: "未工作" for a date.
    std::vector<std::string> also_accepts;
    // "year-month": "YYYY-MM-DD" is rewritten "YYYY.MM", so that dates given either way
    // print one way.
    std::string normalize;
    // id-number | phone | postcode | email | date | url | level (a code of the layout's
    // level scheme) | qualification (one of the qualifications of the level at level_at)
    std::string rule;
    std::string level_at;  // rule qualification: where the level is ("levelAt": "/level")
    std::optional<long long> minimum, maximum;  // integers
    // The rule is checked only when the value at applies_when_pointer is one of these
    // (an absent value counts as ""), e.g. the ID-number rule only for 居民身份证.
    std::string applies_when_pointer;
    std::vector<std::string> applies_when_values;
    // For rule "id-number": where to put the sex and birth date taken from it.
    std::string derive_sex;
    std::string derive_birth_date;
    // false: checked but deliberately not printed (a registration record's other fields).
    bool printed = true;
    // "latin": the value is written in Latin letters (an English name), so the preview's
    // example fills it, and the lint measures it, with wide Latin letters, not Chinese.
    std::string script = "chinese";
};

struct Layout {
    std::string name;   // "admission-ticket"
    std::string title;  // "准考证"
    std::string description;
    float page_width = 0, page_height = 0;  // points
    TextSource document_title;
    TextSource author;
    TextSource filename;
    std::vector<FieldRule> fields;
    std::vector<Page> pages;
    // Where rows of an overflowing table continue: a page with these elements (the table
    // element's box is replaced by continuation_table) added after the page of the table.
    std::vector<Element> continuation_elements;
    std::optional<Box> continuation_table;
    // Every input pointer the layout checks or prints ("/sessions/*/room"); a request field
    // outside them is refused as misspelt unless the layout lets unknown fields pass through
    // ("passthrough": true) for backends that send more than it prints.
    std::vector<std::string> known_pointers;
    bool passthrough = false;
    // An official document ("official": true), such as the certificate: one that carries
    // an issuing body's word, so the service renders it only for a key with the right
    // `render` (the registry prints its own rows).
    bool official = false;
    // The level scheme ("levels": "skill" by default; layouts/vocabulary/levels.json) that
    // rule "level" checks against and the formats level-cn and level-en print from.
    const LevelScheme* levels = nullptr;
};

// One thing wrong with (error) or doubtful in (warning) a layout file: where, as a JSON
// pointer into the file ("/pages/0/elements/7/box"), a stable code ("outside-page"), and
// words with the measured amount ("extends 4.2 mm past the page's right edge").
struct LayoutProblem {
    std::string pointer;
    std::string code;
    std::string message;
};

// "/pages/0/elements/7/box: extends 4.2 mm past the page's right edge" — the words the
// service prints at start and the validate route answers.
std::string describe(const LayoutProblem& problem);

struct LayoutReading {
    std::optional<Layout> layout;  // set when there is no error
    std::vector<LayoutProblem> errors;
};

// Every error at once: JSON syntax, keys and types against the schema (layout_schema.h),
// values, and boxes that leave the page. Never throws for bad input.
LayoutReading read_layout(std::string_view json);

class LayoutError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// read_layout for layouts that must be right: throws LayoutError listing every error.
Layout parse_layout(std::string_view json);

}  // namespace examdocs::renderers
