#pragma once
// The layout format as data: every object of a layout file, its keys, their types,
// defaults and units. The validator (layout.h) checks files against it, and the
// reference in layouts/README.md is generated from it (a test fails when they differ), so
// the documentation and the checks cannot drift apart. Immutable; thread-safe.
#include <string>
#include <string_view>
#include <vector>

namespace examdocs::renderers {

enum class KeyType {
    string,
    number,
    integer,
    boolean,
    object,   // a nested object, described by `object`
    objects,  // an array of objects, each described by `object`
    strings,  // an array of strings
    numbers,  // an array of numbers
    box,      // [x, y, width, height], millimetres
    point,    // [x, y], millimetres
    color,    // "#rrggbb"
    pointer,  // a JSON pointer into the request, "/candidate/name"
};

struct KeySpec {
    std::string_view key;
    KeyType type = KeyType::string;
    std::string_view default_value;        // as documented; empty: no default
    std::string_view unit;                 // "mm", "pt", "dpi"; empty: none
    std::string_view element_types;        // element keys: the types it applies to; empty: all
    std::vector<std::string_view> values;  // the allowed strings; empty: any
    std::string_view object;               // the nested object's name, for object and objects
    bool required = false;
    std::string_view meaning;
};

struct ObjectSpec {
    std::string_view name;  // "layout", "element", "field", …
    std::string_view meaning;
    std::vector<KeySpec> keys;

    const KeySpec* key(std::string_view wanted) const;
};

const std::vector<ObjectSpec>& layout_schema();
// Throws std::out_of_range for a name the schema lacks (a bug).
const ObjectSpec& object_spec(std::string_view name);

// "string", "number (mm)", "[x, y, width, height] (mm)", … for messages and the reference.
std::string key_type_name(const KeySpec& key);

// The reference section of layouts/README.md: one table per object.
std::string layout_reference_markdown();

}  // namespace examdocs::renderers
