#pragma once
// Where a JSON text first goes wrong, as a person reads it: line and column. Poco's parser
// says what it disliked ("unexpected byte '}' in value") but not where, and a form of
// forty fields needs the place. Used only after a parse has failed, to word the error.
// Pure function, thread-safe; reads at most the whole text once, never recurses deeper
// than kMaxDepth.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace examdocs {

struct JsonSyntaxError {
    std::size_t line = 1;    // from 1
    std::size_t column = 1;  // from 1, in characters (UTF-8 code points), not bytes
    std::string what;        // English, e.g. "expected a value"
};

inline constexpr int kJsonSyntaxMaxDepth = 1000;

// nullopt when the text is one well-formed JSON value (surrounded by whitespace at most).
std::optional<JsonSyntaxError> find_json_syntax_error(std::string_view text);

}  // namespace examdocs
