#pragma once
// Private to service/: a Poco JSON value as compact text, as every route answers it, and
// the text at a key of an untrusted object.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <sstream>
#include <string>

namespace examdocs::service {

template <typename Json>
std::string json_text(const Json& value) {
    std::ostringstream out;
    value.stringify(out);
    return out.str();
}

// The string at `key`, or "" when `o` is null, lacks it, or holds something else there.
inline std::string text_at(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    return o && o->has(key) && o->get(key).isString() ? o->getValue<std::string>(key)
                                                      : std::string();
}

}  // namespace examdocs::service
