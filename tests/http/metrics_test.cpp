// /metrics moves with what the service does: certificates, verifications, photo checks,
// documents, bulk jobs, the database pool and the process.
#include <Poco/JSON/Object.h>
#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <string>
#include <thread>

#include "support/http_client.h"
#include "support/running_service.h"
#include "support/samples.h"

namespace {

using examdocs::test::http_request;
using examdocs::test::parse_object;

const std::string kKey = "metrics-test-key";

// The value of the sample `series` (name and labels exactly as exposed), or -1 when the
// exposition has no such line.
double sample(const std::string& exposition, const std::string& series) {
    std::istringstream in(exposition);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
    }
    return -1;
}

TEST(Metrics, MoveWithWhatTheServiceDoes) {
    examdocs::test::RunningService service([](examdocs::service::Settings& s) {
        s.api_keys =
            "backend:" + examdocs::test::sha256_hex(kKey) + ":issue+revoke+read+print+render";
        s.public_base_url = "https://verify.example.org";
        s.job_threads = 1;
    });
    const auto port = service.port();
    const auto scrape = [&] { return http_request(port, "GET", "/metrics").body; };
    const std::string before = scrape();
    EXPECT_EQ(sample(before, "examdocs_certificates_issued_total"), 0);
    EXPECT_EQ(sample(before, "examdocs_job_queue_depth"), 0);
    EXPECT_GT(sample(before, "process_resident_memory_bytes"), 1e6);
    EXPECT_GT(sample(before, "process_open_fds"), 3);
    EXPECT_GT(sample(before, "process_start_time_seconds"), 1.7e9);
    EXPECT_GE(sample(before, "process_cpu_seconds_total"), 0);
    EXPECT_NE(before.find("# TYPE process_cpu_seconds_total counter"), std::string::npos);

    const std::map<std::string, std::string> auth{{"Authorization", "Bearer " + kKey},
                                                  {"Content-Type", "application/json"}};
    // A certificate issued (a retry is not a second one), verified, revoked.
    auto headers = auth;
    headers["Idempotency-Key"] = "metrics-1";
    const std::string request =
        R"({"holder":{"name":"张三","idNumber":"120105199003071230"},"occupation":{"name":"电工"},)"
        R"("level":4,"issuer":{"name":"天津市软件行业协会"},"issueDate":"2026-06-30"})";
    const auto issued = http_request(port, "POST", "/v1/certificates", request, headers);
    ASSERT_EQ(issued.status, 201) << issued.body;
    ASSERT_EQ(http_request(port, "POST", "/v1/certificates", request, headers).status, 200);
    const auto cert = parse_object(issued.body);
    const std::string qr = cert->getValue<std::string>("verificationUrl");
    const std::string number = cert->getValue<std::string>("number");
    http_request(port, "POST", "/v1/verify", "{\"qr\":\"" + qr + "\"}", auth);
    std::string forged = qr;
    forged.replace(forged.find("?c=") + 3, 16, "0000000000000000");
    http_request(port, "POST", "/v1/verify", "{\"qr\":\"" + forged + "\"}", auth);
    ASSERT_EQ(http_request(port, "POST", "/v1/certificates/" + number + "/revoke",
                           R"({"reason":"信息有误"})", auth)
                  .status,
              200);

    // A photo that fails the background check, and one document.
    const std::string grey = examdocs::test::read_file(
        examdocs::test::source_path("tests/data/photos/grey_background.jpg"));
    http_request(port, "POST", "/v1/photos/check?profile=ruankao", grey,
                 {{"Content-Type", "image/jpeg"}});
    const std::string ticket =
        examdocs::test::read_file(examdocs::test::source_path("samples/admission-ticket.json"));
    ASSERT_EQ(http_request(port, "POST", "/v1/documents/admission-ticket", ticket, auth).status,
              200);

    // A bulk job of two tickets, to its end.
    std::string compact;
    // The sample is pretty-printed: one record per line needs it on one line.
    {
        auto sample_object = examdocs::test::sample_request("admission-ticket");
        std::ostringstream line;
        sample_object.extract<Poco::JSON::Object::Ptr>()->stringify(line);
        compact = line.str() + "\n" + line.str() + "\n";
    }
    auto job_headers = auth;
    job_headers["Content-Type"] = "application/x-ndjson";
    const auto created =
        http_request(port, "POST", "/v1/jobs?layout=admission-ticket", compact, job_headers);
    ASSERT_EQ(created.status, 202) << created.body;
    const std::string id = parse_object(created.body)->getValue<std::string>("id");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
    std::string state;
    while (std::chrono::steady_clock::now() < deadline) {
        state = parse_object(http_request(port, "GET", "/v1/jobs/" + id, "", auth).body)
                    ->getValue<std::string>("state");
        if (state != "queued" && state != "running") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_EQ(state, "done");

    const std::string after = scrape();
    EXPECT_EQ(sample(after, "examdocs_certificates_issued_total"), 1);
    EXPECT_EQ(sample(after, "examdocs_certificates_revoked_total"), 1);
    EXPECT_EQ(sample(after, R"(examdocs_verifications_total{verdict="valid"})"), 1);
    EXPECT_EQ(sample(after, R"(examdocs_verifications_total{verdict="forged"})"), 1);
    EXPECT_EQ(sample(after, R"(examdocs_photo_checks_total{verdict="fail"})"), 1);
    EXPECT_EQ(sample(after, R"(examdocs_photo_check_failures_total{check="background"})"), 1);
    EXPECT_EQ(sample(after, R"(examdocs_documents_rendered_total{layout="admission-ticket"})"), 1);
    EXPECT_EQ(sample(after, R"(examdocs_document_render_seconds_count{layout="admission-ticket"})"),
              1);
    EXPECT_GT(sample(after, R"(examdocs_document_render_seconds_sum{layout="admission-ticket"})"),
              0);
    EXPECT_EQ(sample(after, R"(examdocs_jobs_ended_total{state="done"})"), 1);
    EXPECT_EQ(sample(after, R"(examdocs_job_records_total{outcome="printed"})"), 2);
    EXPECT_EQ(sample(after, R"(examdocs_jobs{state="done"})"), 1);
    EXPECT_EQ(sample(after, R"(examdocs_jobs{state="queued"})"), 0);
    EXPECT_GE(sample(after, R"(examdocs_database_connections{state="idle"})"), 1);
    EXPECT_GE(sample(after, R"(examdocs_database_connections{state="in_use"})"), 0);
    EXPECT_GT(sample(after, "process_cpu_seconds_total"),
              sample(before, "process_cpu_seconds_total"));
}

}  // namespace
