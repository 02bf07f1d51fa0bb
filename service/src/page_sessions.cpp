#include "examdocs/service/page_sessions.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <charconv>
#include <stdexcept>

#include "examdocs/core/base64.h"
#include "examdocs/service/exchange.h"

namespace examdocs::service {

namespace {

// Base64url without padding: cookie values and form fields take it as it is.
std::string url_safe(std::string text) {
    for (char& c : text) c = c == '+' ? '-' : c == '/' ? '_' : c;
    while (!text.empty() && text.back() == '=') text.pop_back();
    return text;
}

std::optional<std::string> from_url_safe(std::string text) {
    for (char& c : text) c = c == '-' ? '+' : c == '_' ? '/' : c;
    while (text.size() % 4 != 0) text += '=';
    return base64_decode(text);
}

std::string random_text(std::size_t bytes) {
    std::string raw(bytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) {
        throw std::runtime_error("the random number generator failed");
    }
    return url_safe(base64_encode(raw));
}

bool same(std::string_view a, std::string_view b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

long long now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The session names the key by its name and the first 16 hex digits of its hash: a key
// replaced under the same name ends the sessions of the old one.
std::string fingerprint(const ApiKey& key) { return key.sha256_hex.substr(0, 16); }

}  // namespace

PageSessions::PageSessions(const Authorizer& authorizer, std::string secret, bool secure_cookies,
                           std::chrono::seconds lifetime)
    : authorizer_(authorizer),
      secret_(secret.empty() ? random_text(32) : std::move(secret)),
      secure_(secure_cookies),
      lifetime_(lifetime) {}

std::string PageSessions::mac(std::string_view purpose, std::string_view text) const {
    // The purpose first: a sign-in token can never pass for a session's, nor either for a
    // cookie's signature.
    const std::string message = std::string(purpose) + '\n' + std::string(text);
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (!HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
              reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest.data(),
              &length)) {
        throw std::runtime_error("HMAC-SHA256 failed");
    }
    return url_safe(
        base64_encode(std::string(reinterpret_cast<const char*>(digest.data()), length)));
}

std::string PageSessions::cookie(std::string_view name, std::string_view value,
                                 long long max_age) const {
    std::string c =
        std::string(name) + "=" + std::string(value) + "; Path=/; HttpOnly; SameSite=Strict";
    if (max_age >= 0) c += "; Max-Age=" + std::to_string(max_age);
    if (secure_) c += "; Secure";
    return c;
}

std::optional<std::string> PageSessions::sign_in(std::string_view presented) const {
    const auto key = authorizer_.key_for(presented);
    if (!key) return std::nullopt;
    // version | expiry | nonce | fingerprint | name (last: a name may hold any character)
    const std::string payload = "1|" + std::to_string(now_seconds() + lifetime_.count()) + "|" +
                                random_text(16) + "|" + fingerprint(*key) + "|" + key->name;
    const std::string value = url_safe(base64_encode(payload)) + "." + mac("session", payload);
    // No Max-Age: the cookie ends with the browser (a shared office computer), and the
    // signed expiry ends it after `lifetime_` in any case.
    return cookie(kCookie, value, -1);
}

std::string PageSessions::sign_out_cookie() const { return cookie(kCookie, "", 0); }

std::optional<PageSession> PageSessions::session_of(const Exchange& exchange) const {
    const std::string value = cookie_value(exchange, kCookie);
    const auto dot = value.find('.');
    if (value.empty() || value.size() > 1024 || dot == std::string::npos) return std::nullopt;
    const auto payload = from_url_safe(value.substr(0, dot));
    if (!payload || !same(mac("session", *payload), value.substr(dot + 1))) return std::nullopt;
    // Signed by us: the fields are as sign_in() wrote them.
    std::array<std::string, 4> fields;
    std::size_t at = 0;
    for (auto& field : fields) {
        const auto bar = payload->find('|', at);
        if (bar == std::string::npos) return std::nullopt;
        field = payload->substr(at, bar - at);
        at = bar + 1;
    }
    const std::string name = payload->substr(at);
    long long expires = 0;
    const auto [end, ec] =
        std::from_chars(fields[1].data(), fields[1].data() + fields[1].size(), expires);
    if (fields[0] != "1" || ec != std::errc() || expires <= now_seconds()) return std::nullopt;
    auto key = authorizer_.key_named(name);
    if (!key || fingerprint(*key) != fields[3]) return std::nullopt;
    return PageSession{std::move(*key), mac("csrf", fields[2])};
}

bool PageSessions::csrf_matches(const PageSession& session, std::string_view token) {
    return !token.empty() && same(session.csrf_token, token);
}

PageSessions::SignInForm PageSessions::sign_in_form() const {
    const std::string nonce = random_text(16);
    // An hour to type a key in is plenty; the form is shown again after that.
    return {cookie(kSignInCookie, nonce, 3600), mac("sign-in", nonce)};
}

bool PageSessions::sign_in_form_is_ours(const Exchange& exchange,
                                        std::string_view csrf_token) const {
    const std::string nonce = cookie_value(exchange, kSignInCookie);
    return !nonce.empty() && nonce.size() <= 64 && !csrf_token.empty() &&
           same(mac("sign-in", nonce), csrf_token);
}

std::string cookie_value(const Exchange& exchange, std::string_view name) {
    const std::string header = exchange.header("Cookie");
    std::size_t at = 0;
    while (at < header.size()) {
        auto end = header.find(';', at);
        if (end == std::string::npos) end = header.size();
        std::string_view pair(header.data() + at, end - at);
        while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
        const auto eq = pair.find('=');
        if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
            return std::string(pair.substr(eq + 1));
        }
        at = end + 1;
    }
    return {};
}

}  // namespace examdocs::service
