#include "examdocs/images/image_error.h"

namespace examdocs::images {

std::string_view to_string(ImageErrorCode code) {
    switch (code) {
        case ImageErrorCode::not_an_image:
            return "not-an-image";
        case ImageErrorCode::format:
            return "image-format";
        case ImageErrorCode::too_large:
            return "image-too-large";
        case ImageErrorCode::scans:
            return "image-scans";
        case ImageErrorCode::truncated:
            break;
    }
    return "truncated-image";
}

}  // namespace examdocs::images
