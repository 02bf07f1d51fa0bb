#pragma once
// Private to cli/: what several subcommands parse the same way.
#include <chrono>
#include <optional>
#include <string>

#include "examdocs/renderers/layout_catalog.h"

namespace examdocs::cli {

// "2026-11-18T11:06:40Z" (for reproducible output), or nullopt when it is not that form.
std::optional<std::chrono::system_clock::time_point> parse_fixed_time(const std::string& text);

// The layout named `name` from the built-in ones and `layouts_dir`; null after telling
// stderr which layouts there are.
const renderers::Layout* find_layout(renderers::LayoutCatalog& catalog, const std::string& name,
                                     const std::string& layouts_dir, const char* command);

}  // namespace examdocs::cli
