// The real program: `examdocs serve` started as a process, asked over HTTP, and stopped
// with SIGTERM, as an operator or a container runtime would.
#include <Poco/Data/Session.h>
#include <Poco/File.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/String.h>
#include <Poco/TemporaryFile.h>
#include <Poco/Zip/Compress.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/http_client.h"
#include "support/pdf_reader.h"
#include "support/postgres_server.h"
#include "support/samples.h"
#include "support/serve_process.h"

namespace {

TEST(ServeProcess, ServesThenDrainsAndExitsZeroOnSigterm) {
    Poco::TemporaryFile data_dir;
    Poco::TemporaryFile config("/tmp");
    {
        std::ofstream file(config.path());
        file << "# a properties file: the port comes from here, the data dir from -D\n"
                "server.port = 0\nserver.drain-timeout-s = 5\n";
    }
    Poco::Pipe out_pipe;
    Poco::Process::Env env{{"EXAMDOCS_LOG_FORMAT", "json"}};
    Poco::ProcessHandle handle = Poco::Process::launch(
        EXAMDOCS_BINARY,
        {"serve", "--config-file=" + config.path(), "-Ddata.dir=" + data_dir.path()}, "", nullptr,
        &out_pipe, nullptr, env);
    Poco::PipeInputStream output(out_pipe);

    // The first "listening" event names the bound address.
    std::string line;
    std::uint16_t port = 0;
    Poco::JSON::Parser parser;
    while (std::getline(output, line)) {
        auto entry = parser.parse(line).extract<Poco::JSON::Object::Ptr>();
        parser.reset();
        if (entry->optValue<std::string>("msg", "") == "listening") {
            const std::string address = entry->getValue<std::string>("address");
            port = static_cast<std::uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
            EXPECT_EQ(entry->getValue<std::string>("dataDir"), data_dir.path());
            break;
        }
    }
    ASSERT_NE(port, 0) << "no listening line; last line: " << line;

    auto reply = examdocs::test::http_request(port, "GET", "/health/live");
    EXPECT_EQ(reply.status, 200);

    // A request is in flight when SIGTERM arrives: its headers are in, its body is not.
    const std::string body = R"({"qr":"https://elsewhere.example/verify/1"})";
    Poco::Net::StreamSocket client(Poco::Net::SocketAddress("127.0.0.1", port));
    const std::string head =
        "POST /v1/verify HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/json\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n";
    const std::string first_half = head + body.substr(0, 10);
    client.sendBytes(first_half.data(), static_cast<int>(first_half.size()));
    // The service counts it from its headers on; /metrics (itself the second request in
    // flight) shows when that has happened, so the count is settled before SIGTERM.
    for (int tries = 0; tries < 1000; ++tries) {
        auto metrics = examdocs::test::http_request(port, "GET", "/metrics");
        if (metrics.body.find("examdocs_http_requests_in_flight 2") != std::string::npos) break;
        std::this_thread::yield();
    }
    ASSERT_EQ(::kill(handle.id(), SIGTERM), 0);
    int in_flight_at_drain = -1;
    while (std::getline(output, line)) {
        auto entry = parser.parse(line).extract<Poco::JSON::Object::Ptr>();
        parser.reset();
        if (entry->optValue<std::string>("msg", "") == "draining") {
            in_flight_at_drain = entry->getValue<int>("inFlight");
            break;
        }
    }
    EXPECT_EQ(in_flight_at_drain, 1);
    // The rest of the body arrives during the drain and the request is answered in full.
    const std::string second_half = body.substr(10);
    client.sendBytes(second_half.data(), static_cast<int>(second_half.size()));
    std::string answer;
    char buffer[4096];
    for (int n; (n = client.receiveBytes(buffer, sizeof buffer)) > 0;) {
        answer.append(buffer, static_cast<std::size_t>(n));
    }
    EXPECT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer;
    EXPECT_NE(Poco::toLower(answer).find("connection: close"), std::string::npos) << answer;
    EXPECT_NE(answer.find("\"verdict\":\"foreign\""), std::string::npos) << answer;

    bool stopped_logged = false;
    while (std::getline(output, line)) {
        if (line.find("\"msg\":\"stopped\"") != std::string::npos) stopped_logged = true;
    }
    EXPECT_EQ(handle.wait(), 0);
    EXPECT_TRUE(stopped_logged);
}

TEST(ServeProcess, BadConfigurationIsRefusedWithTheKeyNamed) {
    Poco::Pipe err_pipe;
    Poco::ProcessHandle handle = Poco::Process::launch(
        EXAMDOCS_BINARY, {"serve", "-Dserver.port=http"}, "", nullptr, nullptr, &err_pipe);
    Poco::PipeInputStream err(err_pipe);
    std::string text((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
    EXPECT_EQ(handle.wait(), 78);  // EX_CONFIG
    EXPECT_NE(text.find("server.port"), std::string::npos) << text;
    EXPECT_NE(text.find("'http'"), std::string::npos) << text;
}

// jobs.store names a store this version has (dir:PATH it can write in, or s3://… with an
// endpoint and keys: none given here); anything else stops serve before it listens.
TEST(ServeProcess, AJobStoreItCannotUseIsRefusedAtStart) {
    Poco::TemporaryFile data_dir;
    for (const std::string store :
         {"s3://bucket/prefix", "/srv/store", "dir:", "dir:/proc/examdocs-job-store"}) {
        Poco::Pipe err_pipe;
        Poco::ProcessHandle handle = Poco::Process::launch(
            EXAMDOCS_BINARY,
            {"serve", "-Dserver.port=0", "-Ddata.dir=" + data_dir.path(), "-Djobs.store=" + store},
            "", nullptr, nullptr, &err_pipe);
        Poco::PipeInputStream err(err_pipe);
        std::string text((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
        EXPECT_EQ(handle.wait(), 78) << store;  // EX_CONFIG
        EXPECT_NE(text.find("jobs.store"), std::string::npos) << text;
    }
}

TEST(ServeProcess, ServeHelpListsEveryKeyWithItsEnvironmentVariable) {
    Poco::Pipe out_pipe;
    Poco::ProcessHandle handle = Poco::Process::launch(EXAMDOCS_BINARY, {"serve", "--help"}, "",
                                                       nullptr, &out_pipe, nullptr);
    Poco::PipeInputStream out(out_pipe);
    std::string text((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
    EXPECT_EQ(handle.wait(), 0);
    for (const char* expected :
         {"server.port", "EXAMDOCS_SERVER_PORT", "server.threads", "server.queue",
          "server.read-timeout-s", "server.keep-alive-timeout-s", "server.keep-alive-max-requests",
          "server.drain-timeout-s", "limits.max-body-bytes", "data.dir"}) {
        EXPECT_NE(text.find(expected), std::string::npos) << expected;
    }
}

}  // namespace

namespace {

using Run = examdocs::test::CommandRun;

// Spawned, not forked (support/run_program.h says why); stderr read beside stdout.
Run run_examdocs(const std::vector<std::string>& args) {
    return examdocs::test::run_examdocs(EXAMDOCS_BINARY, args);
}

TEST(RenderCommand, RendersASampleToAFile) {
    Poco::TemporaryFile pdf;
    auto run = run_examdocs({"render", "score-notice",
                             EXAMDOCS_SOURCE_DIR "/samples/score-notice.json", "-o", pdf.path()});
    EXPECT_EQ(run.status, 0) << run.err;
    std::ifstream in(pdf.path(), std::ios::binary);
    std::string head(5, '\0');
    in.read(head.data(), 5);
    EXPECT_EQ(head, "%PDF-");
}

TEST(RenderCommand, ExitStatusesSayWhatWentWrong) {
    Poco::TemporaryFile bad, pdf;
    std::ofstream(bad.path()) << R"({"exam":{"title":"x"}})";
    auto refused = run_examdocs({"render", "score-notice", bad.path(), "-o", pdf.path()});
    EXPECT_EQ(refused.status, 65);  // EX_DATAERR
    EXPECT_NE(refused.err.find("/ticketNumber: "), std::string::npos) << refused.err;

    auto missing = run_examdocs({"render", "score-notice", "/nonexistent.json", "-o", pdf.path()});
    EXPECT_EQ(missing.status, 66);  // EX_NOINPUT

    auto unknown = run_examdocs({"render", "diploma", bad.path(), "-o", pdf.path()});
    EXPECT_EQ(unknown.status, 64);  // EX_USAGE
    EXPECT_NE(unknown.err.find("admission-ticket"), std::string::npos) << "lists the layouts";
}

}  // namespace

namespace {

TEST(PhotoCommands, CheckPhotoExitStatusFollowsTheVerdicts) {
    const std::string dir = EXAMDOCS_SOURCE_DIR "/tests/data/photos/";
    auto pass = run_examdocs({"check-photo", "--profile", "ruankao", dir + "good_413x579.jpg"});
    EXPECT_EQ(pass.status, 0) << pass.out << pass.err;
    EXPECT_NE(pass.out.find("pass"), std::string::npos);
    auto fail = run_examdocs({"check-photo", "--profile", "ruankao", dir + "good_413x579.jpg",
                              dir + "grey_background.jpg"});
    EXPECT_EQ(fail.status, 1);
    EXPECT_NE(fail.out.find("background"), std::string::npos) << fail.out;
    auto json = run_examdocs(
        {"check-photo", "--profile", "ruankao", "--json", dir + "grey_background.jpg"});
    EXPECT_NE(json.out.find("\"verdict\":\"fail\""), std::string::npos) << json.out;
    auto missing = run_examdocs({"check-photo", "--profile", "ruankao", "/nonexistent.jpg"});
    EXPECT_EQ(missing.status, 66);
}

TEST(PhotoCommands, NormalizePhotoWritesAPassingJpeg) {
    Poco::TemporaryFile out;
    auto run = run_examdocs({"normalize-photo", "--profile", "ruankao",
                             EXAMDOCS_SOURCE_DIR "/tests/data/photos/grey_background.jpg", "-o",
                             out.path()});
    EXPECT_EQ(run.status, 0) << run.err;
    auto recheck = run_examdocs({"check-photo", "--profile", "ruankao", out.path()});
    EXPECT_EQ(recheck.status, 0) << recheck.out;
}

}  // namespace

#include <Poco/SHA2Engine.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>

namespace {

struct ServerProcess {
    Poco::ProcessHandle handle;
    std::uint16_t port = 0;
};

ServerProcess start_server(const std::string& data_dir, const std::string& key_hash,
                           const Poco::Process::Env& extra_env = {}) {
    Poco::Pipe out_pipe;
    Poco::Process::Env env{
        {"EXAMDOCS_LOG_FORMAT", "json"},
        {"EXAMDOCS_LIMITS_PUBLIC_RATE_PER_MINUTE", "100000"},
        {"EXAMDOCS_JOBS_THREADS", "2"},
        {"EXAMDOCS_AUTH_API_KEYS", "test:" + key_hash + ":issue+read+revoke+print"}};
    for (const auto& [name, value] : extra_env) env[name] = value;
    ServerProcess p{Poco::Process::launch(EXAMDOCS_BINARY,
                                          {"serve", "-Dserver.port=0", "-Ddata.dir=" + data_dir},
                                          "", nullptr, &out_pipe, nullptr, env),
                    0};
    auto output = std::make_shared<Poco::PipeInputStream>(out_pipe);
    std::string line;
    Poco::JSON::Parser parser;
    while (std::getline(*output, line)) {
        auto entry = parser.parse(line).extract<Poco::JSON::Object::Ptr>();
        parser.reset();
        if (entry->optValue<std::string>("msg", "") == "listening") {
            const std::string address = entry->getValue<std::string>("address");
            p.port = static_cast<std::uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
            break;
        }
    }
    // Keep draining the log so that the server never blocks on a full pipe. The thread
    // owns the stream: it ends when the process does, whenever that is.
    std::thread([output] {
        std::string ignored;
        while (std::getline(*output, ignored)) {
        }
    }).detach();
    return p;
}

// An acknowledged certificate (a 201 was received) survives kill -9 of the server in the
// middle of a stream of issuances: SQLite commits with synchronous=FULL before answering.
TEST(Durability, AcknowledgedCertificatesSurviveKillMinus9) {
    Poco::TemporaryFile data_dir;
    const std::string key = "durability-test-key";
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    sha.update(key);
    const std::string hash = Poco::DigestEngine::digestToHex(sha.digest());
    std::vector<std::string> acknowledged;
    std::mt19937 random(20261122);
    int sequence = 0;
    for (int round = 0; round < 3; ++round) {
        ServerProcess server = start_server(data_dir.path(), hash);
        ASSERT_NE(server.port, 0);
        std::atomic<bool> stop{false};
        std::mutex mutex;
        std::condition_variable acknowledgement;
        std::thread client([&] {
            while (!stop) {
                const int n = ++sequence;
                const std::string body =
                    R"({"holder":{"name":"考生)" + std::to_string(n) +
                    R"(","idNumber":"120105199003071230"},"occupation":{"name":"电工"},"level":4,)"
                    R"("issuer":{"name":"天津市软件行业协会"},"issueDate":"2026-06-30"})";
                try {
                    auto reply = examdocs::test::http_request(
                        server.port, "POST", "/v1/certificates", body,
                        {{"Content-Type", "application/json"},
                         {"Authorization", "Bearer " + key},
                         {"Idempotency-Key", "durability-" + std::to_string(n)}});
                    if (reply.status == 201) {
                        Poco::JSON::Parser parser;
                        auto o = parser.parse(reply.body).extract<Poco::JSON::Object::Ptr>();
                        std::lock_guard lock(mutex);
                        acknowledged.push_back(o->getValue<std::string>("number"));
                        acknowledgement.notify_all();
                    }
                } catch (const std::exception&) {
                    return;  // the server is gone
                }
            }
        });
        // The kill lands after a random number of acknowledgements in this round (5 to
        // 15), while the client keeps issuing: mid-stream, whatever the machine's speed.
        const std::size_t kill_after = [&] {
            std::lock_guard lock(mutex);
            return acknowledged.size() + 5 + random() % 11;
        }();
        bool reached = false;
        {
            std::unique_lock lock(mutex);
            reached = acknowledgement.wait_for(lock, std::chrono::minutes(1),
                                               [&] { return acknowledged.size() >= kill_after; });
        }
        ::kill(server.handle.id(), SIGKILL);
        server.handle.wait();
        stop = true;
        client.join();
        ASSERT_TRUE(reached) << "round " << round << ": the server acknowledged too few issuances";
    }
    ServerProcess server = start_server(data_dir.path(), hash);
    for (const auto& number : acknowledged) {
        auto reply = examdocs::test::http_request(server.port, "GET", "/v1/certificates/" + number);
        EXPECT_EQ(reply.status, 200) << number << " was acknowledged but is gone";
    }
    ::kill(server.handle.id(), SIGTERM);
    EXPECT_EQ(server.handle.wait(), 0);
}

// A bulk job killed with kill -9 halfway through runs again after the restart, and its
// result is what an uninterrupted run makes: every record once, in order.
Poco::JSON::Object::Ptr object_of(const std::string& json) {
    Poco::JSON::Parser parser;
    return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
}

// `count` admission tickets from the sample, numbered 20261101<first>, <first + 1>, …
std::string numbered_tickets(int count, int first) {
    std::ifstream sample(EXAMDOCS_SOURCE_DIR "/samples/admission-ticket.json");
    Poco::JSON::Parser parser;
    auto ticket = parser.parse(sample).extract<Poco::JSON::Object::Ptr>();
    std::ostringstream ndjson;
    for (int i = 0; i < count; ++i) {
        ticket->set("ticketNumber", "20261101" + std::to_string(first + i));
        ticket->stringify(ndjson);
        ndjson << '\n';
    }
    return ndjson.str();
}

// The job's result holds those tickets, each once, in order.
void expect_every_ticket_once_in_order(std::uint16_t port, const std::string& id,
                                       const std::map<std::string, std::string>& auth, int count,
                                       int first) {
    auto result = examdocs::test::http_request(port, "GET", "/v1/jobs/" + id + "/result", "", auth);
    ASSERT_EQ(result.status, 200);
    const auto facts = examdocs::test::read_pdf(result.body);
    ASSERT_EQ(facts.pages, count);
    for (int i = 0; i < count; ++i) {
        EXPECT_NE(facts.page_text[static_cast<std::size_t>(i)].find("20261101" +
                                                                    std::to_string(first + i)),
                  std::string::npos)
            << "page " << i + 1;
    }
}

// `tickets`: enough that the job is still running when its first progress (a batch of 64,
// or a chunk) is seen, and few, since every one is printed once before the kill and again
// after it, then read back.
void bulk_job_survives_kill_minus_9(const Poco::Process::Env& mode, int tickets) {
    Poco::TemporaryFile data_dir;
    const std::string key = "durability-test-key";
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    sha.update(key);
    const std::string hash = Poco::DigestEngine::digestToHex(sha.digest());
    const std::map<std::string, std::string> auth{{"Authorization", "Bearer " + key}};

    const std::string ndjson = numbered_tickets(tickets, 50001);

    ServerProcess server = start_server(data_dir.path(), hash, mode);
    auto headers = auth;
    headers["Content-Type"] = "application/x-ndjson";
    auto created = examdocs::test::http_request(
        server.port, "POST", "/v1/jobs?layout=admission-ticket", ndjson, headers);
    ASSERT_EQ(created.status, 202) << created.body;
    const std::string id = object_of(created.body)->getValue<std::string>("id");
    auto job_state = [&](std::uint16_t port) {
        auto reply = examdocs::test::http_request(port, "GET", "/v1/jobs/" + id, "", auth);
        return object_of(reply.body);
    };
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
    Poco::JSON::Object::Ptr before;
    while (std::chrono::steady_clock::now() < deadline) {
        before = job_state(server.port);
        if (before->getObject("records")->getValue<int>("done") > 0) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(server.handle.id(), SIGKILL);
    server.handle.wait();
    ASSERT_EQ(before->getValue<std::string>("state"), "running")
        << "killed too late to mean anything";

    ServerProcess restarted = start_server(data_dir.path(), hash, mode);
    Poco::JSON::Object::Ptr after;
    while (std::chrono::steady_clock::now() < deadline) {
        after = job_state(restarted.port);
        if (after->getValue<std::string>("state") != "running" &&
            after->getValue<std::string>("state") != "queued") {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(after->getValue<std::string>("state"), "done");
    EXPECT_EQ(after->getValue<int>("attempts"), 2);
    EXPECT_EQ(after->getObject("records")->getValue<int>("printed"), tickets);
    expect_every_ticket_once_in_order(restarted.port, id, auth, tickets, 50001);
    ::kill(restarted.handle.id(), SIGTERM);
    EXPECT_EQ(restarted.handle.wait(), 0);
}

// 100 tickets: a batch of 64 and one of 36, so the kill lands between batches.
TEST(Durability, ABulkJobKilledMidwayResumesAfterRestart) {
    bulk_job_survives_kill_minus_9({}, 100);
}

// The same for a job split into chunks (as when instances share it): the chunks printed
// before the kill are kept, the one being printed is taken back at the restart. Five
// chunks of 10: the kill lands after the first, with four to go.
TEST(Durability, AChunkedBulkJobKilledMidwayResumesAfterRestart) {
    bulk_job_survives_kill_minus_9(
        {{"EXAMDOCS_JOBS_CHUNK_RECORDS", "10"}, {"EXAMDOCS_JOBS_POLL_MS", "20"}}, 50);
}

// Two servers on one PostgreSQL and one job store, each with a data directory of its own,
// share a job; the one that did not accept it is killed with kill -9 while it prints. The
// other takes over its chunk when the lease runs out, the result is every ticket once, in
// order, and a third instance serves the same bytes.
TEST(Durability, AnInstanceKilledMidJobLeavesItsChunkToTheOther) {
    const std::string url = examdocs::test::PostgresServer::shared().fresh_database();
    // Data directories of their own, and one job store, as a volume both mount.
    Poco::TemporaryFile data_a, data_b, keys, job_store;
    const std::string key = "durability-test-key";
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    sha.update(key);
    const std::string hash = Poco::DigestEngine::digestToHex(sha.digest());
    const std::map<std::string, std::string> auth{{"Authorization", "Bearer " + key}};
    const Poco::Process::Env shared{{"EXAMDOCS_REGISTRY_URL", url},
                                    {"EXAMDOCS_SIGNING_KEYS_DIR", keys.path()},
                                    {"EXAMDOCS_JOBS_CHUNK_RECORDS", "5"},
                                    {"EXAMDOCS_JOBS_LEASE_SECONDS", "2"},
                                    {"EXAMDOCS_JOBS_POLL_MS", "20"},
                                    {"EXAMDOCS_JOBS_THREADS", "1"},
                                    {"EXAMDOCS_JOBS_STORE", "dir:" + job_store.path()}};
    ServerProcess a = start_server(data_a.path(), hash, shared);
    ServerProcess b = start_server(data_b.path(), hash, shared);
    ASSERT_NE(a.port, 0);
    ASSERT_NE(b.port, 0);

    // Twelve chunks of 5: a few done before the kill, most still to print after it.
    constexpr int kTickets = 60;
    const std::string ndjson = numbered_tickets(kTickets, 80001);
    auto headers = auth;
    headers["Content-Type"] = "application/x-ndjson";
    auto created = examdocs::test::http_request(a.port, "POST", "/v1/jobs?layout=admission-ticket",
                                                ndjson, headers);
    ASSERT_EQ(created.status, 202) << created.body;
    const std::string id = object_of(created.body)->getValue<std::string>("id");
    auto job_state = [&] {
        return object_of(
            examdocs::test::http_request(a.port, "GET", "/v1/jobs/" + id, "", auth).body);
    };
    // B is killed once a few chunks are done and while it holds one (its name among the
    // instances is in its data directory).
    std::string b_name;
    std::ifstream(std::string(data_b.path()) + "/jobs/instance-id") >> b_name;
    ASSERT_FALSE(b_name.empty());
    Poco::Data::Session db("PostgreSQL", url);
    std::string job = id;
    auto chunks_held_by_b = [&] {
        std::vector<int> chunks;
        db << "SELECT CAST(chunk AS INTEGER) FROM job_chunks WHERE job_id = $1"
              " AND state = 'running' AND claimed_by = $2",
            Poco::Data::Keywords::into(chunks), Poco::Data::Keywords::use(job),
            Poco::Data::Keywords::use(b_name), Poco::Data::Keywords::now;
        return chunks;
    };
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
    // Every look is a request A answers from PostgreSQL while it prints: 20 ms apart, as in
    // the single-instance tests, not 5 (a chunk of 5 takes far longer than either).
    while (std::chrono::steady_clock::now() < deadline &&
           job_state()->getObject("records")->getValue<int>("done") < 15) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    // B is frozen before we look, so that it cannot finish its chunk between the look and
    // the kill; if it holds none, it goes on and we look again.
    std::vector<int> held;
    while (std::chrono::steady_clock::now() < deadline) {
        ::kill(b.handle.id(), SIGSTOP);
        held = chunks_held_by_b();
        if (!held.empty()) break;
        ::kill(b.handle.id(), SIGCONT);
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ASSERT_EQ(held.size(), 1u) << "B held no chunk while the job ran";
    ::kill(b.handle.id(), SIGKILL);
    b.handle.wait();
    const auto at_kill = job_state();
    ASSERT_EQ(at_kill->getValue<std::string>("state"), "running") << "killed too late";

    Poco::JSON::Object::Ptr after = at_kill;
    while (std::chrono::steady_clock::now() < deadline &&
           after->getValue<std::string>("state") == "running") {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        after = job_state();
    }
    ASSERT_EQ(after->getValue<std::string>("state"), "done");
    EXPECT_EQ(after->getObject("records")->getValue<int>("printed"), kTickets);
    // The chunk the killed server held was claimed a second time. (Others may have been
    // too: on a loaded machine A can miss renewing its own two-second lease.)
    int attempts = 0;
    int held_chunk = held.front();
    db << "SELECT attempts FROM job_chunks WHERE job_id = $1 AND chunk = $2",
        Poco::Data::Keywords::into(attempts), Poco::Data::Keywords::use(job),
        Poco::Data::Keywords::use(held_chunk), Poco::Data::Keywords::now;
    EXPECT_EQ(attempts, 2);
    expect_every_ticket_once_in_order(a.port, id, auth, kTickets, 80001);

    // A third instance, with a data directory that never saw the job, serves the same bytes
    // from the shared store.
    Poco::TemporaryFile data_c;
    ServerProcess c = start_server(data_c.path(), hash, shared);
    ASSERT_NE(c.port, 0);
    const auto from_a =
        examdocs::test::http_request(a.port, "GET", "/v1/jobs/" + id + "/result", "", auth);
    const auto from_c =
        examdocs::test::http_request(c.port, "GET", "/v1/jobs/" + id + "/result", "", auth);
    ASSERT_EQ(from_c.status, 200);
    EXPECT_EQ(from_c.body.size(), from_a.body.size());
    auto digest = [](const std::string& bytes) {
        Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
        engine.update(bytes);
        return Poco::DigestEngine::digestToHex(engine.digest());
    };
    EXPECT_EQ(digest(from_c.body), digest(from_a.body));
    ::kill(c.handle.id(), SIGTERM);
    EXPECT_EQ(c.handle.wait(), 0);
    ::kill(a.handle.id(), SIGTERM);
    EXPECT_EQ(a.handle.wait(), 0);
}

// `examdocs verify` on scans of certificates, asking a running service.
TEST(VerifyCommand, ScansAndQrTextsGetTheRegistrysVerdict) {
    Poco::TemporaryFile data_dir;
    const std::string key = "verify-command-key";
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    sha.update(key);
    ServerProcess server = start_server(data_dir.path(), sha.digestToHex(sha.digest()));
    struct Stop {  // a failed assertion must not leave the server running
        Poco::ProcessHandle& handle;
        ~Stop() {
            if (Poco::Process::isRunning(handle)) Poco::Process::kill(handle);
        }
    } stop{server.handle};
    const std::map<std::string, std::string> auth{{"Authorization", "Bearer " + key}};
    auto headers = auth;
    headers["Content-Type"] = "application/json";
    headers["Idempotency-Key"] = "verify-cli";
    const auto issued = examdocs::test::http_request(
        server.port, "POST", "/v1/certificates",
        R"({"holder":{"name":"张晓明","idNumber":"120105199003071230","photo":")" +
            examdocs::test::photo_base64("good_413x579.jpg") +
            R"("},"occupation":{"code":"6-31-01-03","name":"电工","job":"维修电工"},)"
            R"("level":4,"issuer":{"name":"天津市软件行业协会"},"issueDate":"2026-06-30"})",
        headers);
    ASSERT_EQ(issued.status, 201) << issued.body;
    const auto cert = object_of(issued.body);
    const std::string number = cert->getValue<std::string>("number");
    const std::string qr = cert->getValue<std::string>("verificationUrl");
    const auto pdf = examdocs::test::http_request(server.port, "GET",
                                                  "/v1/certificates/" + number + "/pdf", "", auth);
    ASSERT_EQ(pdf.status, 200) << pdf.body;
    Poco::TemporaryFile scan(Poco::TemporaryFile::tempName() + "-dir");
    scan.createDirectories();
    const std::string jpeg = scan.path() + "/scan.jpg";
    std::ofstream(jpeg, std::ios::binary) << examdocs::test::render_page_jpeg(pdf.body, 0, 150);
    const std::string not_an_image = scan.path() + "/notes.txt";
    std::ofstream(not_an_image) << "not a picture";
    const std::string server_url = "http://127.0.0.1:" + std::to_string(server.port);

    auto valid = run_examdocs({"verify", "--server", server_url, jpeg});
    EXPECT_EQ(valid.status, 0) << valid.out << valid.err;
    EXPECT_NE(valid.out.find(": valid  " + number + "  张晓明"), std::string::npos) << valid.out;

    std::string forged = qr;
    forged.replace(forged.find("?c=") + 3, 4, "0000");
    auto mixed = run_examdocs({"verify", "--server", server_url, jpeg, forged});
    EXPECT_EQ(mixed.status, 1) << mixed.out;
    EXPECT_NE(mixed.out.find(": forged  " + number + "  张*明"), std::string::npos) << mixed.out;

    EXPECT_EQ(run_examdocs({"verify", "--server", server_url, not_an_image}).status, 65);
    EXPECT_EQ(run_examdocs({"verify", "--server", server_url, scan.path() + "/gone.jpg"}).status,
              66);
    ::kill(server.handle.id(), SIGTERM);
    EXPECT_EQ(server.handle.wait(), 0);
    EXPECT_EQ(run_examdocs({"verify", "--server", server_url, qr}).status, 69);  // no service
}

}  // namespace

namespace {

// A candidates file of the first `rows` sample candidates, in a directory of its own with
// the photos their cells name, plus whatever extra lines a test adds.
struct CandidatesDir {
    Poco::TemporaryFile dir;
    std::string csv;

    explicit CandidatesDir(int rows, const std::string& extra = "") {
        dir.createDirectories();
        Poco::File(dir.path() + "/photos").createDirectories();
        for (const char* photo : {"good_295x413.jpg", "good_413x579.jpg"}) {
            Poco::File(EXAMDOCS_SOURCE_DIR "/samples/photos/" + std::string(photo))
                .copyTo(dir.path() + "/photos/" + photo);
        }
        std::ifstream in(EXAMDOCS_SOURCE_DIR "/samples/candidates.csv");
        csv = dir.path() + "/candidates.csv";
        std::ofstream out(csv);
        std::string line;
        for (int i = 0; i <= rows && std::getline(in, line); ++i) out << line << '\n';
        out << extra;
    }
    std::string path(const std::string& name) const { return dir.path() + "/" + name; }
};

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(BulkCommand, PrintsEveryCandidateIntoOnePdf) {
    CandidatesDir input(12);
    const std::string out = input.path("tickets.pdf");
    auto run = run_examdocs({"bulk", "--layout", "admission-ticket", "--input", input.csv,
                             "--defaults", EXAMDOCS_SOURCE_DIR "/samples/exam-defaults.json",
                             "--out", out, "--jobs", "2"});
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.err.find("printed 12 of 12 records"), std::string::npos) << run.err;
    // Not a terminal: progress comes as plain lines, no carriage returns.
    EXPECT_EQ(run.err.find('\r'), std::string::npos);
    const std::string pdf = slurp(out);
    EXPECT_EQ(pdf.substr(0, 5), "%PDF-");
    EXPECT_NE(pdf.find("/Count 12 "), std::string::npos);
    EXPECT_FALSE(Poco::File(out + ".partial").exists());
}

TEST(BulkCommand, RefusedRecordsGoToTheErrorsFileAndTheExitStatusSays65) {
    // Row 4: an ID number with a wrong check character; row 5: one cell short.
    CandidatesDir input(3,
                        "2026110199998,坏号码,120104199901232475,@photos/good_295x413.jpg,"
                        "6-31-01-03,电工,维修电工,3,理论,2026-12-12,09:00-10:30,第1考场,1,"
                        "操作,2026-12-12,14:00-16:00,实训楼201,1,\n"
                        "2026110199999,少一列\n");
    const std::string out = input.path("tickets.pdf");
    const std::string errors = input.path("errors.jsonl");
    auto run = run_examdocs({"bulk", "--layout", "admission-ticket", "--input", input.csv,
                             "--defaults", EXAMDOCS_SOURCE_DIR "/samples/exam-defaults.json",
                             "--out", out, "--errors", errors});
    EXPECT_EQ(run.status, 65) << run.err;  // EX_DATAERR: some records were refused
    EXPECT_NE(run.err.find("printed 3 of 5 records (2 refused"), std::string::npos) << run.err;
    std::istringstream lines(slurp(errors));
    std::string first, second, third;
    std::getline(lines, first);
    std::getline(lines, second);
    EXPECT_FALSE(std::getline(lines, third));
    EXPECT_NE(first.find("\"record\":4"), std::string::npos) << first;
    EXPECT_NE(first.find("\"line\":5"), std::string::npos) << first;
    EXPECT_NE(first.find("/candidate/idNumber"), std::string::npos) << first;
    EXPECT_NE(second.find("\"record\":5"), std::string::npos) << second;
    EXPECT_NE(second.find("csv-columns"), std::string::npos) << second;
    EXPECT_NE(slurp(out).find("/Count 3 "), std::string::npos) << "the good ones printed";
}

TEST(BulkCommand, ExitStatusesForMissingInputBadUsageAndBrokenFiles) {
    CandidatesDir input(1, "\"never closed,\n");
    const std::string out = input.path("out.pdf");
    auto missing = run_examdocs(
        {"bulk", "--layout", "admission-ticket", "--input", input.path("nope.csv"), "--out", out});
    EXPECT_EQ(missing.status, 66);  // EX_NOINPUT
    auto usage = run_examdocs(
        {"bulk", "--layout", "admission-ticket", "--input", input.csv, "--out", out, "--nup", "3"});
    EXPECT_EQ(usage.status, 64);  // EX_USAGE
    auto broken = run_examdocs(
        {"bulk", "--layout", "admission-ticket", "--input", input.csv, "--out", out, "--quiet"});
    EXPECT_EQ(broken.status, 65);
    EXPECT_NE(broken.err.find("never closed"), std::string::npos) << broken.err;
    EXPECT_FALSE(Poco::File(out).exists()) << "no half-written output under the real name";
    EXPECT_FALSE(Poco::File(out + ".partial").exists());
    auto unwritable = run_examdocs({"bulk", "--layout", "admission-ticket", "--input", input.csv,
                                    "--out", "/nonexistent-dir/out.pdf"});
    EXPECT_EQ(unwritable.status, 74);  // EX_IOERR
    // A misspelt field in the defaults would fail every record: refused before any prints.
    const std::string defaults = input.path("defaults.json");
    std::ofstream(defaults) << R"({"exam":{"titel":"2026"}})";
    auto misspelt = run_examdocs({"bulk", "--layout", "admission-ticket", "--input", input.csv,
                                  "--defaults", defaults, "--out", out});
    EXPECT_EQ(misspelt.status, 65);
    EXPECT_NE(misspelt.err.find("/exam/titel"), std::string::npos) << misspelt.err;
    EXPECT_NE(misspelt.err.find("`/exam/title`"), std::string::npos) << misspelt.err;
    EXPECT_FALSE(Poco::File(out).exists());
}

TEST(BulkCommand, PrintsAnExcelWorkbookWithItsPhotosFromAZip) {
    // What an exam office has: a workbook (written by openpyxl) and a ZIP of the photos.
    CandidatesDir input(0);
    const std::string workbook = input.path("考生名单.xlsx");
    Poco::File(EXAMDOCS_XLSX_DIR "/candidates.xlsx").copyTo(workbook);
    const std::string photos = input.path("照片.zip");
    {
        std::ofstream out(photos, std::ios::binary);
        Poco::Zip::Compress compress(out, true);
        for (const char* photo : {"good_295x413.jpg", "good_413x579.jpg"}) {
            compress.addFile(
                Poco::Path(EXAMDOCS_SOURCE_DIR "/samples/photos/" + std::string(photo)),
                Poco::Path(std::string("photos/") + photo));
        }
        compress.close();
    }
    Poco::File(input.path("photos")).remove(true);  // only the ZIP has them
    const std::string out = input.path("tickets.pdf");
    auto run = run_examdocs({"bulk", "--layout", "admission-ticket", "--input", workbook,
                             "--photos", photos, "--defaults",
                             EXAMDOCS_SOURCE_DIR "/samples/exam-defaults.json", "--out", out});
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.err.find("printed 20 of 20 records"), std::string::npos) << run.err;
    const auto pdf = examdocs::test::read_pdf(slurp(out));
    ASSERT_EQ(pdf.page_text.size(), 20U);
    const std::string first = examdocs::test::squeeze(pdf.page_text[0]);
    EXPECT_NE(first.find("000123"), std::string::npos) << "the ticket number as typed";
    EXPECT_NE(first.find("天津市第一考点"), std::string::npos) << "the merged centre cell";
    EXPECT_NE(first.find("2026年12月12日"), std::string::npos) << first;

    auto makeup = run_examdocs({"bulk", "--layout", "admission-ticket", "--input", workbook,
                                "--sheet", "补考", "--photos", photos, "--defaults",
                                EXAMDOCS_SOURCE_DIR "/samples/exam-defaults.json", "--out", out});
    EXPECT_EQ(makeup.status, 0) << makeup.err;
    EXPECT_NE(makeup.err.find("printed 1 of 1 records"), std::string::npos) << makeup.err;
}

TEST(BulkCommand, ARunThatPrintsNothingFailsWithoutAnOutputFile) {
    CandidatesDir header_only(0);
    const std::string out = header_only.path("tickets.pdf");
    auto empty = run_examdocs(
        {"bulk", "--layout", "admission-ticket", "--input", header_only.csv, "--out", out});
    EXPECT_EQ(empty.status, 65) << empty.err;
    EXPECT_NE(empty.err.find("holds no records"), std::string::npos) << empty.err;
    EXPECT_FALSE(Poco::File(out).exists());
    EXPECT_FALSE(Poco::File(out + ".partial").exists());

    CandidatesDir all_refused(0, "2026110199999,少一列\n2026110199998,也少\n");
    auto refused = run_examdocs(
        {"bulk", "--layout", "admission-ticket", "--input", all_refused.csv, "--out", out});
    EXPECT_EQ(refused.status, 65) << refused.err;
    EXPECT_NE(refused.err.find("every one of the 2 records was refused"), std::string::npos)
        << refused.err;
    EXPECT_FALSE(Poco::File(out).exists());
}

TEST(BulkCommand, IssueModeIssuesEachCertificateOnceAcrossReruns) {
    Poco::TemporaryFile dir;
    dir.createDirectories();
    const std::string input = dir.path() + "/certificates.ndjson";
    std::ofstream(input) << R"({"holder":{"name":"赵一","idNumber":"120105199003071230"},)"
                            R"("occupation":{"name":"电工"},"level":3,)"
                            R"("issuer":{"name":"天津市软件行业协会"},"issueDate":"2026-06-30"})"
                         << "\n"
                         << R"({"holder":{"name":"钱二","idNumber":"120105199003071230"},)"
                            R"("occupation":{"name":"电工"},"level":3,)"
                            R"("issuer":{"name":"天津市软件行业协会"},"issueDate":"2026-06-30"})"
                         << "\n";
    auto print = [&](const std::string& out) {
        return run_examdocs({"bulk", "--layout", "certificate", "--input", input, "--out", out,
                             "--issue", "--data-dir", dir.path() + "/var", "--quiet",
                             "--public-base-url", "https://verify.example.org"});
    };
    auto first = print(dir.path() + "/first.pdf");
    ASSERT_EQ(first.status, 0) << first.err;
    auto second = print(dir.path() + "/second.pdf");
    ASSERT_EQ(second.status, 0) << second.err;
    const auto a = examdocs::test::read_pdf(slurp(dir.path() + "/first.pdf"));
    const auto b = examdocs::test::read_pdf(slurp(dir.path() + "/second.pdf"));
    ASSERT_EQ(a.pages, 2);
    ASSERT_EQ(b.pages, 2);
    // The same certificates (numbers) the second time: nothing was issued twice.
    EXPECT_NE(a.all_text.find("S000012120001202630001"), std::string::npos) << a.all_text;
    EXPECT_NE(a.all_text.find("S000012120001202630002"), std::string::npos);
    EXPECT_EQ(b.all_text.find("S000012120001202630003"), std::string::npos) << b.all_text;
    EXPECT_NE(b.all_text.find("S000012120001202630002"), std::string::npos);
    EXPECT_EQ(run_examdocs({"bulk", "--layout", "admission-ticket", "--input", input, "--out",
                            dir.path() + "/x.pdf", "--issue"})
                  .status,
              64);
}

// 职称 and 软考 certificates issue-then-print as the skill certificate does: the layout names
// the kind (records need no levelScheme), a record of another kind is refused before it is
// issued, and a rerun issues nothing new.
TEST(BulkCommand, IssueModePrintsTitleAndRuankaoCertificates) {
    Poco::TemporaryFile dir;
    dir.createDirectories();
    const std::string titles = dir.path() + "/titles.ndjson";
    std::ofstream(titles)
        << R"({"holder":{"name":"陈静","idNumber":"120105199003071230"},)"
           R"("title":{"name":"工程师","specialty":"给排水工程"},"level":"中级",)"
           R"("committee":"天津市工程技术系列给排水专业中级评审委员会",)"
           R"("approval":{"number":"津人社职称〔2026〕12号"},)"
           R"("issueDate":"2026-06-30"})"
        << "\n"
        << R"({"holder":{"name":"刘建华","idNumber":"120104198506124516"},)"
           R"("title":{"name":"工程师","specialty":"计算机应用技术"},"level":"中级",)"
           R"("committee":"天津市工程技术系列计算机专业中级评审委员会",)"
           R"("approval":{"number":"津人社职称〔2026〕15号"},)"
           R"("issueDate":"2026-06-30"})"
        << "\n"
        << R"({"levelScheme":"ruankao","level":"中级","qualification":"软件设计师",)"
           R"("holder":{"name":"赵建国","idNumber":"120101199204156016"},)"
           R"("issueDate":"2026-06-30"})"
        << "\n";
    auto print = [&](const std::string& layout, const std::string& input, const std::string& out) {
        return run_examdocs({"bulk", "--layout", layout, "--input", input, "--out", out, "--issue",
                             "--data-dir", dir.path() + "/var", "--quiet", "--public-base-url",
                             "https://verify.example.org", "--errors", out + ".errors"});
    };
    auto first = print("zhicheng-certificate", titles, dir.path() + "/first.pdf");
    EXPECT_EQ(first.status, 65) << "the 软考 record is refused: " << first.err;
    EXPECT_NE(slurp(dir.path() + "/first.pdf.errors").find("other-layout"), std::string::npos)
        << slurp(dir.path() + "/first.pdf.errors");
    auto second = print("zhicheng-certificate", titles, dir.path() + "/second.pdf");
    EXPECT_EQ(second.status, 65) << second.err;
    const auto a = examdocs::test::read_pdf(slurp(dir.path() + "/first.pdf"));
    const auto b = examdocs::test::read_pdf(slurp(dir.path() + "/second.pdf"));
    ASSERT_EQ(a.pages, 2);
    ASSERT_EQ(b.pages, 2);
    EXPECT_NE(a.all_text.find("专业技术资格证书"), std::string::npos) << a.all_text;
    EXPECT_NE(a.all_text.find("Z000012120001202630001"), std::string::npos) << a.all_text;
    EXPECT_NE(a.all_text.find("Z000012120001202630002"), std::string::npos) << a.all_text;
    EXPECT_NE(b.all_text.find("Z000012120001202630002"), std::string::npos) << b.all_text;
    EXPECT_EQ(b.all_text.find("Z000012120001202630003"), std::string::npos) << b.all_text;

    // The 软考 record alone, with the 软考 layout: numbered under R, its level digit 2 (中级).
    const std::string ruankao = dir.path() + "/ruankao.ndjson";
    std::ofstream(ruankao) << R"({"level":"中级","qualification":"软件设计师",)"
                              R"("holder":{"name":"赵建国","idNumber":"120101199204156016"},)"
                              R"("issueDate":"2026-06-30"})"
                           << "\n";
    auto third = print("ruankao-certificate", ruankao, dir.path() + "/ruankao.pdf");
    ASSERT_EQ(third.status, 0) << third.err;
    const auto c = examdocs::test::read_pdf(slurp(dir.path() + "/ruankao.pdf"));
    EXPECT_NE(c.all_text.find("R000012120001202620001"), std::string::npos) << c.all_text;
    EXPECT_NE(c.all_text.find("软件设计师"), std::string::npos) << c.all_text;
}

}  // namespace

#include "support/serve_process.h"

namespace {

// registry.url in the documented URL form, and PostgreSQL's notices (a second start's
// "relation … already exists, skipping") as JSON log lines, never as plain text.
TEST(ServeProcess, PostgresqlUrlFormServesAndNoticesGoThroughTheJsonLog) {
    const std::string url = examdocs::test::PostgresServer::shared().fresh_database(true);
    ASSERT_EQ(url.rfind("postgresql://", 0), 0u) << url;
    Poco::TemporaryFile data_dir;
    const std::vector<std::string> args{"-Dserver.port=0", "-Ddata.dir=" + data_dir.path(),
                                        "-Dregistry.url=" + url};
    for (int start = 0; start < 2; ++start) {
        examdocs::test::ServeProcess server(EXAMDOCS_BINARY, args);
        ASSERT_NE(server.port(), 0) << server.stderr_text();
        auto health = examdocs::test::http_request(server.port(), "GET", "/health");
        EXPECT_NE(health.body.find("PostgreSQL, schema version"), std::string::npos) << health.body;
        EXPECT_EQ(server.stop(), 0);
        EXPECT_EQ(server.stderr_text().find("NOTICE"), std::string::npos) << server.stderr_text();
        bool notice_logged = false;
        Poco::JSON::Parser parser;
        for (const auto& line : server.lines()) {
            Poco::JSON::Object::Ptr entry;
            ASSERT_NO_THROW(entry = parser.parse(line).extract<Poco::JSON::Object::Ptr>())
                << "not JSON: " << line;
            parser.reset();
            if (entry->optValue<std::string>("msg", "") == "postgresql notice") {
                notice_logged = true;
                EXPECT_EQ(entry->getValue<std::string>("severity"), "NOTICE");
            }
        }
        if (start == 1) {
            EXPECT_TRUE(notice_logged) << "the second start's migration notices";
        }
    }
}

}  // namespace

namespace {

std::string layout_titled(const std::string& title, double x) {
    return R"({"name": "extra-kind", "title": ")" + title +
           R"(", "page": {"size": "A5"}, "fields": [{"pointer": "/name", "label": "姓名", "maxLength": 10}],
             "pages": [{"elements": [{"type": "text", "value": "/name", "box": [)" +
           std::to_string(x) + R"(, 20, 60, 10], "size": 12}]}]})";
}

std::string served_title(std::uint16_t port) {
    auto reply = examdocs::test::http_request(port, "GET", "/v1/layouts/extra-kind");
    if (reply.status != 200) return "";
    Poco::JSON::Parser parser;
    return parser.parse(reply.body)
        .extract<Poco::JSON::Object::Ptr>()
        ->getValue<std::string>("title");
}

}  // namespace

TEST(ServeProcess, SighupReloadsLayoutsAllOrNothing) {
    Poco::TemporaryFile data_dir, layouts_dir;
    Poco::File(layouts_dir.path()).createDirectories();
    const std::string file = layouts_dir.path() + "/extra-kind.json";
    std::ofstream(file) << layout_titled("第一版", 15);
    examdocs::test::ServeProcess server(EXAMDOCS_BINARY,
                                        {"-Dserver.port=0", "-Ddata.dir=" + data_dir.path(),
                                         "-Dlayouts.dir=" + layouts_dir.path()});
    ASSERT_NE(server.port(), 0) << server.stderr_text();
    EXPECT_EQ(served_title(server.port()), "第一版");

    std::ofstream(file) << layout_titled("第二版", 15);
    server.send_signal(SIGHUP);
    ASSERT_TRUE(server.wait_for_line("\"msg\":\"layouts reloaded\""));
    EXPECT_EQ(served_title(server.port()), "第二版");

    std::ofstream(file) << layout_titled("第三版", 100);  // 12 mm past an A5's right edge
    server.send_signal(SIGHUP);
    ASSERT_TRUE(server.wait_for_line("extends 12.0 mm past the page's right edge"));
    EXPECT_EQ(served_title(server.port()), "第二版") << "an invalid file changes nothing";
    EXPECT_EQ(server.stop(), 0);
}

TEST(ServeProcess, ABrokenLayoutStopsTheStartWithEveryErrorInTheValidatorsWords) {
    Poco::TemporaryFile data_dir, layouts_dir;
    Poco::File(layouts_dir.path()).createDirectories();
    std::ofstream(layouts_dir.path() + "/extra-kind.json") << layout_titled("坏", 100);
    examdocs::test::ServeProcess server(EXAMDOCS_BINARY,
                                        {"-Dserver.port=0", "-Ddata.dir=" + data_dir.path(),
                                         "-Dlayouts.dir=" + layouts_dir.path()});
    EXPECT_EQ(server.port(), 0);
    EXPECT_NE(server.exit_status(), 0);
    EXPECT_NE(server.stderr_text().find(
                  "extra-kind.json: /pages/0/elements/0/box: extends 12.0 mm past the page's "
                  "right edge"),
              std::string::npos)
        << server.stderr_text();
}
