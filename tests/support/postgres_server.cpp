#include "support/postgres_server.h"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Environment.h>
#include <Poco/File.h>
#include <Poco/Glob.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <stdexcept>
#include <vector>

namespace examdocs::test {

namespace {

// The newest Debian server binaries: /usr/lib/postgresql/<version>/bin.
std::string find_bin_dir() {
    std::set<std::string> found;
    Poco::Glob::glob("/usr/lib/postgresql/*/bin/initdb", found);
    if (found.empty()) {
        throw std::runtime_error(
            "PostgreSQL server binaries are missing: install the Debian package postgresql "
            "(scripts/setup does)");
    }
    const std::string initdb = *found.rbegin();
    return initdb.substr(0, initdb.rfind('/'));
}

}  // namespace

int PostgresServer::run(const std::string& program, const std::vector<std::string>& args) const {
    std::vector<std::string> argv;
    std::string command = bin_ + "/" + program;
    if (geteuid() == 0) {  // PostgreSQL will not run as root
        argv = {"-u", "postgres", "--", command};
        command = "/usr/sbin/runuser";
    }
    argv.insert(argv.end(), args.begin(), args.end());
    Poco::Pipe out;
    auto handle = Poco::Process::launch(command, argv, nullptr, &out, &out);
    Poco::PipeInputStream stream(out);
    std::string ignored((std::istreambuf_iterator<char>(stream)), std::istreambuf_iterator<char>());
    return handle.wait();
}

PostgresServer::PostgresServer() : PostgresServer(Poco::TemporaryFile::tempName()) {}

PostgresServer::PostgresServer(const std::string& root) : root_(root), bin_(find_bin_dir()) {
    Poco::File(root_ + "/socket").createDirectories();
    if (geteuid() == 0) {
        passwd entry{};
        passwd* user = nullptr;
        std::vector<char> strings(16384);
        getpwnam_r("postgres", &entry, strings.data(), strings.size(), &user);
        if (!user) throw std::runtime_error("there is no postgres user (package postgresql)");
        for (const std::string& path : {root_, root_ + "/socket"}) {
            if (chown(path.c_str(), user->pw_uid, user->pw_gid) != 0) {
                throw std::runtime_error("cannot hand " + path + " to the postgres user");
            }
        }
    }
    if (run("initdb", {"-D", root_ + "/data", "-U", "postgres", "--auth=trust", "-E", "UTF8",
                       "--no-sync", "--locale=C.UTF-8"}) != 0) {
        throw std::runtime_error("initdb failed");
    }
    {
        // A free port number: the server listens on no TCP address, but the number
        // names its socket file.
        Poco::Net::ServerSocket probe(0);
        port_ = probe.address().port();
    }
    if (run("pg_ctl", {"-D", root_ + "/data", "-l", root_ + "/server.log", "-w", "-o",
                       "-p " + std::to_string(port_) + " -k " + root_ +
                           "/socket -c listen_addresses='' -c fsync=off -c max_connections=200",
                       "start"}) != 0) {
        throw std::runtime_error("the PostgreSQL server did not start (see " + root_ +
                                 "/server.log)");
    }
    std::ofstream(root_ + "/port") << port_ << '\n';
    Poco::Data::PostgreSQL::Connector::registerConnector();
}

PostgresServer::PostgresServer(const std::string& root, Attached)
    : root_(root), bin_(find_bin_dir()), owned_(false) {
    std::ifstream port(root_ + "/port");
    if (!(port >> port_)) {
        throw std::runtime_error("no PostgreSQL server was started in " + root_ +
                                 " (the ctest fixture postgres_start starts it)");
    }
    Poco::Data::PostgreSQL::Connector::registerConnector();
}

std::unique_ptr<PostgresServer> PostgresServer::attach(const std::string& root) {
    return std::unique_ptr<PostgresServer>(new PostgresServer(root, Attached{}));
}

void PostgresServer::stop(const std::string& root) {
    auto server = attach(root);
    server->owned_ = true;  // the destructor stops it and removes the directory
}

PostgresServer::~PostgresServer() {
    if (!owned_) return;
    try {
        run("pg_ctl", {"-D", root_ + "/data", "-m", "immediate", "-w", "stop"});
        Poco::File(root_).remove(true);
    } catch (...) {
    }
}

std::string PostgresServer::url(const std::string& database) const {
    return "host=" + root_ + "/socket port=" + std::to_string(port_) +
           " user=postgres dbname=" + database;
}

std::string PostgresServer::url_form(const std::string& database) const {
    std::string host;
    for (char c : root_ + "/socket") {
        if (c == '/') {
            host += "%2F";
        } else {
            host += c;
        }
    }
    return "postgresql://postgres@" + host + ":" + std::to_string(port_) + "/" + database;
}

namespace {

// The running gtest test's full name; empty outside one (the fixture's own program).
std::string running_test() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    if (!info) return {};
    return std::string(info->test_suite_name()) + "." + info->name();
}

}  // namespace

void PostgresServer::empty_database(const std::string& database) const {
    {
        // Sessions a finished test left open (a pool not yet torn down) would hold locks
        // that DROP SCHEMA waits for; a new database would have none.
        Poco::Data::Session admin("PostgreSQL", url());
        admin << "DO $$ BEGIN PERFORM pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
                 "WHERE datname = '" +
                     database + "' AND pid <> pg_backend_pid(); END $$",
            Poco::Data::Keywords::now;
    }
    Poco::Data::Session session("PostgreSQL", url(database));
    // Tables, sequences, indexes, types and functions all live in schema public.
    session << "DROP SCHEMA public CASCADE", Poco::Data::Keywords::now;
    session << "CREATE SCHEMA public", Poco::Data::Keywords::now;
}

std::string PostgresServer::fresh_database(bool as_url) {
    const std::string test = running_test();
    std::lock_guard lock(databases_mutex_);
    if (!test.empty()) {
        for (auto& own : databases_) {
            // This test's own, or one made outside a test (a suite's): still in use.
            if (own.test == test || own.test.empty()) continue;
            empty_database(own.name);
            own.test = test;
            return as_url ? url_form(own.name) : url(own.name);
        }
    }
    // Unique across the test processes sharing one server.
    const std::string name =
        "test_" + std::to_string(getpid()) + "_" + std::to_string(databases_.size() + 1);
    Poco::Data::Session admin("PostgreSQL", url());
    admin << "CREATE DATABASE " + name, Poco::Data::Keywords::now;
    databases_.push_back({name, test});
    return as_url ? url_form(name) : url(name);
}

PostgresServer& PostgresServer::shared() {
    static const std::unique_ptr<PostgresServer> server = []() -> std::unique_ptr<PostgresServer> {
        const std::string root = Poco::Environment::get("EXAMDOCS_TEST_POSTGRES", "");
        if (!root.empty()) return attach(root);
        return std::make_unique<PostgresServer>();
    }();
    return *server;
}

}  // namespace examdocs::test
