#pragma once
// The sample requests in samples/ and the photo fixtures in tests/data/photos.
#include <Poco/Dynamic/Var.h>

#include <string>

namespace examdocs::test {

std::string source_path(const std::string& relative);  // relative to the repository
std::string read_file(const std::string& path);
Poco::Dynamic::Var sample_request(const std::string& layout);
// Lower-case hex SHA-256, as API keys are configured.
std::string sha256_hex(const std::string& text);       // a fresh, mutable tree
std::string photo_base64(const std::string& fixture);  // e.g. "good_295x413.jpg"

}  // namespace examdocs::test
