#pragma once
// Base64 as callers send photos: plain, or as a browser's data URL
// ("data:image/jpeg;base64,…"); the URL-safe alphabet (-_) and line breaks are accepted.
//
// Our own table-driven codec rather than Poco's Base64Encoder/Decoder streams: those go
// through a virtual call per character, and in bulk printing (a CSV's photo files encoded
// on reading, decoded again per ticket) they were 10 % of the whole run.
#include <optional>
#include <string>
#include <string_view>

namespace examdocs {

std::string base64_encode(std::string_view bytes);  // no line breaks, '=' padded
// The decoded bytes, or nullopt for a character outside the alphabet or a length that is
// not whole. A data-URL prefix is skipped; whitespace is ignored.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace examdocs
