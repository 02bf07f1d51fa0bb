// Certificates end to end through a real server: issue, look up, print, verify, revoke.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/SHA2Engine.h>
#include <gtest/gtest.h>

#include <vector>

#include "examdocs/core/id_number.h"

#include "examdocs/core/field_rules.h"

#include "support/http_client.h"
#include "support/pdf_reader.h"
#include "support/running_service.h"
#include "support/samples.h"

namespace svc = examdocs::service;
using examdocs::test::http_request;
using examdocs::test::parse_object;

namespace {

using examdocs::test::sha256_hex;

const std::string kBackendKey = "backend-secret-key-0001";
const std::string kReaderKey = "reader-secret-key-0002";

class CertificatesApi : public ::testing::Test {
  protected:
    examdocs::test::HttpReply issue(const std::string& body, const std::string& idempotency_key,
                                    const std::string& key = kBackendKey) {
        return http_request(port_, "POST", "/v1/certificates", body,
                            {{"Content-Type", "application/json"},
                             {"Authorization", "Bearer " + key},
                             {"Idempotency-Key", idempotency_key}});
    }

    static std::string request(const std::string& name = "张晓明") {
        return R"({"holder":{"name":")" + name + R"(","idNumber":"120105199003071230","photo":")" +
               examdocs::test::photo_base64("good_413x579.jpg") +
               R"("},"occupation":{"code":"4-04-05-02","name":"信息通信网络运行管理员","job":"网络运行管理"},)"
               R"("level":4,"issuer":{"name":"天津市软件行业协会"},"issueDate":"2026-06-30"})";
    }

    examdocs::test::HttpReply verify(const std::string& qr) {
        return http_request(port_, "POST", "/v1/verify", "{\"qr\":\"" + qr + "\"}",
                            {{"Content-Type", "application/json"}});
    }

    examdocs::test::RunningService service_{[](svc::Settings& s) {
        s.api_keys = "backend:" + sha256_hex(kBackendKey) +
                     ":issue+revoke+read,reader:" + sha256_hex(kReaderKey) + ":read";
        s.public_base_url = "https://verify.example.org";
        s.public_rate_per_minute = 600;
    }};
    std::uint16_t port_ = service_.port();
};

TEST_F(CertificatesApi, IssueIsIdempotentAndNeedsTheRight) {
    auto created = issue(request(), "order-1");
    ASSERT_EQ(created.status, 201) << created.body;
    auto cert = parse_object(created.body);
    const std::string number = cert->getValue<std::string>("number");
    EXPECT_EQ(created.headers.at("Location"), "/v1/certificates/" + number);
    EXPECT_EQ(cert->getValue<std::string>("verificationCode").size(), 16u);
    EXPECT_EQ(cert->getValue<std::string>("verificationUrl")
                  .rfind("https://verify.example.org/verify/" + number, 0),
              0u);

    auto again = issue(request(), "order-1");
    EXPECT_EQ(again.status, 200);
    EXPECT_EQ(again.headers.at("Idempotent-Replayed"), "true");
    EXPECT_EQ(parse_object(again.body)->getValue<std::string>("number"), number);

    EXPECT_EQ(issue(request("李卫东"), "order-1").status, 409);
    EXPECT_EQ(issue(request(), "order-2", "wrong-key").status, 401);
    EXPECT_EQ(issue(request(), "order-2", kReaderKey).status, 403);
    EXPECT_EQ(http_request(port_, "POST", "/v1/certificates", request(),
                           {{"Content-Type", "application/json"}, {"Idempotency-Key", "x"}})
                  .status,
              401);
    auto bad =
        issue(R"({"holder":{"name":"张三","idNumber":"120105199003071231"},"level":9})", "order-3");
    EXPECT_EQ(bad.status, 422);
}

TEST_F(CertificatesApi, PublicLookupIsMaskedAndTheCodeUnlocksIt) {
    auto cert = parse_object(issue(request(), "order-1").body);
    const std::string number = cert->getValue<std::string>("number");
    const std::string code = cert->getValue<std::string>("verificationCode");

    auto masked = parse_object(http_request(port_, "GET", "/v1/certificates/" + number).body);
    EXPECT_EQ(masked->getValue<std::string>("holderName"), "张*明");
    EXPECT_EQ(masked->getValue<std::string>("idNumber"), "1201**********1230");
    EXPECT_FALSE(masked->has("photo"));
    EXPECT_EQ(masked->getValue<std::string>("status"), "valid");

    auto full = parse_object(
        http_request(port_, "GET", "/v1/certificates/" + number + "?code=" + code).body);
    EXPECT_EQ(full->getValue<std::string>("holderName"), "张晓明");
    EXPECT_EQ(full->getValue<std::string>("photo").rfind("data:image/jpeg;base64,", 0), 0u);

    auto wrong_code =
        http_request(port_, "GET", "/v1/certificates/" + number + "?code=AAAAAAAAAAAAAAAA");
    auto unknown =
        http_request(port_, "GET", "/v1/certificates/S999999999999999999999?code=AAAAAAAAAAAAAAAA");
    EXPECT_EQ(wrong_code.status, 404);
    EXPECT_EQ(unknown.status, 404);
    auto strip = [](const std::string& body) {
        auto o = parse_object(body);
        o->remove("requestId");
        o->remove("instance");
        std::ostringstream s;
        o->stringify(s);
        return s.str();
    };
    EXPECT_EQ(strip(wrong_code.body), strip(unknown.body));
}

TEST_F(CertificatesApi, ThePrintedQrVerifiesAndRevocationShows) {
    auto cert = parse_object(issue(request(), "order-1").body);
    const std::string number = cert->getValue<std::string>("number");
    auto pdf = http_request(port_, "GET", "/v1/certificates/" + number + "/pdf", {},
                            {{"Authorization", "Bearer " + kReaderKey}});
    ASSERT_EQ(pdf.status, 200) << pdf.body;
    const auto qr = examdocs::test::decode_codes(pdf.body, 0, ZXing::BarcodeFormat::QRCode, 150);
    ASSERT_EQ(qr.size(), 1u);
    EXPECT_EQ(qr[0], cert->getValue<std::string>("verificationUrl"));
    EXPECT_NE(examdocs::test::read_pdf(pdf.body).all_text.find(number), std::string::npos);
    // The registry's PDF is signed (PAdES B-B) with the instance's certificate.
    const std::string signature = examdocs::test::pdfsig_report(pdf.body);
    EXPECT_NE(signature.find("Signature is Valid."), std::string::npos) << signature;
    EXPECT_NE(signature.find("CN=examdocs certificate signing"), std::string::npos) << signature;

    auto valid = parse_object(verify(qr[0]).body);
    EXPECT_EQ(valid->getValue<std::string>("verdict"), "valid");
    EXPECT_EQ(valid->getObject("certificate")->getValue<std::string>("holderName"), "张晓明");

    // A forger who knows a real number but not its code and signature.
    std::string forged = qr[0];
    forged.replace(forged.find("?c=") + 3, 16, "0000000000000000");
    EXPECT_EQ(parse_object(verify(forged).body)->getValue<std::string>("verdict"), "forged");
    EXPECT_EQ(
        parse_object(verify("https://verify.example.org/verify/S123456789012345678901?c=1").body)
            ->getValue<std::string>("verdict"),
        "unknown");

    auto revoked = http_request(
        port_, "POST", "/v1/certificates/" + number + "/revoke", R"({"reason":"证书信息有误"})",
        {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + kBackendKey}});
    ASSERT_EQ(revoked.status, 200) << revoked.body;
    auto after = parse_object(verify(qr[0]).body);
    EXPECT_EQ(after->getValue<std::string>("verdict"), "revoked");
    EXPECT_FALSE(after->getObject("certificate")->getValue<std::string>("revokedAt").empty());
}

TEST_F(CertificatesApi, APictureOfTheCertificateVerifies) {
    auto cert = parse_object(issue(request(), "order-1").body);
    const std::string number = cert->getValue<std::string>("number");
    auto pdf = http_request(port_, "GET", "/v1/certificates/" + number + "/pdf", {},
                            {{"Authorization", "Bearer " + kReaderKey}});
    ASSERT_EQ(pdf.status, 200);
    // The page as a phone would photograph it: rasterised, as a JPEG.
    const std::string picture = examdocs::test::render_page_jpeg(pdf.body, 0, 120);
    auto reply =
        http_request(port_, "POST", "/v1/verify", picture, {{"Content-Type", "image/jpeg"}});
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(parse_object(reply.body)->getValue<std::string>("verdict"), "valid");

    const std::string blank = examdocs::test::read_file(
        examdocs::test::source_path("tests/data/photos/good_295x413.jpg"));
    auto none = http_request(port_, "POST", "/v1/verify", blank, {{"Content-Type", "image/jpeg"}});
    EXPECT_EQ(none.status, 422);
}

TEST_F(CertificatesApi, PublicKeysArePublished) {
    auto reply = http_request(port_, "GET", "/.well-known/examdocs/keys.json");
    ASSERT_EQ(reply.status, 200);
    auto keys = parse_object(reply.body)->getArray("keys");
    ASSERT_EQ(keys->size(), 1u);
    EXPECT_EQ(keys->getObject(0)->getValue<std::string>("crv"), "Ed25519");
    EXPECT_EQ(keys->getObject(0)->getValue<std::string>("x").size(), 43u);  // 32 bytes, base64url
}

TEST(CertificatesRateLimit, PublicLookupsAreLimitedPerAddress) {
    // 2 a minute with a burst of 2 / 2 + 5 = 6: the first six answer, the next six are
    // limited (a token comes back only every 30 s, far longer than these requests take).
    examdocs::test::RunningService service([](svc::Settings& s) { s.public_rate_per_minute = 2; });
    std::vector<int> statuses;
    std::string retry_after;
    for (int i = 0; i < 12; ++i) {
        auto reply = http_request(service.port(), "GET", "/v1/certificates/S000000000000000000000");
        statuses.push_back(reply.status);
        if (reply.status == 429) retry_after = reply.headers.at("Retry-After");
    }
    EXPECT_EQ(std::vector<int>(statuses.begin(), statuses.begin() + 6), std::vector<int>(6, 404));
    EXPECT_EQ(std::vector<int>(statuses.begin() + 6, statuses.end()), std::vector<int>(6, 429));
    EXPECT_FALSE(retry_after.empty());
}

}  // namespace

namespace {

TEST_F(CertificatesApi, TheVerificationPageIsLockedDown) {
    const auto issued = issue(request(), "page-headers");
    ASSERT_EQ(issued.status, 201) << issued.body;
    const auto cert = parse_object(issued.body);
    const std::string url = cert->getValue<std::string>("verificationUrl");
    const auto page = http_request(port_, "GET", url.substr(url.find("/verify/")));
    ASSERT_EQ(page.status, 200);
    EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
    const std::string csp = page.headers.at("Content-Security-Policy");
    // Nothing from elsewhere: the photo is inline (data:), everything else from us.
    EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("img-src 'self' data:"), std::string::npos) << csp;
    EXPECT_EQ(csp.find('*'), std::string::npos) << csp;
    EXPECT_EQ(page.headers.at("Cache-Control"), "private, no-store");
    EXPECT_NE(page.body.find("src=\"data:image/jpeg;base64,"), std::string::npos);
}

TEST_F(CertificatesApi, TheAuditTrailListsIssuanceLookupsWithTheCodeAndRevocation) {
    const auto issued = issue(request(), "audit-http");
    ASSERT_EQ(issued.status, 201) << issued.body;
    const auto cert = parse_object(issued.body);
    const std::string number = cert->getValue<std::string>("number");
    const std::string code = cert->getValue<std::string>("verificationCode");
    http_request(port_, "GET", "/v1/certificates/" + number);  // masked: not recorded
    http_request(port_, "GET", "/v1/certificates/" + number + "?code=" + code);
    http_request(
        port_, "POST", "/v1/certificates/" + number + "/revoke", R"({"reason":"补发"})",
        {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + kBackendKey}});
    const auto reply = http_request(port_, "GET", "/v1/certificates/" + number + "/audit", "",
                                    {{"Authorization", "Bearer " + kReaderKey}});
    ASSERT_EQ(reply.status, 200) << reply.body;
    const auto trail = parse_object(reply.body)->getArray("audit");
    ASSERT_EQ(trail->size(), 3U) << reply.body;
    EXPECT_EQ(trail->getObject(0)->getValue<std::string>("action"), "issue");
    EXPECT_EQ(trail->getObject(0)->getValue<std::string>("actor"), "backend");
    EXPECT_EQ(trail->getObject(1)->getValue<std::string>("action"), "lookup");
    EXPECT_EQ(trail->getObject(1)->getValue<std::string>("actor"), "client 127.0.0.1");
    EXPECT_EQ(trail->getObject(2)->getValue<std::string>("action"), "revoke");
    EXPECT_EQ(trail->getObject(2)->getValue<std::string>("detail"), "补发");
    EXPECT_EQ(http_request(port_, "GET", "/v1/certificates/" + number + "/audit").status, 401);
}

}  // namespace

namespace {

TEST_F(CertificatesApi, ACertificateWithoutAPhotoStillPrints) {
    const auto issued = issue(
        R"({"holder":{"name":"李四","idNumber":"120105199003071230"},"occupation":{"name":"电工"},)"
        R"("level":3,"issuer":{"name":"天津市软件行业协会"},"issueDate":"2026-06-30"})",
        "no-photo");
    ASSERT_EQ(issued.status, 201) << issued.body;
    const std::string number = parse_object(issued.body)->getValue<std::string>("number");
    const auto pdf = http_request(port_, "GET", "/v1/certificates/" + number + "/pdf", "",
                                  {{"Authorization", "Bearer " + kBackendKey}});
    ASSERT_EQ(pdf.status, 200) << pdf.body;  // an empty frame marked 照片 where it would be
    EXPECT_NE(examdocs::test::read_pdf(pdf.body).all_text.find("照片"), std::string::npos);
}

}  // namespace

TEST_F(CertificatesApi, DatesThatWouldVerifyWronglyAreRefused) {
    auto with_dates = [](const std::string& issue_date, const std::string& expiry_date) {
        std::string body = request();
        body.replace(body.find("\"issueDate\":\"") + 13, 10, issue_date);
        body.insert(body.size() - 1, R"(,"expiryDate":")" + expiry_date + "\"");
        return body;
    };
    const auto pointers = [](const examdocs::test::HttpReply& reply) {
        std::vector<std::string> found;
        auto errors = parse_object(reply.body)->getArray("errors");
        for (std::size_t i = 0; errors && i < errors->size(); ++i) {
            found.push_back(
                errors->getObject(static_cast<unsigned>(i))->getValue<std::string>("pointer") +
                " " + errors->getObject(static_cast<unsigned>(i))->getValue<std::string>("code"));
        }
        return found;
    };
    const auto expired_first = issue(with_dates("2025-06-01", "2025-05-31"), "dates-1");
    ASSERT_EQ(expired_first.status, 422) << expired_first.body;
    EXPECT_EQ(pointers(expired_first), std::vector<std::string>{"/expiryDate before-issue"});

    const auto future = issue(with_dates("2030-01-01", "2035-01-01"), "dates-2");
    ASSERT_EQ(future.status, 422) << future.body;
    EXPECT_EQ(pointers(future), std::vector<std::string>{"/issueDate future"});

    // Same day expiry is a certificate valid for one day, and today is never "future".
    EXPECT_EQ(issue(with_dates("2025-06-01", "2025-06-01"), "dates-3").status, 201);
    EXPECT_EQ(issue(with_dates(examdocs::today_utc(), "2099-12-31"), "dates-4").status, 201);
}

TEST_F(CertificatesApi, TheIdNumberIsCheckedWheneverItsTypeHasACheck) {
    auto with_id = [](const std::string& id_type, const std::string& id_number) {
        std::string body = request();
        body.replace(body.find("120105199003071230"), 18, id_number);
        body.insert(body.find("\"idNumber\""), "\"idType\":\"" + id_type + "\",");
        return body;
    };
    const std::string first17 = "81000019900307123";
    const std::string permit = first17 + examdocs::id_number_check_char(first17);
    std::string mistyped_permit = permit;
    mistyped_permit.back() = permit.back() == '0' ? '1' : '0';

    // Sending the type used to skip the check altogether.
    auto resident = issue(with_id("居民身份证", "120105199003071231"), "id-1");
    ASSERT_EQ(resident.status, 422) << resident.body;
    EXPECT_NE(resident.body.find("id-number-checksum"), std::string::npos) << resident.body;
    auto bad_permit = issue(with_id("港澳台居民居住证", mistyped_permit), "id-2");
    ASSERT_EQ(bad_permit.status, 422) << bad_permit.body;
    auto mainland_as_permit = issue(with_id("港澳台居民居住证", "120105199003071230"), "id-3");
    ASSERT_EQ(mainland_as_permit.status, 422) << mainland_as_permit.body;
    EXPECT_NE(mainland_as_permit.body.find("id-number-region"), std::string::npos);

    EXPECT_EQ(issue(with_id("港澳台居民居住证", permit), "id-4").status, 201);
    EXPECT_EQ(issue(with_id("居民身份证", "120105199003071230"), "id-5").status, 201);
    // A passport number has no check digit to test.
    EXPECT_EQ(issue(with_id("护照", "E12345678"), "id-6").status, 201);
}

TEST_F(CertificatesApi, OnlyOurOwnVerificationLinksVerify) {
    auto cert = parse_object(issue(request(), "order-1").body);
    const std::string url = cert->getValue<std::string>("verificationUrl");
    ASSERT_EQ(parse_object(verify(url).body)->getValue<std::string>("verdict"), "valid");

    // The genuine code and signature copied under a look-alike host: nothing is looked up.
    std::string look_alike = url;
    look_alike.replace(0, std::string("https://verify.example.org").size(),
                       "https://verify.example.org.cn");
    const auto foreign = verify(look_alike);
    ASSERT_EQ(foreign.status, 200) << foreign.body;
    auto verdict = parse_object(foreign.body);
    EXPECT_EQ(verdict->getValue<std::string>("verdict"), "foreign");
    EXPECT_FALSE(verdict->has("certificate"));
    EXPECT_EQ(foreign.body.find("张"), std::string::npos);

    std::string other_scheme = url;
    other_scheme.replace(0, 5, "http");
    EXPECT_EQ(parse_object(verify(other_scheme).body)->getValue<std::string>("verdict"), "foreign");

    // Upper-case host letters are the same host.
    std::string shouting = url;
    shouting.replace(8, 6, "VERIFY");
    EXPECT_EQ(parse_object(verify(shouting).body)->getValue<std::string>("verdict"), "valid");

    for (const std::string not_a_link :
         {"S000012120001202640001", "hello world", "mailto:a@b.cn"}) {
        const auto reply = verify(not_a_link);
        EXPECT_EQ(reply.status, 422) << not_a_link << ": " << reply.body;
        EXPECT_NE(reply.body.find("not-a-verification-link"), std::string::npos) << reply.body;
    }
}

TEST(CertificatesApiOtherHosts, AnEarlierDomainConfiguredAsOursStillVerifies) {
    examdocs::test::RunningService service{[](svc::Settings& s) {
        s.api_keys = "backend:" + sha256_hex(kBackendKey) + ":issue";
        s.public_base_url = "https://new.example.org";
        s.other_base_urls = {"https://old.example.org/certs"};
    }};
    auto created = http_request(
        service.port(), "POST", "/v1/certificates",
        R"({"holder":{"name":"张晓明","idNumber":"120105199003071230"},)"
        R"("occupation":{"code":"4-04-05-02","name":"信息通信网络运行管理员"},)"
        R"("level":4,"issuer":{"name":"天津市软件行业协会"},"issueDate":"2026-11-20"})",
        {{"Content-Type", "application/json"},
         {"Authorization", "Bearer " + kBackendKey},
         {"Idempotency-Key", "k"}});
    ASSERT_EQ(created.status, 201) << created.body;
    std::string url = parse_object(created.body)->getValue<std::string>("verificationUrl");
    url.replace(0, std::string("https://new.example.org").size(), "https://old.example.org/certs");
    const auto reply =
        http_request(service.port(), "POST", "/v1/verify", "{\"qr\":\"" + url + "\"}",
                     {{"Content-Type", "application/json"}});
    EXPECT_EQ(parse_object(reply.body)->getValue<std::string>("verdict"), "valid") << reply.body;
}

namespace {

// Seed 003 五: a certificate from the registry prints the issuer's national lookup address
// with ours beside it, its 机构信息查询网址, a "NO." paper serial, and keeps the English lines
// (occupation and issuer); a 专项能力 certificate prints its level in words.
TEST(CertificatesIssuerPrint, RegistryCertificatesPrintTheIssuersAddressesSerialAndEnglish) {
    examdocs::test::RunningService service{[](svc::Settings& s) {
        s.api_keys = "backend:" + sha256_hex(kBackendKey) + ":issue+read";
        s.public_base_url = "https://verify.example.org";
        s.issuer.name_en = "Tianjin Software Industry Association";
        s.issuer.certificate_lookup_url = "http://jndj.osta.org.cn";
        s.issuer.body_lookup_url = "http://pjjg.osta.org.cn";
        s.issuer.serial_prefix = "";
        s.issuer.serial_digits = 8;
    }};
    auto issue = [&](const std::string& level, const std::string& key) {
        return http_request(
            service.port(), "POST", "/v1/certificates",
            R"({"holder":{"name":"张晓明","idNumber":"120105199003071230"},)"
            R"("occupation":{"name":"信息通信网络运行管理员","nameEn":"Information and Communication Network Operator"},)"
            R"("level":)" +
                level + R"(,"issueDate":"2026-06-30"})",
            {{"Content-Type", "application/json"},
             {"Authorization", "Bearer " + kBackendKey},
             {"Idempotency-Key", key}});
    };
    auto first = issue("4", "print-1");
    ASSERT_EQ(first.status, 201) << first.body;
    auto special = issue("\"专项能力\"", "print-2");
    ASSERT_EQ(special.status, 201) << special.body;
    const auto cert = parse_object(special.body);
    EXPECT_EQ(cert->getValue<std::string>("serial"), "00000002");
    EXPECT_EQ(cert->getValue<std::string>("level"), "专项能力");
    EXPECT_EQ(cert->getValue<std::string>("number"), "S000012120001202600001");
    auto pdf = http_request(service.port(), "GET",
                            "/v1/certificates/" + cert->getValue<std::string>("number") + "/pdf",
                            "", {{"Authorization", "Bearer " + kBackendKey}});
    ASSERT_EQ(pdf.status, 200) << pdf.body;
    const auto text = examdocs::test::squeeze(examdocs::test::read_pdf(pdf.body).all_text);
    for (const char* value :
         {"证书信息查询网址CertificateInformation：http://jndj.osta.org.cn",
          "本证书核验网址Verification：https://verify.example.org/verify",
          "机构信息查询网址AssessmentInformation：http://pjjg.osta.org.cn", "NO.00000002",
          "InformationandCommunicationNetworkOperator", "TianjinSoftwareIndustryAssociation",
          "专项能力", "SpecialisedCompetency"}) {
        EXPECT_NE(text.find(value), std::string::npos) << value << "\n" << text;
    }
    // A level the skill scheme does not have is refused, naming the scheme's levels.
    auto refused = issue("\"中级\"", "print-3");
    ASSERT_EQ(refused.status, 422) << refused.body;
    EXPECT_NE(refused.body.find("not-a-level"), std::string::npos) << refused.body;
    EXPECT_NE(refused.body.find("专项能力"), std::string::npos) << refused.body;
}

}  // namespace
