#pragma once
// Ed25519 signing keys (OpenSSL 3 EVP). The current key signs; every key ever used stays
// published (keys.json) so that old certificates still verify after a rotation.
//
// Keys live in a directory as <key-id>.pem (private, mode 0600); the newest file is the
// current key. A key id is the first 16 hex digits of the SHA-256 of the raw public key.
// Thread-safe after construction (signing with one EVP_PKEY from several threads is safe
// when each uses its own EVP_MD_CTX, as sign() does).
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace examdocs::registry {

class SigningKeys {
  public:
    // Loads every key in `directory`, creating the directory and a first key when there
    // is none. Throws std::runtime_error naming the file at fault.
    static SigningKeys open(const std::string& directory);
    // Adds a new key and makes it current (rotation).
    void rotate();

    SigningKeys(SigningKeys&&) noexcept;
    SigningKeys& operator=(SigningKeys&&) noexcept;
    ~SigningKeys();

    const std::string& current_key_id() const;
    // The raw 64-byte Ed25519 signature of `message` with the current key.
    std::string sign(std::string_view message) const;
    // Whether `signature` (raw) is a signature of `message` by the key `key_id`.
    bool verify(std::string_view key_id, std::string_view message,
                std::string_view signature) const;
    // {"keys":[{"kid":…,"kty":"OKP","crv":"Ed25519","x":base64url,"current":true}]}, the
    // JWK form (RFC 8037), for /.well-known/examdocs/keys.json.
    std::string public_keys_json() const;

  private:
    struct Key;
    SigningKeys() = default;
    void add_key_from_file(const std::string& path);

    std::string directory_;
    std::vector<std::unique_ptr<Key>> keys_;  // oldest first; the last one is current
};

std::string base64url(std::string_view bytes);
std::string base64url_decode(std::string_view text);  // throws std::invalid_argument

}  // namespace examdocs::registry
