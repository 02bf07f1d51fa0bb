#include "support/samples.h"

#include <Poco/SHA2Engine.h>

#include <Poco/JSON/Parser.h>

#include <fstream>

#include <sstream>
#include <stdexcept>
#include "examdocs/core/base64.h"

namespace examdocs::test {

std::string source_path(const std::string& relative) {
    return std::string(EXAMDOCS_SOURCE_DIR) + "/" + relative;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

Poco::Dynamic::Var sample_request(const std::string& layout) {
    Poco::JSON::Parser parser;
    return parser.parse(read_file(source_path("samples/" + layout + ".json")));
}

std::string photo_base64(const std::string& fixture) {
    return base64_encode(read_file(source_path("tests/data/photos/" + fixture)));
}

std::string sha256_hex(const std::string& text) {
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    sha.update(text);
    return Poco::DigestEngine::digestToHex(sha.digest());
}

}  // namespace examdocs::test
