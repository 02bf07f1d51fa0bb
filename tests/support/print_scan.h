#pragma once
// A printed sheet as a scanner at an exam gate sees it: the page rendered finely (the
// printer), turned by a degree or two, blurred, sampled at 150 dpi with sensor noise and
// stored as a JPEG of quality 60 (the scanner) — then every code read with ZXing.
#include <ZXing/BarcodeFormat.h>

#include <string>
#include <vector>

namespace examdocs::test {

struct ScanConditions {
    double degrees = 1.5;         // the sheet's skew on the glass
    double blur_sigma_mm = 0.06;  // the printer's dot gain and the scanner's optics
    double dpi = 150;
    double noise_sigma = 6;  // grey levels, Gaussian
    int jpeg_quality = 60;
    unsigned seed = 1;
};

// Texts of every code of `formats` found on page `page` (0-based) after print and scan.
std::vector<std::string> decode_after_print_scan(const std::string& pdf, int page,
                                                 ZXing::BarcodeFormats formats,
                                                 const ScanConditions& conditions = {});

// One print and scan of page `page`, then one read per entry of `formats`, each looking for
// that entry's formats only, as decode_after_print_scan does: the same texts as a call of
// decode_after_print_scan per entry (the scan depends only on the page and the conditions),
// for one scan instead of several. A scan is the expensive part: the page rendered at
// 600 dpi is 35 million pixels, turned, blurred and sampled.
std::vector<std::vector<std::string>> decode_each_after_print_scan(
    const std::string& pdf, int page, const std::vector<ZXing::BarcodeFormats>& formats,
    const ScanConditions& conditions = {});

// The scanned page as the JPEG the scanner stored, to look at.
std::string print_scan_jpeg(const std::string& pdf, int page,
                            const ScanConditions& conditions = {});

}  // namespace examdocs::test
