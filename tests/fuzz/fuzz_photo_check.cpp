// Untrusted: the body of POST /v1/photos/check and /v1/photos/normalize, checked against
// the strictest built-in profile (face checks included) and normalised.
#include <cstddef>
#include <cstdint>
#include <span>

#include "examdocs/validators/photo_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto bytes = std::as_bytes(std::span(data, size));
    const auto& profile = examdocs::validators::builtin_photo_profiles().at("ruankao");
    auto report = examdocs::validators::check_photo(bytes, profile);
    if (report.passed && report.rejection != examdocs::validators::Rejection::none)
        __builtin_trap();
    auto normalized = examdocs::validators::normalize_photo(bytes, profile);
    if (!normalized.jpeg.empty() && !normalized.report.passed) __builtin_trap();
    return 0;
}
