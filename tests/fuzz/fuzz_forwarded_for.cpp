// Untrusted: the X-Forwarded-For and Forwarded headers of every request from a trusted
// proxy (the client writes the left part of them), and the verification code people type.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "examdocs/core/verification_code.h"
#include "examdocs/service/client_address.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using examdocs::service::ForwardingHeader;
    using examdocs::service::TrustedProxies;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    static const auto xff = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8, ::1, fd00::/8",
                                                  ForwardingHeader::x_forwarded_for);
    static const auto forwarded =
        TrustedProxies::parse("127.0.0.1, ::1", ForwardingHeader::forwarded);
    // The answer is never empty: at worst the proxy that sent the request.
    if (xff.client_address("127.0.0.1", text, "").empty()) __builtin_trap();
    if (forwarded.client_address("::1", "", text).empty()) __builtin_trap();
    // From an untrusted peer the header changes nothing.
    if (xff.client_address("198.51.100.1", text, text) != "198.51.100.1") __builtin_trap();
    // Normalising is idempotent, and a code always matches itself once normalised.
    const std::string once = examdocs::normalize_verification_code(text);
    if (examdocs::normalize_verification_code(once) != once) __builtin_trap();
    if (!once.empty() && !examdocs::verification_codes_match(text, once)) __builtin_trap();
    return 0;
}
