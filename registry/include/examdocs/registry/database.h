#pragma once
// The registry database: certificates, idempotency keys and bulk jobs live in one SQLite
// file under the data directory (WAL, synchronous=FULL, write transactions with BEGIN
// IMMEDIATE, sessions from a pool), with versioned schema migrations applied at open.
// Shared by CertificateRegistry and JobStore. Thread-safe: every caller takes its own
// session.
#include <Poco/Data/Session.h>

#include <memory>
#include <string>

namespace Poco::Data {
class SessionPool;
}

namespace examdocs::registry {

class Database {
  public:
    // Creates the file when missing. Throws Poco::Exception on a database it cannot open
    // or migrate.
    explicit Database(const std::string& sqlite_path);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // A session with busy_timeout and synchronous=FULL set.
    Poco::Data::Session session();
    int schema_version();

  private:
    void migrate();
    std::unique_ptr<Poco::Data::SessionPool> pool_;
};

// SQLite's own write lock from the first statement on: Poco's begin() issues BEGIN
// DEFERRED, which can fail with SQLITE_BUSY when a read turns into a write under WAL.
// Rolls back unless committed.
class WriteTransaction {
  public:
    explicit WriteTransaction(Poco::Data::Session& s);
    void commit();
    ~WriteTransaction();
    WriteTransaction(const WriteTransaction&) = delete;
    WriteTransaction& operator=(const WriteTransaction&) = delete;

  private:
    Poco::Data::Session& s_;
    bool done_ = false;
};

}  // namespace examdocs::registry
