// What an operator does with the real binary: a second instance on a used port, a data
// directory that cannot be written, the start-up warnings, a new API key, a backup taken
// while serving and restored, a signing-key rotation.
#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/SHA2Engine.h>
#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.h"
#include "support/serve_process.h"

namespace {

using examdocs::test::http_request;
using examdocs::test::ServeProcess;

examdocs::test::CommandRun run(const std::vector<std::string>& args) {
    return examdocs::test::run_examdocs(EXAMDOCS_BINARY, args);
}

Poco::JSON::Object::Ptr object_of(const std::string& json) {
    Poco::JSON::Parser parser;
    return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
}

std::vector<Poco::JSON::Object::Ptr> warnings_of(const ServeProcess& server) {
    std::vector<Poco::JSON::Object::Ptr> found;
    for (const auto& line : server.lines()) {
        auto entry = object_of(line);
        if (entry->optValue<std::string>("level", "") == "warn") found.push_back(entry);
    }
    return found;
}

bool warned_about(const ServeProcess& server, const std::string& key) {
    for (const auto& w : warnings_of(server)) {
        if (w->optValue<std::string>("key", "") == key) return true;
    }
    return false;
}

TEST(Binding, ASecondInstanceOnAUsedPortExits69) {
    Poco::TemporaryFile first_dir, second_dir;
    ServeProcess first(EXAMDOCS_BINARY, {"-Dserver.port=0", "-Ddata.dir=" + first_dir.path()});
    ASSERT_NE(first.port(), 0);
    ServeProcess second(EXAMDOCS_BINARY, {"-Dserver.port=" + std::to_string(first.port()),
                                          "-Ddata.dir=" + second_dir.path()});
    EXPECT_EQ(second.port(), 0) << "the second instance must not listen";
    EXPECT_EQ(second.exit_status(), 69);  // EX_UNAVAILABLE
    EXPECT_NE(
        second.stderr_text().find("cannot listen on 127.0.0.1:" + std::to_string(first.port())),
        std::string::npos)
        << second.stderr_text();
    EXPECT_NE(second.stderr_text().find("in use"), std::string::npos) << second.stderr_text();
    // The first one still answers alone.
    EXPECT_EQ(http_request(first.port(), "GET", "/health/live").status, 200);
    EXPECT_EQ(first.stop(), 0);
}

TEST(Binding, ReusePortSharesThePortOnlyWhenAsked) {
    Poco::TemporaryFile first_dir, second_dir;
    ServeProcess first(EXAMDOCS_BINARY, {"-Dserver.port=0", "-Dserver.reuse-port=true",
                                         "-Ddata.dir=" + first_dir.path()});
    ASSERT_NE(first.port(), 0);
    ServeProcess second(EXAMDOCS_BINARY,
                        {"-Dserver.port=" + std::to_string(first.port()),
                         "-Dserver.reuse-port=true", "-Ddata.dir=" + second_dir.path()});
    EXPECT_EQ(second.port(), first.port());
    EXPECT_EQ(second.stop(), 0);
    EXPECT_EQ(first.stop(), 0);
}

TEST(DataDirectory, NotWritableStopsTheStartWithStatus73) {
    // A regular file where a directory should be: creating data.dir inside it fails, for
    // root as well (tests may run as root, for whom permissions are no obstacle).
    Poco::TemporaryFile file;
    std::ofstream(file.path()) << "not a directory";
    ServeProcess server(EXAMDOCS_BINARY, {"-Dserver.port=0", "-Ddata.dir=" + file.path() + "/var"});
    EXPECT_EQ(server.port(), 0);
    EXPECT_EQ(server.exit_status(), 73);  // EX_CANTCREAT
    EXPECT_NE(server.stderr_text().find("data.dir"), std::string::npos) << server.stderr_text();
    EXPECT_NE(server.stderr_text().find("not writable"), std::string::npos);
    bool logged = false;
    for (const auto& line : server.lines()) {
        auto entry = object_of(line);
        if (entry->optValue<std::string>("level", "") == "error") logged = true;
    }
    EXPECT_TRUE(logged) << "the JSON log says it too";
}

TEST(StartupWarnings, DefaultsThatAreWrongInProductionAreLogged) {
    Poco::TemporaryFile data_dir;
    ServeProcess defaults(EXAMDOCS_BINARY, {"-Dserver.port=0", "-Ddata.dir=" + data_dir.path()});
    ASSERT_NE(defaults.port(), 0);
    EXPECT_TRUE(warned_about(defaults, "public.base-url"));
    EXPECT_TRUE(warned_about(defaults, "auth.api-keys"));
    EXPECT_FALSE(warned_about(defaults, "server.host"));
    // Numbers are JSON numbers.
    for (const auto& line : defaults.lines()) {
        auto entry = object_of(line);
        if (entry->optValue<std::string>("msg", "") == "listening") {
            EXPECT_TRUE(entry->get("threads").isInteger()) << line;
            EXPECT_EQ(entry->getValue<int>("port"), defaults.port());
        }
    }
    EXPECT_EQ(defaults.stop(), 0);

    ServeProcess configured(
        EXAMDOCS_BINARY,
        {"-Dserver.port=0", "-Dserver.host=0.0.0.0", "-Ddata.dir=" + data_dir.path(),
         "-Dpublic.base-url=https://verify.example.org",
         "-Dauth.api-keys=backend:" + std::string(64, 'a') + ":read"});
    ASSERT_NE(configured.port(), 0);
    EXPECT_FALSE(warned_about(configured, "public.base-url"));
    EXPECT_FALSE(warned_about(configured, "auth.api-keys"));
    EXPECT_TRUE(warned_about(configured, "server.host"));
    EXPECT_EQ(configured.stop(), 0);
}

// What `api-key new` prints is what a server and a backend need, and nothing else is.
TEST(ApiKey, NewKeyIsAcceptedByAServerConfiguredWithItsEntry) {
    const auto made = run({"api-key", "new", "registration", "--rights", "issue+read", "--json"});
    ASSERT_EQ(made.status, 0) << made.err;
    auto o = object_of(made.out);
    const std::string key = o->getValue<std::string>("key");
    const std::string entry = o->getValue<std::string>("entry");
    EXPECT_GE(key.size(), 32u);
    EXPECT_EQ(entry.rfind("registration:", 0), 0u) << entry;
    EXPECT_EQ(entry.substr(entry.size() - 11), ":issue+read") << entry;
    EXPECT_NE(run({"api-key", "new", "registration", "--rights", "read", "--json"}).out, made.out)
        << "every key is fresh";

    // The text form shows the same two things on lines of their own.
    const auto text = run({"api-key", "new", "printer", "--rights", "print"});
    EXPECT_EQ(text.status, 0);
    EXPECT_NE(text.out.find("\n    exd_"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("\n    printer:"), std::string::npos) << text.out;

    Poco::TemporaryFile data_dir;
    ServeProcess server(EXAMDOCS_BINARY, {"-Dserver.port=0", "-Ddata.dir=" + data_dir.path()},
                        {{"EXAMDOCS_AUTH_API_KEYS", entry}});
    ASSERT_NE(server.port(), 0);
    const std::string body =
        R"({"holder":{"name":"张三","idNumber":"120105199003071230"},"occupation":{"name":"电工"},)"
        R"("level":4,"issuer":{"name":"天津市软件行业协会"},"issueDate":"2026-06-30"})";
    auto issued = http_request(server.port(), "POST", "/v1/certificates", body,
                               {{"Content-Type", "application/json"},
                                {"Authorization", "Bearer " + key},
                                {"Idempotency-Key", "api-key-test"}});
    EXPECT_EQ(issued.status, 201) << issued.body;
    auto refused = http_request(server.port(), "POST", "/v1/certificates", body,
                                {{"Content-Type", "application/json"},
                                 {"Authorization", "Bearer " + key + "x"},
                                 {"Idempotency-Key", "api-key-test-2"}});
    EXPECT_EQ(refused.status, 401);
    EXPECT_EQ(server.stop(), 0);
}

// ---- backup, restore and rotation, as docs/operations.md describes them -------------

const std::string kKey = "operations-test-key-0123456789abcdef";

std::string key_entry() {
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    sha.update(kKey);
    return "ops:" + Poco::DigestEngine::digestToHex(sha.digest()) + ":issue+read+revoke";
}

std::map<std::string, std::string> server_env() {
    return {{"EXAMDOCS_AUTH_API_KEYS", key_entry()},
            {"EXAMDOCS_LIMITS_PUBLIC_RATE_PER_MINUTE", "100000"},
            {"EXAMDOCS_PUBLIC_BASE_URL", "https://verify.example.org"}};
}

// Issues a certificate; returns its verification URL (the QR code's text).
std::string issue(std::uint16_t port, int n) {
    const std::string body = R"({"holder":{"name":"考生)" + std::to_string(n) +
                             R"(","idNumber":"120105199003071230"},"occupation":{"name":"电工"},)"
                             R"("level":4,"issuer":{"name":"天津市软件行业协会"},)"
                             R"("issueDate":"2026-06-30"})";
    auto reply = http_request(port, "POST", "/v1/certificates", body,
                              {{"Content-Type", "application/json"},
                               {"Authorization", "Bearer " + kKey},
                               {"Idempotency-Key", "ops-" + std::to_string(n)}});
    if (reply.status != 201) return "";
    return object_of(reply.body)->getValue<std::string>("verificationUrl");
}

std::string verdict(std::uint16_t port, const std::string& qr) {
    auto reply = http_request(port, "POST", "/v1/verify", "{\"qr\":\"" + qr + "\"}",
                              {{"Content-Type", "application/json"}});
    return object_of(reply.body)->optValue<std::string>("verdict", "?");
}

TEST(Backup, TakenWhileServingRestoresEveryCertificate) {
    Poco::TemporaryFile data_dir, backup;
    const std::string dir_option = "-Ddata.dir=" + data_dir.path();
    std::vector<std::string> issued;
    {
        ServeProcess server(EXAMDOCS_BINARY, {"-Dserver.port=0", dir_option}, server_env());
        ASSERT_NE(server.port(), 0);
        for (int n = 1; n <= 20; ++n) issued.push_back(issue(server.port(), n));
        // Issuing goes on while the backup is taken: the copy is one consistent snapshot.
        std::atomic<bool> stop{false};
        std::thread writer([&] {
            for (int n = 100; !stop; ++n) issue(server.port(), n);
        });
        const auto made = run({"backup", "--to", backup.path(), dir_option});
        stop = true;
        writer.join();
        ASSERT_EQ(made.status, 0) << made.err;
        EXPECT_NE(made.out.find("1 signing key(s) with the PDF signing certificate"),
                  std::string::npos)
            << made.out;
        EXPECT_EQ(server.stop(), 0);
    }
    for (const auto& qr : issued) ASSERT_FALSE(qr.empty());

    // Everything is lost: the registry and the keys.
    Poco::File(data_dir.path()).remove(true);
    const auto restored = run({"restore", "--from", backup.path(), dir_option});
    ASSERT_EQ(restored.status, 0) << restored.err;
    EXPECT_EQ(run({"restore", "--from", backup.path(), dir_option}).status, 73)
        << "an existing registry is not overwritten without --force";

    ServeProcess server(EXAMDOCS_BINARY, {"-Dserver.port=0", dir_option}, server_env());
    ASSERT_NE(server.port(), 0);
    for (const auto& qr : issued) EXPECT_EQ(verdict(server.port(), qr), "valid") << qr;
    EXPECT_EQ(server.stop(), 0);
}

TEST(Backup, PostgreSqlRegistriesAreSentToPgDump) {
    const auto r = run({"backup", "--to", "x.zip",
                        "-Dregistry.url=postgresql://examdocs@db.example.org/examdocs"});
    EXPECT_EQ(r.status, 69);
    EXPECT_NE(r.err.find("pg_dump"), std::string::npos) << r.err;
}

TEST(SigningKey, RotationKeepsOldCertificatesVerifying) {
    Poco::TemporaryFile data_dir;
    const std::string dir_option = "-Ddata.dir=" + data_dir.path();
    std::string before;
    {
        ServeProcess server(EXAMDOCS_BINARY, {"-Dserver.port=0", dir_option}, server_env());
        ASSERT_NE(server.port(), 0);
        before = issue(server.port(), 1);
        EXPECT_EQ(server.stop(), 0);
    }
    const auto listed = run({"signing-key", "list", dir_option});
    ASSERT_EQ(listed.status, 0) << listed.err;
    const std::string old_kid = listed.out.substr(0, listed.out.find(' '));
    // The certificate that signs the PDFs is listed with its fingerprint, and renewed too.
    const auto pdf_line = listed.out.find("PDF signing certificate ");
    ASSERT_NE(pdf_line, std::string::npos) << listed.out;
    EXPECT_NE(listed.out.find("self-signed, valid until"), std::string::npos) << listed.out;
    const std::string old_fingerprint = listed.out.substr(pdf_line + 24, 64);
    const auto rotated = run({"signing-key", "rotate", dir_option});
    ASSERT_EQ(rotated.status, 0) << rotated.err;
    EXPECT_NE(rotated.out.find("new PDF signing certificate"), std::string::npos) << rotated.out;
    EXPECT_EQ(rotated.out.find(old_fingerprint), std::string::npos) << rotated.out;

    ServeProcess server(EXAMDOCS_BINARY, {"-Dserver.port=0", dir_option}, server_env());
    ASSERT_NE(server.port(), 0);
    const std::string after = issue(server.port(), 2);
    EXPECT_EQ(verdict(server.port(), before), "valid");
    EXPECT_EQ(verdict(server.port(), after), "valid");
    auto keys =
        object_of(http_request(server.port(), "GET", "/.well-known/examdocs/keys.json").body)
            ->getArray("keys");
    ASSERT_EQ(keys->size(), 2u);
    EXPECT_EQ(keys->getObject(0)->getValue<std::string>("kid"), old_kid);
    EXPECT_FALSE(keys->getObject(0)->optValue<bool>("current", false));
    EXPECT_TRUE(keys->getObject(1)->optValue<bool>("current", false));
    EXPECT_EQ(server.stop(), 0);
}

}  // namespace
