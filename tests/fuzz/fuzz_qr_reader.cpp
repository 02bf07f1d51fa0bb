// Untrusted: a picture of a certificate sent to POST /v1/verify by anyone.
#include <cstddef>
#include <cstdint>
#include <span>

#include "examdocs/certificates/qr_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto reading = examdocs::certificates::read_qr_code(std::as_bytes(std::span(data, size)));
    if (reading.text && reading.error) __builtin_trap();
    return 0;
}
