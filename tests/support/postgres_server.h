#pragma once
// A private PostgreSQL server for tests, as Debian's `postgresql` package installs it:
// initdb into a temporary directory, listening only on a Unix socket in a directory of
// its own (no TCP port to collide with), fsync off, stopped and removed at the end. As
// root (CI containers) the server runs as the `postgres` user, since PostgreSQL refuses
// to run as root. Throws std::runtime_error saying what is missing when it cannot start.
#include <string>
#include <vector>

namespace examdocs::test {

class PostgresServer {
  public:
    PostgresServer();
    ~PostgresServer();
    PostgresServer(const PostgresServer&) = delete;
    PostgresServer& operator=(const PostgresServer&) = delete;

    // A libpq connection string for `database`.
    std::string url(const std::string& database = "postgres") const;
    // The same as a URL, postgresql://postgres@<socket dir, percent-encoded>:port/database,
    // the form operators write in registry.url.
    std::string url_form(const std::string& database = "postgres") const;
    // Creates an empty database and returns its connection string (as_url: in URL form).
    std::string fresh_database(bool as_url = false);

    // One server per test program, started on first use.
    static PostgresServer& shared();

  private:
    int run(const std::string& program, const std::vector<std::string>& args) const;

    std::string root_, bin_;
    int port_ = 0;
    int databases_ = 0;
};

}  // namespace examdocs::test
