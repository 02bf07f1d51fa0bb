// The examdocs command line as people expect it (clig.dev): every command's --help on
// stdout with status 0, --version everywhere, a usage error in one line naming what is
// wrong with status 64, errors as sentences. The real binary, run as a process.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/serve_process.h"

namespace {

using examdocs::test::CommandRun;

CommandRun run(const std::vector<std::string>& args) {
    return examdocs::test::run_examdocs(EXAMDOCS_BINARY, args);
}

std::size_t line_count(const std::string& text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// The command names `examdocs --help` lists (its output `help`): the lines under "Commands:".
std::vector<std::string> listed_commands(const std::string& help) {
    std::istringstream in(help);
    std::string line;
    std::vector<std::string> names;
    bool in_list = false;
    while (std::getline(in, line)) {
        if (line == "Commands:") {
            in_list = true;
        } else if (in_list && line.empty()) {
            break;
        } else if (in_list) {
            std::istringstream words(line);
            std::string name;
            words >> name;
            names.push_back(name);
        }
    }
    return names;
}

TEST(CommandLine, TopLevelHelpListsTheCommandsInAFewLines) {
    const auto help = run({"--help"});
    EXPECT_EQ(help.status, 0);
    EXPECT_TRUE(help.err.empty()) << help.err;
    EXPECT_LT(line_count(help.out), 30u) << help.out;
    EXPECT_EQ(help.out.find("server.read-timeout-s"), std::string::npos)
        << "configuration keys belong to 'serve --help' and 'config'";
    const auto names = listed_commands(help.out);
    for (const char* expected :
         {"serve", "render", "bulk", "verify", "check-photo", "normalize-photo", "config",
          "api-key", "backup", "restore", "signing-key", "completion"}) {
        EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
    }
    EXPECT_EQ(run({"help", "render"}).out, run({"render", "--help"}).out);
}

TEST(CommandLine, EveryCommandHelpsOnStdoutAndRefusesAWrongOptionInOneLine) {
    const auto version = run({"--version"});
    ASSERT_EQ(version.status, 0);
    ASSERT_EQ(version.out.rfind("examdocs ", 0), 0u) << version.out;
    const auto top_help = run({"--help"});
    ASSERT_EQ(top_help.status, 0);
    const auto names = listed_commands(top_help.out);
    ASSERT_GE(names.size(), 10u);
    for (const auto& name : names) {
        SCOPED_TRACE(name);
        const auto help = run({name, "--help"});
        EXPECT_EQ(help.status, 0);
        EXPECT_EQ(help.out.rfind("Usage: examdocs " + name, 0), 0u) << help.out;
        EXPECT_NE(help.out.find("Exit status:"), std::string::npos);
        EXPECT_TRUE(help.err.empty()) << help.err;
        EXPECT_EQ(run({name, "-h"}).out, help.out);

        const auto command_version = run({name, "--version"});
        EXPECT_EQ(command_version.status, 0);
        EXPECT_EQ(command_version.out, version.out);

        const auto wrong = run({name, "--no-such-option"});
        EXPECT_EQ(wrong.status, 64);
        EXPECT_TRUE(wrong.out.empty()) << wrong.out;
        EXPECT_EQ(line_count(wrong.err), 1u) << wrong.err;
        EXPECT_NE(wrong.err.find("unknown option '--no-such-option'"), std::string::npos)
            << wrong.err;
        EXPECT_NE(wrong.err.find("examdocs " + name + " --help"), std::string::npos) << wrong.err;
    }
}

TEST(CommandLine, UsageErrorsNameWhatIsWrong) {
    struct Case {
        std::vector<std::string> args;
        std::string says;
    };
    const std::string sample = EXAMDOCS_SOURCE_DIR "/samples/score-notice.json";
    const std::vector<Case> cases = {
        {{"render", "score-notice", sample}, "missing --out"},
        {{"render", "score-notice"}, "missing LAYOUT DATA.json"},
        {{"render", "score-notice", sample, "extra", "-o", "x.pdf"}, "unexpected argument 'extra'"},
        {{"render", "diploma", sample, "-o", "x.pdf"}, "no layout 'diploma'"},
        {{"render", "score-notice", sample, "-o"}, "-o needs a value"},
        {{"render", "score-notice", sample, "-o", "x.pdf", "--document-id", "not-hex"},
         "--document-id takes 32 hex digits"},
        {{"bulk", "--layout", "admission-ticket", "--input", "x.csv"}, "missing --out"},
        {{"bulk", "--layout", "admission-ticket", "--input", "x.csv", "--out", "x.pdf", "--nup",
          "3"},
         "--nup takes 1, 2 or 4, not '3'"},
        {{"bulk", "--layout", "admission-ticket", "--input", "x.csv", "--out", "x.pdf", "--jobs",
          "many"},
         "--jobs takes a whole number"},
        {{"check-photo", "x.jpg"}, "missing --profile"},
        {{"check-photo", "--profile", "passport", "x.jpg"}, "no photo profile 'passport'"},
        {{"normalize-photo", "--profile", "ruankao", "x.jpg"}, "missing --out"},
        {{"verify"}, "missing FILE|TEXT..."},
        {{"verify", "--server", "ftp://x", "a.jpg"}, "--server takes an http:// URL"},
        {{"serve", "extra"}, "unexpected argument 'extra'"},
        {{"serve", "-Dserver.port"}, "-D takes key=value"},
        {{"api-key", "new", "backend"}, "missing --rights"},
        {{"api-key", "new", "backend", "--rights", "issue+fly"}, "unknown right 'fly'"},
        {{"api-key", "old", "backend", "--rights", "read"}, "unknown subcommand 'old'"},
        {{"backup"}, "missing --to"},
        {{"restore"}, "missing --from"},
        {{"signing-key", "spin"}, "unknown subcommand 'spin'"},
        {{"completion", "fish"}, "only bash"},
    };
    for (const auto& c : cases) {
        std::string shown;
        for (const auto& a : c.args) shown += a + " ";
        SCOPED_TRACE(shown);
        const auto r = run(c.args);
        EXPECT_EQ(r.status, 64);
        EXPECT_EQ(line_count(r.err), 1u) << r.err;
        EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    }
    const auto unknown = run({"frobnicate"});
    EXPECT_EQ(unknown.status, 64);
    EXPECT_EQ(line_count(unknown.err), 1u) << unknown.err;
    EXPECT_NE(unknown.err.find("unknown command 'frobnicate'"), std::string::npos);
    EXPECT_EQ(run({}).status, 64);
}

TEST(CommandLine, ConfigurationKeysUnderConfigAndServeHelp) {
    const auto config = run({"config", "-Dserver.port=9000"});
    EXPECT_EQ(config.status, 0) << config.err;
    for (const char* expected :
         {"server.port = 9000", "command line", "EXAMDOCS_SERVER_PORT", "server.reuse-port",
          "server.threads", "server.drain-timeout-s", "limits.max-body-bytes", "data.dir"}) {
        EXPECT_NE(config.out.find(expected), std::string::npos) << expected;
    }
    const auto serve_help = run({"serve", "--help"});
    EXPECT_NE(serve_help.out.find("EXAMDOCS_SERVER_READ_TIMEOUT_S"), std::string::npos);
    const auto bad = run({"config", "-Dserver.port=http"});
    EXPECT_EQ(bad.status, 78);
    EXPECT_NE(bad.err.find("server.port = 'http'"), std::string::npos) << bad.err;
}

TEST(CommandLine, ErrorsAreSentencesUnlessJsonIsAsked) {
    Poco::TemporaryFile bad, pdf;
    std::ofstream(bad.path()) << R"({"exam":{"title":"x"}})";
    const auto text = run({"render", "score-notice", bad.path(), "-o", pdf.path()});
    EXPECT_EQ(text.status, 65);
    EXPECT_EQ(text.err.find('{'), std::string::npos) << "no JSON: " << text.err;
    EXPECT_NE(text.err.find("was refused"), std::string::npos) << text.err;
    EXPECT_NE(text.err.find("\n  /ticketNumber: "), std::string::npos) << text.err;

    const auto json = run({"render", "score-notice", bad.path(), "-o", pdf.path(), "--json"});
    EXPECT_EQ(json.status, 65);
    Poco::JSON::Parser parser;
    auto problem = parser.parse(json.err).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(problem->getValue<int>("status"), 422);

    const auto missing = run({"verify", "no-such-scan.jpg"});
    EXPECT_EQ(missing.status, 66);
    EXPECT_NE(missing.out.find("no-such-scan.jpg: no such file"), std::string::npos) << missing.out;
}

TEST(CommandLine, BashCompletionKnowsEveryCommandAndOption) {
    const auto script = run({"completion", "bash"});
    EXPECT_EQ(script.status, 0);
    for (const char* expected :
         {"complete -F _examdocs examdocs", "check-photo", "--nup", "--rights", "--config-file"}) {
        EXPECT_NE(script.out.find(expected), std::string::npos) << expected;
    }
}

}  // namespace
