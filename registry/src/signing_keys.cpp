#include "examdocs/registry/signing_keys.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/Path.h>
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
struct MdCtxDeleter {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

std::string raw_public_key(EVP_PKEY* key) {
    std::size_t length = 32;
    std::string out(length, '\0');
    if (EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char*>(out.data()), &length) !=
        1) {
        throw std::runtime_error("cannot read an Ed25519 public key");
    }
    out.resize(length);
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

}  // namespace

struct SigningKeys::Key {
    std::string id;
    std::string public_key;  // raw 32 bytes
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

SigningKeys SigningKeys::open(const std::string& directory) {
    SigningKeys keys;
    keys.directory_ = directory;
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
    if (!pkey || EVP_PKEY_id(pkey.get()) != EVP_PKEY_ED25519) {
        throw std::runtime_error("not an Ed25519 private key: " + path);
    }
    auto key = std::make_unique<Key>();
    key->public_key = raw_public_key(pkey.get());
    key->id = key_id_of(key->public_key);
    key->pkey = std::move(pkey);
    keys_.push_back(std::move(key));
}

void SigningKeys::rotate() {
    PkeyPtr pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    if (!pkey) throw std::runtime_error("cannot create an Ed25519 key");
    const std::string id = key_id_of(raw_public_key(pkey.get()));
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

std::string SigningKeys::sign(std::string_view message) const {
    MdCtxPtr ctx(EVP_MD_CTX_new());
    std::size_t length = 64;
    std::string signature(length, '\0');
    if (!ctx ||
        EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, keys_.back()->pkey.get()) != 1 ||
        EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                       reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) != 1) {
        throw std::runtime_error("Ed25519 signing failed");
    }
    signature.resize(length);
    return signature;
}

bool SigningKeys::verify(std::string_view key_id, std::string_view message,
                         std::string_view signature) const {
    auto it =
        std::find_if(keys_.begin(), keys_.end(), [&](const auto& k) { return k->id == key_id; });
    if (it == keys_.end()) return false;
    MdCtxPtr ctx(EVP_MD_CTX_new());
    return ctx &&
           EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, (*it)->pkey.get()) == 1 &&
           EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                            signature.size(),
                            reinterpret_cast<const unsigned char*>(message.data()),
                            message.size()) == 1;
}

std::string SigningKeys::public_keys_json() const {
    std::string out = "{\"keys\":[";
    for (std::size_t i = 0; i < keys_.size(); ++i) {
        if (i) out += ',';
        out += "{\"kid\":\"" + keys_[i]->id +
               "\",\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"alg\":\"EdDSA\",\"x\":\"" +
               base64url(keys_[i]->public_key) +
               "\",\"current\":" + (i + 1 == keys_.size() ? "true" : "false") + "}";
    }
    return out + "]}";
}

}  // namespace examdocs::registry
