#pragma once
// The document kinds this build knows: every layouts/*.json compiled into the binary,
// plus any *.json in an operator's directory (layouts.dir), which may add kinds or replace
// built-in ones.
//
// Thread-safe. The set can be replaced as a whole while requests render (replace_with):
// find() hands out shared pointers, so a render that has its layout finishes on it while
// new requests see the new set. Readers never see half of a replacement.
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "examdocs/fonts/font_set.h"
#include "examdocs/renderers/layout.h"

namespace examdocs::renderers {

class LayoutCatalog {
  public:
    LayoutCatalog();
    LayoutCatalog(LayoutCatalog&& other) noexcept;
    LayoutCatalog& operator=(LayoutCatalog&& other) noexcept;

    // Throws LayoutError listing every problem of every broken built-in layout.
    static LayoutCatalog bundled();
    // The built-in layout `name` alone, or an empty catalog when there is none: for the
    // one-shot commands, which would otherwise spend a quarter of a render reading the
    // layouts they do not use. Throws LayoutError when that layout is broken.
    static LayoutCatalog bundled(std::string_view name);
    // Throws LayoutError listing every problem of every broken file in the directory.
    void add_directory(const std::string& directory);
    void add(Layout layout);
    void add(std::shared_ptr<const Layout> layout);

    std::shared_ptr<const Layout> find(std::string_view name) const;
    std::vector<std::shared_ptr<const Layout>> all() const;

    // Every layout of `other` in place of this set's, at once.
    void replace_with(LayoutCatalog&& other);

  private:
    using Shelf = std::map<std::string, std::shared_ptr<const Layout>, std::less<>>;
    mutable std::mutex mutex_;
    std::shared_ptr<const Shelf> shelf_;
};

// A problem of one file: "layouts/x.json" (bundled) or the path in layouts.dir.
struct LayoutFileProblem {
    std::string file;
    LayoutProblem problem;
};

// "file: /pointer: message" — one line of the start-up and reload reports.
std::string describe(const LayoutFileProblem& problem);

struct LayoutLoad {
    std::optional<LayoutCatalog> catalog;  // set when no file has an error
    std::vector<LayoutFileProblem> errors;
    std::vector<LayoutFileProblem> warnings;
};

// The built-in layouts and those of `directory` (none when empty), checked and linted:
// what the service loads at start and on reload. Never throws for a broken file.
LayoutLoad load_layouts(const std::string& directory, const fonts::FontSet& fonts);

// The text of the built-in layout `name` (layouts/NAME.json as compiled in), or nullopt
// when no built-in layout has that name. The designer page starts from it.
std::optional<std::string_view> bundled_layout_text(std::string_view name);

// The field rules of a layout as a JSON object, for GET /v1/layouts/{name}.
std::string describe_layout(const Layout& layout);

}  // namespace examdocs::renderers
