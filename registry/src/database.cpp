#include "examdocs/registry/database.h"

#include <Poco/Data/PooledSessionImpl.h>
#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/PostgreSQL/PostgreSQLException.h>
#include <Poco/Data/PostgreSQL/SessionImpl.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/SQLiteException.h>
#include <Poco/Data/SessionPool.h>
#include <Poco/String.h>
#include <libpq-fe.h>
#include <openssl/rand.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>
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
        " expiry_date TEXT NOT NULL, photo {blob}, status TEXT NOT NULL,"
        " revoked_reason TEXT NOT NULL, revoked_at TEXT NOT NULL,"
        " verification_code TEXT NOT NULL, key_id TEXT NOT NULL, signature TEXT NOT NULL,"
        " created_at TEXT NOT NULL);"
        "CREATE TABLE idempotency_keys ("
        " key TEXT PRIMARY KEY, request_hash TEXT NOT NULL, number TEXT NOT NULL,"
        " created_at TEXT NOT NULL);",
        // 2: bulk printing jobs and the records they refused
        "CREATE TABLE jobs ("
        " id TEXT PRIMARY KEY, layout TEXT NOT NULL, state TEXT NOT NULL,"
        " options TEXT NOT NULL, total BIGINT NOT NULL, done BIGINT NOT NULL,"
        " printed BIGINT NOT NULL, refused BIGINT NOT NULL, pages BIGINT NOT NULL,"
        " bytes BIGINT NOT NULL, error TEXT NOT NULL, attempts INTEGER NOT NULL,"
        " created_at TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT NOT NULL);"
        "CREATE INDEX jobs_by_state ON jobs (state, created_at);"
        "CREATE TABLE job_failures ("
        " job_id TEXT NOT NULL, record BIGINT NOT NULL, line BIGINT NOT NULL,"
        " errors TEXT NOT NULL, PRIMARY KEY (job_id, record));",
        // 3: who issued, revoked or looked up (with the code) which certificate, when
        "CREATE TABLE audit_log ("
        " id {id}, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,"
        " number TEXT NOT NULL, detail TEXT NOT NULL);"
        "CREATE INDEX audit_by_number ON audit_log (number, id);",
        // 4: jobs split into chunks that every instance on one database can claim. The
        // records and the printed part are rows of their own: SQLite rewrites a whole row
        // on UPDATE, and claiming or renewing a chunk must not rewrite megabytes. (An empty
        // part is stored as NULL: Poco binds an empty BLOB so.)
        "ALTER TABLE jobs ADD COLUMN chunks BIGINT NOT NULL DEFAULT -1;"
        "CREATE TABLE job_chunks ("
        " job_id TEXT NOT NULL, chunk BIGINT NOT NULL, first_record BIGINT NOT NULL,"
        " records BIGINT NOT NULL, state TEXT NOT NULL, claimed_by TEXT NOT NULL,"
        " claimed_at BIGINT NOT NULL, attempts INTEGER NOT NULL, printed BIGINT NOT NULL,"
        " refused BIGINT NOT NULL, pages BIGINT NOT NULL, finished_at BIGINT NOT NULL,"
        " PRIMARY KEY (job_id, chunk));"
        "CREATE INDEX job_chunks_by_state ON job_chunks (state, claimed_at);"
        "CREATE TABLE job_chunk_inputs ("
        " job_id TEXT NOT NULL, chunk BIGINT NOT NULL, input {blob},"
        " PRIMARY KEY (job_id, chunk));"
        "CREATE TABLE job_chunk_parts ("
        " job_id TEXT NOT NULL, chunk BIGINT NOT NULL, output {blob}, manifest TEXT NOT NULL,"
        " PRIMARY KEY (job_id, chunk));",
        // 5: job callbacks waiting in the database, so that they outlive a restart
        "ALTER TABLE jobs ADD COLUMN callback TEXT NOT NULL DEFAULT '';"
        "ALTER TABLE jobs ADD COLUMN callback_attempts INTEGER NOT NULL DEFAULT 0;"
        "ALTER TABLE jobs ADD COLUMN callback_due BIGINT NOT NULL DEFAULT 0;",
        // 6: the registry's identity (one row, filled by identity()), which the signing
        // keys' directory records, so that a lost or emptied registry cannot pass for the
        // one the keys signed for
        "CREATE TABLE registry_identity (id TEXT NOT NULL);",
        // 7: the backend's listing (GET /v1/certificates): one index per filter, each
        // ending in the listing's order, so that a page is read in order from the index
        // instead of sorting every match
        "CREATE INDEX certificates_by_issue ON certificates (issue_date, number);"
        "CREATE INDEX certificates_by_id_number ON certificates (id_number, issue_date, number);"
        "CREATE INDEX certificates_by_holder ON certificates (holder_name, issue_date, number);"
        "CREATE INDEX certificates_by_status ON certificates (status, issue_date, number);",
        // 8: levels by scheme (专项能力, 软考 and 职称 levels are words, not 1–5), the 职称
        // certificate's 评审委员会, 批准文号 and its date, the issuer's "NO." paper serial, and
        // the English occupation printed beside the Chinese, and the signed form each row
        // was signed over (rows from before keep form 1)
        "ALTER TABLE certificates ADD COLUMN level_scheme TEXT NOT NULL DEFAULT 'skill';"
        "ALTER TABLE certificates ADD COLUMN level_name TEXT NOT NULL DEFAULT '';"
        "ALTER TABLE certificates ADD COLUMN committee TEXT NOT NULL DEFAULT '';"
        "ALTER TABLE certificates ADD COLUMN approval_number TEXT NOT NULL DEFAULT '';"
        "ALTER TABLE certificates ADD COLUMN approval_date TEXT NOT NULL DEFAULT '';"
        "ALTER TABLE certificates ADD COLUMN serial TEXT NOT NULL DEFAULT '';"
        "ALTER TABLE certificates ADD COLUMN occupation_name_en TEXT NOT NULL DEFAULT '';"
        "ALTER TABLE certificates ADD COLUMN signed_form INTEGER NOT NULL DEFAULT 1;",
    };
    return list;
}

// The advisory lock every write transaction takes on PostgreSQL (an arbitrary constant:
// "ED" "DO").
constexpr long long kWriteLock = 0x4544444F;

std::atomic<NoticeSink> notice_sink{nullptr};

// The connection inside a pooled session. Poco 1.11 keeps PooledSessionImpl::impl()
// protected and offers no other way to the PGconn; a pointer to the member, taken in a
// derived class, is the standard way to call it from outside.
struct PooledConnection : Poco::Data::PooledSessionImpl {
    static Poco::Data::SessionImpl* of(const Poco::Data::PooledSessionImpl& pooled) {
        return (pooled.*(&PooledConnection::impl))();
    }
};

// libpq's notice processor: a C callback, so nothing may escape it.
void forward_notice(void*, const char* text) noexcept {
    const NoticeSink sink = notice_sink.load();
    if (!sink || !text) return;
    try {
        std::string_view message(text);
        while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
            message.remove_suffix(1);
        }
        std::string_view severity = "NOTICE";
        const auto colon = message.find(':');
        if (colon < 10) {  // npos is never under 10
            severity = message.substr(0, colon);
            message.remove_prefix(colon + 1);
            while (!message.empty() && message.front() == ' ') message.remove_prefix(1);
        }
        sink(severity, message);
    } catch (...) {
    }
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decoded(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        const int high = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
        const int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
        if (high < 0 || low < 0) {
            throw std::invalid_argument("registry.url: a '%' not followed by two hex digits");
        }
        out += static_cast<char>(high * 16 + low);
        i += 2;
    }
    return out;
}

// key='value' with the value quoted as libpq's key=value syntax asks.
void append_keyword(std::string& out, std::string_view key, const std::string& value) {
    if (value.empty()) return;
    if (!out.empty()) out += ' ';
    out += key;
    out += "='";
    for (char c : value) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    out += '\'';
}

}  // namespace

void set_notice_sink(NoticeSink sink) { notice_sink.store(sink); }

std::string libpq_connection_string(std::string_view url) {
    std::string_view rest;
    if (url.rfind("postgresql://", 0) == 0) {
        rest = url.substr(13);
    } else if (url.rfind("postgres://", 0) == 0) {
        rest = url.substr(11);
    } else {
        return std::string(url);
    }
    std::string out;
    std::string_view query;
    if (const auto q = rest.find('?'); q != std::string_view::npos) {
        query = rest.substr(q + 1);
        rest = rest.substr(0, q);
    }
    std::string_view path;
    if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
        path = rest.substr(slash + 1);
        rest = rest.substr(0, slash);
    }
    if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
        const std::string_view userinfo = rest.substr(0, at);
        rest = rest.substr(at + 1);
        const auto colon = userinfo.find(':');
        append_keyword(out, "user", percent_decoded(userinfo.substr(0, colon)));
        if (colon != std::string_view::npos) {
            append_keyword(out, "password", percent_decoded(userinfo.substr(colon + 1)));
        }
    }
    // host, host:port, [v6]:port, or several of them separated by commas.
    std::string hosts, ports;
    bool any_port = false;
    for (bool first = true; !rest.empty(); first = false) {
        const auto comma = rest.find(',');
        std::string_view one = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        std::string_view host = one, port;
        if (!one.empty() && one.front() == '[') {
            const auto close = one.find(']');
            if (close == std::string_view::npos) {
                throw std::invalid_argument("registry.url: an IPv6 address without ']'");
            }
            host = one.substr(1, close - 1);
            if (close + 1 < one.size() && one[close + 1] == ':') port = one.substr(close + 2);
        } else if (const auto colon = one.rfind(':'); colon != std::string_view::npos) {
            host = one.substr(0, colon);
            port = one.substr(colon + 1);
        }
        if (port.find_first_not_of("0123456789") != std::string_view::npos) {
            throw std::invalid_argument("registry.url: the port '" + std::string(port) +
                                        "' is not a number");
        }
        if (!first) {
            hosts += ',';
            ports += ',';
        }
        hosts += percent_decoded(host);
        ports += port;
        any_port = any_port || !port.empty();
    }
    append_keyword(out, "host", hosts);
    if (any_port) append_keyword(out, "port", ports);
    append_keyword(out, "dbname", percent_decoded(path));
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        const auto eq = pair.find('=');
        if (eq == std::string_view::npos || eq == 0) {
            throw std::invalid_argument("registry.url: '" + std::string(pair) +
                                        "' is not param=value");
        }
        append_keyword(out, percent_decoded(pair.substr(0, eq)),
                       percent_decoded(pair.substr(eq + 1)));
    }
    return out;
}

bool is_postgresql_url(std::string_view url) {
    return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0 ||
           url.find("dbname=") != std::string_view::npos ||
           url.find("host=") != std::string_view::npos;
}

WriteTransaction::WriteTransaction(Database& db, Poco::Data::Session& s, TransactionLock lock)
    : s_(s) {
    if (db.dialect() == Dialect::sqlite) {
        s_ << "BEGIN IMMEDIATE", now;
    } else {
        s_ << "BEGIN", now;
        if (lock == TransactionLock::database) {
            s_ << "SELECT pg_advisory_xact_lock(" + std::to_string(kWriteLock) + ")", now;
        }
    }
}

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

StorageFault storage_fault(const std::exception& error) {
    if (dynamic_cast<const Poco::Data::SQLite::DatabaseFullException*>(&error)) {
        return StorageFault::full;
    }
    if (dynamic_cast<const Poco::Data::SQLite::IOErrorException*>(&error) ||
        dynamic_cast<const Poco::Data::SQLite::CantOpenDBFileException*>(&error)) {
        // SQLite reports a failed write of its journal on a full disk as an I/O error.
        const std::string what = error.what();
        const auto* poco = dynamic_cast<const Poco::Exception*>(&error);
        const std::string text = poco ? poco->displayText() : what;
        if (text.find("full") != std::string::npos || text.find("space") != std::string::npos) {
            return StorageFault::full;
        }
        return StorageFault::io;
    }
    if (const auto* pg = dynamic_cast<const Poco::Data::PostgreSQL::PostgreSQLException*>(&error)) {
        // SQLSTATE class 53: insufficient resources (53100 disk_full).
        const std::string text = pg->displayText();
        if (text.find("No space left") != std::string::npos ||
            text.find("53100") != std::string::npos) {
            return StorageFault::full;
        }
    }
    return StorageFault::none;
}

namespace {

// Per connection, once, when the pool opens it: wait for the write lock rather than fail,
// and fsync every commit so that an acknowledged certificate survives power loss, not
// only a crash. (PostgreSQL commits durably by default.) Both settings stay with the
// connection; setting them at every session() was two statements parsed and run on every
// request.
class SqliteSessionPool : public Poco::Data::SessionPool {
  public:
    SqliteSessionPool(const std::string& url, int max_sessions)
        : Poco::Data::SessionPool("SQLite", url, 1, max_sessions) {}

  protected:
    void customizeSession(Poco::Data::Session& s) override {
        s << "PRAGMA busy_timeout = 10000", now;
        s << "PRAGMA synchronous = FULL", now;
    }
};

}  // namespace

Database::Database(const std::string& url, int max_sessions) {
    static std::once_flag registered;
    std::call_once(registered, [] {
        Poco::Data::SQLite::Connector::registerConnector();
        Poco::Data::PostgreSQL::Connector::registerConnector();
    });
    if (is_postgresql_url(url)) {
        dialect_ = Dialect::postgresql;
        postgresql_connection_ = libpq_connection_string(url);
        pool_ = std::make_unique<Poco::Data::SessionPool>("PostgreSQL", postgresql_connection_, 1,
                                                          max_sessions);
    } else {
        sqlite_path_ = url;
        pool_ = std::make_unique<SqliteSessionPool>(url, max_sessions);
        try {
            check_sqlite_integrity();
            migrate();
        } catch (const Poco::Data::SQLite::SQLiteException& e) {
            // A page damaged where the schema lives fails the first statement already.
            const std::string text = e.displayText();
            if (dynamic_cast<const Poco::Data::SQLite::CorruptImageException*>(&e) ||
                text.find("malformed") != std::string::npos ||
                text.find("not a database") != std::string::npos) {
                throw RegistryRefused("the registry database is damaged: " + text);
            }
            throw;
        }
        return;
    }
    migrate();
}

void Database::check_sqlite_integrity() {
    Poco::Data::Session s = session();
    std::string mode;
    s << "PRAGMA journal_mode = WAL", into(mode), now;
    if (Poco::toLower(mode) != "wal") {
        throw RegistryRefused("the registry database cannot use WAL mode here (journal mode '" +
                              mode + "'); put the data directory on a local file system, not NFS");
    }
    int synchronous = 0;
    s << "PRAGMA synchronous", into(synchronous), now;
    if (synchronous < 2) {
        throw RegistryRefused("synchronous=FULL does not take on the registry database");
    }
    // quick_check reads every page: cheap at start for a registry of certificates (tens of
    // milliseconds for 100,000 rows) and the one moment a damaged page can stop us.
    std::vector<std::string> problems;
    try {
        s << "PRAGMA quick_check", into(problems), now;
    } catch (const Poco::Exception& e) {
        throw RegistryRefused("the registry database is damaged: " + e.displayText());
    }
    if (problems.size() != 1 || problems[0] != "ok") {
        throw RegistryRefused("the registry database is damaged: " +
                              (problems.empty() ? std::string("no answer") : problems[0]));
    }
}

std::string Database::identity() {
    Poco::Data::Session s = session();
    std::string id;
    {
        Poco::Data::Statement st(s);
        st << "SELECT id FROM registry_identity", into(id), limit(1);
        if (st.execute() == 1) return id;
    }
    WriteTransaction tx(*this, s);
    {
        // Another instance may have made it while we waited for the write lock.
        Poco::Data::Statement st(s);
        st << "SELECT id FROM registry_identity", into(id), limit(1);
        if (st.execute() == 1) return id;
    }
    unsigned char bytes[16];
    if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no randomness");
    static constexpr char hex[] = "0123456789abcdef";
    for (unsigned char b : bytes) {
        id += hex[b >> 4];
        id += hex[b & 15];
    }
    s << sql("INSERT INTO registry_identity (id) VALUES (?)"), use(id), now;
    tx.commit();
    return id;
}

int Database::sessions_in_use() const { return pool_->used(); }
int Database::sessions_idle() const { return pool_->idle(); }

std::string Database::describe() const {
    return dialect_ == Dialect::sqlite ? "SQLite" : "PostgreSQL";
}

std::string Database::sql(std::string_view statement) const {
    if (dialect_ == Dialect::sqlite) return std::string(statement);
    // '?' outside string literals becomes $1, $2, …; our statements quote with '…' only.
    std::string out;
    int n = 0;
    bool quoted = false;
    for (char c : statement) {
        if (c == '\'') quoted = !quoted;
        if (c == '?' && !quoted) {
            out += "$" + std::to_string(++n);
        } else {
            out += c;
        }
    }
    return out;
}

Database::~Database() = default;

namespace {

// Poco's pool throws at once when every session is out; a burst of requests larger than
// the pool should wait its turn instead. Sessions come back within a statement or a
// transaction, so a short poll finds one soon.
Poco::Data::Session session_from(Poco::Data::SessionPool& pool) {
    using namespace std::chrono;
    const auto deadline = steady_clock::now() + seconds(10);
    auto pause = microseconds(100);
    while (true) {
        try {
            return pool.get();
        } catch (const Poco::Data::SessionPoolExhaustedException&) {
            if (steady_clock::now() > deadline) {
                throw DatabaseBusy("every database session is in use");
            }
        }
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, microseconds(20'000));
    }
}

}  // namespace

Poco::Data::Session Database::session() {
    Poco::Data::Session s = session_from(*pool_);
    if (dialect_ == Dialect::postgresql) {
        // Notices (such as "relation … already exists, skipping") go to the sink instead
        // of libpq's default, stderr. Setting the processor is two assignments: cheap
        // enough to do for every session handed out, including new ones.
        if (auto* pooled = dynamic_cast<Poco::Data::PooledSessionImpl*>(s.impl())) {
            if (auto* pg = dynamic_cast<Poco::Data::PostgreSQL::SessionImpl*>(
                    PooledConnection::of(*pooled))) {
                PQsetNoticeProcessor(static_cast<PGconn*>(pg->handle()), forward_notice, nullptr);
            }
        }
    }
    return s;
}

void Database::migrate() {
    Poco::Data::Session s = session();
    // Inside the write transaction: two instances starting together on one PostgreSQL
    // migrate one after the other.
    WriteTransaction tx(*this, s);
    s << "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", now;
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
            std::string text = list[i].substr(start, end - start);
            // The few types the dialects spell differently.
            const bool sqlite = dialect_ == Dialect::sqlite;
            for (const auto& [token, spelling] :
                 {std::pair<std::string, std::string>{"{blob}", sqlite ? "BLOB" : "BYTEA"},
                  {"{id}", sqlite ? "INTEGER PRIMARY KEY" : "BIGSERIAL PRIMARY KEY"}}) {
                for (auto at = text.find(token); at != std::string::npos;
                     at = text.find(token, at + spelling.size())) {
                    text.replace(at, token.size(), spelling);
                }
            }
            if (text.find_first_not_of(" \n") != std::string::npos) s << text, now;
            if (end == std::string::npos) break;
            start = end + 1;
        }
        int next = static_cast<int>(i + 1);
        s << sql("UPDATE schema_version SET version = ?"), use(next), now;
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
