#pragma once
// A PDF as text for golden comparisons, qpdf-style: every object in order, content
// streams inflated, the parts that may differ without a change of meaning blanked out
// (/Length values, the trailer /ID, font programs and image data, which depend on the
// HarfBuzz and libjpeg builds rather than on our code).
#include <string>

namespace examdocs::test {

std::string normalize_pdf(const std::string& pdf);

}  // namespace examdocs::test
