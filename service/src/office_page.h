#pragma once
// Private to service/: the pages an exam office signs in to (the clerk's /print, later the
// layout designer). One reusable piece: office_route() wraps a page's handler so that it
// runs only for a signed-in session whose key has the route's right; the sign-in and
// sign-out routes; the page shell with its headers; problems answered as pages.
//
// Without a session a GET is sent to /sign-in (303, coming back afterwards) and anything
// else gets the sign-in page with 401; a key without the right gets a 403 page naming the
// right. Forms that change something carry the session's CSRF token: require_csrf().
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "examdocs/service/page_sessions.h"
#include "examdocs/service/router.h"

namespace examdocs::service {

class Service;

struct OfficePage {
    std::string title_cn{}, title_en{};
    std::string main{};                    // HTML inside <main>
    const PageSession* session = nullptr;  // signed in: the header names the key and signs out
    std::string head{};                    // extra HTML in <head> (a refresh while a job runs)
    std::vector<std::string> scripts{};    // our own script files, deferred
    bool wide = false;                     // the designer: editor and preview side by side
};

// The page with its headers: a CSP that allows our own files only (no inline script or
// style; workers, which the designer's pdf.js runs, from our origin), never framed, no
// referrer, never cached.
Response office_page(int status, const OfficePage& page);

using OfficeHandler = std::function<Response(Exchange&, const PageSession&)>;

// A page route for sessions whose key has `right` ("print"; the designer's "admin").
Route office_route(Service& service, const std::string& method, std::string pattern,
                   std::string right, OfficeHandler handler, long long max_body_bytes = 0);

// Throws ProblemError 403 unless `token` is the session's CSRF token, or when the browser
// says the request comes from another site (Sec-Fetch-Site: cross-site).
void require_csrf(const Exchange& exchange, const PageSession& session, std::string_view token);

// An application/x-www-form-urlencoded body (at most `limit` bytes, 64 KB unless said) as
// name → value; a name sent twice keeps its first value.
std::map<std::string, std::string> read_url_form(Exchange& exchange, std::size_t limit = 64 * 1024);

// The hidden field every form of a session carries.
std::string csrf_field(const PageSession& session);

// GET and POST /sign-in, POST /sign-out, and the pages' style sheet.
void add_sign_in_routes(Service& service);

}  // namespace examdocs::service
