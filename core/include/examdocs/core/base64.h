#pragma once
// Base64 as callers send photos: plain, or as a browser's data URL
// ("data:image/jpeg;base64,…"). On top of Poco's streams, which throw on bad input.
#include <optional>
#include <string>
#include <string_view>

namespace examdocs {

std::string base64_encode(std::string_view bytes);  // no line breaks
// The decoded bytes, or nullopt when Poco's decoder refuses the text (it skips characters
// outside the alphabet, so garbage mostly decodes to garbage: callers check what they got).
// A data-URL prefix is skipped.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace examdocs
