#include "cli_support.h"

#include <ctime>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace examdocs::cli {

std::optional<std::chrono::system_clock::time_point> parse_fixed_time(const std::string& text) {
    std::tm tm{};
    std::istringstream in(text);
    in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
    if (in.fail()) return std::nullopt;
    return std::chrono::system_clock::from_time_t(timegm(&tm));
}

const renderers::Layout* find_layout(renderers::LayoutCatalog& catalog, const std::string& name,
                                     const std::string& layouts_dir, const char* command) {
    if (!layouts_dir.empty()) catalog.add_directory(layouts_dir);
    const renderers::Layout* layout = catalog.find(name);
    if (!layout) {
        std::cerr << "examdocs " << command << ": no layout '" << name << "'; known:";
        for (const auto* l : catalog.all()) std::cerr << ' ' << l->name;
        std::cerr << '\n';
    }
    return layout;
}

}  // namespace examdocs::cli
