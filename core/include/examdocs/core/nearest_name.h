#pragma once
// The known name closest to a misspelt one, so that an error can say "did you mean …?"
// instead of only "no such field". Pure functions, thread-safe.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace examdocs {

// Edits between two names, a swap of neighbours counting one (optimal string alignment),
// in bytes: the names here are ASCII JSON pointers and CSV headers.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `name`, when it is close enough to be a likely typing error:
// at most 2 edits, and fewer edits than a third of the name's length.
std::optional<std::string> nearest_name(std::string_view name,
                                        const std::vector<std::string>& candidates);

}  // namespace examdocs
