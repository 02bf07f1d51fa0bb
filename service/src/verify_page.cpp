// The page a person opens to check a certificate: from its QR code, by typing the number
// and the code, or by sending a photo of the QR code. Every state is a page rendered
// here, so that it works on any phone with scripts off; the one script we serve only
// submits the photo form as soon as a picture is chosen.
//
// The rule this file keeps above all: a genuine certificate is never called a fake. Only
// a QR link that carries a key id or a signature can be "forged"; a typed address or a
// code without them is a lookup, which finds the record or says nothing.
#include "verify_page.h"

#include "examdocs/certificates/certificate_request.h"
#include "form_parts.h"
#include "html_text.h"

#include <Poco/String.h>
#include <Poco/URI.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <optional>
#include <span>

#include "examdocs/certificates/qr_reader.h"
#include "examdocs/core/base64.h"
#include "examdocs/core/field_rules.h"
#include "examdocs/core/masking.h"
#include "examdocs/core/problem.h"
#include "examdocs/core/verification_code.h"
#include "examdocs/registry/certificate_registry.h"
#include "examdocs/renderers/level_schemes.h"
#include "examdocs/service/service.h"

namespace examdocs::embedded {
std::string_view verify_page_css();
std::string_view verify_page_js();
}  // namespace examdocs::embedded

namespace examdocs::service {

namespace {

std::string escape(std::string_view text) { return html_escape(text); }

// The level in the words of its scheme (layouts/vocabulary/levels.json): 四级/中级工, 专项能力,
// 中级; the code itself when the scheme does not know it.
std::string level_words(const registry::Certificate& c) {
    const auto* scheme = renderers::LevelSchemes::bundled().find(c.level_scheme);
    const auto* level = scheme ? scheme->find(registry::level_code(c)) : nullptr;
    return level ? level->zh : registry::level_code(c);
}

// Icons are drawn, not taken from a font: a phone without the glyph would show a box.
// They repeat what the words say (aria-hidden), next to a colour of their own.
std::string icon(std::string_view state) {
    std::string paths;
    if (state == "valid") {
        paths = R"(<circle cx="12" cy="12" r="10"/><path d="M7 12.5l3.2 3.2L17 9"/>)";
    } else if (state == "revoked") {
        paths = R"(<circle cx="12" cy="12" r="10"/><path d="M5 5l14 14"/>)";
    } else if (state == "expired") {
        paths = R"(<circle cx="12" cy="12" r="10"/><path d="M12 6.5V12l3.5 2.5"/>)";
    } else if (state == "not-yet-valid") {
        paths =
            R"(<rect x="3" y="4.5" width="18" height="16" rx="2"/><path d="M3 9.5h18M8 2.5v4M16 2.5v4M9 15h6"/>)";
    } else if (state == "forged") {
        paths =
            R"(<path d="M12 2.5L1.8 20.5h20.4z"/><path d="M12 9v5.5"/><circle cx="12" cy="17.4" r=".6"/>)";
    } else if (state == "unknown") {
        paths =
            R"(<circle cx="12" cy="12" r="10"/><path d="M9.2 9.2a2.9 2.9 0 1 1 4.1 2.6c-.8.4-1.3 1-1.3 1.9v.6"/><circle cx="12" cy="17.2" r=".6"/>)";
    } else if (state == "found") {
        paths =
            R"(<circle cx="8" cy="12" r="4.5"/><path d="M12.5 12H22M18.5 12v3.5M21.5 12v2.5"/>)";
    } else if (state == "unreadable") {
        paths =
            R"(<path d="M3 7.5h4l1.8-2.5h6.4L17 7.5h4v12H3z"/><circle cx="12" cy="13" r="3.5"/><path d="M2 2l20 20"/>)";
    } else if (state == "rate-limited") {
        paths =
            R"(<path d="M6 2.5h12M6 21.5h12M7 2.5c0 6 10 5 10 9.5S7 15.5 7 21.5M17 2.5c0 6-10 5-10 9.5s10 3.5 10 9.5"/>)";
    } else if (state == "start") {
        paths = R"(<circle cx="10.5" cy="10.5" r="7"/><path d="M15.5 15.5l6 6"/>)";
    } else {  // trouble: the check could not be made
        paths =
            R"(<circle cx="12" cy="12" r="10"/><path d="M12 6.5v7"/><circle cx="12" cy="17" r=".6"/>)";
    }
    return R"(<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">)" +
           paths + "</svg>";
}

// One state of the page: its colour and icon (by `state`), a heading and what to do now.
struct Verdict {
    std::string state;  // valid, revoked, expired, not-yet-valid, forged, unknown, found, …
    std::string heading_cn, heading_en;
    std::string text;  // HTML, both languages
};

std::string verdict_box(const Verdict& v) {
    return "<section class=\"verdict " + v.state + "\" id=\"verdict\" data-verdict=\"" + v.state +
           "\" aria-labelledby=\"verdict-heading\">" + icon(v.state) +
           "<div><h1 id=\"verdict-heading\">" + v.heading_cn + " " + en(v.heading_en) + "</h1>" +
           v.text + "</div></section>\n";
}

std::string date_of(const std::string& iso_time) { return iso_time.substr(0, 10); }

// The record as the registry has it, to compare with the paper and the person. `full`
// only for a genuine QR code or the right verification code: then the name, ID number,
// photo and code are shown in full; otherwise masked and without the photo.
std::string record(const registry::Certificate& c, bool full) {
    std::string d =
        "<section class=\"record\" aria-labelledby=\"record-heading\">"
        "<h2 id=\"record-heading\">登记信息 " +
        en("Registry record") + "</h2>";
    // Base64 holds no character that could leave the attribute.
    if (full && !c.photo_jpeg.empty()) {
        d += "<p class=\"photo\"><img alt=\"登记照片 Registered photo\" "
             "src=\"data:image/jpeg;base64," +
             base64_encode(c.photo_jpeg) + "\"></p>";
    }
    d += "<dl>";
    auto row = [&](const std::string& label, const std::string& value_html) {
        d += "<dt>" + label + "</dt><dd>" + value_html + "</dd>";
    };
    row("证书编号 " + en("Number"), escape(c.number));
    row("姓名 " + en("Name"), escape(full ? c.holder_name : mask_name(c.holder_name)));
    row("证件号码 " + en("ID number"), escape(full ? c.id_number : mask_id_number(c.id_number)));
    const bool title = c.level_scheme == "zhicheng" || c.level_scheme == "ruankao";
    row(title ? "资格名称 " + en("Qualification") : "职业 " + en("Occupation"),
        escape(c.occupation_name + (c.job.empty() ? "" : "（" + c.job + "）")));
    row("等级 " + en("Level"), escape(level_words(c)));
    row("发证机构 " + en("Issued by"), escape(c.issuer));
    row("发证日期 " + en("Issue date"), escape(c.issue_date));
    if (!c.expiry_date.empty()) row("有效期至 " + en("Valid until"), escape(c.expiry_date));
    if (c.status == "revoked") {
        row("撤销 " + en("Revoked"),
            escape(date_of(c.revoked_at)) +
                (c.revoked_reason.empty() ? "" : "：" + escape(c.revoked_reason)));
    }
    if (full) {
        row("验证码 " + en("Verification code"),
            "<span class=\"code\">" + escape(group_verification_code(c.verification_code)) +
                "</span>");
    }
    d += "</dl>";
    if (full) {
        d += "<p class=\"hint\">请核对纸质证书、持证人与以上登记信息是否一致。" +
             en("Check that the paper and the person match this record.") + "</p>";
    }
    return d + "</section>\n";
}

// The standing of a certificate whose QR code or verification code was right.
Verdict standing_verdict(const registry::Certificate& c, const std::string& standing,
                         bool from_qr) {
    const std::string how =
        from_qr
            ? "二维码与登记信息一致。" + en("The QR code matches the registry.")
            : "证书编号与验证码与登记信息一致。" + en("The number and code match the registry.");
    if (standing == "revoked") {
        return {"revoked", "证书已撤销", "Revoked",
                "<p>该证书已于 " + escape(date_of(c.revoked_at)) + " 撤销，不再有效。" +
                    en("This certificate was revoked on " + escape(date_of(c.revoked_at)) +
                       " and is no longer valid.") +
                    "</p><p>" + how + "</p>"};
    }
    if (standing == "expired") {
        return {"expired", "证书已过期", "Expired",
                "<p>有效期至 " + escape(c.expiry_date) + "，已过期。" +
                    en("It was valid until " + escape(c.expiry_date) + ".") + "</p><p>" + how +
                    "</p>"};
    }
    if (standing == "not-yet-valid") {
        return {"not-yet-valid", "证书尚未生效", "Not yet valid",
                "<p>发证日期为 " + escape(c.issue_date) + "，届时起生效。" +
                    en("It takes effect on its issue date, " + escape(c.issue_date) + ".") +
                    "</p><p>" + how + "</p>"};
    }
    return {"valid", "证书有效", "Valid",
            "<p>" + how + "</p><p>该证书已登记，未被撤销。" +
                en("The certificate is registered and has not been revoked.") + "</p>"};
}

Verdict forged_verdict() {
    return {"forged", "验证失败：二维码与登记信息不符", "Not genuine",
            "<p>此二维码与该编号的登记信息不符，证书可能被伪造或篡改。" +
                en("This QR code does not match the registry's record for this number: the "
                   "certificate may be forged or altered.") +
                "</p><p>如有疑问，请输入证书上的验证码查询，或联系发证机构。" +
                en("If in doubt, look it up with the verification code printed on it, or "
                   "contact the issuer.") +
                "</p>"};
}

// The same page for a number that is not registered and for a wrong code, so that a
// guess learns nothing about which numbers exist.
Verdict unknown_verdict(const std::string& number) {
    return {"unknown", "未找到相符的证书", "No matching certificate",
            "<p>登记库中没有与编号 <span class=\"number\">" + escape(number) +
                "</span> 及所填验证码相符的证书。" +
                en("The registry has no certificate matching this number and code.") +
                "</p><ul><li>请核对证书编号（1个字母加21位数字）与验证码是否输入正确。" +
                en("Check the certificate number (a letter and 21 digits) and the code.") +
                "</li><li>如仍未找到，请联系发证机构核实。" +
                en("If it is still not found, contact the body that issued the certificate.") +
                "</li></ul>"};
}

Verdict found_verdict() {
    return {"found", "已找到该编号的证书", "Certificate found",
            "<p>以下为部分隐去的登记信息。请输入证书上印的验证码，查看完整信息与照片。" +
                en("Below is the record with personal data hidden. Enter the verification code "
                   "printed on the certificate to see it in full, with the photo.") +
                "</p>"};
}

Verdict unreadable_verdict(const std::string& why_cn, const std::string& why_en) {
    return {"unreadable", "未能识别二维码", "The QR code could not be read",
            "<p>" + why_cn + en(why_en) +
                "</p><ul><li>请正对二维码拍摄，对准焦点、光线充足，二维码占画面较大部分。" +
                en("Photograph the code square on, in focus and in good light, filling much of "
                   "the picture.") +
                "</li><li>也可以输入证书编号与验证码查询。" +
                en("Or enter the certificate number and code below.") + "</li></ul>"};
}

Verdict start_verdict() {
    return {"start", "证书验证", "Certificate verification",
            "<p>扫描证书上的二维码即可打开本页。也可输入证书编号与验证码，或上传二维码照片。" +
                en("Scanning the QR code on a certificate opens this page. You can also enter "
                   "the certificate number and code, or send a photo of the QR code.") +
                "</p>"};
}

// The forms, on every page: they are how a person goes on from any state.
std::string forms(const std::string& number, bool code_first) {
    std::string lookup =
        "<section class=\"panel\" aria-labelledby=\"lookup-heading\"><h2 id=\"lookup-heading\">" +
        (code_first
             ? "请输入证书上的验证码 " + en("Enter the verification code on your certificate")
             : "按编号查询 " + en("Look up by number")) +
        "</h2><form action=\"/verify\" method=\"get\">"
        "<label for=\"number\">证书编号 " +
        en("Certificate number") +
        "</label><input id=\"number\" name=\"number\" required maxlength=\"64\" "
        "autocomplete=\"off\" autocapitalize=\"characters\" spellcheck=\"false\" value=\"" +
        escape(number) + "\"><label for=\"code\">验证码 " + en("Verification code") +
        "</label><input id=\"code\" name=\"code\" maxlength=\"64\" autocomplete=\"off\" "
        "autocapitalize=\"characters\" spellcheck=\"false\" aria-describedby=\"code-hint\">"
        "<p class=\"hint\" "
        "id=\"code-hint\">证书上印的16位验证码，不区分大小写，空格和横线可省略。" +
        en("The 16 characters printed on the certificate; case, spaces and dashes do not "
           "matter.") +
        "</p><button type=\"submit\">查询 " + en("Look up") + "</button></form></section>\n";
    std::string picture =
        "<section class=\"panel\" aria-labelledby=\"picture-heading\"><h2 id=\"picture-heading\">"
        "拍照验证 " +
        en("Check a photo of the QR code") +
        "</h2><form action=\"/verify\" method=\"post\" enctype=\"multipart/form-data\" "
        "id=\"picture-form\"><label for=\"image\">证书二维码的照片 " +
        en("Photo of the certificate's QR code") +
        "</label><input id=\"image\" name=\"image\" type=\"file\" accept=\"image/jpeg,image/png\" "
        "required><button type=\"submit\">验证 " +
        en("Verify") + "</button></form></section>\n";
    return lookup + picture;
}

std::string page(const std::string& title_cn, const std::string& title_en,
                 const std::string& main) {
    return "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           "<title>" +
           title_cn + " " + title_en +
           " · 证书验证</title>\n"
           "<link rel=\"stylesheet\" href=\"/verify/assets/verify.css\">\n"
           "<script src=\"/verify/assets/verify.js\" defer></script>\n"
           "</head><body>\n<header><p><a href=\"/verify\">职业技能等级证书验证 " +
           en("Certificate verification") + "</a></p></header>\n<main>\n" + main +
           "</main>\n<footer><p>本页不使用Cookie，不记录您上传的图片。" +
           en("This page sets no cookies and keeps no picture you send.") +
           "</p></footer>\n</body></html>\n";
}

// Every page: no inline script (the CSP allows only our own files), never framed, the
// URL (which carries the verification code) never sent on as a referrer.
Response html(int status, const Verdict& verdict, const std::string& rest, bool no_store) {
    Response reply =
        Response::text(page(verdict.heading_cn, verdict.heading_en, verdict_box(verdict) + rest),
                       "text/html; charset=utf-8");
    reply.status = status;
    reply.headers.emplace_back("Content-Security-Policy",
                               "default-src 'none'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data:; form-action 'self'; base-uri 'none'; "
                               "frame-ancestors 'none'");
    reply.headers.emplace_back("Referrer-Policy", "no-referrer");
    reply.headers.emplace_back("X-Content-Type-Options", "nosniff");
    reply.headers.emplace_back("X-Frame-Options", "DENY");
    // A page with a verdict about a person is never kept by a shared cache.
    if (no_store) reply.headers.emplace_back("Cache-Control", "private, no-store");
    return reply;
}

// Problems thrown on the way (the rate limit, a body too large, the registry not ready)
// answered as a page, with the problem's status and headers (Retry-After).
Response problem_page(const Problem& problem) {
    Verdict v;
    if (problem.status == 429) {
        int seconds = 60;
        for (const auto& [name, value] : problem.headers) {
            if (name == "Retry-After") seconds = std::max(1, std::atoi(value.c_str()));
        }
        // Two minutes and more read better in minutes.
        const bool minutes = seconds >= 120;
        const std::string wait = std::to_string(minutes ? (seconds + 59) / 60 : seconds);
        v = {"rate-limited", "查询过于频繁", "Too many lookups",
             "<p>来自您所在网络的查询过多，请在 " + wait + (minutes ? " 分钟" : " 秒") +
                 "后再试。" +
                 en("There were too many lookups from your network. Please try again in " + wait +
                    (minutes ? " minutes." : " seconds.")) +
                 "</p>"};
    } else if (problem.status == 413) {
        v = {"trouble", "图片太大", "The picture is too large",
             "<p>请缩小图片或只拍摄二维码部分后重试。" +
                 en("Please send a smaller picture, or one of just the QR code.") + "</p>"};
    } else if (problem.status == 503) {
        v = {"trouble", "暂时无法查询", "The check is not available right now",
             "<p>请稍后再试。" + en("Please try again in a few minutes.") + "</p>"};
    } else {
        v = {"trouble", "无法完成查询", "The check could not be done",
             "<p>" + en(escape(problem.detail)) + "</p>"};
    }
    Response reply = html(problem.status, v, forms("", false), true);
    for (const auto& header : problem.headers) reply.headers.push_back(header);
    return reply;
}

// Numbers are printed in capitals; people type them with spaces or in lower case.
std::string normalize_number(std::string_view typed) {
    std::string out;
    for (char c : typed) {
        if (c == ' ' || c == '-' || c == '\t') continue;
        out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    }
    return out;
}

registry::CertificateRegistry& registry_of(Service& service) {
    auto* registry = service.registry();
    if (!registry) throw ProblemError(service_unavailable("The registry is not ready.", 5));
    return *registry;
}

// What a person presented: the number, and what the QR link or the form added to it.
struct Presented {
    std::string number;
    std::optional<std::string> code;  // ?c= or the form's code
    std::string key_id, signature;    // only a QR link has these
};

Response answer(Service& service, const Exchange& ex, const Presented& p) {
    auto& registry = registry_of(service);
    auto c = p.number.empty() ? std::nullopt : registry.find(p.number);
    const bool from_qr = !p.key_id.empty() || !p.signature.empty();
    if (!c) {
        service.metrics().verification("unknown");
        return html(404, unknown_verdict(p.number), forms(p.number, false), true);
    }
    if (from_qr) {
        const std::string state =
            registry.verdict(*c, p.code.value_or(""), p.key_id, p.signature, today_utc());
        service.metrics().verification(state);
        if (state == "forged") {
            return html(200, forged_verdict(), record(*c, false) + forms(p.number, true), true);
        }
        registry.record_lookup(c->number, "client " + ex.client_address(),
                               "verification page, QR code: " + state);
        return html(200, standing_verdict(*c, state, true), record(*c, true) + forms("", false),
                    true);
    }
    if (!p.code || normalize_verification_code(*p.code).empty()) {
        return html(200, found_verdict(), record(*c, false) + forms(p.number, true), true);
    }
    if (!verification_codes_match(*p.code, c->verification_code)) {
        service.metrics().verification("unknown");
        return html(404, unknown_verdict(p.number), forms(p.number, false), true);
    }
    const std::string state = registry::CertificateRegistry::standing(*c, today_utc());
    service.metrics().verification(state);
    registry.record_lookup(c->number, "client " + ex.client_address(),
                           "verification page, number and code: " + state);
    return html(200, standing_verdict(*c, state, false), record(*c, true) + forms("", false), true);
}

// The QR link read off a photo: the number is the last path segment, c, k and s its query.
Presented presented_by_link(const std::string& link) {
    Presented p;
    try {
        const Poco::URI uri(link);
        const std::string& path = uri.getPath();
        p.number = normalize_number(path.substr(path.rfind('/') + 1));
        for (const auto& [k, v] : uri.getQueryParameters()) {
            if (k == "c") p.code = v;
            if (k == "k") p.key_id = v;
            if (k == "s") p.signature = v;
        }
    } catch (const Poco::Exception&) {
        p = {};  // not a link: no number, so "not found"
    }
    return p;
}

// The one file part "image" of the photo form, at most `limit` bytes; nullopt without one.
// The picture of the photo form (part "image"), read through the one multipart reader
// with its part limit; other parts are skipped.
std::optional<std::string> uploaded_image(Exchange& ex, long long limit) {
    std::optional<std::string> image;
    std::array<char, 16384> chunk{};
    read_form_parts(ex, [&](FormPart& part) {
        if (part.name != "image" || image) return;
        std::string bytes;
        while (part.body.read(chunk.data(), chunk.size()) || part.body.gcount() > 0) {
            bytes.append(chunk.data(), static_cast<std::size_t>(part.body.gcount()));
            if (static_cast<long long>(bytes.size()) > limit)
                throw ProblemError(payload_too_large(limit));
        }
        image = std::move(bytes);
    });
    return image;
}

Route page_route(std::string method, std::string pattern, Handler handler, long long max_body = 0) {
    Route route(std::move(method), std::move(pattern), std::move(handler), max_body);
    route.problem_page = problem_page;
    return route;
}

}  // namespace

void add_verify_page_routes(Service& service) {
    Router& r = service.router();
    r.add(page_route("GET", "/verify", [](Exchange& ex) {
        // The lookup form: answered at the certificate's own address, the one a person
        // would bookmark or type.
        if (const auto number = ex.query("number")) {
            const std::string n = normalize_number(*number);
            if (!n.empty()) {
                const std::string code = normalize_verification_code(ex.query("code").value_or(""));
                std::string location;
                Poco::URI::encode(n, "/?#&=+;%", location);
                location = "/verify/" + location;
                if (!code.empty()) {
                    std::string encoded;
                    Poco::URI::encode(code, "/?#&=+;%", encoded);
                    location += "?c=" + encoded;
                }
                Response reply = html(303, start_verdict(), forms(n, false), true);
                reply.headers.emplace_back("Location", location);
                return reply;
            }
        }
        return html(200, start_verdict(), forms("", false), false);
    }));
    r.add(page_route("GET", "/verify/{number}", [&service](Exchange& ex) {
        service.public_rate_limiter().take(ex.client_address());
        Presented p;
        p.number = normalize_number(ex.param("number"));
        p.code = ex.query("c");
        p.key_id = ex.query("k").value_or("");
        p.signature = ex.query("s").value_or("");
        return answer(service, ex, p);
    }));
    const long long photo_limit = service.settings().max_photo_bytes;
    r.add(page_route(
        "POST", "/verify",
        [&service, photo_limit](Exchange& ex) {
            service.public_rate_limiter().take(ex.client_address());
            const auto image = uploaded_image(ex, photo_limit);
            if (!image || image->empty()) {
                return html(422, unreadable_verdict("没有收到图片。", "No picture arrived."),
                            forms("", false), true);
            }
            const auto reading =
                certificates::read_qr_code(std::as_bytes(std::span(image->data(), image->size())));
            if (reading.error) {
                return html(
                    422,
                    unreadable_verdict("图片无法读取：" + reading.error->message_zh,
                                       "The picture cannot be read: " + reading.error->message_en),
                    forms("", false), true);
            }
            if (!reading.text) {
                return html(422,
                            unreadable_verdict("图片中没有找到可识别的二维码。",
                                               "No readable QR code was found in the picture."),
                            forms("", false), true);
            }
            Poco::URI link;
            try {
                link = Poco::URI(*reading.text);
            } catch (const Poco::Exception&) {
                link.clear();
            }
            if (!certificates::is_verification_link(link, service.settings().public_base_url,
                                                    service.settings().other_base_urls)) {
                // Nothing of a certificate is looked up for another site's code.
                return html(422,
                            unreadable_verdict("此二维码不是本机构的证书验证链接。",
                                               "This QR code does not point to our "
                                               "verification page."),
                            forms("", false), true);
            }
            return answer(service, ex, presented_by_link(*reading.text));
        },
        photo_limit + 64 * 1024));
    r.add({"GET", "/verify/assets/verify.css", [](Exchange&) {
               return Response::asset(std::string(embedded::verify_page_css()),
                                      "text/css; charset=utf-8");
           }});
    r.add({"GET", "/verify/assets/verify.js", [](Exchange&) {
               return Response::asset(std::string(embedded::verify_page_js()),
                                      "text/javascript; charset=utf-8");
           }});
}

}  // namespace examdocs::service
