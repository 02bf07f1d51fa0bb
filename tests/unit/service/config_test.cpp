#include "examdocs/service/config.h"

#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>

#include <tuple>
#include <vector>

#include <fstream>

namespace {

using namespace examdocs::service;

TEST(Config, EnvironmentNamesFollowTheKeys) {
    EXPECT_EQ(env_name("server.port"), "EXAMDOCS_SERVER_PORT");
    EXPECT_EQ(env_name("server.read-timeout-s"), "EXAMDOCS_SERVER_READ_TIMEOUT_S");
}

TEST(Config, LayersOverrideInOrder) {
    Poco::TemporaryFile file;
    std::ofstream(file.path()) << "server.port = 9001\nserver.threads = 3\n"
                                  "server.queue = 7\ndata.dir = /srv/from-file\n";
    std::map<std::string, std::string> env{{"EXAMDOCS_SERVER_THREADS", "5"},
                                           {"EXAMDOCS_SERVER_QUEUE", "9"}};
    std::map<std::string, std::string> defines{{"server.queue", "11"}};
    auto c = resolve_config(file.path(), env, defines);
    auto s = settings_from(c, false);
    EXPECT_EQ(s.port, 9001);  // file over default
    EXPECT_EQ(s.threads, 5);  // env over file
    EXPECT_EQ(s.queue, 11);   // -D over env
    EXPECT_EQ(s.data_dir, "/srv/from-file");
    EXPECT_EQ(s.host, "127.0.0.1");  // default
    EXPECT_EQ(c.sources.at("server.queue"), "command line");
    EXPECT_EQ(c.sources.at("server.threads"), "env EXAMDOCS_SERVER_THREADS");
}

TEST(Config, APdfSigningCertificateComesWithItsKey) {
    const auto both = settings_from(resolve_config("", {},
                                                   {{"signing.certificate-file", "c.pem"},
                                                    {"signing.certificate-key-file", "k.pem"}}),
                                    false);
    EXPECT_EQ(both.pdf_certificate_file, "c.pem");
    EXPECT_EQ(both.pdf_certificate_key_file, "k.pem");
    EXPECT_TRUE(settings_from(resolve_config("", {}, {}), false).pdf_certificate_file.empty());
    try {
        settings_from(resolve_config("", {}, {{"signing.certificate-file", "c.pem"}}), false);
        FAIL() << "a certificate without its key was taken";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("signing.certificate-key-file"), std::string::npos)
            << e.what();
    }
}

TEST(Config, UnknownKeysAreErrors) {
    Poco::TemporaryFile file;
    std::ofstream(file.path()) << "server.prot = 9001\n";
    EXPECT_THROW(resolve_config(file.path(), {}, {}), ConfigError);
    EXPECT_THROW(resolve_config("", {}, {{"sever.port", "1"}}), ConfigError);
    EXPECT_THROW(resolve_config("/nonexistent/examdocs.properties", {}, {}), ConfigError);
}

TEST(Config, BadValuesNameTheKeyTheValueAndTheRule) {
    auto c = resolve_config("", {}, {{"server.threads", "0"}});
    try {
        settings_from(c, false);
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("server.threads"), std::string::npos) << what;
        EXPECT_NE(what.find("'0'"), std::string::npos) << what;
        EXPECT_NE(what.find("from 1 to 1024"), std::string::npos) << what;
    }
    EXPECT_THROW(settings_from(resolve_config("", {}, {{"server.port", "8080x"}}), false),
                 ConfigError);
    EXPECT_THROW(settings_from(resolve_config("", {}, {{"log.format", "xml"}}), false),
                 ConfigError);
    EXPECT_THROW(settings_from(resolve_config("", {}, {{"public.base-url", "ftp://x"}}), false),
                 ConfigError);
}

TEST(Config, TheIssuerAndTheSigningAlgorithmAreCheckedByForm) {
    auto settings = settings_from(resolve_config("", {},
                                                 {{"issuer.name", "上海市职业技能鉴定中心"},
                                                  {"issuer.body-code", "000034"},
                                                  {"issuer.province-code", "31"},
                                                  {"issuer.site-code", "0007"},
                                                  {"signing.algorithm", "sm2"}}),
                                  false);
    EXPECT_EQ(settings.issuer.name, "上海市职业技能鉴定中心");
    EXPECT_EQ(settings.issuer.body_code, "000034");
    EXPECT_EQ(settings.issuer.province_code, "31");
    EXPECT_EQ(settings.issuer.site_code, "0007");
    EXPECT_EQ(settings.signing_algorithm, examdocs::registry::SigningAlgorithm::sm2);
    for (const auto& [key, value, rule] :
         std::vector<std::tuple<std::string, std::string, std::string>>{
             {"issuer.body-code", "00034", "exactly 6 digits"},
             {"issuer.body-code", "0000３4", "exactly 6 digits"},  // a full-width digit
             {"issuer.province-code", "310", "exactly 2 digits"},
             {"issuer.site-code", "00a7", "exactly 4 digits"},
             {"issuer.name", "", "1 to 40 characters"},
             {"issuer.name", std::string(41, 'x'), "1 to 40 characters"},
             {"issuer.name", "两行\n名称", "one line"},
             {"signing.algorithm", "ecdsa", "ed25519 or sm2"}}) {
        try {
            settings_from(resolve_config("", {}, {{key, value}}), false);
            ADD_FAILURE() << key << " = " << value << " was accepted";
        } catch (const ConfigError& e) {
            const std::string what = e.what();
            EXPECT_NE(what.find(key), std::string::npos) << what;
            EXPECT_NE(what.find(rule), std::string::npos) << what;
        }
    }
}

TEST(Config, AutoLogFormatFollowsTheTerminal) {
    auto c = resolve_config("", {}, {});
    EXPECT_EQ(settings_from(c, true).log_format, LogFormat::text);
    EXPECT_EQ(settings_from(c, false).log_format, LogFormat::json);
}

TEST(Config, EveryKeyHasADefaultThatValidates) {
    auto s = settings_from(resolve_config("", {}, {}), false);
    EXPECT_EQ(s.port, 8080);
    EXPECT_EQ(s.max_body_bytes, 8 * 1024 * 1024);
    for (const auto& k : config_keys()) EXPECT_FALSE(k.description.empty()) << k.name;
}

}  // namespace
