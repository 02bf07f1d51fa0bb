// Untrusted: the body of POST /v1/certificates from a backend. Any JSON must come back as
// a draft or field errors — never a crash (the dispatcher turns a parse error into 400).
#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "examdocs/certificates/certificate_request.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Poco::Dynamic::Var parsed;
    try {
        Poco::JSON::Parser parser;
        parsed = parser.parse(std::string(reinterpret_cast<const char*>(data), size));
    } catch (const Poco::Exception&) {
        return 0;
    }
    if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) return 0;
    std::vector<examdocs::FieldError> errors;
    examdocs::certificates::certificate_from_request(parsed.extract<Poco::JSON::Object::Ptr>(),
                                                     errors);
    return 0;
}
