// Untrusted: an uploaded photo, as base64 in a document request, decoded and re-encoded
// before it is embedded.
#include <Poco/Base64Encoder.h>

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "../../renderers/src/photo.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::ostringstream b64;
    Poco::Base64Encoder encoder(b64);
    encoder.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    encoder.close();
    auto result = examdocs::renderers::prepare_photo(b64.str(), 70.9F, 99.2F);
    if (result.photo.has_value() == result.problem.has_value()) __builtin_trap();
    return 0;
}
