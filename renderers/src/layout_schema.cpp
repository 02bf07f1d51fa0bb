#include "examdocs/renderers/layout_schema.h"

#include <stdexcept>

namespace examdocs::renderers {

namespace {

using T = KeyType;

std::vector<ObjectSpec> make_schema() {
    constexpr std::string_view kTextish = "text, list, table";
    constexpr std::string_view kSourced = "text, list, photo, qr, barcode";
    return {
        {"layout",
         "The file: one document kind.",
         {
             {"name", T::string, "", "", "", {}, "", true,
              "The kind's name: the file name without .json, and the {layout} of POST "
              "/v1/documents/{layout}."},
             {"title", T::string, "", "", "", {}, "", false,
              "The kind in words (准考证), shown in GET /v1/layouts and as the PDF subject."},
             {"description", T::string, "", "", "", {}, "", false, "What the document is."},
             {"page", T::object, "", "", "", {}, "page", true, "The page size."},
             {"metadata", T::object, "", "", "", {}, "metadata", false,
              "The PDF's title, author and file name."},
             {"fields", T::objects, "[]", "", "", {}, "field", false,
              "The input rules: what a request must and may carry."},
             {"passthrough", T::boolean, "false", "", "", {}, "", false,
              "true: request fields the layout neither checks nor prints pass unprinted "
              "(otherwise they are refused as misspelt)."},
             {"official", T::boolean, "false", "", "", {}, "", false,
              "true: the document carries an issuing body's word and is rendered only for a "
              "key with the right render."},
             {"pages", T::objects, "", "", "", {}, "page-content", true,
              "The fixed pages, in order (at least one)."},
             {"continuation", T::object, "", "", "", {}, "continuation", false,
              "Where the rows of an overflowing table continue."},
         }},
        {"page",
         "The paper.",
         {
             {"size", T::string, "A4", "", "", {"A4", "A5"}, "", false, "The paper size."},
             {"orientation", T::string, "portrait", "", "", {"portrait", "landscape"}, "", false,
              "Which way up."},
         }},
        {"metadata",
         "Text sources resolved against the request.",
         {
             {"title", T::object, "", "", "", {}, "text-source", false, "The PDF's /Title."},
             {"author", T::object, "", "", "", {}, "text-source", false, "The PDF's /Author."},
             {"filename", T::object, "", "", "", {}, "text-source", false,
              "The download's file name."},
         }},
        {"text-source",
         "Exactly one of text, value and template.",
         {
             {"text", T::string, "", "", "", {}, "", false, "Fixed text."},
             {"value", T::pointer, "", "", "", {}, "", false, "The value at a JSON pointer."},
             {"template", T::string, "", "", "", {}, "", false,
              "Text with {/pointer} placeholders."},
             {"format", T::string, "", "", "",
              {"date-cn", "date-en", "level-cn", "level-en", "groups-4"}, "", false,
              "How the value becomes text."},
         }},
        {"field",
         "One input rule.",
         {
             {"pointer", T::pointer, "", "", "", {}, "", true,
              "The field; * stands for every index of an array (/sessions/*/date)."},
             {"label", T::string, "", "", "", {}, "", false,
              "The field's Chinese name, used in messages."},
             {"type", T::string, "string", "", "",
              {"string", "integer", "number", "boolean", "array", "photo", "date"}, "", false,
              "The value's type (date: YYYY-MM-DD; photo: base64 JPEG or PNG)."},
             {"required", T::boolean, "false", "", "", {}, "", false,
              "Absent, null, \"\" and [] are missing."},
             {"maxLength", T::integer, "0 (no limit)", "characters", "", {}, "", false,
              "The most code points (not bytes)."},
             {"minItems", T::integer, "0", "items", "", {}, "", false, "For arrays."},
             {"maxItems", T::integer, "0 (no limit)", "items", "", {}, "", false, "For arrays."},
             {"minimum", T::integer, "", "", "", {}, "", false, "For integers."},
             {"maximum", T::integer, "", "", "", {}, "", false, "For integers."},
             {"pattern", T::string, "", "", "", {}, "", false,
              "A regular expression the whole value must match; needs expected."},
             {"expected", T::object, "", "", "", {}, "expected", false,
              "What the pattern means, for its error message."},
             {"oneOf", T::strings, "", "", "", {}, "", false, "The allowed strings."},
             {"alsoAccepts", T::strings, "", "", "", {}, "", false,
              "Words taken in place of a value of the type, unchecked (未工作 for a date)."},
             {"normalize", T::string, "", "", "", {"year-month"}, "", false,
              "year-month: YYYY-MM-DD is printed YYYY.MM."},
             {"rule", T::string, "", "", "",
              {"id-number", "phone", "postcode", "email", "date", "url"}, "", false,
              "A check beyond the type."},
             {"appliesWhen", T::object, "", "", "", {}, "applies-when", false,
              "Check the rule only when another value is one of these."},
             {"derive", T::object, "", "", "", {}, "derive", false,
              "With id-number: where to put the sex and birth date taken from it."},
             {"printed", T::boolean, "true", "", "", {}, "", false,
              "false: checked but deliberately not printed (the lint then does not ask which "
              "element shows it)."},
         }},
        {"expected",
         "What a pattern means.",
         {
             {"zh", T::string, "", "", "", {}, "", true, "In Chinese."},
             {"en", T::string, "", "", "", {}, "", true, "In English."},
             {"example", T::string, "", "", "", {}, "", true,
              "A value that matches (also what previews print)."},
         }},
        {"applies-when",
         "A condition on another value.",
         {
             {"pointer", T::pointer, "", "", "", {}, "", true, "The other value."},
             {"oneOf", T::strings, "", "", "", {}, "", true,
              "Its values for which the rule applies (an absent value counts as \"\")."},
         }},
        {"derive",
         "Values taken from an ID number; pointers relative to the object holding it.",
         {
             {"sex", T::pointer, "", "", "", {}, "", false, "Where the sex goes."},
             {"birthDate", T::pointer, "", "", "", {}, "", false, "Where the birth date goes."},
         }},
        {"page-content",
         "One fixed page.",
         {
             {"elements", T::objects, "", "", "", {}, "element", true,
              "What the page shows, drawn in order."},
         }},
        {"continuation",
         "Pages added after the page of an overflowing table.",
         {
             {"elements", T::objects, "", "", "", {}, "element", true,
              "Drawn on every continuation page."},
             {"table", T::object, "", "", "", {}, "continuation-table", true,
              "Where the table sits there; its header repeats."},
         }},
        {"continuation-table",
         "The table's place on a continuation page.",
         {
             {"box", T::box, "", "mm", "", {}, "", true, "[x, y, width, height]."},
         }},
        {"element",
         "One thing drawn on a page.",
         {
             {"type", T::string, "", "", "",
              {"text", "list", "rect", "line", "photo", "qr", "barcode", "table", "pattern"},
              "", true, "What it draws."},
             {"box", T::box, "", "mm", "all but line", {}, "", false,
              "[x, y, width, height] from the page's top-left corner."},
             {"from", T::point, "", "mm", "line", {}, "", false, "Where the rule starts."},
             {"to", T::point, "", "mm", "line", {}, "", false, "Where the rule ends."},
             {"when", T::pointer, "", "", "", {}, "", false,
              "Drawn only when that value is present and not empty."},
             {"whenNot", T::pointer, "", "", "", {}, "", false,
              "Drawn only when that value is absent or empty."},
             {"text", T::string, "", "", kSourced, {}, "", false, "Fixed text."},
             {"value", T::pointer, "", "", kSourced, {}, "", false,
              "The value at a JSON pointer (list: an array of strings; photo: base64)."},
             {"template", T::string, "", "", kSourced, {}, "", false,
              "Text with {/pointer} placeholders."},
             {"format", T::string, "", "", "text, list, barcode",
              {"date-cn", "date-en", "level-cn", "level-en", "groups-4", "code128"}, "", false,
              "Text: how the value becomes text. Barcode: code128 (the default)."},
             {"size", T::number, "10.5", "pt", kTextish, {}, "", false, "The font size."},
             {"minSize", T::number, "= size", "pt", kTextish, {}, "", false,
              "The smallest size the text may shrink to before it is refused."},
             {"leading", T::number, "1.25", "× size", kTextish, {}, "", false, "Line height."},
             {"align", T::string, "left (table: center)", "", kTextish,
              {"left", "center", "right", "justify"}, "", false, "Horizontal alignment."},
             {"valign", T::string, "middle (list: top)", "", kTextish, {"top", "middle", "bottom"},
              "", false, "Vertical alignment."},
             {"bold", T::boolean, "false", "", kTextish, {}, "", false, "Bold face."},
             {"color", T::color, "#000000", "", "", {}, "", false,
              "Text, line or frame colour."},
             {"fill", T::color, "", "", "rect", {}, "", false, "Fill colour."},
             {"lineWidth", T::number, "0.5", "pt", "rect, line, table, pattern", {}, "", false,
              "0 for no frame."},
             {"dash", T::numbers, "", "mm", "line, rect", {}, "", false, "[on, off] lengths."},
             {"ecc", T::string, "M", "", "qr", {"L", "M", "Q", "H"}, "", false,
              "QR error correction level."},
             {"style", T::string, "", "", "list", {"numbered"}, "", false,
              "numbered: 1. 2. 3. with a hanging indent."},
             {"rows", T::pointer, "", "", "table", {}, "", false,
              "The array whose items are the rows (required for a table)."},
             {"columns", T::objects, "", "", "table", {}, "column", false,
              "The columns (required for a table)."},
             {"headerHeight", T::number, "8", "mm", "table", {}, "", false, "The header row."},
             {"rowHeight", T::number, "8", "mm", "table", {}, "", false, "Each row."},
             {"empty", T::string, "", "", "table", {}, "", false,
              "Shown in the first row when there are no rows."},
             {"dpi", T::number, "300", "dpi", "photo", {}, "", false,
              "The most pixels per inch kept (100 to 600)."},
             {"lines", T::integer, "60", "", "pattern", {}, "", false,
              "Waves per family in the background pattern."},
         }},
        {"column",
         "One column of a table; pointers are relative to the row.",
         {
             {"title", T::string, "", "", "", {}, "", false, "The header text."},
             {"width", T::number, "", "mm", "", {}, "", true, "The column's width."},
             {"align", T::string, "center", "", "", {"left", "center", "right", "justify"}, "",
              false, "Horizontal alignment."},
             {"text", T::string, "", "", "", {}, "", false, "Fixed text."},
             {"value", T::pointer, "", "", "", {}, "", false, "The value at a pointer."},
             {"template", T::string, "", "", "", {}, "", false,
              "Text with {/pointer} placeholders."},
             {"format", T::string, "", "", "",
              {"date-cn", "date-en", "level-cn", "level-en", "groups-4"}, "", false,
              "How the value becomes text."},
         }},
    };
}

std::string escape_cell(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '|') out += "\\|";
        else out += c;
    }
    return out;
}

}  // namespace

const KeySpec* ObjectSpec::key(std::string_view wanted) const {
    for (const auto& k : keys) {
        if (k.key == wanted) return &k;
    }
    return nullptr;
}

const std::vector<ObjectSpec>& layout_schema() {
    static const std::vector<ObjectSpec> schema = make_schema();
    return schema;
}

const ObjectSpec& object_spec(std::string_view name) {
    for (const auto& o : layout_schema()) {
        if (o.name == name) return o;
    }
    throw std::out_of_range("no layout object '" + std::string(name) + "'");
}

std::string key_type_name(const KeySpec& key) {
    switch (key.type) {
        case KeyType::string: return "string";
        case KeyType::number: return "number";
        case KeyType::integer: return "integer";
        case KeyType::boolean: return "true or false";
        case KeyType::object: return "object (" + std::string(key.object) + ")";
        case KeyType::objects: return "array of objects (" + std::string(key.object) + ")";
        case KeyType::strings: return "array of strings";
        case KeyType::numbers: return "array of numbers";
        case KeyType::box: return "[x, y, width, height]";
        case KeyType::point: return "[x, y]";
        case KeyType::color: return "colour #rrggbb";
        case KeyType::pointer: return "JSON pointer";
    }
    return "value";
}

std::string layout_reference_markdown() {
    std::string out;
    for (const auto& object : layout_schema()) {
        out += "### `" + std::string(object.name) + "`\n\n" + std::string(object.meaning) +
               "\n\n| key | type | default | unit | ";
        const bool element = object.name == "element";
        if (element) out += "types | ";
        out += "meaning |\n|---|---|---|---|";
        if (element) out += "---|";
        out += "---|\n";
        for (const auto& k : object.keys) {
            std::string type = key_type_name(k);
            if (!k.values.empty()) {
                type = "";
                for (const auto v : k.values) type += (type.empty() ? "" : ", ") + std::string(v);
                type = "one of " + type;
            }
            out += "| `" + std::string(k.key) + "`" + (k.required ? " (required)" : "") + " | " +
                   escape_cell(type) + " | " + escape_cell(k.default_value) + " | " +
                   escape_cell(k.unit) + " | ";
            if (element) {
                out += (k.element_types.empty() ? std::string("all")
                                                : escape_cell(k.element_types)) +
                       " | ";
            }
            out += escape_cell(k.meaning) + " |\n";
        }
        out += "\n";
    }
    return out;
}

}  // namespace examdocs::renderers
