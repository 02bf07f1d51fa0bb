#pragma once
// Who is signed in to the office pages (/print, later the layout designer): a person signs
// in once with an API key, and the browser holds a signed session cookie instead of the key.
//
// The cookie is HttpOnly (no script reads it), SameSite=Strict (no other site's page makes
// the browser send it) and Secure when public.base-url is https. It carries the key's name,
// a fingerprint of the key's hash, an expiry and a random nonce, signed with HMAC-SHA256
// under auth.session-secret; nothing is kept on the server. A session ends when it expires,
// when the browser drops the cookie, or when the key is removed or replaced in
// auth.api-keys (its fingerprint no longer matches). Rights are read from the key's entry
// at every request, never from the cookie. Every form that changes something carries a
// CSRF token derived from the session's nonce (and the sign-in form one derived from a
// short-lived cookie of its own), so a request is honoured only from our own page.
// docs/operations.md#signing-in-to-the-pages says why this and not the key in sessionStorage.
//
// Immutable after construction; thread-safe.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "examdocs/service/access_control.h"

namespace examdocs::service {

class Exchange;

struct PageSession {
    ApiKey key;              // as configured now: its rights are the ones that count
    std::string csrf_token;  // the value every form of this session must send back
};

class PageSessions {
  public:
    static constexpr std::string_view kCookie = "examdocs-session";
    static constexpr std::string_view kSignInCookie = "examdocs-sign-in";

    // `secret` empty: a random one, so that sessions end when the process does (set
    // auth.session-secret to keep them over restarts and share them between instances).
    PageSessions(const Authorizer& authorizer, std::string secret, bool secure_cookies,
                 std::chrono::seconds lifetime = std::chrono::hours(8));

    // The session the request's cookie carries, when its signature is ours, it has not
    // expired and its key is still configured as it was; nullopt otherwise.
    std::optional<PageSession> session_of(const Exchange& exchange) const;

    // Signing in with `presented`: the Set-Cookie value of a new session, or nullopt for a
    // key that is not configured.
    std::optional<std::string> sign_in(std::string_view presented) const;
    // The Set-Cookie value that ends the session in the browser.
    std::string sign_out_cookie() const;

    // The sign-in form's own protection against being posted from another site (login
    // CSRF): a nonce cookie for the form's page and the token the form carries.
    struct SignInForm {
        std::string set_cookie;
        std::string csrf_token;
    };
    SignInForm sign_in_form() const;
    // Whether the sign-in form's token belongs to the request's sign-in cookie.
    bool sign_in_form_is_ours(const Exchange& exchange, std::string_view csrf_token) const;

    // Whether `token` is the session's CSRF token (compared in constant time).
    static bool csrf_matches(const PageSession& session, std::string_view token);

  private:
    std::string mac(std::string_view purpose, std::string_view text) const;
    // `max_age` < 0: a cookie that ends with the browser.
    std::string cookie(std::string_view name, std::string_view value, long long max_age) const;

    const Authorizer& authorizer_;
    std::string secret_;
    bool secure_;
    std::chrono::seconds lifetime_;
};

// A cookie's value from the request's Cookie header, or "" when it has none.
std::string cookie_value(const Exchange& exchange, std::string_view name);

}  // namespace examdocs::service
