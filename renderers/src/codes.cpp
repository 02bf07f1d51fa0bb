#include "codes.h"

#include <ZXing/BarcodeFormat.h>
#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>
#include <qrencode.h>

#include <algorithm>
#include <cerrno>
#include <memory>

namespace examdocs::renderers {

CodeModules qr_modules(const std::string& text, char ecc) {
    const QRecLevel level = ecc == 'L'   ? QR_ECLEVEL_L
                            : ecc == 'Q' ? QR_ECLEVEL_Q
                            : ecc == 'H' ? QR_ECLEVEL_H
                                         : QR_ECLEVEL_M;
    std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(
        QRcode_encodeString8bit(text.c_str(), 0, level), &QRcode_free);
    if (!qr) {
        if (errno == ERANGE) throw std::invalid_argument("too long for a QR code");
        throw std::runtime_error("libqrencode failed");
    }
    CodeModules m;
    m.width = m.height = qr->width;
    const auto count = static_cast<std::size_t>(qr->width) * static_cast<std::size_t>(qr->width);
    m.dark.resize(count);
    // libqrencode's bit 0 is the module's colour; the others say what the module is for.
    for (std::size_t i = 0; i < count; ++i) m.dark[i] = qr->data[i] & 1;
    return m;
}

CodeModules code128_modules(const std::string& text) {
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 32 || c > 126) throw std::invalid_argument("Code 128 carries printable ASCII only");
    }
    if (text.empty() || text.size() > 48) {
        throw std::invalid_argument("a Code 128 barcode carries 1 to 48 characters");
    }
    ZXing::MultiFormatWriter writer(ZXing::BarcodeFormat::Code128);
    writer.setMargin(0);
    const ZXing::BitMatrix bits = writer.encode(text, 0, 1);
    CodeModules m;
    m.width = bits.width();
    m.height = 1;
    m.dark.resize(static_cast<std::size_t>(m.width));
    for (int x = 0; x < m.width; ++x) m.dark[static_cast<std::size_t>(x)] = bits.get(x, 0) ? 1 : 0;
    return m;
}

float qr_module(const Box& box, const CodeModules& m) {
    return std::min(box.w, box.h) / static_cast<float>(m.width + 2 * kQrQuietModules);
}

float barcode_module(const Box& box, const CodeModules& m) {
    return box.w / static_cast<float>(m.width + 2 * kBarcodeQuietModules);
}

}  // namespace examdocs::renderers
