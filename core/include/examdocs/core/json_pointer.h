#pragma once
// JSON pointers (RFC 6901) over Poco::Dynamic::Var trees as Poco::JSON::Parser makes
// them. Poco 1.11 has only its own dotted Query syntax, and our layouts and error
// reports speak RFC 6901, so the few lines are ours.
#include <Poco/Dynamic/Var.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace examdocs {

// The value at `pointer` ("" is the whole document), or nullopt when any step is missing.
// Throws std::invalid_argument for a malformed pointer (a layout error, not input).
std::optional<Poco::Dynamic::Var> resolve_pointer(const Poco::Dynamic::Var& root,
                                                  std::string_view pointer);

// "/a/b~1c" -> {"a", "b/c"}: the reference tokens, unescaped. Throws std::invalid_argument
// for a pointer that does not start with '/' or has a malformed escape.
std::vector<std::string> split_pointer(std::string_view pointer);

// "/a" + "b/c" -> "/a/b~1c": appends one reference token, escaped.
std::string pointer_append(std::string_view base, std::string_view token);

}  // namespace examdocs
