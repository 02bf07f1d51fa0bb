#include "pdf_signing.h"

#include <cstdio>

namespace examdocs::renderers {

void fill_signature(std::string& pdf, const SignatureSlot& slot, const PdfSigner& signer) {
    const std::uint64_t contents_end = slot.contents_at + slot.contents_length;
    if (slot.contents_length < 2 || contents_end > pdf.size() || pdf[slot.contents_at] != '<' ||
        pdf[contents_end - 1] != '>' || slot.byte_range_at + 36 > pdf.size() ||
        pdf.size() > 9'999'999'999ULL || pdf.compare(slot.byte_range_at, 2, "[0") != 0) {
        throw PdfError("the signature placeholder is not where the writer said");
    }
    // Two ranges: from the start to the '<' of /Contents, and from after its '>' to the
    // end of the file. The placeholder is "[0 " and three ten-digit numbers.
    const std::uint64_t tail = pdf.size() - contents_end;
    char range[40];
    std::snprintf(range, sizeof range, "[0 %010llu %010llu %010llu]",
                  static_cast<unsigned long long>(slot.contents_at),
                  static_cast<unsigned long long>(contents_end),
                  static_cast<unsigned long long>(tail));
    pdf.replace(slot.byte_range_at, 36, range, 36);

    std::string covered;
    covered.reserve(pdf.size() - slot.contents_length);
    covered.append(pdf, 0, slot.contents_at);
    covered.append(pdf, contents_end, tail);
    const std::string cms = signer.sign(covered);
    if (cms.empty() || cms.size() * 2 > slot.contents_length - 2) {
        throw PdfError("the PDF signature does not fit the room kept for it (" +
                       std::to_string(cms.size()) + " bytes)");
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::uint64_t at = slot.contents_at + 1;
    for (char ch : cms) {
        const auto c = static_cast<unsigned char>(ch);
        pdf[at++] = kHex[c >> 4];
        pdf[at++] = kHex[c & 0xF];
    }
}

}  // namespace examdocs::renderers
