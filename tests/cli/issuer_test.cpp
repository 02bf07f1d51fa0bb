// An issuing body's own instance, as its operator starts it: its codes in the numbers, SM2
// signatures, keys.json publishing the SM2 key; bad issuer values stop the start naming
// the key; switching an Ed25519 registry to SM2 goes through a key rotation and leaves
// the old certificates verifying.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/SHA2Engine.h>
#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "support/http_client.h"
#include "support/serve_process.h"

namespace {

using examdocs::test::http_request;
using examdocs::test::run_examdocs;
using examdocs::test::ServeProcess;

const std::string kKey = "issuer-office-key-0001";

Poco::JSON::Object::Ptr object_of(const std::string& json) {
    Poco::JSON::Parser parser;
    return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
}

std::string api_keys() {
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    sha.update(kKey);
    return "-Dauth.api-keys=office:" + Poco::DigestEngine::digestToHex(sha.digest()) +
           ":issue+read";
}

examdocs::test::HttpReply issue(std::uint16_t port, const std::string& idempotency_key) {
    return http_request(port, "POST", "/v1/certificates",
                        R"({"holder":{"name":"张晓明","idNumber":"120105199003071230"},)"
                        R"("occupation":{"code":"4-04-05-02","name":"信息通信网络运行管理员"},)"
                        R"("level":4,"issueDate":"2026-06-30"})",
                        {{"Content-Type", "application/json"},
                         {"Authorization", "Bearer " + kKey},
                         {"Idempotency-Key", idempotency_key}});
}

// The verdict of POST /v1/verify for a certificate's QR text.
std::string verdict(std::uint16_t port, const std::string& qr) {
    auto reply = http_request(port, "POST", "/v1/verify", R"({"qr":")" + qr + R"("})",
                              {{"Content-Type", "application/json"}});
    EXPECT_EQ(reply.status, 200) << reply.body;
    return object_of(reply.body)->getValue<std::string>("verdict");
}

std::vector<std::string> key_curves(std::uint16_t port) {
    auto reply = http_request(port, "GET", "/.well-known/examdocs/keys.json");
    EXPECT_EQ(reply.status, 200);
    std::vector<std::string> curves;
    auto keys = object_of(reply.body)->getArray("keys");
    for (std::size_t i = 0; keys && i < keys->size(); ++i) {
        curves.push_back(keys->getObject(static_cast<unsigned>(i))->getValue<std::string>("crv"));
    }
    return curves;
}

TEST(IssuerInstance, IssuesItsOwnNumbersSignedWithSm2) {
    Poco::TemporaryFile data_dir;
    ServeProcess server(EXAMDOCS_BINARY,
                        {"-Dserver.port=0", "-Ddata.dir=" + data_dir.path(), api_keys(),
                         "-Dissuer.body-code=000034", "-Dissuer.province-code=31",
                         "-Dissuer.site-code=0007", "-Dsigning.algorithm=sm2"});
    ASSERT_NE(server.port(), 0) << server.stderr_text();

    auto created = issue(server.port(), "order-1");
    ASSERT_EQ(created.status, 201) << created.body;
    auto cert = object_of(created.body);
    const std::string number = cert->getValue<std::string>("number");
    EXPECT_EQ(number.rfind("S000034310007", 0), 0u) << number;
    EXPECT_EQ(number, "S000034310007202640001");  // year, level, serial follow
    const std::string code = cert->getValue<std::string>("verificationCode");
    const std::string qr = cert->getValue<std::string>("verificationUrl");

    // keys.json: one SM2 key, the one the QR names.
    auto keys =
        object_of(http_request(server.port(), "GET", "/.well-known/examdocs/keys.json").body)
            ->getArray("keys");
    ASSERT_EQ(keys->size(), 1u);
    auto key = keys->getObject(0);
    EXPECT_EQ(key->getValue<std::string>("kty"), "EC");
    EXPECT_EQ(key->getValue<std::string>("crv"), "SM2");
    EXPECT_EQ(key->getValue<std::string>("x").size(), 43u);
    EXPECT_EQ(key->getValue<std::string>("y").size(), 43u);
    EXPECT_NE(qr.find("&k=" + key->getValue<std::string>("kid") + "&"), std::string::npos) << qr;

    // The QR verifies, and the code opens the full record.
    EXPECT_EQ(verdict(server.port(), qr), "valid");
    auto looked_up =
        http_request(server.port(), "GET", "/v1/certificates/" + number + "?code=" + code);
    ASSERT_EQ(looked_up.status, 200) << looked_up.body;
    EXPECT_EQ(object_of(looked_up.body)->getValue<std::string>("holderName"), "张晓明");
    // A signature changed by one character is forged.
    std::string forged = qr;
    const auto s = forged.find("&s=") + 3;
    forged[s] = forged[s] == 'A' ? 'B' : 'A';
    EXPECT_EQ(verdict(server.port(), forged), "forged");
    EXPECT_EQ(server.stop(), 0);
}

TEST(IssuerInstance, ABadIssuerValueStopsTheStartNamingTheKeyAndTheRule) {
    Poco::TemporaryFile data_dir;
    for (const auto& [define, rule] : std::vector<std::pair<std::string, std::string>>{
             {"-Dissuer.body-code=34", "must be exactly 6 digits"},
             {"-Dissuer.province-code=3a", "must be exactly 2 digits"},
             {"-Dissuer.site-code=00007", "must be exactly 4 digits"},
             {"-Dissuer.name=", "1 to 40 characters"},
             {"-Dsigning.algorithm=rsa", "must be ed25519 or sm2"}}) {
        ServeProcess server(EXAMDOCS_BINARY,
                            {"-Dserver.port=0", "-Ddata.dir=" + data_dir.path(), define});
        EXPECT_EQ(server.port(), 0) << define;
        EXPECT_EQ(server.exit_status(), 78) << define;  // EX_CONFIG
        const std::string key = define.substr(2, define.find('=') - 2);
        EXPECT_NE(server.stderr_text().find(key), std::string::npos) << server.stderr_text();
        EXPECT_NE(server.stderr_text().find(rule), std::string::npos) << server.stderr_text();
    }
}

TEST(IssuerInstance, SwitchingToSm2TakesARotationAndOldCertificatesKeepVerifying) {
    Poco::TemporaryFile data_dir;
    std::string old_qr;
    {
        ServeProcess ed25519(EXAMDOCS_BINARY,
                             {"-Dserver.port=0", "-Ddata.dir=" + data_dir.path(), api_keys()});
        ASSERT_NE(ed25519.port(), 0) << ed25519.stderr_text();
        auto created = issue(ed25519.port(), "before");
        ASSERT_EQ(created.status, 201) << created.body;
        old_qr = object_of(created.body)->getValue<std::string>("verificationUrl");
        EXPECT_EQ(ed25519.stop(), 0);
    }
    // The setting alone does not switch: the newest key is still Ed25519.
    ServeProcess refused(EXAMDOCS_BINARY, {"-Dserver.port=0", "-Ddata.dir=" + data_dir.path(),
                                           api_keys(), "-Dsigning.algorithm=sm2"});
    EXPECT_EQ(refused.port(), 0);
    EXPECT_EQ(refused.exit_status(), 78);
    EXPECT_NE(refused.stderr_text().find("examdocs signing-key rotate"), std::string::npos)
        << refused.stderr_text();

    auto rotated = run_examdocs(
        EXAMDOCS_BINARY,
        {"signing-key", "rotate", "-Ddata.dir=" + data_dir.path(), "-Dsigning.algorithm=sm2"});
    ASSERT_EQ(rotated.status, 0) << rotated.err;

    ServeProcess sm2(EXAMDOCS_BINARY, {"-Dserver.port=0", "-Ddata.dir=" + data_dir.path(),
                                       api_keys(), "-Dsigning.algorithm=sm2"});
    ASSERT_NE(sm2.port(), 0) << sm2.stderr_text();
    EXPECT_EQ(key_curves(sm2.port()), (std::vector<std::string>{"Ed25519", "SM2"}));
    auto created = issue(sm2.port(), "after");
    ASSERT_EQ(created.status, 201) << created.body;
    const std::string new_qr = object_of(created.body)->getValue<std::string>("verificationUrl");
    EXPECT_EQ(verdict(sm2.port(), old_qr), "valid");  // Ed25519, by its key id
    EXPECT_EQ(verdict(sm2.port(), new_qr), "valid");  // SM2
    EXPECT_EQ(sm2.stop(), 0);
}

TEST(IssuerInstance, BulkIssueNumbersAndSignsAsTheConfiguredIssuer) {
    // `examdocs bulk --issue` on the issuer's machine reads the same configuration as the
    // server: its numbers and its algorithm, not the built-in example.
    Poco::TemporaryFile dir;
    dir.createDirectories();
    const std::string config = dir.path() + "/examdocs.properties";
    std::ofstream(config) << "data.dir = " << dir.path() << "/var\n"
                          << "issuer.name = 上海市职业技能鉴定中心\nissuer.body-code = 000034\n"
                          << "issuer.province-code = 31\nissuer.site-code = 0007\n"
                          << "signing.algorithm = sm2\n";
    const std::string input = dir.path() + "/certificates.ndjson";
    std::ofstream(input) << R"({"holder":{"name":"赵一","idNumber":"120105199003071230"},)"
                            R"("occupation":{"name":"电工"},"level":3,"issueDate":"2026-06-30"})"
                         << "\n"
                         << R"({"holder":{"name":"钱二","idNumber":"120105199003071230"},)"
                            R"("occupation":{"name":"电工"},"level":3,)"
                            R"("issuer":{"name":"天津市软件行业协会"},"issueDate":"2026-06-30"})"
                         << "\n";
    auto printed = run_examdocs(
        EXAMDOCS_BINARY,
        {"bulk", "--layout", "certificate", "--input", input, "--out", dir.path() + "/out.pdf",
         "--issue", "--quiet", "--config-file", config, "--errors", dir.path() + "/refused.jsonl"});
    EXPECT_EQ(printed.status, 65) << printed.err;  // the second names another issuer
    std::ifstream refused_file(dir.path() + "/refused.jsonl");
    std::string refused((std::istreambuf_iterator<char>(refused_file)),
                        std::istreambuf_iterator<char>());
    EXPECT_NE(refused.find("other-issuer"), std::string::npos) << refused;

    ServeProcess server(EXAMDOCS_BINARY, {"--config-file", config, "-Dserver.port=0", api_keys()});
    ASSERT_NE(server.port(), 0) << server.stderr_text();
    auto looked_up = http_request(server.port(), "GET", "/v1/certificates/S000034310007202630001");
    ASSERT_EQ(looked_up.status, 200) << looked_up.body;
    EXPECT_EQ(object_of(looked_up.body)->getValue<std::string>("issuer"), "上海市职业技能鉴定中心");
    EXPECT_EQ(key_curves(server.port()), std::vector<std::string>{"SM2"});
    EXPECT_EQ(server.stop(), 0);
}

}  // namespace
