// Untrusted: the body of POST /v1/photos/check and /v1/photos/normalize, checked against
// the strictest built-in profile (face checks included) and normalised.
#include <cstddef>
#include <cstdint>
#include <span>

#include "examdocs/photos/photo_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto bytes = std::as_bytes(std::span(data, size));
    const auto& profile = examdocs::photos::builtin_photo_profiles().at("ruankao");
    auto report = examdocs::photos::check_photo(bytes, profile);
    if (report.passed && report.rejection != examdocs::photos::Rejection::none) __builtin_trap();
    auto normalized = examdocs::photos::normalize_photo(bytes, profile);
    if (!normalized.jpeg.empty() && !normalized.report.passed) __builtin_trap();
    return 0;
}
