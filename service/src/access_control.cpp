#include "examdocs/service/access_control.h"

#include <Poco/SHA2Engine.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

#include <cmath>
#include <stdexcept>

#include "examdocs/core/problem.h"
#include "examdocs/service/exchange.h"

namespace examdocs::service {

std::vector<ApiKey> parse_api_keys(std::string_view text) {
    std::vector<ApiKey> keys;
    Poco::StringTokenizer entries(
        std::string(text), ",",
        Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    for (const auto& entry : entries) {
        Poco::StringTokenizer parts(entry, ":", Poco::StringTokenizer::TOK_TRIM);
        if (parts.count() != 3 || parts[1].size() != 64 ||
            parts[1].find_first_not_of("0123456789abcdef") != std::string::npos) {
            throw std::invalid_argument("auth.api-keys: '" + entry +
                                        "' is not name:<sha256 hex, lower case>:right+right");
        }
        ApiKey key{parts[0], parts[1], {}};
        Poco::StringTokenizer rights(parts[2], "+", Poco::StringTokenizer::TOK_TRIM);
        for (const auto& r : rights) {
            if (r != "issue" && r != "revoke" && r != "read" && r != "print" && r != "render" &&
                r != "admin") {
                throw std::invalid_argument("auth.api-keys: unknown right '" + r +
                                            "' (issue, revoke, read, print, render, admin)");
            }
            key.rights.insert(r);
        }
        keys.push_back(std::move(key));
    }
    return keys;
}

std::string Authorizer::require(const Exchange& exchange, std::string_view right) const {
    const std::string header = exchange.header("Authorization");
    if (Poco::icompare(header.substr(0, 7), "Bearer ") != 0 || header.size() <= 7) {
        throw ProblemError(unauthorized("Send an API key as 'Authorization: Bearer <key>'."));
    }
    const auto key = key_for(std::string_view(header).substr(7));
    if (!key) throw ProblemError(unauthorized("The API key is not known."));
    if (!key->rights.count(std::string(right))) {
        throw ProblemError(forbidden("This API key may not " + std::string(right) + "."));
    }
    return key->name;
}

std::optional<ApiKey> Authorizer::key_for(std::string_view presented) const {
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    sha.update(presented.data(), presented.size());
    const std::string hash = Poco::DigestEngine::digestToHex(sha.digest());
    for (const auto& key : keys_) {
        // Comparing hashes, not keys: the time taken says nothing about a key.
        if (key.sha256_hex == hash) return key;
    }
    return std::nullopt;
}

std::optional<ApiKey> Authorizer::key_named(std::string_view name) const {
    for (const auto& key : keys_) {
        if (key.name == name) return key;
    }
    return std::nullopt;
}

std::string Authorizer::require_any(const Exchange& exchange,
                                    std::initializer_list<std::string_view> rights) const {
    std::string first_refusal;
    for (const auto right : rights) {
        try {
            return require(exchange, right);
        } catch (const ProblemError& e) {
            if (e.problem().status != 403) throw;
        }
    }
    std::string names;
    for (const auto right : rights) names += (names.empty() ? "" : " or ") + std::string(right);
    throw ProblemError(forbidden("This API key has neither right needed here: " + names + "."));
}

std::optional<std::string> Authorizer::identify(const Exchange& exchange,
                                                std::string_view right) const {
    if (exchange.header("Authorization").empty()) return std::nullopt;
    return require(exchange, right);
}

void RateLimiter::take(const std::string& client) {
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    if (buckets_.size() > 100000) buckets_.clear();  // bounded memory under a flood
    auto [it, fresh] = buckets_.try_emplace(client, Bucket{burst_, now});
    Bucket& b = it->second;
    if (!fresh) {
        const double minutes = std::chrono::duration<double>(now - b.at).count() / 60.0;
        b.tokens = std::min(burst_, b.tokens + minutes * per_minute_);
        b.at = now;
    }
    if (b.tokens < 1.0) {
        const int wait = static_cast<int>(std::ceil((1.0 - b.tokens) * 60.0 / per_minute_));
        throw ProblemError(too_many_requests(
            "Too many lookups from this address; try again shortly.", std::max(1, wait)));
    }
    b.tokens -= 1.0;
}

}  // namespace examdocs::service
