// The service in-process: a real Poco HTTPServer on port 0 and a real HTTP client.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/String.h>
#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "examdocs/core/problem.h"
#include "examdocs/service/service.h"
#include "support/http_client.h"
#include "support/running_service.h"

using examdocs::test::http_request;
using examdocs::test::HttpReply;
namespace svc = examdocs::service;

namespace {

using examdocs::test::parse_object;

// A random (version 4) UUID in its canonical lower-case form. Hand-written rather than
// std::regex, which trips GCC 12's -Wmaybe-uninitialized under ASan.
bool is_uuid4(const std::string& s) {
    if (s.size() != 36 || s[14] != '4') return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        const char c = s[i];
        if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return s[19] == '8' || s[19] == '9' || s[19] == 'a' || s[19] == 'b';
}

// Reads a counter's value from the Prometheus text, or 0 when the series is absent.
double metric_value(const std::string& metrics, const std::string& series) {
    std::istringstream lines(metrics);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
    }
    return 0;
}

class ServerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        running_ = std::make_unique<examdocs::test::RunningService>(
            [](svc::Settings& settings) {
                settings.max_body_bytes = 64 * 1024;
                settings.drain_timeout = std::chrono::seconds(10);
            },
            [this](svc::Service& service) { add_test_routes(service.router()); });
        service_ = &**running_;
        port_ = running_->port();
    }

    void add_test_routes(svc::Router& r) {
        r.add({"POST", "/test/echo", [](svc::Exchange& ex) {
                   return svc::Response::text(ex.read_body(), "application/octet-stream");
               }});
        r.add({"GET", "/test/throw", [](svc::Exchange&) -> svc::Response {
                   throw std::runtime_error("secret detail in /etc/examdocs/internal.cpp");
               }});
        r.add({"GET", "/test/slow", [this](svc::Exchange&) {
                   slow_entered_.set_value();
                   slow_release_.get_future().wait();  // the test lets it finish
                   return svc::Response::json(R"({"slow":"done"})");
               }});
        r.add({"GET", "/test/items/{id}", [](svc::Exchange& ex) {
                   return svc::Response::json("{\"id\":\"" + ex.param("id") + "\"}");
               }});
    }

    void wait_until_ready() {
        for (int i = 0; i < 600; ++i) {
            if (service_->health().ready()) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        FAIL() << "service did not become ready within 60 s";
    }

    static void expect_problem(const HttpReply& reply, int status, const std::string& slug) {
        EXPECT_EQ(reply.status, status) << reply.body;
        EXPECT_EQ(reply.content_type, "application/problem+json");
        auto body = parse_object(reply.body);
        EXPECT_EQ(body->getValue<std::string>("type"), "urn:examdocs:problem:" + slug);
        EXPECT_EQ(body->getValue<int>("status"), status);
        EXPECT_FALSE(body->getValue<std::string>("title").empty());
        EXPECT_FALSE(body->getValue<std::string>("detail").empty());
        EXPECT_FALSE(body->getValue<std::string>("instance").empty());
        ASSERT_TRUE(reply.headers.count("X-Request-Id"));
        EXPECT_EQ(body->getValue<std::string>("requestId"), reply.headers.at("X-Request-Id"));
    }

    std::unique_ptr<examdocs::test::RunningService> running_;
    svc::Service* service_ = nullptr;
    std::uint16_t port_ = 0;
    std::promise<void> slow_entered_;
    std::promise<void> slow_release_;
};

TEST_F(ServerTest, LivenessAnswersAtOnce) {
    auto reply = http_request(port_, "GET", "/health/live");
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(parse_object(reply.body)->getValue<std::string>("status"), "up");
}

TEST_F(ServerTest, HealthReportsEachDependencyOnceReady) {
    wait_until_ready();
    auto reply = http_request(port_, "GET", "/health");
    ASSERT_EQ(reply.status, 200) << reply.body;
    auto body = parse_object(reply.body);
    EXPECT_EQ(body->getValue<std::string>("status"), "up");
    auto details = body->getObject("details");
    ASSERT_TRUE(details);
    EXPECT_EQ(details->getObject("fonts")->getValue<std::string>("status"), "up");
    EXPECT_EQ(details->getObject("dataDir")->getValue<std::string>("status"), "up");
    EXPECT_EQ(http_request(port_, "GET", "/health/ready").status, 200);
}

TEST_F(ServerTest, ReadinessIs503WhileADependencyIsStarting) {
    wait_until_ready();
    service_->health().set("registry", svc::DependencyState::starting, "migrating");
    auto reply = http_request(port_, "GET", "/health/ready");
    expect_problem(reply, 503, "not-ready");
    EXPECT_EQ(reply.headers.at("Retry-After"), "5");
    auto body = parse_object(reply.body);
    EXPECT_NE(body->getValue<std::string>("detail").find("registry (starting)"), std::string::npos);
    EXPECT_EQ(body->getObject("details")->getObject("registry")->getValue<std::string>("status"),
              "starting");
    expect_problem(http_request(port_, "GET", "/health"), 503, "not-ready");
    // Liveness does not depend on readiness.
    EXPECT_EQ(http_request(port_, "GET", "/health/live").status, 200);

    service_->health().set("registry", svc::DependencyState::up, "ok");
    EXPECT_EQ(http_request(port_, "GET", "/health/ready").status, 200);
}

TEST_F(ServerTest, UnknownPathIsA404Problem) {
    auto reply = http_request(port_, "GET", "/no/such/thing");
    expect_problem(reply, 404, "not-found");
    EXPECT_EQ(parse_object(reply.body)->getValue<std::string>("instance"), "/no/such/thing");
}

TEST_F(ServerTest, WrongMethodIsA405WithAllow) {
    auto reply = http_request(port_, "DELETE", "/health");
    expect_problem(reply, 405, "method-not-allowed");
    EXPECT_EQ(reply.headers.at("Allow"), "GET");
    auto echo = http_request(port_, "GET", "/test/echo");
    expect_problem(echo, 405, "method-not-allowed");
    EXPECT_EQ(echo.headers.at("Allow"), "POST");
}

TEST_F(ServerTest, PathParametersReachTheHandler) {
    auto reply = http_request(port_, "GET", "/test/items/S1234");
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(parse_object(reply.body)->getValue<std::string>("id"), "S1234");
}

TEST_F(ServerTest, BodyUnderTheLimitIsReadWholeEvenChunked) {
    std::string body(40 * 1024, 'x');
    body += "end";
    EXPECT_EQ(http_request(port_, "POST", "/test/echo", body).body, body);
    EXPECT_EQ(http_request(port_, "POST", "/test/echo", body, {}, true).body, body);
}

TEST_F(ServerTest, OversizedContentLengthIs413WithoutContinue) {
    // Raw socket: send only the head with Expect: 100-continue. The server must answer
    // 413 at once, never "100 Continue", and never wait for the body.
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port_));
    socket.setReceiveTimeout(Poco::Timespan(10, 0));
    const std::string head =
        "POST /test/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10000000\r\n"
        "Expect: 100-continue\r\nContent-Type: application/octet-stream\r\n\r\n";
    socket.sendBytes(head.data(), static_cast<int>(head.size()));
    std::string answer;
    char buffer[4096];
    int n = 0;
    while ((n = socket.receiveBytes(buffer, sizeof buffer)) > 0) {
        answer.append(buffer, static_cast<std::size_t>(n));
        if (answer.find("\r\n\r\n") != std::string::npos &&
            answer.find("\"requestId\"") != std::string::npos) {
            break;
        }
    }
    EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer;
    EXPECT_EQ(answer.find("100 Continue"), std::string::npos);
    EXPECT_NE(answer.find("application/problem+json"), std::string::npos);
    EXPECT_NE(answer.find("urn:examdocs:problem:payload-too-large"), std::string::npos);
}

TEST_F(ServerTest, OversizedContentLengthIs413ThroughAClient) {
    auto reply = http_request(port_, "POST", "/test/echo", std::string(70 * 1024, 'y'));
    expect_problem(reply, 413, "payload-too-large");
}

TEST_F(ServerTest, OversizedChunkedBodyIs413) {
    auto reply = http_request(port_, "POST", "/test/echo", std::string(100 * 1024, 'z'), {}, true);
    expect_problem(reply, 413, "payload-too-large");
    EXPECT_NE(parse_object(reply.body)->getValue<std::string>("detail").find("65536"),
              std::string::npos);
}

TEST_F(ServerTest, RequestIdIsEchoedOrGenerated) {
    auto echoed = http_request(port_, "GET", "/health/live", {}, {{"X-Request-Id", "abc-123.x"}});
    EXPECT_EQ(echoed.headers.at("X-Request-Id"), "abc-123.x");

    auto generated = http_request(port_, "GET", "/health/live");
    EXPECT_TRUE(is_uuid4(generated.headers.at("X-Request-Id")))
        << generated.headers.at("X-Request-Id");

    // An id that could inject into headers or logs is replaced, not echoed.
    auto hostile = http_request(port_, "GET", "/nowhere", {}, {{"X-Request-Id", "a b\"c{}"}});
    EXPECT_TRUE(is_uuid4(hostile.headers.at("X-Request-Id")));
    EXPECT_EQ(parse_object(hostile.body)->getValue<std::string>("requestId"),
              hostile.headers.at("X-Request-Id"));
}

TEST_F(ServerTest, EveryLogLineOfARequestCarriesItsId) {
    http_request(port_, "GET", "/test/throw", {}, {{"X-Request-Id", "trace-me-42"}});
    service_->shutdown();
    const std::string log = running_->log_text();
    std::istringstream lines(log);
    std::string line;
    int with_id = 0;
    bool access_line = false;
    while (std::getline(lines, line)) {
        auto entry = parse_object(line);  // every line is one JSON object
        if (entry->optValue<std::string>("requestId", "") != "trace-me-42") continue;
        ++with_id;
        if (entry->optValue<std::string>("msg", "") == "request") {
            access_line = true;
            EXPECT_EQ(entry->getValue<int>("status"), 500);
            EXPECT_EQ(entry->getValue<std::string>("path"), "/test/throw");
            EXPECT_EQ(entry->getValue<std::string>("method"), "GET");
            EXPECT_TRUE(entry->has("durationMs"));
            EXPECT_TRUE(entry->has("bytes"));
            EXPECT_TRUE(entry->has("time"));
        }
    }
    EXPECT_TRUE(access_line) << log;
    EXPECT_EQ(with_id, 2) << "the error event and the access line: " << log;
}

TEST_F(ServerTest, AStdExceptionStillYieldsA500Problem) {
    auto reply = http_request(port_, "GET", "/test/throw");
    expect_problem(reply, 500, "internal-error");
    // Never an internal message or path in a response.
    EXPECT_EQ(reply.body.find("secret"), std::string::npos);
    EXPECT_EQ(reply.body.find("/etc/"), std::string::npos);
    // The server survives it.
    EXPECT_EQ(http_request(port_, "GET", "/health/live").status, 200);
}

TEST_F(ServerTest, MetricsCountersMoveAfterRequests) {
    const std::string series =
        R"(examdocs_http_requests_total{method="GET",route="/health/live",status="200"})";
    const std::string not_found =
        R"(examdocs_http_requests_total{method="GET",route="unmatched",status="404"})";
    auto before = http_request(port_, "GET", "/metrics");
    EXPECT_EQ(before.status, 200);
    EXPECT_EQ(before.content_type.rfind("text/plain", 0), 0u);
    const double live_before = metric_value(before.body, series);
    const double missing_before = metric_value(before.body, not_found);
    for (int i = 0; i < 3; ++i) http_request(port_, "GET", "/health/live");
    http_request(port_, "GET", "/definitely/missing");
    auto after = http_request(port_, "GET", "/metrics").body;
    EXPECT_EQ(metric_value(after, series), live_before + 3);
    EXPECT_EQ(metric_value(after, not_found), missing_before + 1);
    EXPECT_NE(after.find("examdocs_http_request_duration_seconds_bucket"), std::string::npos);
    EXPECT_NE(after.find("examdocs_http_requests_in_flight"), std::string::npos);
    EXPECT_NE(after.find("examdocs_build_info{"), std::string::npos);
}

TEST_F(ServerTest, VersionNamesTheBuildAndLibraries) {
    auto body = parse_object(http_request(port_, "GET", "/version").body);
    EXPECT_EQ(body->getValue<std::string>("name"), "examdocs");
    EXPECT_FALSE(body->getValue<std::string>("version").empty());
    EXPECT_FALSE(body->getValue<std::string>("commit").empty());
    auto libs = body->getObject("libraries");
    for (const char* lib :
         {"poco", "openssl", "zlib", "libqrencode", "zxing-cpp", "opencv", "harfbuzz", "icu"}) {
        EXPECT_TRUE(libs->has(lib)) << lib;
    }
    EXPECT_EQ(libs->getValue<std::string>("zlib").substr(0, 2), "1.");
    EXPECT_EQ(libs->getValue<std::string>("poco").rfind("1.11", 0), 0u);
}

TEST_F(ServerTest, ShutdownLetsAnInFlightRequestFinish) {
    auto slow =
        std::async(std::launch::async, [this] { return http_request(port_, "GET", "/test/slow"); });
    slow_entered_.get_future().wait();
    const auto started = std::chrono::steady_clock::now();
    auto shutdown = std::async(std::launch::async, [this] { service_->shutdown(); });
    while (!service_->draining()) std::this_thread::yield();
    // Draining, and the request is still in its handler: shutdown waits for it.
    EXPECT_EQ(shutdown.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
    slow_release_.set_value();
    shutdown.get();
    const auto took = std::chrono::steady_clock::now() - started;
    auto reply = slow.get();
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(parse_object(reply.body)->getValue<std::string>("slow"), "done");
    EXPECT_EQ(Poco::toLower(reply.headers.at("Connection")), "close");
    // It waited for the request rather than for the whole drain time (10 s).
    EXPECT_LT(took, std::chrono::seconds(8));
    // And no longer accepts connections.
    EXPECT_THROW(http_request(port_, "GET", "/health/live"), Poco::Exception);
}

}  // namespace
