#pragma once
// The registry database: certificates, idempotency keys and bulk jobs. SQLite by default
// (a file under the data directory; WAL, synchronous=FULL, write transactions with BEGIN
// IMMEDIATE), or PostgreSQL when the URL says so (write transactions serialised by a
// transaction-level advisory lock, the same guarantee SQLite's write lock gives). Sessions
// come from a pool; versioned schema migrations are applied at open. Shared by
// CertificateRegistry and JobStore. Thread-safe: every caller takes its own session.
//
// Statements are written once with '?' placeholders; sql() turns them into PostgreSQL's
// $1, $2 … (Poco 1.11 passes statement text through to the server unchanged).
#include <Poco/Data/Session.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace Poco::Data {
class SessionPool;
}

namespace examdocs::registry {

enum class Dialect { sqlite, postgresql };

// A database that does not hold what this service wrote, or cannot keep it durable: a
// damaged SQLite file, one where WAL or synchronous=FULL do not take, or a registry that
// is not the one the signing keys were made with. Serving from it would issue numbers
// already printed on someone's certificate; the caller must not start.
class RegistryRefused : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Every session is in use and none came free within the wait: answer "busy" (503), not a
// fault.
class DatabaseBusy : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// What a database failure means to the people waiting on it.
enum class StorageFault {
    none,  // not a storage problem (a bug, a constraint): a fault
    full,  // the disk (or the database's quota) is full: writes cannot succeed until space
           // is freed; reads still work
    io,    // the storage failed to read or write
};
StorageFault storage_fault(const std::exception& error);

class Database {
  public:
    // `url`: "postgresql://user:password@host:port/db" or a libpq "host=… dbname=…" string
    // for PostgreSQL; anything else is the path of a SQLite file (created when missing).
    // `max_sessions`: the pool's size; callers past it wait for a session (DatabaseBusy
    // after 10 s). Size it from the threads that may hold one at once.
    // Throws Poco::Exception on a database it cannot open or migrate, RegistryRefused on
    // a damaged SQLite file or one that cannot run in WAL mode with synchronous=FULL.
    explicit Database(const std::string& url, int max_sessions = 32);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // A session; on SQLite with busy_timeout and synchronous=FULL set. Waits while every
    // session is taken; throws DatabaseBusy when none comes free in time.
    Poco::Data::Session session();
    int schema_version();
    Dialect dialect() const { return dialect_; }
    // The statement for this database: '?' placeholders numbered for PostgreSQL.
    std::string sql(std::string_view statement) const;
    // The libpq key=value connection string of a PostgreSQL database ("" for SQLite), for a
    // connection of its own outside the pool (notifications.h).
    const std::string& postgresql_connection() const { return postgresql_connection_; }
    // The SQLite file (or file: URI) as opened ("" for PostgreSQL), for connections of
    // its own that keep prepared statements (the certificate lookup).
    const std::string& sqlite_path() const { return sqlite_path_; }
    // "SQLite" or "PostgreSQL", for /health.
    std::string describe() const;
    // Sessions of the pool handed out now, and open but idle (for /metrics).
    int sessions_in_use() const;
    int sessions_idle() const;

    // The registry's identity, made once when the database is created: signing keys and
    // backups name it, so that a registry swapped for another (or for an empty one) is
    // noticed (registry_identity.h).
    std::string identity();

  private:
    void migrate();
    void check_sqlite_integrity();
    Dialect dialect_ = Dialect::sqlite;
    std::string postgresql_connection_;
    std::string sqlite_path_;
    std::unique_ptr<Poco::Data::SessionPool> pool_;
};

// Whether `url` names a PostgreSQL database.
bool is_postgresql_url(std::string_view url);

// A PostgreSQL URL (postgresql://user:password@host:port/db?param=value, RFC 3986 with
// percent-encoding) as a libpq key=value string ("user='u' host='h' port='5432'
// dbname='db'"); a key=value string is returned as it is. Poco 1.11 appends
// " connect_timeout=…" to the connection string, which only the key=value form survives.
// Throws std::invalid_argument for a URL it cannot read.
std::string libpq_connection_string(std::string_view url);

// Where the notices and warnings of PostgreSQL (libpq's NOTICE: lines) go: by default
// nowhere (libpq's own default prints them on stderr, between the JSON log lines). The
// service sends them to its log. `severity` is "NOTICE", "WARNING", …; `message` has no
// trailing newline. Called on the thread of the statement; must not throw.
using NoticeSink = void (*)(std::string_view severity, std::string_view message);
void set_notice_sink(NoticeSink sink);

// What a write transaction locks on PostgreSQL: the whole database (an advisory lock, so
// that writers go one at a time as on SQLite), or only the rows it selects FOR UPDATE (for
// claiming work with SKIP LOCKED, where writers must not wait for each other). SQLite
// always locks the database.
enum class TransactionLock { database, rows };

// SQLite's own write lock from the first statement on: Poco's begin() issues BEGIN
// DEFERRED, which can fail with SQLITE_BUSY when a read turns into a write under WAL.
// Rolls back unless committed.
class WriteTransaction {
  public:
    WriteTransaction(Database& db, Poco::Data::Session& s,
                     TransactionLock lock = TransactionLock::database);
    void commit();
    ~WriteTransaction();
    WriteTransaction(const WriteTransaction&) = delete;
    WriteTransaction& operator=(const WriteTransaction&) = delete;

  private:
    Poco::Data::Session& s_;
    bool done_ = false;
};

}  // namespace examdocs::registry
