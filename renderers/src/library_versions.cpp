#include "examdocs/renderers/library_versions.h"

#include <ZXing/ZXVersion.h>
#include <qrencode.h>
#include <unicode/uversion.h>
#include <zlib.h>

#include <opencv2/core/version.hpp>

#include "examdocs/fonts/harfbuzz_version.h"

namespace examdocs::renderers {

namespace {

std::string icu_version() {
    UVersionInfo info;
    u_getVersion(info);
    char text[U_MAX_VERSION_STRING_LENGTH];
    u_versionToString(info, text);
    return text;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> library_versions() {
    const char* qr = QRcode_APIVersionString();
    return {
        {"zlib", zlibVersion()},
        {"libqrencode", qr ? qr : "unknown"},
        {"zxing-cpp", std::to_string(ZXING_VERSION_MAJOR) + "." +
                          std::to_string(ZXING_VERSION_MINOR) + "." +
                          std::to_string(ZXING_VERSION_PATCH)},
        {"opencv", CV_VERSION},
        {"harfbuzz", fonts::harfbuzz_version()},
        {"icu", icu_version()},
    };
}

}  // namespace examdocs::renderers
