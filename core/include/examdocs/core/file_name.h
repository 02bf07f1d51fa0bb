#pragma once
// File names for downloads. Thread-safe.
#include <string>
#include <string_view>

namespace examdocs {

// An ASCII name that reads well where a client cannot take the UTF-8 one (the plain
// `filename=` of Content-Disposition, RFC 6266): Chinese in pinyin without tones, a word
// per run of Han characters ("准考证-2026110100001.pdf" → "zhunkaozheng-2026110100001.pdf"),
// other letters without their accents, anything else that is not a safe file-name
// character as '-'. The input must be valid UTF-8.
std::string ascii_file_name(std::string_view utf8_name);

}  // namespace examdocs
