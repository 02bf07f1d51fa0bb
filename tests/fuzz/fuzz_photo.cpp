// Untrusted: an uploaded photo, as base64 in a document request, decoded and re-encoded
// before it is embedded.

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "../../renderers/src/photo.h"
#include "examdocs/core/base64.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string b64 =
        examdocs::base64_encode(std::string_view(reinterpret_cast<const char*>(data), size));
    auto result = examdocs::renderers::prepare_photo(b64, 70.9F, 99.2F);
    if (result.photo.has_value() == result.problem.has_value()) __builtin_trap();
    return 0;
}
