#pragma once
// Private to service/: the Content-Disposition of a download (RFC 6266): the UTF-8 name for
// browsers ("准考证-2026110120034.pdf" arrives as it is) and a readable ASCII one for
// clients that take only `filename` (zhunkaozheng-….pdf). Thread-safe.
#include <Poco/URI.h>

#include <string>

#include "examdocs/core/file_name.h"

namespace examdocs::service {

// `kind` is attachment or inline; `filename` valid UTF-8.
inline std::string content_disposition(const std::string& kind, const std::string& filename) {
    const std::string ascii = ascii_file_name(filename);
    std::string encoded;
    Poco::URI::encode(filename, "!#$&+,/:;=?@[]\"' ", encoded);
    return kind + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

}  // namespace examdocs::service
