// The office pages' shell and their sign-in. Why a signed session cookie and not the API
// key in sessionStorage: docs/operations.md#signing-in-to-the-pages.
#include "office_page.h"

#include <Poco/Net/HTMLForm.h>
#include <Poco/URI.h>

#include <sstream>

#include "examdocs/core/problem.h"
#include "examdocs/service/service.h"
#include "html_text.h"

namespace examdocs::embedded {
std::string_view office_css();
}  // namespace examdocs::embedded

namespace examdocs::service {

namespace {

// Only a path of ours: never another site ("//evil.example", "https://…") to go on to.
std::string local_path(const std::string& next) {
    if (next.empty() || next.front() != '/' || next.rfind("//", 0) == 0 ||
        next.find_first_of("\\\r\n") != std::string::npos || next.size() > 512) {
        return "/print";
    }
    return next;
}

std::string sign_in_form(const std::string& next, const std::string& csrf) {
    return "<form class=\"panel\" action=\"/sign-in\" method=\"post\">"
           "<input type=\"hidden\" name=\"csrf\" value=\"" +
           html_escape(csrf) + "\"><input type=\"hidden\" name=\"next\" value=\"" +
           html_escape(next) + "\"><label for=\"key\">API密钥 " + en("API key") +
           "</label><input id=\"key\" name=\"key\" type=\"password\" required "
           "autocomplete=\"current-password\" spellcheck=\"false\" aria-describedby=\"key-hint\">"
           "<p class=\"hint\" id=\"key-hint\">由管理员发放，形如 exd_…。" +
           en("Given to you by your administrator; it looks like exd_….") +
           "</p><button type=\"submit\">登录 " + en("Sign in") + "</button></form>\n";
}

// The sign-in page, with a fresh form cookie; `notice` (HTML) says why it is shown again.
Response sign_in_page(Service& service, int status, const std::string& next,
                      const std::string& notice) {
    const auto form = service.page_sessions().sign_in_form();
    std::string main = "<h1>登录 " + en("Sign in") + "</h1>\n";
    if (!notice.empty())
        main += "<div class=\"notice problem\" role=\"alert\">" + notice + "</div>";
    main +=
        "<p>请用API密钥登录。浏览器只保存8小时内有效的登录凭据，不保存密钥本身；"
        "关闭浏览器或点击“退出”即结束。" +
        en("Sign in with your API key. The browser keeps a sign-in that lasts 8 hours, "
           "never the key itself; closing the browser or signing out ends it.") +
        "</p>\n" + sign_in_form(next, form.csrf_token);
    Response reply = office_page(status, {.title_cn = "登录", .title_en = "Sign in", .main = main});
    reply.headers.emplace_back("Set-Cookie", form.set_cookie);
    return reply;
}

std::string problem_heading(const Problem& problem, std::string& words) {
    switch (problem.status) {
        case 401:
            words = "<p>请先登录。" + en("Please sign in first.") + "</p>";
            return "需要登录 " + en("Sign-in needed");
        case 403:
            words = "<p>" + en(html_escape(problem.detail)) +
                    "</p><p><a href=\"/sign-in\">用另一个密钥登录 " +
                    en("Sign in with another key") + "</a></p>";
            return "不允许 " + en("Not allowed");
        case 404:
            words = "<p>" + en(html_escape(problem.detail)) + "</p>";
            return "没有找到 " + en("Not found");
        case 413:
            words = "<p>文件太大。" + en(html_escape(problem.detail)) + "</p>";
            return "文件太大 " + en("Too large");
        case 422:
        case 400:
        case 415:
            words = "<p>" + en(html_escape(problem.detail)) + "</p>";
            if (!problem.errors.empty()) {
                words += "<ul class=\"errors\">";
                for (const auto& e : problem.errors) {
                    words += "<li><code>" + html_escape(e.pointer) + "</code> " +
                             html_escape(e.message) + "</li>";
                }
                words += "</ul>";
            }
            return "未能开始 " + en("Not started");
        case 429:
        case 503: {
            std::string wait = "30";
            for (const auto& [name, value] : problem.headers) {
                if (name == "Retry-After") wait = html_escape(value);
            }
            words = "<p>请在 " + wait + " 秒后再试。" + en(html_escape(problem.detail)) + " " +
                    en("Try again in " + wait + " seconds.") + "</p>";
            return "请稍后再试 " + en("Please try again shortly");
        }
        default:
            words = "<p>" + en(html_escape(problem.detail)) + "</p>";
            return "出错了 " + en("Something went wrong");
    }
}

Response office_problem_page(const Problem& problem) {
    std::string words;
    const std::string heading = problem_heading(problem, words);
    std::string main = "<h1>" + heading + "</h1>\n<div class=\"notice problem\" role=\"alert\">" +
                       words + "</div>\n<p><a href=\"/print\">返回批量打印 " +
                       en("Back to bulk printing") + "</a></p>\n";
    Response reply =
        office_page(problem.status, {.title_cn = "出错了", .title_en = "Problem", .main = main});
    for (const auto& header : problem.headers) reply.headers.push_back(header);
    return reply;
}

}  // namespace

Response office_page(int status, const OfficePage& page) {
    std::string html =
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
        page.title_cn + " " + page.title_en +
        " · examdocs</title>\n<link rel=\"stylesheet\" href=\"/assets/office.css\">\n" + page.head;
    for (const auto& script : page.scripts) {
        html += "<script src=\"" + script + "\" defer></script>\n";
    }
    html += "</head><body>\n<header class=\"bar\"><p class=\"site\"><a href=\"/print\">批量打印 " +
            en("Bulk printing") + "</a></p>";
    if (page.session) {
        html += "<form class=\"who\" action=\"/sign-out\" method=\"post\">" +
                csrf_field(*page.session) + "<span>已登录 " + en("Signed in as") + " <b>" +
                html_escape(page.session->key.name) + "</b></span><button type=\"submit\" " +
                "class=\"quiet\">退出 " + en("Sign out") + "</button></form>";
    }
    html += std::string("</header>\n<main") + (page.wide ? " class=\"wide\"" : "") + ">\n" +
            page.main + "</main>\n</body></html>\n";
    Response reply = Response::text(std::move(html), "text/html; charset=utf-8");
    reply.status = status;
    reply.headers.emplace_back("Content-Security-Policy",
                               "default-src 'none'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data:; connect-src 'self'; worker-src 'self'; "
                               "form-action 'self'; "
                               "base-uri 'none'; frame-ancestors 'none'");
    reply.headers.emplace_back("Referrer-Policy", "no-referrer");
    reply.headers.emplace_back("X-Content-Type-Options", "nosniff");
    reply.headers.emplace_back("X-Frame-Options", "DENY");
    reply.headers.emplace_back("Cache-Control", "private, no-store");
    return reply;
}

std::string csrf_field(const PageSession& session) {
    return "<input type=\"hidden\" name=\"csrf\" value=\"" + html_escape(session.csrf_token) +
           "\">";
}

Route office_route(Service& service, const std::string& method, std::string pattern,
                   std::string right, OfficeHandler handler, long long max_body_bytes) {
    Route route(
        method, std::move(pattern),
        [&service, method, right = std::move(right), handler = std::move(handler)](Exchange& ex) {
            const auto session = service.page_sessions().session_of(ex);
            if (!session) {
                std::string next = ex.path();
                const auto& query = ex.query_parameters();
                for (std::size_t i = 0; i < query.size(); ++i) {
                    std::string name, value;
                    Poco::URI::encode(query[i].first, "&=+#%", name);
                    Poco::URI::encode(query[i].second, "&=+#%", value);
                    next += (i == 0 ? "?" : "&") + name + "=" + value;
                }
                if (method == "GET") {
                    std::string encoded;
                    Poco::URI::encode(next, "/?#&=+;%", encoded);
                    Response reply = office_page(303, {.title_cn = "登录",
                                                       .title_en = "Sign in",
                                                       .main = "<p><a href=\"/sign-in\">登录 " +
                                                               en("Sign in") + "</a></p>"});
                    reply.headers.emplace_back("Location", "/sign-in?next=" + encoded);
                    return reply;
                }
                return sign_in_page(service, 401, "/print",
                                    "登录已过期，请重新登录。" +
                                        en("Your sign-in has ended; please sign in again."));
            }
            if (!session->key.rights.count(right)) {
                throw ProblemError(forbidden("The key " + session->key.name +
                                             " does not have the right '" + right +
                                             "' that this page needs."));
            }
            return handler(ex, *session);
        },
        max_body_bytes);
    route.problem_page = office_problem_page;
    return route;
}

void require_csrf(const Exchange& exchange, const PageSession& session, std::string_view token) {
    if (exchange.header("Sec-Fetch-Site") == "cross-site" ||
        !PageSessions::csrf_matches(session, token)) {
        throw ProblemError(forbidden(
            "The form did not come from this page (its CSRF token is missing or wrong). Open "
            "the page again and send it from there."));
    }
}

std::map<std::string, std::string> read_url_form(Exchange& exchange, std::size_t limit) {
    std::istringstream body(exchange.read_body());
    if (body.str().size() > limit) {
        throw ProblemError(payload_too_large(static_cast<long long>(limit)));
    }
    Poco::Net::HTMLForm form;
    // Poco's own cap on one value (256 KB) would cut a long layout short without a word.
    form.setValueLengthLimit(static_cast<int>(limit));
    form.read(body);
    std::map<std::string, std::string> fields;
    for (const auto& [name, value] : form) fields.emplace(name, value);
    return fields;
}

void add_sign_in_routes(Service& service) {
    Router& r = service.router();
    Route get("GET", "/sign-in", [&service](Exchange& ex) {
        return sign_in_page(service, 200, local_path(ex.query("next").value_or("/print")), "");
    });
    get.problem_page = office_problem_page;
    r.add(std::move(get));

    Route post(
        "POST", "/sign-in",
        [&service](Exchange& ex) {
            auto form = read_url_form(ex);
            const std::string next = local_path(form["next"]);
            if (ex.header("Sec-Fetch-Site") == "cross-site" ||
                !service.page_sessions().sign_in_form_is_ours(ex, form["csrf"])) {
                return sign_in_page(service, 403, next,
                                    "登录表单已过期或并非来自本站，请重新输入密钥。" +
                                        en("The sign-in form had expired or did not come from "
                                           "this site; please enter the key again."));
            }
            const auto cookie = service.page_sessions().sign_in(form["key"]);
            if (!cookie) {
                // Keys are long and random; the limit only keeps a script from trying many.
                service.public_rate_limiter().take(ex.client_address());
                return sign_in_page(service, 401, next,
                                    "密钥不正确。" + en("That key is not known here."));
            }
            Response reply = office_page(303, {.title_cn = "登录",
                                               .title_en = "Sign in",
                                               .main = "<p><a href=\"" + html_escape(next) +
                                                       "\">继续 " + en("Continue") + "</a></p>"});
            reply.headers.emplace_back("Set-Cookie", *cookie);
            reply.headers.emplace_back("Location", next);
            return reply;
        },
        64 * 1024);
    post.problem_page = office_problem_page;
    r.add(std::move(post));

    Route out("POST", "/sign-out", [&service](Exchange& ex) {
        auto form = read_url_form(ex);
        // Signing out needs the token too: another site must not end a clerk's session.
        if (const auto session = service.page_sessions().session_of(ex)) {
            require_csrf(ex, *session, form["csrf"]);
        }
        Response reply = office_page(
            303, {.title_cn = "退出",
                  .title_en = "Signed out",
                  .main = "<p><a href=\"/sign-in\">登录 " + en("Sign in") + "</a></p>"});
        reply.headers.emplace_back("Set-Cookie", service.page_sessions().sign_out_cookie());
        reply.headers.emplace_back("Location", "/sign-in");
        return reply;
    });
    out.problem_page = office_problem_page;
    r.add(std::move(out));

    r.add({"GET", "/assets/office.css", [](Exchange&) {
               return Response::asset(std::string(embedded::office_css()),
                                      "text/css; charset=utf-8");
           }});
}

}  // namespace examdocs::service
