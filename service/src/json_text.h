#pragma once
// Private to service/: a Poco JSON value as compact text, as every route answers it.
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

}  // namespace examdocs::service
