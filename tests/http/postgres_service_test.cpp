// The whole service on PostgreSQL (registry.url), against a server the test starts:
// issuing, the printed QR verifying, revocation, and bulk jobs — the same answers as on
// SQLite. Two instances share the database, as behind a load balancer, and share the work
// of one job: its chunks claimed by both, the result the same from either.
#include <Poco/File.h>
#include <Poco/SHA2Engine.h>
#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "examdocs/jobs/job_store.h"
#include "examdocs/registry/database.h"
#include "support/callback_receiver.h"
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
    Poco::TemporaryFile keys;       // one signing key for both, as a mounted secret would be
    Poco::TemporaryFile job_store;  // one job store for both, as a shared volume would be
    auto configure = [&](svc::Settings& s) {
        s.registry_url = url;
        s.signing_keys_dir = keys.path();
        s.job_store = "dir:" + job_store.path();
        s.api_keys = "backend:" + sha256_hex(kKey) + ":issue+revoke+read+print";
        s.job_threads = 2;
    };
    examdocs::test::RunningService a(configure);
    examdocs::test::RunningService b(configure);
    const std::map<std::string, std::string> auth{{"Authorization", "Bearer " + kKey}};

    const auto health = http_request(a.port(), "GET", "/health");
    EXPECT_NE(health.body.find("PostgreSQL, schema version 8"), std::string::npos) << health.body;

    // Issued on one instance, looked up, printed and revoked on the other.
    auto headers = auth;
    headers["Content-Type"] = "application/json";
    headers["Idempotency-Key"] = "pg-1";
    const std::string request =
        R"({"holder":{"name":"张晓明","idNumber":"120105199003071230","photo":")" +
        examdocs::test::photo_base64("good_413x579.jpg") +
        R"("},"occupation":{"code":"4-04-05-02","name":"信息通信网络运行管理员"},)"
        R"("level":4,"issuer":{"name":"天津市软件行业协会"},"issueDate":"2026-06-30"})";
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

// `count` admission tickets numbered 2026110170001…, record `bad` refused by the rules.
std::string tickets(int count, int bad) {
    std::ostringstream out;
    for (int i = 1; i <= count; ++i) {
        auto root =
            examdocs::test::sample_request("admission-ticket").extract<Poco::JSON::Object::Ptr>();
        root->set("ticketNumber", "20261101" + std::to_string(70000 + i));
        if (i == bad) root->getObject("candidate")->set("idNumber", "120105199003071231");
        root->stringify(out);
        out << '\n';
    }
    return out.str();
}

std::string wait_until_ended(std::uint16_t port, const std::string& id,
                             const std::map<std::string, std::string>& auth) {
    std::string state = "queued";
    for (int i = 0; i < 2400 && (state == "queued" || state == "running"); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        state = parse_object(http_request(port, "GET", "/v1/jobs/" + id, "", auth).body)
                    ->getValue<std::string>("state");
    }
    return state;
}

// Who printed each chunk of a job, read from the shared database.
std::map<std::string, int> chunks_by_instance(const std::string& url, const std::string& id) {
    examdocs::registry::Database db(url);
    Poco::Data::Session s = db.session();
    std::vector<std::string> owners;
    std::string key = id;
    s << db.sql("SELECT claimed_by FROM job_chunks WHERE job_id = ? AND state = 'done'"),
        Poco::Data::Keywords::into(owners), Poco::Data::Keywords::use(key),
        Poco::Data::Keywords::now;
    std::map<std::string, int> counts;
    for (const auto& o : owners) ++counts[o];
    return counts;
}

TEST(PostgresRegistry, TwoInstancesPrintOneJobInChunksAndEitherServesTheResult) {
    const std::string url = examdocs::test::PostgresServer::shared().fresh_database();
    // Data directories of their own (RunningService makes one each), one job store.
    Poco::TemporaryFile job_store;
    auto configure = [&](svc::Settings& s) {
        s.registry_url = url;
        s.job_store = "dir:" + job_store.path();
        s.api_keys = "backend:" + sha256_hex(kKey) + ":print";
        s.job_threads = 1;
        s.job_chunk_records = 6;
        s.job_poll = std::chrono::milliseconds(20);
    };
    examdocs::test::RunningService a(configure);
    examdocs::test::RunningService b(configure);
    const std::map<std::string, std::string> auth{{"Authorization", "Bearer " + kKey}};
    auto headers = auth;
    headers["Content-Type"] = "application/x-ndjson";
    constexpr int kRecords = 90;
    const auto created = http_request(a.port(), "POST", "/v1/jobs?layout=admission-ticket",
                                      tickets(kRecords, 40), headers);
    ASSERT_EQ(created.status, 202) << created.body;
    const auto id = parse_object(created.body)->getValue<std::string>("id");
    ASSERT_EQ(wait_until_ended(b.port(), id, auth), "done");

    // Both instances printed chunks of the one job.
    const auto owners = chunks_by_instance(url, id);
    int chunks = 0;
    for (const auto& [owner, n] : owners) chunks += n;
    EXPECT_EQ(chunks, 15);
    EXPECT_EQ(owners.size(), 2U) << "one instance printed every chunk";
    EXPECT_TRUE(owners.count(a->job_instance()));
    EXPECT_TRUE(owners.count(b->job_instance()));

    const auto view = parse_object(http_request(a.port(), "GET", "/v1/jobs/" + id, "", auth).body);
    EXPECT_EQ(view->getObject("records")->getValue<int>("printed"), kRecords - 1);
    EXPECT_EQ(view->getObject("records")->getValue<int>("refused"), 1);
    EXPECT_EQ(view->getValue<int>("pages"), kRecords - 1);
    EXPECT_EQ(view->getValue<int>("chunks"), 15);
    const auto failures = view->getArray("failures");
    ASSERT_EQ(failures->size(), 1U);
    EXPECT_EQ(failures->getObject(0)->getValue<int>("record"), 40) << "numbered among all records";

    // Either instance serves the same file, whichever assembled it.
    const auto from_a = http_request(a.port(), "GET", "/v1/jobs/" + id + "/result", "", auth);
    const auto from_b = http_request(b.port(), "GET", "/v1/jobs/" + id + "/result", "", auth);
    ASSERT_EQ(from_a.status, 200);
    ASSERT_EQ(from_b.status, 200);
    // Compared as sizes and a hash: a difference is reported without dumping two PDFs.
    EXPECT_EQ(from_a.body.size(), from_b.body.size());
    EXPECT_EQ(sha256_hex(from_a.body), sha256_hex(from_b.body));
    EXPECT_EQ(std::to_string(from_a.body.size()),
              std::to_string(view->getValue<Poco::Int64>("bytes")));
    const auto facts = examdocs::test::read_pdf(from_a.body);
    ASSERT_EQ(facts.pages, kRecords - 1);
    for (int page = 0, record = 1; page < facts.pages; ++page, ++record) {
        if (record == 40) ++record;
        EXPECT_NE(examdocs::test::squeeze(facts.page_text[static_cast<std::size_t>(page)])
                      .find("20261101" + std::to_string(70000 + record)),
                  std::string::npos)
            << "page " << page + 1;
    }
    ASSERT_EQ(facts.fonts.size(), 1U) << "the font is subset once for the whole job";
    // A QR code from a late chunk decodes.
    EXPECT_EQ(examdocs::test::decode_codes(from_a.body, 80, ZXing::BarcodeFormat::QRCode).size(),
              1U);

    // The result is one file in the shared store, served with ranges by either instance;
    // the input and the parts it was made from are gone from the store.
    const std::string stored = std::string(job_store.path()) + "/" + id + "/result.pdf";
    ASSERT_TRUE(Poco::File(stored).exists());
    EXPECT_EQ(Poco::File(stored).getSize(), from_a.body.size());
    EXPECT_FALSE(Poco::File(std::string(job_store.path()) + "/" + id + "/parts").exists());
    EXPECT_FALSE(Poco::File(std::string(job_store.path()) + "/" + id + "/input").exists());
    auto ranged = auth;
    ranged["Range"] = "bytes=1000-1999";
    const auto part_b = http_request(b.port(), "GET", "/v1/jobs/" + id + "/result", "", ranged);
    EXPECT_EQ(part_b.status, 206);
    EXPECT_TRUE(part_b.body == from_a.body.substr(1000, 1000)) << "the same bytes, from B";
}

TEST(PostgresRegistry, AChunkHeldByAnInstanceThatDiedIsTakenOverAfterItsLease) {
    const std::string url = examdocs::test::PostgresServer::shared().fresh_database();
    examdocs::test::RunningService a([&](svc::Settings& s) {
        s.registry_url = url;
        s.api_keys = "backend:" + sha256_hex(kKey) + ":print";
        s.job_threads = 1;
        s.job_chunk_records = 5;
        s.job_lease_seconds = 2;
        s.job_poll = std::chrono::milliseconds(20);
    });
    const std::map<std::string, std::string> auth{{"Authorization", "Bearer " + kKey}};
    auto headers = auth;
    headers["Content-Type"] = "application/x-ndjson";
    const auto created =
        http_request(a.port(), "POST", "/v1/jobs?layout=admission-ticket", tickets(30, 0), headers);
    ASSERT_EQ(created.status, 202) << created.body;
    const auto id = parse_object(created.body)->getValue<std::string>("id");

    // Another instance claims a chunk and dies with it (its claim is never renewed).
    auto database = std::make_shared<examdocs::registry::Database>(url);
    examdocs::jobs::JobStore store(database);
    std::optional<examdocs::jobs::ChunkClaim> held;
    for (int i = 0; i < 400 && !held; ++i) {
        held = store.claim_chunk("dead-instance", store.clock(), 2);
        if (!held) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ASSERT_TRUE(held) << "no chunk to claim";
    const auto claimed_at = std::chrono::steady_clock::now();

    ASSERT_EQ(wait_until_ended(a.port(), id, auth), "done");
    EXPECT_GE(std::chrono::steady_clock::now() - claimed_at, std::chrono::seconds(2))
        << "taken over before the lease ran out";
    const auto owners = chunks_by_instance(url, id);
    EXPECT_EQ(owners.count("dead-instance"), 0U);
    EXPECT_EQ(owners.at(a->job_instance()), 6);
    const auto result = http_request(a.port(), "GET", "/v1/jobs/" + id + "/result", "", auth);
    const auto facts = examdocs::test::read_pdf(result.body);
    ASSERT_EQ(facts.pages, 30);
    const int first = static_cast<int>(held->range.first_record);
    EXPECT_NE(examdocs::test::squeeze(facts.page_text[static_cast<std::size_t>(first - 1)])
                  .find("20261101" + std::to_string(70000 + first)),
              std::string::npos)
        << "the taken-over chunk's pages are in their place";
}

TEST(PostgresRegistry, ACallbackTheFirstInstanceCouldNotDeliverIsDeliveredByAnother) {
    const std::string url = examdocs::test::PostgresServer::shared().fresh_database();
    auto configure = [&](svc::Settings& s) {
        s.registry_url = url;
        s.api_keys = "backend:" + sha256_hex(kKey) + ":print";
        s.job_callback_secret = "callback-secret";
        s.job_poll = std::chrono::milliseconds(20);
    };
    examdocs::test::CallbackReceiver receiver(1);  // down for the first attempt
    auto a = std::make_unique<examdocs::test::RunningService>(configure);
    const std::map<std::string, std::string> auth{{"Authorization", "Bearer " + kKey}};
    auto headers = auth;
    headers["Content-Type"] = "application/x-ndjson";
    const auto created =
        http_request(a->port(), "POST",
                     "/v1/jobs?layout=admission-ticket&callbackUrl=http://127.0.0.1:" +
                         std::to_string(receiver.port()) + "/jobs",
                     tickets(2, 0), headers);
    ASSERT_EQ(created.status, 202) << created.body;
    const auto id = parse_object(created.body)->getValue<std::string>("id");
    for (int i = 0; i < 1000 && receiver.requests() == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_EQ(receiver.requests(), 1);
    a.reset();  // the instance goes away before its retry is due

    examdocs::test::RunningService b(configure);
    const auto [body, signature] = receiver.first();
    ASSERT_FALSE(body.empty()) << "the other instance did not deliver the callback";
    EXPECT_EQ(parse_object(body)->getValue<std::string>("id"), id);
    EXPECT_EQ(parse_object(body)->getValue<std::string>("state"), "done");
    EXPECT_EQ(receiver.requests(), 2) << "delivered once, after the refusal";
}

}  // namespace
