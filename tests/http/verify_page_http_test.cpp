// The verification page and the public lookups over plain HTTP: the headers every page
// carries, the paths that must never call a genuine certificate a fake, the code typed
// as people type it, the photo form's failures as pages, and the client address behind a
// reverse proxy (rate limits, audit and access logs). The page in a browser:
// tests/browser/verify_page_test.cpp.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <cctype>

#include "support/http_client.h"
#include "support/running_service.h"
#include "support/samples.h"

namespace {

using examdocs::registry::Certificate;
using examdocs::test::http_request;
using examdocs::test::HttpReply;
namespace svc = examdocs::service;

Certificate person(const std::string& issue_date) {
    Certificate c;
    c.holder_name = "张晓明";
    c.id_number = "120105199003071230";
    c.occupation_name = "信息通信网络运行管理员";
    c.level = 4;
    c.issuer = "天津市软件行业协会";
    c.issue_date = issue_date;
    c.photo_jpeg = examdocs::test::read_file(
        examdocs::test::source_path("tests/data/photos/good_295x413.jpg"));
    return c;
}

std::string verdict_of(const std::string& html) {
    const auto at = html.find("data-verdict=\"");
    if (at == std::string::npos) return "(none)";
    return html.substr(at + 14, html.find('"', at + 14) - at - 14);
}

// "7K3M9QX2…" as someone types it off the paper: lower case, dashes, o for 0, l for 1.
std::string as_typed(const std::string& code) {
    std::string typed;
    for (std::size_t i = 0; i < code.size(); ++i) {
        if (i > 0 && i % 4 == 0) typed += i % 8 == 0 ? " " : "-";
        const char c = code[i];
        typed += c == '0' ? 'o' : c == '1' ? 'l' : static_cast<char>(std::tolower(c));
    }
    return typed;
}

std::string url_encode_spaces(std::string text) {
    for (auto at = text.find(' '); at != std::string::npos; at = text.find(' ')) {
        text.replace(at, 1, "%20");
    }
    return text;
}

class VerifyPageHttp : public ::testing::Test {
  protected:
    VerifyPageHttp()
        : service_([](svc::Settings& s) { s.public_rate_per_minute = 100000; }),
          cert_(service_->registry()->issue(person("2026-01-15"), "page").certificate) {}

    HttpReply get(const std::string& path) { return http_request(service_.port(), "GET", path); }

    examdocs::test::RunningService service_;
    Certificate cert_;
};

void expect_page_headers(const HttpReply& r, const std::string& what) {
    SCOPED_TRACE(what);
    EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
    const std::string csp = r.headers.count("Content-Security-Policy")
                                ? r.headers.at("Content-Security-Policy")
                                : std::string();
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
    EXPECT_EQ(csp.find('*'), std::string::npos) << csp;
    EXPECT_EQ(r.headers.count("Referrer-Policy") ? r.headers.at("Referrer-Policy") : "",
              "no-referrer");
    EXPECT_EQ(
        r.headers.count("X-Content-Type-Options") ? r.headers.at("X-Content-Type-Options") : "",
        "nosniff");
    // No inline script: every <script> has a src of ours.
    for (auto at = r.body.find("<script"); at != std::string::npos;
         at = r.body.find("<script", at + 1)) {
        const std::string ours = "<script src=\"/verify/assets/verify.js\" ";
        EXPECT_EQ(r.body.compare(at, ours.size(), ours), 0) << r.body.substr(at, 80);
    }
}

TEST_F(VerifyPageHttp, EveryPageCarriesTheHeaders) {
    const std::string qr = "/verify/" + cert_.number + "?c=" + cert_.verification_code +
                           "&k=" + cert_.key_id + "&s=" + cert_.signature;
    for (const std::string& path :
         {std::string("/verify"), qr, "/verify/" + cert_.number,
          "/verify/" + cert_.number + "?c=WRONGWRONGWRONG1", std::string("/verify/S1")}) {
        const auto r = get(path);
        expect_page_headers(r, path);
        if (path != "/verify") {
            EXPECT_EQ(r.headers.at("Cache-Control"), "private, no-store");
        }
    }
    const auto css = get("/verify/assets/verify.css");
    EXPECT_EQ(css.status, 200);
    EXPECT_EQ(css.content_type, "text/css; charset=utf-8");
    const auto js = get("/verify/assets/verify.js");
    EXPECT_EQ(js.status, 200);
    EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
    // JSON routes keep JSON.
    const auto json = get("/v1/certificates/" + cert_.number);
    EXPECT_EQ(json.content_type, "application/json");
}

TEST_F(VerifyPageHttp, AGenuineCertificateIsNeverCalledAFakeWithoutTheQrSignature) {
    // Typed address: the masked record and a request for the code.
    const auto typed = get("/verify/" + cert_.number);
    EXPECT_EQ(typed.status, 200);
    EXPECT_EQ(verdict_of(typed.body), "found");
    EXPECT_NE(typed.body.find("张*明"), std::string::npos);
    EXPECT_EQ(typed.body.find("张晓明"), std::string::npos);
    // Typed in lower case with spaces, too.
    std::string lower = cert_.number;
    lower[0] = static_cast<char>(std::tolower(lower[0]));
    EXPECT_EQ(verdict_of(get("/verify/" + lower).body), "found");
    // The right code without k and s: the full record.
    const auto with_code = get("/verify/" + cert_.number + "?c=" + cert_.verification_code);
    EXPECT_EQ(with_code.status, 200);
    EXPECT_EQ(verdict_of(with_code.body), "valid");
    EXPECT_NE(with_code.body.find("张晓明"), std::string::npos);
    // And typed as people type it.
    const auto typed_code = get("/verify/" + cert_.number +
                                "?c=" + url_encode_spaces(as_typed(cert_.verification_code)));
    EXPECT_EQ(verdict_of(typed_code.body), "valid") << as_typed(cert_.verification_code);
    // An empty c is no code at all.
    EXPECT_EQ(verdict_of(get("/verify/" + cert_.number + "?c=").body), "found");
    // Only a QR link (with k and s) can be "forged".
    for (const auto& r : {typed, with_code, typed_code}) {
        EXPECT_EQ(r.body.find("forged"), std::string::npos);
        EXPECT_EQ(r.body.find("Not genuine"), std::string::npos);
    }
}

TEST_F(VerifyPageHttp, AWrongCodeGetsTheUnknownNumbersPage) {
    const auto wrong = get("/verify/" + cert_.number + "?c=AAAABBBBCCCCDDDD");
    const auto unknown = get("/verify/S999999999999999999999?c=AAAABBBBCCCCDDDD");
    EXPECT_EQ(wrong.status, 404);
    EXPECT_EQ(unknown.status, 404);
    auto strip = [](std::string body, const std::string& number) {
        for (auto at = body.find(number); at != std::string::npos; at = body.find(number))
            body.replace(at, number.size(), "N");
        return body;
    };
    EXPECT_EQ(strip(wrong.body, cert_.number), strip(unknown.body, "S999999999999999999999"));
    EXPECT_EQ(verdict_of(wrong.body), "unknown");
}

TEST_F(VerifyPageHttp, TheLookupFormLeadsToTheCertificatesOwnPage) {
    const auto r = get("/verify?number=" + url_encode_spaces(" " + cert_.number + " ") +
                       "&code=" + url_encode_spaces(as_typed(cert_.verification_code)));
    EXPECT_EQ(r.status, 303);
    EXPECT_EQ(r.headers.at("Location"),
              "/verify/" + cert_.number + "?c=" + cert_.verification_code);
    const auto number_only = get("/verify?number=" + cert_.number + "&code=");
    EXPECT_EQ(number_only.headers.at("Location"), "/verify/" + cert_.number);
    // An empty number stays on the start page.
    EXPECT_EQ(get("/verify?number=").status, 200);
}

TEST_F(VerifyPageHttp, TheJsonLookupTakesTheCodeAsPeopleTypeIt) {
    const auto r = get("/v1/certificates/" + cert_.number +
                       "?code=" + url_encode_spaces(as_typed(cert_.verification_code)));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_NE(r.body.find("张晓明"), std::string::npos);
    EXPECT_EQ(get("/v1/certificates/" + cert_.number + "?code=AAAABBBBCCCCDDDD").status, 404);
    // And the QR text sent to /v1/verify, its code typed by hand.
    const std::string qr = service_->settings().public_base_url + "/verify/" + cert_.number +
                           "?c=" + as_typed(cert_.verification_code) + "&k=" + cert_.key_id +
                           "&s=" + cert_.signature;
    const auto v = http_request(service_.port(), "POST", "/v1/verify",
                                R"({"qr":")" + url_encode_spaces(qr) + R"("})",
                                {{"Content-Type", "application/json"}});
    ASSERT_EQ(v.status, 200) << v.body;
    EXPECT_NE(v.body.find(R"("verdict":"valid")"), std::string::npos) << v.body;
}

std::string multipart(const std::string& boundary, const std::string& name,
                      const std::string& bytes) {
    return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name +
           "\"; filename=\"qr.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n" + bytes + "\r\n--" +
           boundary + "--\r\n";
}

TEST_F(VerifyPageHttp, ThePhotoFormsFailuresArePagesToo) {
    const std::string photo = examdocs::test::read_file(
        examdocs::test::source_path("tests/data/photos/good_295x413.jpg"));
    const auto no_qr =
        http_request(service_.port(), "POST", "/verify", multipart("b0undary", "image", photo),
                     {{"Content-Type", "multipart/form-data; boundary=b0undary"}});
    EXPECT_EQ(no_qr.status, 422);
    EXPECT_EQ(verdict_of(no_qr.body), "unreadable");
    expect_page_headers(no_qr, "no QR");
    const auto no_part =
        http_request(service_.port(), "POST", "/verify", multipart("b0undary", "other", photo),
                     {{"Content-Type", "multipart/form-data; boundary=b0undary"}});
    EXPECT_EQ(no_part.status, 422);
    EXPECT_EQ(verdict_of(no_part.body), "unreadable");
    const auto no_boundary = http_request(service_.port(), "POST", "/verify", "x",
                                          {{"Content-Type", "multipart/form-data"}});
    EXPECT_EQ(no_boundary.status, 400);
    EXPECT_EQ(verdict_of(no_boundary.body), "trouble");
    expect_page_headers(no_boundary, "no boundary");
    const auto not_a_form =
        http_request(service_.port(), "POST", "/verify", photo, {{"Content-Type", "image/jpeg"}});
    EXPECT_EQ(not_a_form.status, 415);
    EXPECT_EQ(verdict_of(not_a_form.body), "trouble");
}

TEST(VerifyPageLimits, ATooLargePictureIsAPage) {
    examdocs::test::RunningService service([](svc::Settings& s) { s.max_photo_bytes = 4096; });
    const std::string big(200000, 'x');
    const auto r = http_request(service.port(), "POST", "/verify", multipart("b", "image", big),
                                {{"Content-Type", "multipart/form-data; boundary=b"}});
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(verdict_of(r.body), "trouble");
    expect_page_headers(r, "413");
}

// One request from a given loopback source address, as a proxy at that address would
// send it (Linux routes all of 127.0.0.0/8 to the loopback interface).
HttpReply request_from(const std::string& source, std::uint16_t port, const std::string& path,
                       const std::map<std::string, std::string>& headers) {
    Poco::Net::StreamSocket socket(Poco::Net::IPAddress::IPv4);
    socket.impl()->bind(Poco::Net::SocketAddress(source, 0), true);
    socket.connect(Poco::Net::SocketAddress("127.0.0.1", port));
    Poco::Net::HTTPClientSession session(socket);
    session.setTimeout(Poco::Timespan(60, 0));
    Poco::Net::HTTPRequest request("GET", path, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [k, v] : headers) request.set(k, v);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    HttpReply reply;
    reply.status = static_cast<int>(response.getStatus());
    reply.content_type = response.getContentType();
    for (const auto& [k, v] : response) reply.headers[k] = v;
    Poco::StreamCopier::copyToString(in, reply.body);
    return reply;
}

TEST(ClientAddress, BehindATrustedProxyTheRateLimitIsPerForwardedClient) {
    // The proxy is 127.0.0.2; 127.0.0.3 is someone reaching the service directly.
    examdocs::test::RunningService service([](svc::Settings& s) {
        s.public_rate_per_minute = 1;  // a burst of 5, then one a minute
        s.trusted_proxies =
            svc::TrustedProxies::parse("127.0.0.2", svc::ForwardingHeader::x_forwarded_for);
    });
    auto& registry = *service->registry();
    const Certificate c = registry.issue(person("2026-01-15"), "proxy").certificate;
    const std::string path = "/verify/" + c.number + "?c=" + c.verification_code;
    auto via_proxy = [&](const std::string& client) {
        return request_from("127.0.0.2", service.port(), path,
                            {{"X-Forwarded-For", "198.51.100.1, " + client}});
    };

    // Client A uses up its lookups through the proxy...
    int a_refused_after = -1;
    for (int i = 0; i < 20 && a_refused_after < 0; ++i) {
        const auto r = via_proxy("203.0.113.7");
        if (r.status == 429) {
            a_refused_after = i;
            EXPECT_FALSE(r.headers.at("Retry-After").empty());
            EXPECT_EQ(verdict_of(r.body), "rate-limited");
            expect_page_headers(r, "429");
        } else {
            EXPECT_EQ(r.status, 200);
        }
    }
    EXPECT_GT(a_refused_after, 0);
    // ...and client B behind the same proxy still has its own (the spoofed leftmost hop,
    // the same for both, is not what counts).
    EXPECT_EQ(via_proxy("203.0.113.8").status, 200);
    EXPECT_EQ(via_proxy("203.0.113.7").status, 429);

    // Someone not behind the proxy cannot pick an address by sending the header: all
    // their requests count against 127.0.0.3, whatever they claim.
    int direct_ok = 0;
    bool direct_refused = false;
    for (int i = 0; i < 20 && !direct_refused; ++i) {
        const auto r = request_from("127.0.0.3", service.port(), path,
                                    {{"X-Forwarded-For", "192.0.2." + std::to_string(i + 1)}});
        if (r.status == 429) {
            direct_refused = true;
        } else {
            ++direct_ok;
        }
    }
    EXPECT_TRUE(direct_refused);
    EXPECT_EQ(direct_ok, a_refused_after);  // the same burst as one client

    // The audit trail and the access log name the forwarded client.
    bool audited = false;
    for (const auto& e : registry.audit_trail(c.number)) {
        if (e.actor == "client 203.0.113.7") audited = true;
        EXPECT_NE(e.actor, "client 127.0.0.2");
        EXPECT_NE(e.actor, "client 198.51.100.1");
    }
    EXPECT_TRUE(audited);
    service->shutdown();
    const std::string log = service.log_text();
    EXPECT_NE(log.find(R"("client":"203.0.113.7")"), std::string::npos);
    EXPECT_NE(log.find(R"("client":"203.0.113.8")"), std::string::npos);
    EXPECT_NE(log.find(R"("client":"127.0.0.3")"), std::string::npos);
    EXPECT_EQ(log.find(R"("client":"192.0.2.1")"), std::string::npos);
}

}  // namespace
