#pragma once
// The X.509 certificate and private key that sign certificate PDFs (PAdES baseline B-B:
// a detached CMS SignedData with SHA-256, the signing certificate embedded, the ESS
// signing-certificate-v2 attribute, no signing-time attribute: the PDF's /M says when).
//
// Separate from the QR signing keys (signing_keys.h) on purpose: those are Ed25519, and
// Debian 12's OpenSSL 3.0 cannot make an Ed25519 CMS signature ("invalid digest"), nor do
// PDF readers of that age check one. This key is ECDSA P-256, which every reader checks.
//
// By default the key and a self-signed certificate live next to the QR keys as
// pdf-signing.key (mode 0600) and pdf-signing.crt, made on first use. An operator may
// configure a certificate from a CA instead (PEM, optionally followed by its chain, and
// its key: ECDSA or RSA). Immutable after construction and thread-safe: each signature
// builds its own OpenSSL objects.
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace examdocs::registry {

class PdfSigningCertificate {
  public:
    static constexpr const char* kKeyFile = "pdf-signing.key";
    static constexpr const char* kCertificateFile = "pdf-signing.crt";

    // The operator's certificate and key. Throws std::runtime_error naming the file at
    // fault, or saying that the key does not belong to the certificate.
    static PdfSigningCertificate load(const std::string& certificate_file,
                                      const std::string& key_file);
    // The default pair in `keys_directory`, made (P-256, self-signed for `common_name`,
    // valid five years) when absent. Throws std::runtime_error.
    static PdfSigningCertificate open_default(const std::string& keys_directory,
                                              const std::string& common_name);
    // A new default pair in `keys_directory`, replacing the old one. PDFs signed before
    // keep verifying: each carries its certificate.
    static PdfSigningCertificate create_default(const std::string& keys_directory,
                                                const std::string& common_name);

    PdfSigningCertificate(PdfSigningCertificate&&) noexcept;
    PdfSigningCertificate& operator=(PdfSigningCertificate&&) noexcept;
    ~PdfSigningCertificate();

    // The DER CMS SignedData (detached) over `data`. Throws std::runtime_error.
    std::string sign(std::string_view data) const;

    std::string subject() const;             // e.g. "CN=examdocs certificate PDFs"
    std::string sha256_fingerprint() const;  // hex, lower case, of the DER certificate
    std::chrono::system_clock::time_point not_after() const;
    bool self_signed() const;

  private:
    struct State;
    explicit PdfSigningCertificate(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

}  // namespace examdocs::registry
