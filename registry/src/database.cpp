#include "examdocs/registry/database.h"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SessionPool.h>

#include <mutex>
#include <vector>

using namespace Poco::Data::Keywords;

namespace examdocs::registry {

namespace {

// Each entry moves the schema one version up; applied in order, in one transaction.
const std::vector<std::string>& migrations() {
    static const std::vector<std::string> list = {
        // 1: certificates and idempotency keys
        "CREATE TABLE certificates ("
        " number TEXT PRIMARY KEY, holder_name TEXT NOT NULL, id_number TEXT NOT NULL,"
        " occupation_code TEXT NOT NULL, occupation_name TEXT NOT NULL, job TEXT NOT NULL,"
        " level INTEGER NOT NULL, issuer TEXT NOT NULL, issue_date TEXT NOT NULL,"
        " expiry_date TEXT NOT NULL, photo BLOB, status TEXT NOT NULL,"
        " revoked_reason TEXT NOT NULL, revoked_at TEXT NOT NULL,"
        " verification_code TEXT NOT NULL, key_id TEXT NOT NULL, signature TEXT NOT NULL,"
        " created_at TEXT NOT NULL);"
        "CREATE TABLE idempotency_keys ("
        " key TEXT PRIMARY KEY, request_hash TEXT NOT NULL, number TEXT NOT NULL,"
        " created_at TEXT NOT NULL);",
        // 2: bulk printing jobs and the records they refused
        "CREATE TABLE jobs ("
        " id TEXT PRIMARY KEY, layout TEXT NOT NULL, state TEXT NOT NULL,"
        " options TEXT NOT NULL, total INTEGER NOT NULL, done INTEGER NOT NULL,"
        " printed INTEGER NOT NULL, refused INTEGER NOT NULL, pages INTEGER NOT NULL,"
        " bytes INTEGER NOT NULL, error TEXT NOT NULL, attempts INTEGER NOT NULL,"
        " created_at TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT NOT NULL);"
        "CREATE INDEX jobs_by_state ON jobs (state, created_at);"
        "CREATE TABLE job_failures ("
        " job_id TEXT NOT NULL, record INTEGER NOT NULL, line INTEGER NOT NULL,"
        " errors TEXT NOT NULL, PRIMARY KEY (job_id, record));",
    };
    return list;
}

}  // namespace

WriteTransaction::WriteTransaction(Poco::Data::Session& s) : s_(s) { s_ << "BEGIN IMMEDIATE", now; }

void WriteTransaction::commit() {
    s_ << "COMMIT", now;
    done_ = true;
}

WriteTransaction::~WriteTransaction() {
    if (done_) return;
    try {
        s_ << "ROLLBACK", now;
    } catch (...) {
    }
}

Database::Database(const std::string& sqlite_path) {
    static std::once_flag registered;
    std::call_once(registered, [] { Poco::Data::SQLite::Connector::registerConnector(); });
    pool_ = std::make_unique<Poco::Data::SessionPool>("SQLite", sqlite_path, 1, 32);
    {
        Poco::Data::Session s = session();
        s << "PRAGMA journal_mode = WAL", now;
    }
    migrate();
}

Database::~Database() = default;

Poco::Data::Session Database::session() {
    Poco::Data::Session s = pool_->get();
    // Per connection: wait for the write lock rather than fail, and fsync every commit so
    // that an acknowledged certificate survives power loss, not only a crash.
    s << "PRAGMA busy_timeout = 10000", now;
    s << "PRAGMA synchronous = FULL", now;
    return s;
}

void Database::migrate() {
    Poco::Data::Session s = session();
    s << "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", now;
    WriteTransaction tx(s);
    int version = 0;
    std::size_t rows = 0;
    {
        Poco::Data::Statement st(s);
        st << "SELECT version FROM schema_version", into(version), limit(1);
        rows = st.execute();
    }
    if (rows == 0) s << "INSERT INTO schema_version (version) VALUES (0)", now;
    const auto& list = migrations();
    for (std::size_t i = static_cast<std::size_t>(version); i < list.size(); ++i) {
        // Poco runs one statement per call: split the migration at its semicolons.
        std::size_t start = 0;
        while (start < list[i].size()) {
            const auto end = list[i].find(';', start);
            const std::string sql = list[i].substr(start, end - start);
            if (sql.find_first_not_of(" \n") != std::string::npos) s << sql, now;
            if (end == std::string::npos) break;
            start = end + 1;
        }
        int next = static_cast<int>(i + 1);
        s << "UPDATE schema_version SET version = ?", use(next), now;
    }
    tx.commit();
}

int Database::schema_version() {
    Poco::Data::Session s = session();
    int version = 0;
    s << "SELECT version FROM schema_version", into(version), now;
    return version;
}

}  // namespace examdocs::registry
