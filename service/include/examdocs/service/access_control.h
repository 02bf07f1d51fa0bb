#pragma once
// Who may call what. API keys come from the configuration (auth.api-keys) as SHA-256
// hashes with their rights, so the configuration never holds a usable key; callers send
// the key as "Authorization: Bearer <key>". Public routes are rate-limited per client
// address with a token bucket. Both thread-safe.
#include <chrono>
#include <initializer_list>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace examdocs::service {

class Exchange;

struct ApiKey {
    std::string name;
    std::string sha256_hex;
    std::set<std::string> rights;  // issue, revoke, read, print, render, admin
};

// "backend:<sha256 hex>:issue+revoke+read,printer:<sha256 hex>:read". Throws
// std::invalid_argument naming the entry at fault.
std::vector<ApiKey> parse_api_keys(std::string_view text);

class Authorizer {
  public:
    explicit Authorizer(std::vector<ApiKey> keys) : keys_(std::move(keys)) {}
    // Throws ProblemError 401 without a known key, 403 for a key without `right`.
    // Returns the key's name, for the log.
    std::string require(const Exchange& exchange, std::string_view right) const;
    // As require(), for a route that any one of `rights` opens.
    std::string require_any(const Exchange& exchange,
                            std::initializer_list<std::string_view> rights) const;
    // For routes the public may call too: nullopt without an Authorization header (a public
    // caller); with one, as require() (a key that is wrong is refused, never taken for the
    // public).
    std::optional<std::string> identify(const Exchange& exchange, std::string_view right) const;
    // The configured key that `presented` is (by its SHA-256), or nullopt. For the pages'
    // sign-in, which takes the key from a form instead of a header.
    std::optional<ApiKey> key_for(std::string_view presented) const;
    // The configured key of that name, or nullopt (a signed-in session names its key).
    std::optional<ApiKey> key_named(std::string_view name) const;

  private:
    std::vector<ApiKey> keys_;
};

class RateLimiter {
  public:
    RateLimiter(double per_minute, double burst) : per_minute_(per_minute), burst_(burst) {}
    // Throws ProblemError 429 with Retry-After when `client` has no token left.
    void take(const std::string& client);

  private:
    struct Bucket {
        double tokens;
        std::chrono::steady_clock::time_point at;
    };
    double per_minute_, burst_;
    std::mutex mutex_;
    std::map<std::string, Bucket> buckets_;
};

}  // namespace examdocs::service
