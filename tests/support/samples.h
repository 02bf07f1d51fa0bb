#pragma once
// The sample requests in samples/ and the photo fixtures in tests/data/photos.
#include <Poco/Dynamic/Var.h>

#include <string>

namespace examdocs::test {

std::string source_path(const std::string& relative);  // relative to the repository
std::string read_file(const std::string& path);
Poco::Dynamic::Var sample_request(const std::string& layout);  // a fresh, mutable tree
std::string photo_base64(const std::string& fixture);          // e.g. "good_295x413.jpg"

}  // namespace examdocs::test
