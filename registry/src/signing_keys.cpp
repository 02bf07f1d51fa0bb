#include "examdocs/registry/signing_keys.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/Path.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace examdocs::registry {

namespace {

struct PkeyDeleter {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct PkeyCtxDeleter {
    void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
struct MdCtxDeleter {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

// Ed25519: the raw 32 bytes. SM2: the uncompressed point 04||x||y, 65 bytes.
std::string public_key_bytes(EVP_PKEY* key, SigningAlgorithm algorithm) {
    if (algorithm == SigningAlgorithm::ed25519) {
        std::size_t length = 32;
        std::string out(length, '\0');
        if (EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char*>(out.data()),
                                        &length) != 1) {
            throw std::runtime_error("cannot read an Ed25519 public key");
        }
        out.resize(length);
        return out;
    }
    std::string out(65, '\0');
    std::size_t length = 0;
    if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY,
                                        reinterpret_cast<unsigned char*>(out.data()), out.size(),
                                        &length) != 1 ||
        length != 65 || out[0] != 0x04) {
        throw std::runtime_error("cannot read an SM2 public key as an uncompressed point");
    }
    return out;
}

std::string key_id_of(const std::string& public_key) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(public_key.data(), public_key.size(), digest, &length, EVP_sha256(), nullptr);
    std::string hex;
    char buffer[3];
    for (unsigned i = 0; i < 8; ++i) {
        std::snprintf(buffer, sizeof buffer, "%02x", digest[i]);
        hex += buffer;
    }
    return hex;
}

// A digest context for signing or verifying with `key`. SM2 signs SM3(Z || message), where
// Z hashes the distinguishing identifier with the curve and the public key; the identifier
// is set on a key context that the digest context then uses (the order OpenSSL's SM2(7)
// shows). `key_ctx` must outlive `md_ctx`: the digest context does not own it.
bool init_digest(EVP_MD_CTX* md_ctx, PkeyCtxPtr& key_ctx, EVP_PKEY* key, SigningAlgorithm algorithm,
                 bool for_signing) {
    const EVP_MD* digest = nullptr;
    if (algorithm == SigningAlgorithm::sm2) {
        key_ctx.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
        if (!key_ctx || EVP_PKEY_CTX_set1_id(key_ctx.get(), kSm2DistinguishingId.data(),
                                             static_cast<int>(kSm2DistinguishingId.size())) <= 0) {
            return false;
        }
        EVP_MD_CTX_set_pkey_ctx(md_ctx, key_ctx.get());
        digest = EVP_sm3();
    }
    return for_signing ? EVP_DigestSignInit(md_ctx, nullptr, digest, nullptr, key) == 1
                       : EVP_DigestVerifyInit(md_ctx, nullptr, digest, nullptr, key) == 1;
}

}  // namespace

std::string_view algorithm_name(SigningAlgorithm algorithm) {
    return algorithm == SigningAlgorithm::sm2 ? "sm2" : "ed25519";
}

std::optional<SigningAlgorithm> algorithm_named(std::string_view name) {
    if (name == "ed25519") return SigningAlgorithm::ed25519;
    if (name == "sm2") return SigningAlgorithm::sm2;
    return std::nullopt;
}

struct SigningKeys::Key {
    std::string id;
    SigningAlgorithm algorithm = SigningAlgorithm::ed25519;
    std::string public_key;  // see public_key_bytes
    PkeyPtr pkey;
};

std::string base64url(std::string_view bytes) {
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (const char ch : bytes) {
        buffer = (buffer << 8) | static_cast<unsigned char>(ch);
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += alphabet[(buffer >> bits) & 0x3F];
        }
    }
    if (bits > 0) out += alphabet[(buffer << (6 - bits)) & 0x3F];
    return out;
}

std::string base64url_decode(std::string_view text) {
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (char c : text) {
        int v = -1;
        if (c >= 'A' && c <= 'Z') v = c - 'A';
        if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
        if (c >= '0' && c <= '9') v = c - '0' + 52;
        if (c == '-') v = 62;
        if (c == '_') v = 63;
        if (v < 0) throw std::invalid_argument("not base64url");
        buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xFF);
        }
    }
    return out;
}

SigningKeys::SigningKeys(SigningKeys&&) noexcept = default;
SigningKeys& SigningKeys::operator=(SigningKeys&&) noexcept = default;
SigningKeys::~SigningKeys() = default;

SigningKeys SigningKeys::open(const std::string& directory, SigningAlgorithm new_keys) {
    SigningKeys keys;
    keys.directory_ = directory;
    keys.new_keys_ = new_keys;
    Poco::File(directory).createDirectories();
    std::vector<std::string> files;
    for (Poco::DirectoryIterator it(directory), end; it != end; ++it) {
        if (Poco::Path(it->path()).getExtension() == "pem") files.push_back(it->path());
    }
    // File names start with the creation time, so name order is age order.
    std::sort(files.begin(), files.end());
    for (const auto& f : files) keys.add_key_from_file(f);
    if (keys.keys_.empty()) keys.rotate();
    return keys;
}

void SigningKeys::add_key_from_file(const std::string& path) {
    FILE* file = std::fopen(path.c_str(), "rb");
    if (!file) throw std::runtime_error("cannot read the signing key " + path);
    PkeyPtr pkey(PEM_read_PrivateKey(file, nullptr, nullptr, nullptr));
    std::fclose(file);
    auto key = std::make_unique<Key>();
    // OpenSSL 3 reads a key on the SM2 curve as an SM2 key (not a generic EC one).
    if (pkey && EVP_PKEY_is_a(pkey.get(), "ED25519")) {
        key->algorithm = SigningAlgorithm::ed25519;
    } else if (pkey && EVP_PKEY_is_a(pkey.get(), "SM2")) {
        key->algorithm = SigningAlgorithm::sm2;
    } else {
        throw std::runtime_error("not an Ed25519 or SM2 private key: " + path);
    }
    key->public_key = public_key_bytes(pkey.get(), key->algorithm);
    key->id = key_id_of(key->public_key);
    key->pkey = std::move(pkey);
    keys_.push_back(std::move(key));
}

void SigningKeys::rotate() {
    PkeyPtr pkey(EVP_PKEY_Q_keygen(nullptr, nullptr,
                                   new_keys_ == SigningAlgorithm::sm2 ? "SM2" : "ED25519"));
    if (!pkey) {
        throw std::runtime_error("cannot create an " + std::string(algorithm_name(new_keys_)) +
                                 " key");
    }
    const std::string id = key_id_of(public_key_bytes(pkey.get(), new_keys_));
    long long now = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
    // Name order is age order: a key made in the same second as the newest (a rotation
    // right after the first start) still sorts after it.
    for (Poco::DirectoryIterator it(directory_), end; it != end; ++it) {
        const std::string name = it.name();
        const long long existing = std::atoll(name.c_str());
        if (existing >= now) now = existing + 1;
    }
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "%012lld", now);
    const std::string path =
        Poco::Path(directory_, std::string(stamp) + "-" + id + ".pem").toString();
    // Created with mode 0600 before anything is written into it.
    const mode_t old_mask = umask(077);
    FILE* file = std::fopen(path.c_str(), "wb");
    umask(old_mask);
    if (!file) throw std::runtime_error("cannot write the signing key " + path);
    const int ok = PEM_write_PrivateKey(file, pkey.get(), nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(file);
    chmod(path.c_str(), 0600);
    if (ok != 1) throw std::runtime_error("cannot write the signing key " + path);
    add_key_from_file(path);
}

const std::string& SigningKeys::current_key_id() const { return keys_.back()->id; }

SigningAlgorithm SigningKeys::current_algorithm() const { return keys_.back()->algorithm; }

std::optional<SigningAlgorithm> SigningKeys::algorithm_of(std::string_view key_id) const {
    for (const auto& k : keys_) {
        if (k->id == key_id) return k->algorithm;
    }
    return std::nullopt;
}

std::string SigningKeys::sign(std::string_view message) const {
    const Key& key = *keys_.back();
    PkeyCtxPtr key_ctx;  // declared first: destroyed after the digest context using it
    MdCtxPtr ctx(EVP_MD_CTX_new());
    const auto* data = reinterpret_cast<const unsigned char*>(message.data());
    std::size_t length = 0;
    // The first call with no buffer gives the largest length (64 for Ed25519, 72 for an
    // SM2 DER signature); the second the actual one.
    if (!ctx || !init_digest(ctx.get(), key_ctx, key.pkey.get(), key.algorithm, true) ||
        EVP_DigestSign(ctx.get(), nullptr, &length, data, message.size()) != 1) {
        throw std::runtime_error(std::string(algorithm_name(key.algorithm)) + " signing failed");
    }
    std::string signature(length, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, data,
                       message.size()) != 1) {
        throw std::runtime_error(std::string(algorithm_name(key.algorithm)) + " signing failed");
    }
    signature.resize(length);
    return signature;
}

bool SigningKeys::verify(std::string_view key_id, std::string_view message,
                         std::string_view signature) const {
    auto it =
        std::find_if(keys_.begin(), keys_.end(), [&](const auto& k) { return k->id == key_id; });
    if (it == keys_.end()) return false;
    PkeyCtxPtr key_ctx;
    MdCtxPtr ctx(EVP_MD_CTX_new());
    return ctx && init_digest(ctx.get(), key_ctx, (*it)->pkey.get(), (*it)->algorithm, false) &&
           EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                            signature.size(),
                            reinterpret_cast<const unsigned char*>(message.data()),
                            message.size()) == 1;
}

std::string SigningKeys::public_keys_json() const {
    std::string out = "{\"keys\":[";
    for (std::size_t i = 0; i < keys_.size(); ++i) {
        const Key& k = *keys_[i];
        if (i) out += ',';
        out += "{\"kid\":\"" + k.id + "\",";
        if (k.algorithm == SigningAlgorithm::ed25519) {
            out += "\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"alg\":\"EdDSA\",\"x\":\"" +
                   base64url(k.public_key) + "\"";
        } else {
            // After the 04 that marks an uncompressed point: x, then y, 32 bytes each.
            out += "\"kty\":\"EC\",\"crv\":\"SM2\",\"alg\":\"SM2SM3\",\"x\":\"" +
                   base64url(std::string_view(k.public_key).substr(1, 32)) + "\",\"y\":\"" +
                   base64url(std::string_view(k.public_key).substr(33, 32)) + "\"";
        }
        out += std::string(",\"current\":") + (i + 1 == keys_.size() ? "true" : "false") + "}";
    }
    return out + "]}";
}

}  // namespace examdocs::registry
