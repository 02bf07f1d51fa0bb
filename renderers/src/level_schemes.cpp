#include "examdocs/renderers/level_schemes.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "examdocs/renderers/layout.h"

namespace examdocs::embedded {
std::string_view level_schemes_json();
}  // namespace examdocs::embedded

namespace examdocs::renderers {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

std::string required_text(const Object& o, const std::string& key, const std::string& where) {
    if (!o.has(key) || !o.get(key).isString() || o.getValue<std::string>(key).empty()) {
        throw LayoutError("levels: " + where + "." + key + " must be a non-empty string");
    }
    return o.getValue<std::string>(key);
}

}  // namespace

const Level* LevelScheme::find(std::string_view code) const {
    for (const auto& level : levels) {
        if (level.code == code) return &level;
    }
    return nullptr;
}

std::string LevelScheme::codes_text() const {
    std::string out;
    for (const auto& level : levels) {
        if (!out.empty()) out += ", ";
        out += level.code;
        if (level.zh != level.code) out += " (" + level.zh + ")";
    }
    return out;
}

LevelSchemes LevelSchemes::parse(std::string_view json) {
    Object::Ptr root;
    try {
        Poco::JSON::Parser parser;
        root = parser.parse(std::string(json)).extract<Object::Ptr>();
    } catch (const Poco::Exception& e) {
        throw LayoutError("levels: not valid JSON: " + e.message());
    }
    LevelSchemes out;
    auto schemes = root->getArray("schemes");
    if (!schemes || schemes->size() == 0) throw LayoutError("levels: needs schemes");
    for (unsigned i = 0; i < schemes->size(); ++i) {
        const std::string where = "schemes[" + std::to_string(i) + "]";
        auto s = schemes->getObject(i);
        if (!s) throw LayoutError("levels: " + where + " must be an object");
        LevelScheme scheme;
        scheme.name = required_text(*s, "name", where);
        scheme.zh = required_text(*s, "zh", where);
        scheme.en = required_text(*s, "en", where);
        auto levels = s->getArray("levels");
        if (!levels || levels->size() == 0)
            throw LayoutError("levels: " + where + " has no levels");
        for (unsigned k = 0; k < levels->size(); ++k) {
            const std::string lw = where + ".levels[" + std::to_string(k) + "]";
            auto l = levels->getObject(k);
            if (!l) throw LayoutError("levels: " + lw + " must be an object");
            Level level;
            level.code = required_text(*l, "code", lw);
            level.zh = required_text(*l, "zh", lw);
            level.en = required_text(*l, "en", lw);
            level.digit = l->optValue<int>("digit", 0);
            if (level.digit < 0 || level.digit > 9) {
                throw LayoutError("levels: " + lw + ".digit is one digit");
            }
            if (scheme.find(level.code)) {
                throw LayoutError("levels: " + lw + ".code '" + level.code + "' is given twice");
            }
            if (auto qualifications = l->getArray("qualifications")) {
                for (unsigned q = 0; q < qualifications->size(); ++q) {
                    const std::string qw = lw + ".qualifications[" + std::to_string(q) + "]";
                    auto item = qualifications->getObject(q);
                    if (!item) throw LayoutError("levels: " + qw + " must be an object");
                    level.qualifications.push_back(
                        {required_text(*item, "zh", qw), required_text(*item, "en", qw)});
                }
            }
            scheme.levels.push_back(std::move(level));
        }
        if (out.find(scheme.name)) {
            throw LayoutError("levels: the scheme '" + scheme.name + "' is given twice");
        }
        out.schemes_.push_back(std::move(scheme));
    }
    return out;
}

const LevelSchemes& LevelSchemes::bundled() {
    static const LevelSchemes schemes = parse(embedded::level_schemes_json());
    return schemes;
}

const LevelScheme* LevelSchemes::find(std::string_view name) const {
    for (const auto& scheme : schemes_) {
        if (scheme.name == name) return &scheme;
    }
    return nullptr;
}

}  // namespace examdocs::renderers
