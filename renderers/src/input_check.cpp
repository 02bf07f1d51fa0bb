#include "examdocs/renderers/input_check.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/RegularExpression.h>

#include <algorithm>

#include "examdocs/core/field_rules.h"
#include "examdocs/core/id_number.h"
#include "examdocs/core/json_pointer.h"
#include "examdocs/core/nearest_name.h"

namespace examdocs::renderers {

namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

bool is_object(const Var& v) { return v.type() == typeid(Object::Ptr); }
bool is_array(const Var& v) { return v.type() == typeid(Array::Ptr); }

std::string name_of(const FieldRule& f) { return f.label.empty() ? f.pointer : f.label; }

// Walks the whole input once: nesting depth, array sizes, string sizes and UTF-8.
void check_shape(const Var& v, const std::string& pointer, int depth, const InputLimits& limits,
                 std::vector<FieldError>& errors) {
    if (errors.size() > 50) return;
    if (depth > limits.max_depth) {
        errors.push_back(
            {pointer, "too-deep",
             "嵌套层级过深 / Nested deeper than " + std::to_string(limits.max_depth) + " levels."});
        return;
    }
    if (is_object(v)) {
        auto o = v.extract<Object::Ptr>();
        for (const auto& [key, value] : *o) {
            if (!is_valid_utf8(key)) {
                errors.push_back(
                    {pointer, "invalid-utf8", "键名不是有效的UTF-8 / A key is not valid UTF-8."});
                continue;
            }
            check_shape(value, pointer_append(pointer, key), depth + 1, limits, errors);
        }
    } else if (is_array(v)) {
        auto a = v.extract<Array::Ptr>();
        if (a->size() > limits.max_array_items) {
            errors.push_back(
                {pointer, "too-many-items",
                 "数组过长 / More than " + std::to_string(limits.max_array_items) + " items."});
            return;
        }
        for (std::size_t i = 0; i < a->size(); ++i) {
            check_shape(a->get(static_cast<unsigned>(i)), pointer + "/" + std::to_string(i),
                        depth + 1, limits, errors);
        }
    } else if (v.isString()) {
        const auto& s = v.extract<std::string>();
        if (s.size() > limits.max_string_bytes) {
            errors.push_back({pointer, "too-long", "内容过长 / The value is too long."});
        } else if (!is_valid_utf8(s)) {
            errors.push_back(
                {pointer, "invalid-utf8", "包含无效的UTF-8编码 / The text is not valid UTF-8."});
        }
    }
}

// Every concrete pointer a rule's pointer stands for: "/sessions/*/room" becomes
// "/sessions/0/room", "/sessions/1/room", …
void expand(const Var& root, std::string_view pattern, const std::string& prefix,
            std::vector<std::string>& out) {
    const auto star = pattern.find("/*");
    if (star == std::string_view::npos) {
        out.push_back(prefix + std::string(pattern));
        return;
    }
    const std::string array_pointer = prefix + std::string(pattern.substr(0, star));
    auto array = resolve_pointer(root, array_pointer);
    if (!array || !is_array(*array)) return;
    const auto n = array->extract<Array::Ptr>()->size();
    for (std::size_t i = 0; i < n; ++i) {
        expand(root, pattern.substr(star + 2), array_pointer + "/" + std::to_string(i), out);
    }
}

bool is_empty(const Var& v) {
    if (v.isEmpty()) return true;
    if (v.isString()) return v.extract<std::string>().empty();
    if (is_array(v)) return v.extract<Array::Ptr>()->size() == 0;
    return false;
}

// Sets the value at `pointer`, creating objects on the way.
void set_at(Var& root, const std::string& pointer, const std::string& value) {
    Object::Ptr node = root.extract<Object::Ptr>();
    std::size_t start = 1;
    while (true) {
        const auto slash = pointer.find('/', start);
        const std::string key = pointer.substr(start, slash - start);
        if (slash == std::string::npos) {
            node->set(key, value);
            return;
        }
        if (!node->has(key) || !is_object(node->get(key))) node->set(key, Object::Ptr(new Object));
        node = node->getObject(key);
        start = slash + 1;
    }
}

// Replaces the value at `pointer`, which exists; the parent may be an object or an array.
void set_value(Var& root, const std::string& pointer, const std::string& value) {
    const auto slash = pointer.rfind('/');
    auto parent = resolve_pointer(root, pointer.substr(0, slash));
    if (!parent) return;
    const std::string last = split_pointer(pointer).back();
    if (is_object(*parent)) {
        Object::Ptr object = parent->extract<Object::Ptr>();
        object->set(last, value);
    } else if (is_array(*parent)) {
        Array::Ptr array = parent->extract<Array::Ptr>();
        array->set(static_cast<unsigned>(std::stoul(last)), value);
    }
}

// Objects and arrays are copied; strings and numbers are values already. (Copying through
// stringify and parse cost as much as drawing the page, base64 photo included.)
Var deep_copy(const Var& v) {
    if (is_object(v)) {
        Object::Ptr copy = new Object;
        for (const auto& [key, value] : *v.extract<Object::Ptr>()) copy->set(key, deep_copy(value));
        return copy;
    }
    if (is_array(v)) {
        Array::Ptr copy = new Array;
        const auto& source = v.extract<Array::Ptr>();
        for (std::size_t i = 0; i < source->size(); ++i) {
            copy->add(deep_copy(source->get(static_cast<unsigned>(i))));
        }
        return copy;
    }
    return v;
}

bool is_email(std::string_view s) {
    const auto at = s.find('@');
    if (at == 0 || at == std::string_view::npos || s.find('@', at + 1) != std::string_view::npos) {
        return false;
    }
    const auto dot = s.find('.', at);
    return dot != std::string_view::npos && dot > at + 1 && dot + 1 < s.size() &&
           s.find(' ') == std::string_view::npos;
}

// A level as sent: a whole number (4) or a word (专项能力, 中级); empty for anything else.
std::string level_code(const Var& v) {
    if (v.isInteger()) {
        try {
            return std::to_string(v.convert<long long>());
        } catch (const Poco::Exception&) {
            return {};
        }
    }
    return v.isString() ? v.extract<std::string>() : std::string();
}

void check_value(const FieldRule& f, const std::string& pointer, const Var& v,
                 std::string_view today, const LevelScheme& levels, Var& data,
                 std::vector<FieldError>& errors) {
    const std::string name = name_of(f);
    auto error = [&](std::string code, std::string message) {
        errors.push_back({pointer, std::move(code), std::move(message)});
    };
    if (f.rule == "level") {
        // Numbered skill levels come as numbers or as text ("4"), the others as words.
        if (!levels.find(level_code(v))) {
            error("not-a-level", name + "应为" + levels.zh + "之一：" + levels.codes_text() +
                                     " / Must be a level of the " + levels.en +
                                     " scheme: " + levels.codes_text() + ".");
        }
        return;
    }
    if (f.type == "array") {
        if (!is_array(v)) return error("type", name + "应为数组 / Must be an array.");
        const auto n = static_cast<int>(v.extract<Array::Ptr>()->size());
        if (f.min_items && n < f.min_items) {
            error("too-few-items", name + "至少需要" + std::to_string(f.min_items) +
                                       "项 / Needs at least " + std::to_string(f.min_items) +
                                       " items.");
        }
        if (f.max_items && n > f.max_items) {
            error("too-many-items", name + "最多" + std::to_string(f.max_items) + "项 / At most " +
                                        std::to_string(f.max_items) + " items.");
        }
        return;
    }
    if (f.type == "integer") {
        if (!v.isInteger()) return error("type", name + "应为整数 / Must be a whole number.");
        const auto n = v.convert<long long>();
        if ((f.minimum && n < *f.minimum) || (f.maximum && n > *f.maximum)) {
            const std::string range =
                std::to_string(f.minimum.value_or(n)) + "–" + std::to_string(f.maximum.value_or(n));
            error("out-of-range", name + "应在" + range + "之间 / Must be from " + range + ".");
        }
        return;
    }
    if (f.type == "number") {
        if (!v.isNumeric()) return error("type", name + "应为数字 / Must be a number.");
        return;
    }
    if (f.type == "boolean") {
        if (!v.isBoolean()) return error("type", name + "应为true或false / Must be true or false.");
        return;
    }
    if (!v.isString()) return error("type", name + "应为文本 / Must be a string.");
    const std::string& s = v.extract<std::string>();
    if (!is_valid_utf8(s)) return;  // reported by check_shape
    if (std::find(f.also_accepts.begin(), f.also_accepts.end(), s) != f.also_accepts.end()) {
        return;
    }
    if (f.max_length && static_cast<int>(utf8_length(s)) > f.max_length) {
        error("too-long", name + "最多" + std::to_string(f.max_length) + "个字 / At most " +
                              std::to_string(f.max_length) + " characters.");
    }
    if (!f.one_of.empty() && std::find(f.one_of.begin(), f.one_of.end(), s) == f.one_of.end()) {
        std::string allowed;
        for (const auto& o : f.one_of) allowed += (allowed.empty() ? "" : ", ") + o;
        error("not-allowed", name + "只能是：" + allowed + " / Must be one of: " + allowed + ".");
    }
    if (!f.pattern.empty()) {
        Poco::RegularExpression re("^(?:" + f.pattern + ")$", Poco::RegularExpression::RE_UTF8);
        if (!re.match(s)) {
            error("pattern", name + "格式不正确，应为" + f.expected_cn + "，例如" + f.example +
                                 " / Expected " + f.expected_en + ", e.g. " + f.example + ".");
        }
    }
    if (f.normalize == "year-month" && s.size() == 10 && s[4] == '-') {
        if (!is_calendar_date(s)) {
            return error("date", name + "不是有效的日期 / " + s + " is not a day of the calendar.");
        }
        set_value(data, pointer, s.substr(0, 4) + "." + s.substr(5, 2));
    }
    if (f.type == "date" || f.rule == "date") {
        if (!is_calendar_date(s)) {
            error("date", name + "应为YYYY-MM-DD格式的日期 / Must be a date as YYYY-MM-DD.");
        }
    }
    if (f.rule == "phone" && !is_phone_number(s)) {
        error("phone", name + "不是有效的电话号码 / Not a mobile (11 digits) or landline number.");
    }
    if (f.rule == "postcode" && !is_postcode(s)) {
        error("postcode", name + "应为6位数字 / A postcode has 6 digits.");
    }
    if (f.rule == "email" && !is_email(s)) {
        error("email", name + "不是有效的邮箱地址 / Not an email address.");
    }
    if (f.rule == "url" && s.rfind("https://", 0) != 0 && s.rfind("http://", 0) != 0) {
        error("url", name + "应以http://或https://开头 / Must start with http:// or https://.");
    }
    if (f.rule == "qualification") {
        auto at = resolve_pointer(data, f.level_at);
        const Level* level = at ? levels.find(level_code(*at)) : nullptr;
        if (!level || level->qualifications.empty()) return;  // the level's own rule reports it
        for (const auto& q : level->qualifications) {
            if (q.zh == s) return;
        }
        std::string allowed;
        for (const auto& q : level->qualifications) allowed += (allowed.empty() ? "" : "、") + q.zh;
        error("not-of-level", name + "“" + s + "”不属于" + level->zh + "，" + level->zh +
                                  "资格有：" + allowed + " / " + s +
                                  " is not a qualification of level " + level->code + " (" +
                                  level->en + "): " + allowed + ".");
    }
    if (f.rule == "id-number") {
        // The type the rule applies to decides the check: a residence permit number must
        // also carry region 81, 82 or 83.
        std::string id_type;
        if (!f.applies_when_pointer.empty()) {
            auto t = resolve_pointer(data, f.applies_when_pointer);
            if (t && t->isString()) id_type = t->extract<std::string>();
        }
        auto check = check_id_number_of_type(id_type, s, today);
        if (check.problem) return error(check.problem->code, check.problem->message);
        if (!check.id) return;
        if (check.id->normalized != s) set_at(data, pointer, check.id->normalized);
        auto derive = [&](const std::string& target, const std::string& value, const char* what_cn,
                          const char* what_en) {
            if (target.empty()) return;
            // The derive pointer is relative to the object holding the ID number.
            const std::string base = pointer.substr(0, pointer.rfind('/'));
            const std::string at = base + target;
            auto given = resolve_pointer(data, at);
            if (given && !is_empty(*given) &&
                (!given->isString() || given->extract<std::string>() != value)) {
                errors.push_back({at, "inconsistent-with-id-number",
                                  std::string(what_cn) + "与身份证号码不一致 / The " + what_en +
                                      " does not match the ID number (" + value + ")."});
                return;
            }
            set_at(data, at, value);
        };
        derive(f.derive_sex, std::string(sex_label(check.id->sex)), "性别", "sex");
        derive(f.derive_birth_date, check.id->birth_date, "出生日期", "birth date");
    }
}

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

bool is_index(std::string_view token) {
    return !token.empty() &&
           std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The keys the layout knows directly below `pattern` ("/sessions/*" → "room", "time", …).
std::vector<std::string> known_keys(const std::vector<std::string>& known,
                                    const std::string& pattern) {
    std::vector<std::string> keys;
    const std::string prefix = pattern + "/";
    for (const auto& k : known) {
        if (!starts_with(k, prefix)) continue;
        const auto rest = std::string_view(k).substr(prefix.size());
        keys.emplace_back(rest.substr(0, rest.find('/')));
    }
    return keys;
}

// A known value with nothing known inside it (a photo object, a free-form list) is taken
// as a whole, whatever it holds.
bool is_known_whole(const std::vector<std::string>& known, const std::vector<std::string>& keys,
                    const std::string& pattern) {
    return keys.empty() && std::binary_search(known.begin(), known.end(), pattern);
}

UnknownField unknown_field(const std::string& pointer, const std::string& parent,
                           const std::optional<std::string>& near) {
    UnknownField u;
    u.pointer = pointer;
    if (near) u.nearest = parent + "/" + *near;
    return u;
}

// Refuses the fields a layout neither checks nor prints: a misspelt optional field would
// otherwise vanish from the document without a word. `pattern` is the pointer with array
// indices written as "*", as the layout writes them; `pointer` is the concrete one.
void check_known(const Var& v, const std::string& pointer, const std::string& pattern,
                 const std::vector<std::string>& known, std::vector<FieldError>& errors) {
    if (errors.size() > 50) return;
    if (is_array(v)) {
        auto a = v.extract<Array::Ptr>();
        for (std::size_t i = 0; i < a->size(); ++i) {
            check_known(a->get(static_cast<unsigned>(i)), pointer + "/" + std::to_string(i),
                        pattern + "/*", known, errors);
        }
        return;
    }
    if (!is_object(v)) return;
    const auto keys = known_keys(known, pattern);
    if (is_known_whole(known, keys, pattern)) return;
    for (const auto& [key, value] : *v.extract<Object::Ptr>()) {
        const std::string child_pattern = pointer_append(pattern, key);
        const std::string token = child_pattern.substr(pattern.size() + 1);
        if (std::find(keys.begin(), keys.end(), token) != keys.end()) {
            check_known(value, pointer_append(pointer, key), child_pattern, known, errors);
        } else {
            errors.push_back(
                unknown_field(pointer_append(pointer, key), pointer, nearest_name(token, keys))
                    .error());
        }
    }
}

}  // namespace

FieldError UnknownField::error() const {
    std::string message = "没有这个字段 / `" + pointer + "`: no such field";
    if (nearest) {
        message += "; did you mean `" + *nearest + "`?";
    } else {
        message += " in this layout (GET /v1/layouts/{name} lists its fields).";
    }
    return {pointer, "unknown-field", std::move(message)};
}

std::optional<UnknownField> check_field_known(const Layout& layout, std::string_view pointer) {
    if (layout.passthrough) return std::nullopt;
    const auto& known = layout.known_pointers;
    std::string pattern, concrete;
    for (const auto& token : split_pointer(pointer)) {
        const auto keys = known_keys(known, pattern);
        if (is_known_whole(known, keys, pattern)) return std::nullopt;
        const std::string key = is_index(token) ? "*" : pointer_append("", token).substr(1);
        const std::string child = pointer_append(concrete, token);
        if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
            return unknown_field(child, concrete, nearest_name(key, keys));
        }
        pattern += "/" + key;
        concrete = child;
    }
    return std::nullopt;
}

std::vector<FieldError> check_fields_known(const Layout& layout, const Var& partial,
                                           const InputLimits& limits) {
    std::vector<FieldError> errors;
    if (!is_object(partial)) {
        errors.push_back({"", "type", "应为JSON对象 / Must be a JSON object."});
        return errors;
    }
    check_shape(partial, "", 0, limits, errors);
    if (errors.empty() && !layout.passthrough) {
        check_known(partial, "", "", layout.known_pointers, errors);
    }
    return errors;
}

CheckedInput check_input(const Layout& layout, const Var& input, std::string_view today,
                         const InputLimits& limits) {
    CheckedInput result;
    if (!is_object(input)) {
        result.errors.push_back(
            {"", "type", "请求体应为JSON对象 / The body must be a JSON object."});
        return result;
    }
    check_shape(input, "", 0, limits, result.errors);
    if (!result.errors.empty()) return result;
    if (!layout.passthrough) {
        check_known(input, "", "", layout.known_pointers, result.errors);
    }
    // Work on a deep copy, so that derived values never alter the caller's tree.
    result.data = deep_copy(input);

    // A layout built in code rather than parsed has no scheme: the skill levels.
    const LevelScheme& levels =
        layout.levels ? *layout.levels : *LevelSchemes::bundled().find("skill");
    for (const auto& f : layout.fields) {
        if (!f.applies_when_pointer.empty()) {
            auto v = resolve_pointer(result.data, f.applies_when_pointer);
            const std::string current = v && v->isString() ? v->extract<std::string>() : "";
            if (std::find(f.applies_when_values.begin(), f.applies_when_values.end(), current) ==
                f.applies_when_values.end()) {
                continue;
            }
        }
        std::vector<std::string> pointers;
        expand(result.data, f.pointer, "", pointers);
        for (const auto& p : pointers) {
            auto value = resolve_pointer(result.data, p);
            if (!value || is_empty(*value)) {
                if (f.required) {
                    result.errors.push_back(
                        {p, "required", name_of(f) + "必须填写 / This field is required."});
                }
                continue;
            }
            check_value(f, p, *value, today, levels, result.data, result.errors);
        }
    }
    return result;
}

}  // namespace examdocs::renderers
