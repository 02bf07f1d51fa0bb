#pragma once
// A private PostgreSQL server for tests, as Debian's `postgresql` package installs it:
// initdb into a temporary directory, listening only on a Unix socket in a directory of
// its own (no TCP port to collide with), fsync off, stopped and removed at the end. As
// root (CI containers) the server runs as the `postgres` user, since PostgreSQL refuses
// to run as root. Throws std::runtime_error saying what is missing when it cannot start.
// `make test` starts one server for the whole run (a ctest fixture) and every test
// process makes its own databases in it: initdb once, not once per test case.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace examdocs::test {

class PostgresServer {
  public:
    // Initialises and starts a server in a temporary directory (or in `root`, which must
    // not exist yet), stopped and removed by the destructor unless kept (keep_running).
    PostgresServer();
    explicit PostgresServer(const std::string& root);
    ~PostgresServer();
    PostgresServer(const PostgresServer&) = delete;
    PostgresServer& operator=(const PostgresServer&) = delete;

    // A libpq connection string for `database`.
    std::string url(const std::string& database = "postgres") const;
    // The same as a URL, postgresql://postgres@<socket dir, percent-encoded>:port/database,
    // the form operators write in registry.url.
    std::string url_form(const std::string& database = "postgres") const;
    // An empty database of its own for the running test; its connection string (as_url:
    // in URL form). A database this process made for a test that has finished is emptied
    // and handed on (its connections ended, schema public dropped and made again) rather
    // than a new one made: CREATE DATABASE copies the template and the first connection
    // to a new database builds its catalog cache, ~0.2 s of the server's CPU each, paid
    // by ~50 tests. Outside a running gtest test, always a new database.
    std::string fresh_database(bool as_url = false);

    // The server of the whole ctest run when EXAMDOCS_TEST_POSTGRES names its directory
    // (the ctest fixture `postgres` starts it once: tests/support/postgres_fixture.cpp);
    // otherwise one of this process's own, started on first use (a test binary run by hand).
    static PostgresServer& shared();

    // The server in `root`, started by another process (the fixture); left running.
    static std::unique_ptr<PostgresServer> attach(const std::string& root);
    // Leaves the server running when this object goes (the fixture's start).
    void keep_running() { owned_ = false; }
    // Stops the server in `root` and removes the directory (the fixture's cleanup).
    static void stop(const std::string& root);

  private:
    struct Attached {};
    PostgresServer(const std::string& root, Attached);
    int run(const std::string& program, const std::vector<std::string>& args) const;

    // Drops everything in `database` that a test made, as a new database would be.
    void empty_database(const std::string& database) const;

    struct OwnDatabase {
        std::string name;
        std::string test;  // the gtest test it was handed to
    };

    std::string root_, bin_;
    int port_ = 0;
    std::mutex databases_mutex_;
    std::vector<OwnDatabase> databases_;
    bool owned_ = true;
};

}  // namespace examdocs::test
