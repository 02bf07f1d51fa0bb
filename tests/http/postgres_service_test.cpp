// The whole service on PostgreSQL (registry.url), against a server the test starts:
// issuing, the printed QR verifying, revocation, and a bulk job — the same answers as on
// SQLite. Two instances share the database, as behind a load balancer.
#include <Poco/SHA2Engine.h>
#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "support/http_client.h"
#include "support/pdf_reader.h"
#include "support/postgres_server.h"
#include "support/running_service.h"
#include "support/samples.h"

namespace {

using examdocs::test::sha256_hex;

namespace svc = examdocs::service;
using examdocs::test::http_request;
using examdocs::test::parse_object;

const std::string kKey = "postgres-backend-key-0005";

TEST(PostgresRegistry, TwoInstancesShareCertificatesAndJobs) {
    const std::string url = examdocs::test::PostgresServer::shared().fresh_database();
    Poco::TemporaryFile keys;  // one signing key for both, as a mounted secret would be
    auto configure = [&](svc::Settings& s) {
        s.registry_url = url;
        s.signing_keys_dir = keys.path();
        s.api_keys = "backend:" + sha256_hex(kKey) + ":issue+revoke+read+print";
        s.job_threads = 2;
    };
    examdocs::test::RunningService a(configure);
    examdocs::test::RunningService b(configure);
    const std::map<std::string, std::string> auth{{"Authorization", "Bearer " + kKey}};

    const auto health = http_request(a.port(), "GET", "/health");
    EXPECT_NE(health.body.find("PostgreSQL, schema version 4"), std::string::npos) << health.body;

    // Issued on one instance, looked up, printed and revoked on the other.
    auto headers = auth;
    headers["Content-Type"] = "application/json";
    headers["Idempotency-Key"] = "pg-1";
    const std::string request =
        R"({"holder":{"name":"张晓明","idNumber":"120105199003071230","photo":")" +
        examdocs::test::photo_base64("good_413x579.jpg") +
        R"("},"occupation":{"code":"4-04-05-02","name":"信息通信网络运行管理员"},)"
        R"("level":4,"issuer":{"name":"天津市软件行业协会"},"issueDate":"2026-12-31"})";
    const auto issued = http_request(a.port(), "POST", "/v1/certificates", request, headers);
    ASSERT_EQ(issued.status, 201) << issued.body;
    const auto number = parse_object(issued.body)->getValue<std::string>("number");
    const auto replay = http_request(b.port(), "POST", "/v1/certificates", request, headers);
    EXPECT_EQ(replay.status, 200) << "the idempotency key is shared";
    EXPECT_EQ(parse_object(replay.body)->getValue<std::string>("number"), number);

    const auto pdf = http_request(b.port(), "GET", "/v1/certificates/" + number + "/pdf", "", auth);
    ASSERT_EQ(pdf.status, 200);
    const auto qr = examdocs::test::decode_codes(pdf.body, 0, ZXing::BarcodeFormat::QRCode, 200);
    ASSERT_EQ(qr.size(), 1U);
    const auto verdict = http_request(b.port(), "POST", "/v1/verify", "{\"qr\":\"" + qr[0] + "\"}",
                                      {{"Content-Type", "application/json"}});
    EXPECT_NE(verdict.body.find("\"verdict\":\"valid\""), std::string::npos) << verdict.body;
    auto revoke_headers = auth;
    revoke_headers["Content-Type"] = "application/json";
    EXPECT_EQ(http_request(b.port(), "POST", "/v1/certificates/" + number + "/revoke",
                           R"({"reason":"证书信息有误"})", revoke_headers)
                  .status,
              200);
    const auto revoked = http_request(a.port(), "POST", "/v1/verify", "{\"qr\":\"" + qr[0] + "\"}",
                                      {{"Content-Type", "application/json"}});
    EXPECT_NE(revoked.body.find("\"verdict\":\"revoked\""), std::string::npos) << revoked.body;

    // A job submitted to one instance is visible, with its result, on the other.
    std::ostringstream ndjson;
    for (int i = 1; i <= 3; ++i) {
        auto data = examdocs::test::sample_request("admission-ticket");
        auto root = data.extract<Poco::JSON::Object::Ptr>();
        root->set("ticketNumber", "20261101" + std::to_string(60000 + i));
        root->stringify(ndjson);
        ndjson << '\n';
    }
    auto job_headers = auth;
    job_headers["Content-Type"] = "application/x-ndjson";
    const auto created = http_request(a.port(), "POST", "/v1/jobs?layout=admission-ticket",
                                      ndjson.str(), job_headers);
    ASSERT_EQ(created.status, 202) << created.body;
    const auto id = parse_object(created.body)->getValue<std::string>("id");
    std::string state;
    for (int i = 0; i < 600 && state != "done"; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        state = parse_object(http_request(b.port(), "GET", "/v1/jobs/" + id, "", auth).body)
                    ->getValue<std::string>("state");
    }
    ASSERT_EQ(state, "done");
    const auto result = http_request(a.port(), "GET", "/v1/jobs/" + id + "/result", "", auth);
    ASSERT_EQ(result.status, 200);
    EXPECT_EQ(examdocs::test::read_pdf(result.body).pages, 3);
}

}  // namespace
