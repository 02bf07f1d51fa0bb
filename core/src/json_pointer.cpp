#include "examdocs/core/json_pointer.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <stdexcept>

namespace examdocs {

namespace {

std::string unescape(std::string_view token) {
    std::string out;
    for (std::size_t i = 0; i < token.size(); ++i) {
        if (token[i] == '~' && i + 1 < token.size() &&
            (token[i + 1] == '0' || token[i + 1] == '1')) {
            out += token[i + 1] == '0' ? '~' : '/';
            ++i;
        } else if (token[i] == '~') {
            throw std::invalid_argument("malformed JSON pointer escape in '" + std::string(token) +
                                        "'");
        } else {
            out += token[i];
        }
    }
    return out;
}

}  // namespace

std::vector<std::string> split_pointer(std::string_view pointer) {
    if (pointer.empty()) return {};
    if (pointer.front() != '/') {
        throw std::invalid_argument("a JSON pointer starts with '/': '" + std::string(pointer) +
                                    "'");
    }
    std::vector<std::string> tokens;
    std::size_t start = 1;
    while (true) {
        const auto slash = pointer.find('/', start);
        tokens.push_back(unescape(pointer.substr(
            start, slash == std::string_view::npos ? std::string_view::npos : slash - start)));
        if (slash == std::string_view::npos) return tokens;
        start = slash + 1;
    }
}

std::optional<Poco::Dynamic::Var> resolve_pointer(const Poco::Dynamic::Var& root,
                                                  std::string_view pointer) {
    if (pointer.empty()) return std::optional<Poco::Dynamic::Var>(std::in_place, root);
    if (pointer.front() != '/') {
        throw std::invalid_argument("a JSON pointer starts with '/': '" + std::string(pointer) +
                                    "'");
    }
    Poco::Dynamic::Var current = root;
    std::size_t start = 1;
    while (true) {
        const auto slash = pointer.find('/', start);
        const std::string token = unescape(pointer.substr(start, slash - start));
        if (current.type() == typeid(Poco::JSON::Object::Ptr)) {
            auto object = current.extract<Poco::JSON::Object::Ptr>();
            if (!object || !object->has(token)) return std::nullopt;
            current = object->get(token);
        } else if (current.type() == typeid(Poco::JSON::Array::Ptr)) {
            auto array = current.extract<Poco::JSON::Array::Ptr>();
            if (!array || token.empty() || token.size() > 9 ||
                token.find_first_not_of("0123456789") != std::string::npos ||
                (token.size() > 1 && token[0] == '0')) {
                return std::nullopt;
            }
            const auto index = std::stoul(token);
            if (index >= array->size()) return std::nullopt;
            current = array->get(static_cast<unsigned>(index));
        } else {
            return std::nullopt;
        }
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return std::optional<Poco::Dynamic::Var>(std::in_place, std::move(current));
}

std::string pointer_append(std::string_view base, std::string_view token) {
    std::string out(base);
    out += '/';
    for (char c : token) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace examdocs
