#include "examdocs/core/base64.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/Exception.h>
#include <Poco/StreamCopier.h>

#include <sstream>

namespace examdocs {

std::string base64_encode(std::string_view bytes) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    encoder.close();
    return out.str();
}

std::optional<std::string> base64_decode(std::string_view text) {
    if (text.substr(0, 5) == "data:") {
        const auto comma = text.find(',');
        if (comma != std::string_view::npos) text.remove_prefix(comma + 1);
    }
    std::istringstream in{std::string(text)};
    Poco::Base64Decoder decoder(in);
    std::string bytes;
    try {
        Poco::StreamCopier::copyToString(decoder, bytes);
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
    return bytes;
}

}  // namespace examdocs
