#pragma once
// The document kinds this build knows: every layouts/*.json compiled into the binary,
// plus any *.json in an operator's directory (layouts.dir), which may add kinds or replace
// built-in ones. Parsed once at start; immutable and thread-safe afterwards.
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "examdocs/renderers/layout.h"

namespace examdocs::renderers {

class LayoutCatalog {
  public:
    // Throws LayoutError naming the file and place of the first broken layout.
    static LayoutCatalog bundled();
    void add_directory(const std::string& directory);
    void add(Layout layout);

    const Layout* find(std::string_view name) const;
    std::vector<const Layout*> all() const;

  private:
    std::map<std::string, std::shared_ptr<const Layout>, std::less<>> layouts_;
};

// The field rules of a layout as a JSON object, for GET /v1/layouts/{name}.
std::string describe_layout(const Layout& layout);

}  // namespace examdocs::renderers
