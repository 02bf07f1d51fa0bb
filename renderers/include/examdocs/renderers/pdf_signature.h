#pragma once
// Signing a rendered PDF (PAdES baseline B-B, ETSI EN 319 142-1): the writer leaves a
// signature dictionary with a fixed-size /Contents placeholder; once the file is complete
// its /ByteRange is filled in, the bytes it covers (the whole file but the /Contents
// value) go to the signer, and the CMS it returns is written as hex into the placeholder.
// The renderers do not know keys or certificates: the signer is a function the caller
// owns (registry::PdfSigningCertificate makes one).
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace examdocs::renderers {

struct PdfSigner {
    // Returns a DER-encoded CMS SignedData, detached, over `signed_bytes`. Throws on
    // failure. Must be thread-safe when the same signer renders on several threads.
    std::function<std::string(std::string_view signed_bytes)> sign;
    // Room kept for the CMS: its DER must fit (a P-256 signature with a self-signed
    // certificate is about 1.2 KB; an operator's chain can be several).
    std::size_t reserved_bytes = 8192;
};

}  // namespace examdocs::renderers
