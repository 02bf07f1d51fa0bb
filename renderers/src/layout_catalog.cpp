#include "examdocs/renderers/layout_catalog.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Path.h>

#include "examdocs/renderers/layout_lint.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace examdocs::embedded {
struct File {
    std::string_view name;
    std::string_view text;
};
std::vector<File> bundled_layouts();
}  // namespace examdocs::embedded

namespace examdocs::renderers {

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Reads one file into `catalog`, with its problems; `expected_name` (bundled layouts)
// must be the layout's name.
void load_file(LayoutCatalog& catalog, const std::string& file, std::string_view json,
               std::string_view expected_name, const fonts::FontSet* fonts, LayoutLoad& load) {
    LayoutCheck check;
    if (fonts) {
        check = check_layout(json, *fonts);
    } else {
        auto reading = read_layout(json);
        check.layout = std::move(reading.layout);
        check.errors = std::move(reading.errors);
    }
    for (auto& e : check.errors) load.errors.push_back({file, std::move(e)});
    for (auto& w : check.warnings) load.warnings.push_back({file, std::move(w)});
    if (!check.layout) return;
    if (!expected_name.empty() && check.layout->name != expected_name) {
        load.errors.push_back(
            {file,
             {"/name", "name-not-file-name",
              "is '" + check.layout->name + "'; a layout's name is its file name"}});
        return;
    }
    catalog.add(std::move(*check.layout));
}

void load_bundled(LayoutCatalog& catalog, const fonts::FontSet* fonts, LayoutLoad& load) {
    for (const auto& file : embedded::bundled_layouts()) {
        load_file(catalog, "layouts/" + std::string(file.name) + ".json", file.text, file.name,
                  fonts, load);
    }
}

// The bundled layouts as checked against the process's bundled font set. Their text is
// compiled in and that set does not change while the process runs, so a second check (a
// reload, or the next service a process starts: the HTTP tests start one per case) would
// reach the very same verdict; linting them took ~50 ms of CPU per start under ASan.
struct BundledCheck {
    std::vector<std::shared_ptr<const Layout>> layouts;
    std::vector<LayoutFileProblem> errors;
    std::vector<LayoutFileProblem> warnings;
};

const BundledCheck& bundled_checked_against_bundled_fonts() {
    static const BundledCheck checked = [] {
        LayoutCatalog catalog;
        LayoutLoad load;
        load_bundled(catalog, &fonts::bundled_font_set(), load);
        return BundledCheck{catalog.all(), std::move(load.errors), std::move(load.warnings)};
    }();
    return checked;
}

void load_directory(LayoutCatalog& catalog, const std::string& directory,
                    const fonts::FontSet* fonts, LayoutLoad& load) {
    if (!Poco::File(directory).exists() || !Poco::File(directory).isDirectory()) {
        load.errors.push_back(
            {directory, {"", "not-a-directory", "layouts.dir is not a directory"}});
        return;
    }
    std::vector<std::string> paths;
    for (Poco::DirectoryIterator it(directory), end; it != end; ++it) {
        if (Poco::Path(it->path()).getExtension() == "json") paths.push_back(it->path());
    }
    std::sort(paths.begin(), paths.end());
    for (const auto& path : paths) load_file(catalog, path, read_file(path), {}, fonts, load);
}

[[noreturn]] void throw_errors(const LayoutLoad& load) {
    std::string message;
    for (const auto& e : load.errors) message += (message.empty() ? "" : "\n") + describe(e);
    throw LayoutError(message);
}

}  // namespace

std::string describe(const LayoutFileProblem& problem) {
    return problem.file + ": " + describe(problem.problem);
}

LayoutCatalog::LayoutCatalog() : shelf_(std::make_shared<const Shelf>()) {}

LayoutCatalog::LayoutCatalog(LayoutCatalog&& other) noexcept {
    std::lock_guard lock(other.mutex_);
    shelf_ = std::move(other.shelf_);
    other.shelf_ = std::make_shared<const Shelf>();
}

LayoutCatalog& LayoutCatalog::operator=(LayoutCatalog&& other) noexcept {
    if (this != &other) replace_with(std::move(other));
    return *this;
}

LayoutCatalog LayoutCatalog::bundled() {
    LayoutCatalog catalog;
    LayoutLoad load;
    load_bundled(catalog, nullptr, load);
    if (!load.errors.empty()) throw_errors(load);
    return catalog;
}

LayoutCatalog LayoutCatalog::bundled(std::string_view name) {
    LayoutCatalog catalog;
    LayoutLoad load;
    for (const auto& file : embedded::bundled_layouts()) {
        if (file.name != name) continue;
        load_file(catalog, "layouts/" + std::string(file.name) + ".json", file.text, file.name,
                  nullptr, load);
    }
    if (!load.errors.empty()) throw_errors(load);
    return catalog;
}

void LayoutCatalog::add_directory(const std::string& directory) {
    LayoutLoad load;
    load_directory(*this, directory, nullptr, load);
    if (!load.errors.empty()) throw_errors(load);
}

void LayoutCatalog::add(Layout layout) { add(std::make_shared<const Layout>(std::move(layout))); }

void LayoutCatalog::add(std::shared_ptr<const Layout> layout) {
    auto name = layout->name;
    std::lock_guard lock(mutex_);
    auto next = std::make_shared<Shelf>(*shelf_);
    (*next)[name] = std::move(layout);
    shelf_ = std::move(next);
}

void LayoutCatalog::replace_with(LayoutCatalog&& other) {
    std::shared_ptr<const Shelf> taken;
    {
        std::lock_guard lock(other.mutex_);
        taken = std::move(other.shelf_);
        other.shelf_ = std::make_shared<const Shelf>();
    }
    std::lock_guard lock(mutex_);
    shelf_ = std::move(taken);
}

std::shared_ptr<const Layout> LayoutCatalog::find(std::string_view name) const {
    std::shared_ptr<const Shelf> shelf;
    {
        std::lock_guard lock(mutex_);
        shelf = shelf_;
    }
    auto it = shelf->find(name);
    return it == shelf->end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<const Layout>> LayoutCatalog::all() const {
    std::shared_ptr<const Shelf> shelf;
    {
        std::lock_guard lock(mutex_);
        shelf = shelf_;
    }
    std::vector<std::shared_ptr<const Layout>> out;
    for (const auto& [name, layout] : *shelf) out.push_back(layout);
    return out;
}

std::optional<std::string_view> bundled_layout_text(std::string_view name) {
    for (const auto& file : embedded::bundled_layouts()) {
        if (file.name == name) return file.text;
    }
    return std::nullopt;
}

LayoutLoad load_layouts(const std::string& directory, const fonts::FontSet& fonts) {
    LayoutLoad load;
    LayoutCatalog catalog;
    if (&fonts == &fonts::bundled_font_set()) {
        const BundledCheck& bundled = bundled_checked_against_bundled_fonts();
        for (const auto& layout : bundled.layouts) catalog.add(layout);
        load.errors = bundled.errors;
        load.warnings = bundled.warnings;
    } else {
        load_bundled(catalog, &fonts, load);
    }
    if (!directory.empty()) load_directory(catalog, directory, &fonts, load);
    if (load.errors.empty()) load.catalog = std::move(catalog);
    return load;
}

std::string describe_layout(const Layout& layout) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("name", layout.name);
    o.set("title", layout.title);
    o.set("description", layout.description);
    o.set("pages", static_cast<int>(layout.pages.size()));
    o.set("continues", layout.continuation_table.has_value());
    o.set("official", layout.official);
    // Whether fields the layout does not know pass unprinted, or are refused.
    o.set("passthrough", layout.passthrough);
    if (layout.levels) o.set("levels", layout.levels->name);
    Poco::JSON::Array fields;
    for (const auto& f : layout.fields) {
        Poco::JSON::Object field(Poco::JSON_PRESERVE_KEY_ORDER);
        field.set("pointer", f.pointer);
        if (!f.label.empty()) field.set("label", f.label);
        field.set("type", f.type);
        field.set("required", f.required);
        if (f.max_length) field.set("maxLength", f.max_length);
        if (f.min_items) field.set("minItems", f.min_items);
        if (f.max_items) field.set("maxItems", f.max_items);
        if (!f.pattern.empty()) {
            field.set("pattern", f.pattern);
            Poco::JSON::Object expected(Poco::JSON_PRESERVE_KEY_ORDER);
            expected.set("zh", f.expected_cn);
            expected.set("en", f.expected_en);
            expected.set("example", f.example);
            field.set("expected", expected);
        }
        if (f.minimum) field.set("minimum", *f.minimum);
        if (f.maximum) field.set("maximum", *f.maximum);
        if (!f.also_accepts.empty()) {
            Poco::JSON::Array words;
            for (const auto& w : f.also_accepts) words.add(w);
            field.set("alsoAccepts", words);
        }
        if (!f.normalize.empty()) field.set("normalize", f.normalize);
        if (!f.applies_when_pointer.empty()) {
            Poco::JSON::Object when(Poco::JSON_PRESERVE_KEY_ORDER);
            when.set("pointer", f.applies_when_pointer);
            Poco::JSON::Array values;
            for (const auto& v : f.applies_when_values) values.add(v);
            when.set("oneOf", values);
            field.set("appliesWhen", when);
        }
        if (!f.rule.empty()) field.set("rule", f.rule);
        if (!f.level_at.empty()) field.set("levelAt", f.level_at);
        if (layout.levels && (f.rule == "level" || f.rule == "qualification")) {
            // The words a backend can offer in its form, from the layout's level scheme.
            Poco::JSON::Array levels;
            for (const auto& l : layout.levels->levels) {
                Poco::JSON::Object level(Poco::JSON_PRESERVE_KEY_ORDER);
                level.set("code", l.code);
                level.set("zh", l.zh);
                level.set("en", l.en);
                if (f.rule == "qualification") {
                    Poco::JSON::Array qualifications;
                    for (const auto& q : l.qualifications) qualifications.add(q.zh);
                    level.set("qualifications", qualifications);
                }
                levels.add(level);
            }
            field.set("levels", levels);
        }
        if (!f.one_of.empty()) {
            Poco::JSON::Array values;
            for (const auto& v : f.one_of) values.add(v);
            field.set("oneOf", values);
        }
        if (!f.derive_sex.empty() || !f.derive_birth_date.empty()) {
            Poco::JSON::Object derive;
            if (!f.derive_sex.empty()) derive.set("sex", f.derive_sex);
            if (!f.derive_birth_date.empty()) derive.set("birthDate", f.derive_birth_date);
            field.set("derive", derive);
        }
        fields.add(field);
    }
    o.set("fields", fields);
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

}  // namespace examdocs::renderers
