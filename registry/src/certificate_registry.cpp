#include "examdocs/registry/certificate_registry.h"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/SessionPool.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Nullable.h>
#include <Poco/SHA2Engine.h>
#include <Poco/Timestamp.h>
#include <openssl/rand.h>

#include <mutex>
#include <stdexcept>
#include <vector>

using namespace Poco::Data::Keywords;

namespace examdocs::registry {

namespace {

// Each entry moves the schema one version up; applied in order, each in its transaction.
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
    };
    return list;
}

std::string now_iso() {
    return Poco::DateTimeFormatter::format(Poco::Timestamp(), Poco::DateTimeFormat::ISO8601_FORMAT);
}

// 80 random bits as 16 characters of Crockford's base32 (no I, L, O, U: easy to read
// aloud and to type from paper).
std::string verification_code() {
    static constexpr char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    unsigned char bytes[10];
    if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no randomness");
    std::string code;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (unsigned char b : bytes) {
        buffer = (buffer << 8) | b;
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            code += alphabet[(buffer >> bits) & 0x1F];
        }
    }
    return code;
}

// What the caller asked for, for telling a retry from a different request under the
// same idempotency key.
std::string request_hash(const Certificate& c) {
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    Certificate copy = c;
    copy.verification_code.clear();
    sha.update(canonical_form(copy));
    sha.update(c.photo_jpeg);
    return Poco::DigestEngine::digestToHex(sha.digest());
}

struct Row {
    std::string number, holder_name, id_number, occupation_code, occupation_name, job;
    int level = 0;
    std::string issuer, issue_date, expiry_date;
    Poco::Data::BLOB photo;
    std::string status, revoked_reason, revoked_at, verification_code, key_id, signature,
        created_at;
};

Certificate to_certificate(const Row& r) {
    Certificate c;
    c.number = r.number;
    c.holder_name = r.holder_name;
    c.id_number = r.id_number;
    c.occupation_code = r.occupation_code;
    c.occupation_name = r.occupation_name;
    c.job = r.job;
    c.level = r.level;
    c.issuer = r.issuer;
    c.issue_date = r.issue_date;
    c.expiry_date = r.expiry_date;
    c.photo_jpeg.assign(reinterpret_cast<const char*>(r.photo.rawContent()), r.photo.size());
    c.status = r.status;
    c.revoked_reason = r.revoked_reason;
    c.revoked_at = r.revoked_at;
    c.verification_code = r.verification_code;
    c.key_id = r.key_id;
    c.signature = r.signature;
    c.created_at = r.created_at;
    return c;
}

std::optional<Certificate> select(Poco::Data::Session& s, const std::string& number) {
    Row r;
    std::string n = number;
    std::size_t found = 0;
    Poco::Data::Statement st(s);
    st << "SELECT number, holder_name, id_number, occupation_code, occupation_name, job, level,"
          " issuer, issue_date, expiry_date, photo, status, revoked_reason, revoked_at,"
          " verification_code, key_id, signature, created_at FROM certificates WHERE number = ?",
        into(r.number), into(r.holder_name), into(r.id_number), into(r.occupation_code),
        into(r.occupation_name), into(r.job), into(r.level), into(r.issuer), into(r.issue_date),
        into(r.expiry_date), into(r.photo), into(r.status), into(r.revoked_reason),
        into(r.revoked_at), into(r.verification_code), into(r.key_id), into(r.signature),
        into(r.created_at), use(n), limit(1);
    found = st.execute();
    if (found == 0) return std::nullopt;
    return to_certificate(r);
}

// SQLite's own write lock from the first statement on: Poco's begin() issues BEGIN
// DEFERRED, which can fail with SQLITE_BUSY when a read turns into a write under WAL.
class WriteTransaction {
  public:
    explicit WriteTransaction(Poco::Data::Session& s) : s_(s) { s_ << "BEGIN IMMEDIATE", now; }
    void commit() {
        s_ << "COMMIT", now;
        done_ = true;
    }
    ~WriteTransaction() {
        if (done_) return;
        try {
            s_ << "ROLLBACK", now;
        } catch (...) {
        }
    }

  private:
    Poco::Data::Session& s_;
    bool done_ = false;
};

Poco::Data::Session session(Poco::Data::SessionPool& pool) {
    Poco::Data::Session s = pool.get();
    // Per connection: wait for the write lock rather than fail, and fsync every commit so
    // that an acknowledged certificate survives power loss, not only a crash.
    s << "PRAGMA busy_timeout = 10000", now;
    s << "PRAGMA synchronous = FULL", now;
    return s;
}

}  // namespace

CertificateRegistry::CertificateRegistry(const std::string& sqlite_path, SigningKeys keys,
                                         NumberPattern pattern)
    : keys_(std::move(keys)), pattern_(std::move(pattern)) {
    static std::once_flag registered;
    std::call_once(registered, [] { Poco::Data::SQLite::Connector::registerConnector(); });
    pool_ = std::make_unique<Poco::Data::SessionPool>("SQLite", sqlite_path, 1, 32);
    {
        Poco::Data::Session s = session(*pool_);
        s << "PRAGMA journal_mode = WAL", now;
    }
    migrate();
}

CertificateRegistry::~CertificateRegistry() = default;

void CertificateRegistry::migrate() {
    Poco::Data::Session s = session(*pool_);
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

int CertificateRegistry::schema_version() const {
    Poco::Data::Session s = session(*pool_);
    int version = 0;
    s << "SELECT version FROM schema_version", into(version), now;
    return version;
}

IssueResult CertificateRegistry::issue(Certificate c, const std::string& idempotency_key) {
    Poco::Data::Session s = session(*pool_);
    const std::string hash = request_hash(c);
    WriteTransaction tx(s);
    {
        std::string stored_hash, stored_number;
        std::string key = idempotency_key;
        Poco::Data::Statement st(s);
        st << "SELECT request_hash, number FROM idempotency_keys WHERE key = ?", into(stored_hash),
            into(stored_number), use(key), limit(1);
        if (st.execute() > 0) {
            if (stored_hash != hash) return {IssueOutcome::conflict, {}};
            return {IssueOutcome::replayed, *select(s, stored_number)};
        }
    }
    if (c.number.empty()) {
        // Serial within prefix: the transaction holds SQLite's write lock, so no other
        // issuance can take the same one.
        const std::string prefix = std::string(1, pattern_.letter) + pattern_.body_code +
                                   pattern_.province + pattern_.site + c.issue_date.substr(0, 4) +
                                   std::to_string(c.level);
        std::string like = prefix + "____";
        Poco::Nullable<std::string> highest;
        s << "SELECT MAX(number) FROM certificates WHERE number LIKE ?", into(highest), use(like),
            now;
        int next = 1;
        if (!highest.isNull()) next = std::stoi(highest.value().substr(prefix.size())) + 1;
        if (next > 9999) {
            throw std::runtime_error("the serials of " + prefix + " are used up");
        }
        char serial[16];
        std::snprintf(serial, sizeof serial, "%04d", next);
        c.number = prefix + serial;
    } else if (select(s, c.number)) {
        return {IssueOutcome::number_taken, {}};
    }
    c.status = "valid";
    c.revoked_reason.clear();
    c.revoked_at.clear();
    c.verification_code = verification_code();
    c.key_id = keys_.current_key_id();
    c.signature = base64url(keys_.sign(canonical_form(c)));
    c.created_at = now_iso();
    Poco::Data::BLOB photo(reinterpret_cast<const unsigned char*>(c.photo_jpeg.data()),
                           c.photo_jpeg.size());
    s << "INSERT INTO certificates (number, holder_name, id_number, occupation_code,"
         " occupation_name, job, level, issuer, issue_date, expiry_date, photo, status,"
         " revoked_reason, revoked_at, verification_code, key_id, signature, created_at)"
         " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        use(c.number), use(c.holder_name), use(c.id_number), use(c.occupation_code),
        use(c.occupation_name), use(c.job), use(c.level), use(c.issuer), use(c.issue_date),
        use(c.expiry_date), use(photo), use(c.status), use(c.revoked_reason), use(c.revoked_at),
        use(c.verification_code), use(c.key_id), use(c.signature), use(c.created_at), now;
    std::string key = idempotency_key;
    std::string created = c.created_at;
    std::string hash_copy = hash;
    s << "INSERT INTO idempotency_keys (key, request_hash, number, created_at) VALUES (?, ?, ?, ?)",
        use(key), use(hash_copy), use(c.number), use(created), now;
    tx.commit();
    return {IssueOutcome::created, c};
}

std::optional<Certificate> CertificateRegistry::find(const std::string& number) const {
    Poco::Data::Session s = session(*pool_);
    return select(s, number);
}

bool CertificateRegistry::revoke(const std::string& number, const std::string& reason) {
    Poco::Data::Session s = session(*pool_);
    WriteTransaction tx(s);
    auto c = select(s, number);
    if (!c) return false;
    if (c->status != "revoked") {
        std::string status = "revoked", r = reason, at = now_iso(), n = number;
        s << "UPDATE certificates SET status = ?, revoked_reason = ?, revoked_at = ? WHERE number "
             "= ?",
            use(status), use(r), use(at), use(n), now;
    }
    tx.commit();
    return true;
}

std::string CertificateRegistry::verdict(const Certificate& row, const std::string& code,
                                         const std::string& key_id, const std::string& signature,
                                         const std::string& today) const {
    const bool genuine = code == row.verification_code && key_id == row.key_id &&
                         signature == row.signature && signature_valid(row);
    if (!genuine) return "forged";
    if (row.status == "revoked") return "revoked";
    if (!row.expiry_date.empty() && row.expiry_date < today) return "expired";
    return "valid";
}

bool CertificateRegistry::signature_valid(const Certificate& c) const {
    try {
        return keys_.verify(c.key_id, canonical_form(c), base64url_decode(c.signature));
    } catch (const std::invalid_argument&) {
        return false;
    }
}

}  // namespace examdocs::registry
