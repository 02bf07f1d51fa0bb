#include "examdocs/registry/pdf_signing_certificate.h"

#include <Poco/File.h>
#include <Poco/Path.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <functional>
#include <stdexcept>
#include <vector>

namespace examdocs::registry {

namespace {

template <auto Free>
struct Release {
    template <class T>
    void operator()(T* p) const {
        Free(p);
    }
};
using X509Ptr = std::unique_ptr<X509, Release<&X509_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Release<&EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, Release<&BIO_free>>;
using CmsPtr = std::unique_ptr<CMS_ContentInfo, Release<&CMS_ContentInfo_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Release<&EVP_MD_CTX_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Release<&BN_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, Release<&X509_EXTENSION_free>>;
using AttributePtr = std::unique_ptr<X509_ATTRIBUTE, Release<&X509_ATTRIBUTE_free>>;

constexpr int kValidDays = 5 * 365 + 1;

// OpenSSL's error queue as one line, emptied: the next call starts clean.
std::string openssl_errors() {
    std::string out;
    while (const unsigned long e = ERR_get_error()) {
        char buffer[256];
        ERR_error_string_n(e, buffer, sizeof buffer);
        if (!out.empty()) out += "; ";
        out += buffer;
    }
    return out;
}

[[noreturn]] void fail(const std::string& what) {
    const std::string detail = openssl_errors();
    throw std::runtime_error(detail.empty() ? what : what + " (" + detail + ")");
}

std::string der_length(std::size_t n) {
    if (n < 0x80) return std::string(1, static_cast<char>(n));
    std::string bytes;
    while (n > 0) {
        bytes.insert(bytes.begin(), static_cast<char>(n & 0xFF));
        n >>= 8;
    }
    return std::string(1, static_cast<char>(0x80 | bytes.size())) + bytes;
}

// PAdES baseline signatures carry no signing-time attribute (the claimed time is the
// signature dictionary's /M), but OpenSSL 3.0's CMS_final() always adds one. So it is
// removed and the signed attributes signed again: their DER as a SET OF (RFC 5652 5.4:
// tag 0x31, elements in DER order), the same encoding OpenSSL writes them in.
void sign_without_signing_time(CMS_SignerInfo* si, EVP_PKEY* key) {
    const int at = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
    if (at < 0) return;
    AttributePtr removed(CMS_signed_delete_attr(si, at));
    std::vector<std::string> encoded;
    for (int i = 0; i < CMS_signed_get_attr_count(si); ++i) {
        const X509_ATTRIBUTE* attribute = CMS_signed_get_attr(si, i);
        unsigned char* der = nullptr;
        const int length = i2d_X509_ATTRIBUTE(attribute, &der);
        if (length <= 0) fail("cannot encode a signed attribute");
        encoded.emplace_back(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
        OPENSSL_free(der);
    }
    std::sort(encoded.begin(), encoded.end(), [](const std::string& a, const std::string& b) {
        return std::lexicographical_compare(
            a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
                return static_cast<unsigned char>(x) < static_cast<unsigned char>(y);
            });
    });
    std::string body;
    for (const auto& e : encoded) body += e;
    const std::string set = "\x31" + der_length(body.size()) + body;

    MdCtxPtr ctx(EVP_MD_CTX_new());
    std::size_t length = 0;
    const auto* bytes = reinterpret_cast<const unsigned char*>(set.data());
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &length, bytes, set.size()) != 1) {
        fail("cannot sign the signed attributes");
    }
    std::string signature(length, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                       bytes, set.size()) != 1) {
        fail("cannot sign the signed attributes");
    }
    ASN1_OCTET_STRING* value = CMS_SignerInfo_get0_signature(si);
    if (!value || ASN1_STRING_set(value, signature.data(), static_cast<int>(length)) != 1) {
        fail("cannot store the signature");
    }
}

void add_extension(X509* cert, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    ExtensionPtr ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value));
    if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) fail("cannot add a certificate extension");
}

void write_file(const std::string& path, mode_t mode, const std::function<int(BIO*)>& write) {
    const std::string partial = path + ".partial";
    const mode_t old_mask = umask(mode == 0600 ? 077 : 022);
    BioPtr out(BIO_new_file(partial.c_str(), "wb"));
    umask(old_mask);
    if (!out) fail("cannot write " + path);
    const int ok = write(out.get());
    out.reset();
    chmod(partial.c_str(), mode);
    if (ok != 1 || std::rename(partial.c_str(), path.c_str()) != 0) fail("cannot write " + path);
}

}  // namespace

struct PdfSigningCertificate::State {
    X509Ptr certificate;
    std::vector<X509Ptr> chain;  // what follows the certificate in its file
    PkeyPtr key;
};

PdfSigningCertificate::PdfSigningCertificate(std::unique_ptr<State> state)
    : state_(std::move(state)) {}
PdfSigningCertificate::PdfSigningCertificate(PdfSigningCertificate&&) noexcept = default;
PdfSigningCertificate& PdfSigningCertificate::operator=(PdfSigningCertificate&&) noexcept = default;
PdfSigningCertificate::~PdfSigningCertificate() = default;

PdfSigningCertificate PdfSigningCertificate::load(const std::string& certificate_file,
                                                  const std::string& key_file) {
    auto state = std::make_unique<State>();
    {
        BioPtr in(BIO_new_file(certificate_file.c_str(), "rb"));
        if (!in) fail("cannot read the PDF signing certificate " + certificate_file);
        while (X509* cert = PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr)) {
            if (!state->certificate) {
                state->certificate.reset(cert);
            } else {
                state->chain.emplace_back(cert);
            }
        }
        ERR_clear_error();  // the end of the file reads as "no start line"
        if (!state->certificate) {
            throw std::runtime_error("no PEM certificate in " + certificate_file);
        }
    }
    {
        BioPtr in(BIO_new_file(key_file.c_str(), "rb"));
        if (!in) fail("cannot read the PDF signing key " + key_file);
        state->key.reset(PEM_read_bio_PrivateKey(in.get(), nullptr, nullptr, nullptr));
        if (!state->key) fail("no PEM private key in " + key_file);
    }
    const int type = EVP_PKEY_get_base_id(state->key.get());
    if (type != EVP_PKEY_EC && type != EVP_PKEY_RSA) {
        throw std::runtime_error("the PDF signing key " + key_file +
                                 " must be ECDSA or RSA (OpenSSL 3.0 makes no Ed25519 CMS "
                                 "signature)");
    }
    if (X509_check_private_key(state->certificate.get(), state->key.get()) != 1) {
        ERR_clear_error();
        throw std::runtime_error("the key " + key_file + " does not belong to the certificate " +
                                 certificate_file);
    }
    return PdfSigningCertificate(std::move(state));
}

PdfSigningCertificate PdfSigningCertificate::open_default(const std::string& keys_directory,
                                                          const std::string& common_name) {
    const std::string key = Poco::Path(keys_directory, kKeyFile).toString();
    const std::string cert = Poco::Path(keys_directory, kCertificateFile).toString();
    if (Poco::File(key).exists() && Poco::File(cert).exists()) return load(cert, key);
    return create_default(keys_directory, common_name);
}

PdfSigningCertificate PdfSigningCertificate::create_default(const std::string& keys_directory,
                                                            const std::string& common_name) {
    Poco::File(keys_directory).createDirectories();
    PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    if (!key) fail("cannot create a P-256 key");
    X509Ptr cert(X509_new());
    if (!cert || X509_set_version(cert.get(), 2) != 1) fail("cannot create a certificate");
    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1) fail("no random serial number");
    serial[0] &= 0x7F;  // positive
    BnPtr number(BN_bin2bn(serial, sizeof serial, nullptr));
    if (!number || !BN_to_ASN1_INTEGER(number.get(), X509_get_serialNumber(cert.get()))) {
        fail("cannot set the serial number");
    }
    X509_NAME* name = X509_get_subject_name(cert.get());
    if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                                   -1, 0) != 1 ||
        X509_set_issuer_name(cert.get(), name) != 1 ||
        !X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0) ||
        !X509_time_adj_ex(X509_getm_notAfter(cert.get()), kValidDays, 0, nullptr) ||
        X509_set_pubkey(cert.get(), key.get()) != 1) {
        fail("cannot fill in the certificate");
    }
    add_extension(cert.get(), NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), NID_key_usage, "critical,digitalSignature,nonRepudiation");
    add_extension(cert.get(), NID_subject_key_identifier, "hash");
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) fail("cannot self-sign");

    const std::string key_path = Poco::Path(keys_directory, kKeyFile).toString();
    const std::string cert_path = Poco::Path(keys_directory, kCertificateFile).toString();
    write_file(key_path, 0600, [&key](BIO* out) {
        return PEM_write_bio_PrivateKey(out, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
    write_file(cert_path, 0644, [&cert](BIO* out) { return PEM_write_bio_X509(out, cert.get()); });
    return load(cert_path, key_path);
}

std::string PdfSigningCertificate::sign(std::string_view data) const {
    BioPtr in(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    if (!in) fail("cannot read the bytes to sign");
    // Detached (the PDF holds the content), binary (no MIME line-end translation), partial
    // (the signer is added next, with CAdES's signing-certificate-v2 attribute), no S/MIME
    // capabilities attribute (it means nothing in a PDF).
    const unsigned flags = CMS_DETACHED | CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP;
    CmsPtr cms(CMS_sign(nullptr, nullptr, nullptr, nullptr, flags));
    if (!cms) fail("cannot start a CMS signature");
    CMS_SignerInfo* si = CMS_add1_signer(cms.get(), state_->certificate.get(), state_->key.get(),
                                         EVP_sha256(), flags | CMS_CADES);
    if (!si) fail("cannot add the signer");
    for (const auto& c : state_->chain) {
        if (CMS_add1_cert(cms.get(), c.get()) != 1) fail("cannot add a chain certificate");
    }
    if (CMS_final(cms.get(), in.get(), nullptr, flags) != 1) fail("cannot sign");
    sign_without_signing_time(si, state_->key.get());
    unsigned char* der = nullptr;
    const int length = i2d_CMS_ContentInfo(cms.get(), &der);
    if (length <= 0) fail("cannot encode the CMS signature");
    std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
    OPENSSL_free(der);
    return out;
}

std::string PdfSigningCertificate::subject() const {
    BioPtr out(BIO_new(BIO_s_mem()));
    X509_NAME_print_ex(out.get(), X509_get_subject_name(state_->certificate.get()), 0,
                       XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char* data = nullptr;
    const long length = BIO_get_mem_data(out.get(), &data);
    return std::string(data, static_cast<std::size_t>(std::max(0L, length)));
}

std::string PdfSigningCertificate::sha256_fingerprint() const {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (X509_digest(state_->certificate.get(), EVP_sha256(), digest, &length) != 1) {
        fail("cannot hash the certificate");
    }
    std::string hex;
    char buffer[3];
    for (unsigned i = 0; i < length; ++i) {
        std::snprintf(buffer, sizeof buffer, "%02x", digest[i]);
        hex += buffer;
    }
    return hex;
}

std::chrono::system_clock::time_point PdfSigningCertificate::not_after() const {
    std::tm tm{};
    if (ASN1_TIME_to_tm(X509_get0_notAfter(state_->certificate.get()), &tm) != 1) {
        fail("cannot read the certificate's expiry");
    }
    return std::chrono::system_clock::from_time_t(timegm(&tm));
}

bool PdfSigningCertificate::self_signed() const {
    // Issuer and subject alike, and signed by its own key. (X509_check_issued() would also
    // want keyCertSign, which a signing-only certificate does not have.)
    X509* cert = state_->certificate.get();
    const bool own = X509_NAME_cmp(X509_get_subject_name(cert), X509_get_issuer_name(cert)) == 0 &&
                     X509_verify(cert, X509_get0_pubkey(cert)) == 1;
    ERR_clear_error();
    return own;
}

}  // namespace examdocs::registry
