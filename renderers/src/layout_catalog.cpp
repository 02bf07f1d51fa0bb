#include "examdocs/renderers/layout_catalog.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Path.h>

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

LayoutCatalog LayoutCatalog::bundled() {
    LayoutCatalog catalog;
    for (const auto& file : embedded::bundled_layouts()) {
        Layout layout = parse_layout(file.text);
        if (layout.name != file.name) {
            throw LayoutError("layouts/" + std::string(file.name) + ".json is named '" +
                              layout.name + "'; a layout's name is its file name");
        }
        catalog.add(std::move(layout));
    }
    return catalog;
}

void LayoutCatalog::add_directory(const std::string& directory) {
    if (!Poco::File(directory).isDirectory()) {
        throw LayoutError("layouts.dir " + directory + " is not a directory");
    }
    for (Poco::DirectoryIterator it(directory), end; it != end; ++it) {
        if (Poco::Path(it->path()).getExtension() != "json") continue;
        std::ifstream in(it->path());
        std::ostringstream text;
        text << in.rdbuf();
        try {
            add(parse_layout(text.str()));
        } catch (const LayoutError& e) {
            throw LayoutError(it->path() + ": " + e.what());
        }
    }
}

void LayoutCatalog::add(Layout layout) {
    auto name = layout.name;
    layouts_[name] = std::make_shared<const Layout>(std::move(layout));
}

const Layout* LayoutCatalog::find(std::string_view name) const {
    auto it = layouts_.find(name);
    return it == layouts_.end() ? nullptr : it->second.get();
}

std::vector<const Layout*> LayoutCatalog::all() const {
    std::vector<const Layout*> out;
    for (const auto& [name, layout] : layouts_) out.push_back(layout.get());
    return out;
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
