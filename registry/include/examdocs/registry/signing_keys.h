#pragma once
// Signing keys (OpenSSL 3 EVP): Ed25519, or SM2 with SM3 (GB/T 32918) for issuers asked
// for the national algorithms. The current key signs; every key ever used stays published
// (keys.json) so that old certificates still verify after a rotation, whatever algorithm
// they were signed with: each key knows its own, so a registry holding Ed25519 and SM2
// certificates verifies both (the key id in the QR picks the key, hence the algorithm).
//
// Keys live in a directory as <time>-<key-id>.pem (private, mode 0600); the newest file is
// the current key. A key id is the first 16 hex digits of the SHA-256 of the public key:
// the raw 32 bytes for Ed25519, the uncompressed point 04||x||y (65 bytes) for SM2.
// Thread-safe after construction (signing with one EVP_PKEY from several threads is safe
// when each uses its own EVP_MD_CTX, as sign() does).
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace examdocs::registry {

enum class SigningAlgorithm { ed25519, sm2 };

// "ed25519" | "sm2", the names of signing.algorithm.
std::string_view algorithm_name(SigningAlgorithm algorithm);
std::optional<SigningAlgorithm> algorithm_named(std::string_view name);

// The SM2 signer's distinguishing identifier: the GB/T 32918.2 / GM/T 0009 default
// ("1234567812345678"), which goes into the hash Z of every SM2 signature. A verifier must
// use the same one (openssl: -pkeyopt distid:1234567812345678).
inline constexpr std::string_view kSm2DistinguishingId = "1234567812345678";

class SigningKeys {
  public:
    // Loads every key in `directory` (of either algorithm), creating the directory and a
    // first key of `new_keys` when there is none. Throws std::runtime_error naming the
    // file at fault.
    static SigningKeys open(const std::string& directory,
                            SigningAlgorithm new_keys = SigningAlgorithm::ed25519);
    // Adds a new key of the algorithm given to open() and makes it current (rotation).
    void rotate();

    SigningKeys(SigningKeys&&) noexcept;
    SigningKeys& operator=(SigningKeys&&) noexcept;
    ~SigningKeys();

    const std::string& current_key_id() const;
    SigningAlgorithm current_algorithm() const;
    // The algorithm of key `key_id`; nullopt for a key we do not have.
    std::optional<SigningAlgorithm> algorithm_of(std::string_view key_id) const;
    // The signature of `message` with the current key: Ed25519, the raw 64 bytes; SM2
    // (with SM3 and kSm2DistinguishingId), DER SEQUENCE { r INTEGER, s INTEGER } as
    // GM/T 0009 encodes it (70 to 72 bytes).
    std::string sign(std::string_view message) const;
    // Whether `signature` (as sign() makes it) is a signature of `message` by the key
    // `key_id`, with that key's algorithm.
    bool verify(std::string_view key_id, std::string_view message,
                std::string_view signature) const;
    // {"keys":[…]} for /.well-known/examdocs/keys.json, JWK: Ed25519 as RFC 8037
    // {"kid","kty":"OKP","crv":"Ed25519","alg":"EdDSA","x"}; SM2 as
    // {"kid","kty":"EC","crv":"SM2","alg":"SM2SM3","x","y"} (coordinates base64url, 32
    // bytes each); every key with "current" true for the one that signs now.
    std::string public_keys_json() const;

  private:
    struct Key;
    SigningKeys() = default;
    void add_key_from_file(const std::string& path);

    std::string directory_;
    SigningAlgorithm new_keys_ = SigningAlgorithm::ed25519;
    std::vector<std::unique_ptr<Key>> keys_;  // oldest first; the last one is current
};

std::string base64url(std::string_view bytes);
std::string base64url_decode(std::string_view text);  // throws std::invalid_argument

}  // namespace examdocs::registry
