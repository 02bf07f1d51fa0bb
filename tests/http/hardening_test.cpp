// The service under hostile input and bad luck, through a real server: malformed and
// oversized forms, slow clients, more requests than workers, a full or lost disk.
#include <Poco/File.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <future>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "examdocs/service/service.h"
#include "support/http_client.h"
#include "support/nginx_server.h"
#include "support/running_service.h"
#include "support/samples.h"

namespace svc = examdocs::service;
using examdocs::test::http_request;
using examdocs::test::parse_object;

namespace {

std::string problem_type(const examdocs::test::HttpReply& reply) {
    return parse_object(reply.body)->getValue<std::string>("type");
}

std::string form(const std::string& boundary, int parts, const std::string& last_part) {
    std::string body;
    for (int i = 0; i < parts; ++i) {
        body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"note" +
                std::to_string(i) + "\"\r\n\r\nhello\r\n";
    }
    return body + last_part + "--" + boundary + "--\r\n";
}

class Forms : public ::testing::Test {
  protected:
    examdocs::test::HttpReply check(const std::string& body, const std::string& content_type) {
        return http_request(service_.port(), "POST", "/v1/photos/check?profile=ruankao", body,
                            {{"Content-Type", content_type}});
    }
    examdocs::test::RunningService service_;
    const std::string boundary_ = "----examdocs-boundary";
    const std::string photo_part_ =
        "--" + boundary_ +
        "\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"me.jpg\"\r\n"
        "Content-Type: image/jpeg\r\n\r\n" +
        examdocs::test::read_file(
            examdocs::test::source_path("tests/data/photos/good_295x413.jpg")) +
        "\r\n";
};

TEST_F(Forms, ABodyThatDoesNotStartWithItsBoundaryIs400) {
    const auto reply =
        check("this is not a form at all\r\n\r\n", "multipart/form-data; boundary=" + boundary_);
    ASSERT_EQ(reply.status, 400) << reply.body;
    EXPECT_EQ(problem_type(reply), "urn:examdocs:problem:malformed-form");

    const auto no_boundary = check(form(boundary_, 0, photo_part_), "multipart/form-data");
    ASSERT_EQ(no_boundary.status, 400) << no_boundary.body;
    EXPECT_EQ(problem_type(no_boundary), "urn:examdocs:problem:malformed-form");

    const auto headerless =
        check("--" + boundary_ + "\r\nno colon here\r\n\r\nx\r\n--" + boundary_ + "--\r\n",
              "multipart/form-data; boundary=" + boundary_);
    ASSERT_EQ(headerless.status, 400) << headerless.body;
    EXPECT_EQ(problem_type(headerless), "urn:examdocs:problem:malformed-form");
}

TEST_F(Forms, PartsPastTheLimitAreRefusedWithoutReadingThem) {
    const auto within =
        check(form(boundary_, 7, photo_part_), "multipart/form-data; boundary=" + boundary_);
    ASSERT_EQ(within.status, 200) << within.body;

    const auto many =
        check(form(boundary_, 20000, photo_part_), "multipart/form-data; boundary=" + boundary_);
    ASSERT_EQ(many.status, 400) << many.body;
    EXPECT_EQ(problem_type(many), "urn:examdocs:problem:too-many-parts");
    EXPECT_NE(parse_object(many.body)->getValue<std::string>("detail").find("8 parts"),
              std::string::npos);
}

// ---- slow clients and overload ---------------------------------------------------

// A raw connection that sends what the test says, when it says.
Poco::Net::StreamSocket connect_to(std::uint16_t port) {
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port));
    socket.setReceiveTimeout(Poco::Timespan(20, 0));
    return socket;
}

void send_text(Poco::Net::StreamSocket& socket, const std::string& text) {
    socket.sendBytes(text.data(), static_cast<int>(text.size()));
}

// Everything the server sends until it closes (or the receive timeout).
std::string read_until_closed(Poco::Net::StreamSocket& socket) {
    std::string out;
    char buffer[4096];
    try {
        while (true) {
            const int n = socket.receiveBytes(buffer, sizeof buffer);
            if (n <= 0) break;
            out.append(buffer, static_cast<std::size_t>(n));
        }
    } catch (const Poco::Exception&) {
    }
    return out;
}

TEST(SlowClients, HeadsArrivingByteByByteHoldNoWorker) {
    examdocs::test::RunningService service{[](svc::Settings& s) { s.threads = 2; }};
    // Far more slow connections than workers, each stuck inside its request head.
    std::vector<Poco::Net::StreamSocket> slow;
    for (int i = 0; i < 40; ++i) {
        slow.push_back(connect_to(service.port()));
        send_text(slow.back(), "GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: ");
    }
    for (int i = 0; i < 20; ++i) {
        const auto reply = http_request(service.port(), "GET", "/health/live");
        ASSERT_EQ(reply.status, 200) << "probe " << i;
    }
    // The slow clients were not dropped either: one finishes its head and is answered.
    send_text(slow.front(), "1\r\nConnection: close\r\n\r\n");
    const std::string answer = read_until_closed(slow.front());
    EXPECT_EQ(answer.rfind("HTTP/1.1 ", 0), 0u) << answer;
    EXPECT_NE(answer.find(" 200 "), std::string::npos) << answer;
}

TEST(SlowClients, AHeadThatTakesTooLongIsAnswered408AndClosed) {
    examdocs::test::RunningService service{[](svc::Settings& s) {
        s.threads = 1;
        s.head_timeout = std::chrono::milliseconds(300);
    }};
    auto socket = connect_to(service.port());
    send_text(socket, "GET /health HTTP/1.1\r\nHost: x\r\n");
    const std::string answer = read_until_closed(socket);  // waits for the server
    EXPECT_EQ(answer.rfind("HTTP/1.1 408", 0), 0u) << answer;
    EXPECT_NE(answer.find("urn:examdocs:problem:request-timeout"), std::string::npos) << answer;
    EXPECT_EQ(http_request(service.port(), "GET", "/health/live").status, 200);
}

// A route that holds its worker until the test lets it go.
struct Gate {
    std::mutex mutex;
    std::condition_variable changed;
    int entered = 0;
    bool open = false;

    void hold() {
        std::unique_lock lock(mutex);
        ++entered;
        changed.notify_all();
        changed.wait(lock, [this] { return open; });
    }
    void wait_entered(int n) {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return entered >= n; });
    }
    void release() {
        std::lock_guard lock(mutex);
        open = true;
        changed.notify_all();
    }
};

TEST(SlowClients, BehindTheShippedNginxSetupSlowHeadsLeaveHealthAnswering) {
    examdocs::test::RunningService service{[](svc::Settings& s) { s.threads = 2; }};
    examdocs::test::NginxServer nginx(service.port());
    std::vector<Poco::Net::StreamSocket> slow;
    for (int i = 0; i < 40; ++i) {
        slow.push_back(connect_to(nginx.port()));
        send_text(slow.back(), "GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ");
    }
    for (int i = 0; i < 20; ++i) {
        const auto reply = http_request(nginx.port(), "GET", "/health/live");
        ASSERT_EQ(reply.status, 200) << "probe " << i << ": " << nginx.error_log();
    }
    // A request through the proxy reaches the service whole, answers and all.
    const auto layouts = http_request(nginx.port(), "GET", "/v1/layouts");
    ASSERT_EQ(layouts.status, 200) << layouts.body;
    EXPECT_NE(layouts.body.find("admission-ticket"), std::string::npos);
}

TEST(Overload, PastTheQueueTheAnswerIs503WithRetryAfterNeverAReset) {
    Gate gate;
    examdocs::test::RunningService service{
        [](svc::Settings& s) {
            s.threads = 1;
            s.queue = 1;
        },
        [&gate](svc::Service& svc) {
            svc.router().add({"GET", "/test/hold", [&gate](svc::Exchange&) {
                                  gate.hold();
                                  return svc::Response::json("{}");
                              }});
        }};
    const auto port = service.port();
    auto holding =
        std::async(std::launch::async, [port] { return http_request(port, "GET", "/test/hold"); });
    gate.wait_entered(1);
    // The one worker is held: of the next two requests one waits in the queue and the
    // other finds it full.
    auto second = std::async(std::launch::async,
                             [port] { return http_request(port, "GET", "/health/live"); });
    auto third = std::async(std::launch::async,
                            [port] { return http_request(port, "GET", "/health/live"); });
    std::vector<std::future<examdocs::test::HttpReply>*> pending{&second, &third};
    // The refused one is answered while the worker is still held.
    examdocs::test::HttpReply refused;
    std::future<examdocs::test::HttpReply>* queued = nullptr;
    while (queued == nullptr) {
        for (auto* f : pending) {
            if (f->wait_for(std::chrono::milliseconds(20)) == std::future_status::ready) {
                refused = f->get();
                queued = f == &second ? &third : &second;
                break;
            }
        }
    }
    EXPECT_EQ(refused.status, 503) << refused.body;
    EXPECT_EQ(refused.headers["Retry-After"], "1");
    EXPECT_EQ(parse_object(refused.body)->getValue<std::string>("type"),
              "urn:examdocs:problem:unavailable");
    gate.release();
    EXPECT_EQ(holding.get().status, 200);
    EXPECT_EQ(queued->get().status, 200);
}

TEST(Overload, MoreConcurrentIssuancesThanTheOldSessionPoolAreNever500) {
    const std::string key = "backend-secret-key-0001";
    examdocs::test::RunningService service{[&key](svc::Settings& s) {
        s.threads = 64;
        s.api_keys = "backend:" + examdocs::test::sha256_hex(key) + ":issue";
    }};
    std::vector<std::future<examdocs::test::HttpReply>> replies;
    for (int i = 0; i < 64; ++i) {
        replies.push_back(std::async(std::launch::async, [&, i] {
            return http_request(
                service.port(), "POST", "/v1/certificates",
                R"({"holder":{"name":"张晓明","idNumber":"120105199003071230"},)"
                R"("occupation":{"code":"4-04-05-02","name":"信息通信网络运行管理员"},)"
                R"("level":4,"issuer":{"name":"天津市软件行业协会"},"issueDate":"2026-11-20"})",
                {{"Content-Type", "application/json"},
                 {"Authorization", "Bearer " + key},
                 {"Idempotency-Key", "burst-" + std::to_string(i)}});
        }));
    }
    for (auto& r : replies) {
        const auto reply = r.get();
        EXPECT_EQ(reply.status, 201) << reply.body;
    }
}

}  // namespace

namespace {

// ---- storage faults -------------------------------------------------------------

const std::string kIssuerKey = "backend-secret-key-0001";

std::string certificate_request() {
    return R"({"holder":{"name":"张晓明","idNumber":"120105199003071230"},)"
           R"("occupation":{"code":"4-04-05-02","name":"信息通信网络运行管理员"},)"
           R"("level":4,"issuer":{"name":"天津市软件行业协会"},"issueDate":"2026-11-20"})";
}

examdocs::test::HttpReply issue(std::uint16_t port, const std::string& idempotency_key) {
    return http_request(port, "POST", "/v1/certificates", certificate_request(),
                        {{"Content-Type", "application/json"},
                         {"Authorization", "Bearer " + kIssuerKey},
                         {"Idempotency-Key", idempotency_key}});
}

void set_up(svc::Settings& s, const std::string& data_dir) {
    s.data_dir = data_dir;
    s.api_keys = "backend:" + examdocs::test::sha256_hex(kIssuerKey) + ":issue+read";
    s.public_base_url = "https://verify.example.org";
    s.public_rate_per_minute = 1000;
}

// Writes to `path` until the file system refuses a single byte more.
void fill_until_full(const std::string& path) {
    std::FILE* out = std::fopen(path.c_str(), "wb");
    ASSERT_NE(out, nullptr);
    std::setvbuf(out, nullptr, _IONBF, 0);
    const std::vector<char> block(64 * 1024, 'x');
    for (std::size_t size : {block.size(), std::size_t{4096}, std::size_t{1}}) {
        while (std::fwrite(block.data(), 1, size, out) == size) {
        }
        std::clearerr(out);
    }
    std::fclose(out);
}

// A small tmpfs of the test's own: a disk that can be filled in a moment. Needs root
// (CI and the developers' machines run as root); elsewhere the test says why it skips.
class SmallDisk {
  public:
    SmallDisk() {
        dir_.createDirectories();
        mounted_ = ::mount("tmpfs", dir_.path().c_str(), "tmpfs", 0, "size=40m") == 0;
    }
    ~SmallDisk() {
        if (mounted_) ::umount2(dir_.path().c_str(), MNT_DETACH);
    }
    bool mounted() const { return mounted_; }
    std::string path() const { return dir_.path(); }

  private:
    Poco::TemporaryFile dir_;
    bool mounted_ = false;
};

template <typename Condition>
bool eventually(Condition condition, std::chrono::seconds limit = std::chrono::seconds(30)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return condition();
}

TEST(Storage, AFullDiskRefusesWritesClearlyWhileVerificationKeepsAnswering) {
    SmallDisk disk;
    if (!disk.mounted()) GTEST_SKIP() << "mounting a tmpfs as the full disk needs root";
    examdocs::test::RunningService service{
        [&disk](svc::Settings& s) { set_up(s, disk.path() + "/data"); }};
    const auto port = service.port();
    const auto first = issue(port, "before-full");
    ASSERT_EQ(first.status, 201) << first.body;
    const auto cert = parse_object(first.body);
    const std::string number = cert->getValue<std::string>("number");
    const std::string url = cert->getValue<std::string>("verificationUrl");
    const std::string code = cert->getValue<std::string>("verificationCode");

    fill_until_full(disk.path() + "/filler");

    const auto refused = issue(port, "while-full");
    ASSERT_EQ(refused.status, 507) << refused.body;
    EXPECT_EQ(parse_object(refused.body)->getValue<std::string>("type"),
              "urn:examdocs:problem:storage-full");
    const auto ready = http_request(port, "GET", "/health/ready");
    EXPECT_EQ(ready.status, 503);
    EXPECT_NE(ready.body.find("\"storage\""), std::string::npos) << ready.body;

    // The public keeps its answers. Their audit lines fit into what the database file
    // had allocated at first; then they wait in memory.
    bool queued = false;
    constexpr int kLookups = 150;
    for (int i = 0; i < kLookups; ++i) {
        const auto verified = http_request(port, "POST", "/v1/verify", "{\"qr\":\"" + url + "\"}",
                                           {{"Content-Type", "application/json"}});
        ASSERT_EQ(verified.status, 200) << verified.body;
        EXPECT_EQ(parse_object(verified.body)->getValue<std::string>("verdict"), "valid");
        const auto looked_up =
            http_request(port, "GET", "/v1/certificates/" + number + "?code=" + code);
        ASSERT_EQ(looked_up.status, 200) << looked_up.body;
    }
    // The writer reported refused batches (they stayed queued): storage says so.
    for (const auto& d : service->health().snapshot()) {
        if (d.name == "storage") queued = d.detail.find("audit lines") != std::string::npos;
    }
    EXPECT_TRUE(queued) << "no audit batch was refused: was the disk full?";
    const auto metrics = http_request(port, "GET", "/metrics").body;
    const auto at = metrics.find("\nexamdocs_audit_lines_waiting ");
    ASSERT_NE(at, std::string::npos) << metrics;
    EXPECT_GT(std::stod(metrics.substr(at + 30, 20)), 0.0) << "operators see the queue";

    // Space comes back: the queued lines land, writes work, the service is ready again.
    Poco::File(disk.path() + "/filler").remove();
    EXPECT_TRUE(eventually([&] { return service->registry()->audit_writer().waiting() == 0; }));
    EXPECT_TRUE(
        eventually([&] { return http_request(port, "GET", "/health/ready").status == 200; }));
    EXPECT_EQ(issue(port, "after-full").status, 201);
    const auto trail = http_request(port, "GET", "/v1/certificates/" + number + "/audit", {},
                                    {{"Authorization", "Bearer " + kIssuerKey}});
    ASSERT_EQ(trail.status, 200) << trail.body;
    EXPECT_EQ(parse_object(trail.body)->getArray("audit")->size(), 1u + 2 * kLookups);
}

// Starts a service on `data_dir`, issues one certificate, stops.
void serve_and_issue(const std::string& data_dir) {
    examdocs::test::RunningService service{[&data_dir](svc::Settings& s) { set_up(s, data_dir); }};
    ASSERT_EQ(issue(service.port(), "first").status, 201);
}

int refused_start_status(const std::string& data_dir, std::string& message) {
    svc::Settings settings;
    settings.port = 0;
    set_up(settings, data_dir);
    std::ostringstream log_text;
    svc::Log log(log_text, svc::LogFormat::json);
    svc::Service service(settings, log);
    try {
        service.start();
    } catch (const svc::StartError& e) {
        message = e.what();
        // What `examdocs serve` exits with for each reason (EX_IOERR for the registry).
        return e.reason() == svc::StartError::Reason::registry_refused ? 74 : 1;
    }
    return 0;
}

TEST(RegistryIdentity, ARegistryEmptiedOrDeletedUnderItsKeysDoesNotServe) {
    Poco::TemporaryFile dir;
    dir.createDirectories();
    serve_and_issue(dir.path());
    const std::string registry = dir.path() + "/registry.sqlite";
    for (const std::string suffix : {"-wal", "-shm"}) {
        if (Poco::File(registry + suffix).exists()) Poco::File(registry + suffix).remove();
    }
    std::ofstream(registry, std::ios::trunc).close();  // emptied
    std::string message;
    EXPECT_EQ(refused_start_status(dir.path(), message), 74);
    EXPECT_NE(message.find("deleted or emptied"), std::string::npos) << message;

    for (const std::string suffix : {"", "-wal", "-shm"}) {
        if (Poco::File(registry + suffix).exists()) Poco::File(registry + suffix).remove();
    }
    EXPECT_EQ(refused_start_status(dir.path(), message), 74);
    EXPECT_NE(message.find("0 certificates"), std::string::npos) << message;
}

TEST(RegistryIdentity, ADamagedPageStopsTheStart) {
    Poco::TemporaryFile dir;
    dir.createDirectories();
    serve_and_issue(dir.path());
    const std::string registry = dir.path() + "/registry.sqlite";
    const auto size = Poco::File(registry).getSize();
    ASSERT_GT(size, 3 * 4096u);
    {
        // Every page after the first (the header) overwritten with noise.
        std::fstream file(registry, std::ios::in | std::ios::out | std::ios::binary);
        file.seekp(4096);
        const std::string noise(static_cast<std::size_t>(size) - 4096, '\xA5');
        file.write(noise.data(), static_cast<std::streamsize>(noise.size()));
    }
    std::string message;
    EXPECT_EQ(refused_start_status(dir.path(), message), 74);
    EXPECT_NE(message.find("damaged"), std::string::npos) << message;
}

TEST(RegistryIdentity, TheSameRegistryRestartsAndANewDataDirectoryStarts) {
    Poco::TemporaryFile dir;
    dir.createDirectories();
    serve_and_issue(dir.path());
    std::string message;
    EXPECT_EQ(refused_start_status(dir.path(), message), 0) << message;
    EXPECT_TRUE(Poco::File(dir.path() + "/keys/registry-id").exists());
}

}  // namespace
