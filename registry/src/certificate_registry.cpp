#include "examdocs/registry/certificate_registry.h"

#include "examdocs/core/verification_code.h"
#include "sqlite_lookup.h"

#include <Poco/Data/Session.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Nullable.h>
#include <Poco/SHA2Engine.h>
#include <Poco/Timestamp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <unordered_map>
#include <vector>

using namespace Poco::Data::Keywords;

namespace examdocs::registry {

namespace {

// The letters of a 职称 and a 软考 certificate's number (docs/certificates.md).
constexpr char kTitleLetter = 'Z';
constexpr char kRuankaoLetter = 'R';

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
    sha.update(c.occupation_name_en);  // printed, not signed, but asked for all the same
    sha.update(c.photo_jpeg);
    return Poco::DigestEngine::digestToHex(sha.digest());
}

struct Row {
    std::string number, holder_name, id_number, occupation_code, occupation_name, job;
    int level = 0;
    std::string level_scheme, level_name, committee, approval_number, approval_date, serial,
        occupation_name_en;
    int signed_form = 1;
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
    c.level_scheme = r.level_scheme;
    c.level_name = r.level_name;
    c.committee = r.committee;
    c.approval_number = r.approval_number;
    c.approval_date = r.approval_date;
    c.serial = r.serial;
    c.occupation_name_en = r.occupation_name_en;
    c.signed_form = r.signed_form;
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

std::optional<Certificate> select(const Database& db, Poco::Data::Session& s,
                                  const std::string& number) {
    Row r;
    std::string n = number;
    std::size_t found = 0;
    Poco::Data::Statement st(s);
    st << db.sql(kSelectCertificateByNumber), into(r.number), into(r.holder_name),
        into(r.id_number), into(r.occupation_code), into(r.occupation_name), into(r.job),
        into(r.level), into(r.level_scheme), into(r.level_name), into(r.committee),
        into(r.approval_number), into(r.approval_date), into(r.serial), into(r.occupation_name_en),
        into(r.signed_form), into(r.issuer), into(r.issue_date), into(r.expiry_date), into(r.photo),
        into(r.status), into(r.revoked_reason), into(r.revoked_at), into(r.verification_code),
        into(r.key_id), into(r.signature), into(r.created_at), use(n), limit(1);
    found = st.execute();
    if (found == 0) return std::nullopt;
    return to_certificate(r);
}

}  // namespace

// Signatures that verified, with the exact key id and signed text they verified for.
// Every verification of a certificate checks the same Ed25519/SM2 signature over the same
// row; the public-key arithmetic was a third of a POST /v1/verify's CPU. A signature
// counts as verified again only for byte-identical key id and text, so nothing is assumed
// of any hash: a changed row (or a forged one) is verified in full. At most kCapacity
// entries (~1 MB).
class VerifiedSignatures {
  public:
    bool holds(const std::string& key_id, const std::string& message,
               const std::string& signature) const;
    void add(const std::string& key_id, std::string message, const std::string& signature);

  private:
    static constexpr std::size_t kCapacity = 2048;
    struct Signed {
        std::string key_id;
        std::string message;
    };
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Signed> seen_;  // by signature (base64url)
};

CertificateRegistry::CertificateRegistry(const std::string& sqlite_path, SigningKeys keys,
                                         IssuerIdentity issuer)
    : CertificateRegistry(std::make_shared<Database>(sqlite_path), std::move(keys),
                          std::move(issuer)) {}

CertificateRegistry::CertificateRegistry(std::shared_ptr<Database> database, SigningKeys keys,
                                         IssuerIdentity issuer)
    : database_(std::move(database)),
      keys_(std::move(keys)),
      issuer_(std::move(issuer)),
      audit_writer_(std::make_unique<AuditWriter>(database_)),
      verified_(std::make_unique<VerifiedSignatures>()) {
    if (database_->dialect() == Dialect::sqlite) {
        sqlite_lookup_ = std::make_unique<SqliteLookup>(database_->sqlite_path());
    }
}

CertificateRegistry::~CertificateRegistry() = default;

int CertificateRegistry::schema_version() const { return database_->schema_version(); }

namespace {

void audit(Database& db, Poco::Data::Session& s, const std::string& actor,
           const std::string& action, const std::string& number, const std::string& detail) {
    write_audit_lines(db, s, {{now_iso(), actor, action, number, detail}});
}

}  // namespace

void CertificateRegistry::record_lookup(const std::string& number, const std::string& actor,
                                        const std::string& how) {
    audit_writer_->add({now_iso(), actor, "lookup", number, how});
}

std::vector<AuditEntry> CertificateRegistry::audit_trail(const std::string& number) const {
    // What is queued goes to the database first where it can; what cannot is shown from
    // the queue, after the lines already written (it is newer).
    audit_writer_->flush();
    Poco::Data::Session s = database_->session();
    std::string n = number;
    std::vector<std::string> at, actor, action, detail;
    s << database_->sql(
        "SELECT at, actor, action, detail FROM audit_log WHERE number = ?"
        " ORDER BY id"),
        into(at), into(actor), into(action), into(detail), use(n), now;
    std::vector<AuditEntry> out;
    for (std::size_t i = 0; i < at.size(); ++i) {
        out.push_back({at[i], actor[i], action[i], number, detail[i]});
    }
    for (auto& e : audit_writer_->waiting_for(number)) out.push_back(std::move(e));
    return out;
}

IssueResult CertificateRegistry::issue(Certificate c, const std::string& idempotency_key,
                                       const std::string& actor) {
    // Before the hash: a retry that leaves the issuer out is the same request.
    if (c.issuer.empty()) c.issuer = issuer_.name;
    if (c.issuer != issuer_.name) return {IssueOutcome::other_issuer, {}};
    Poco::Data::Session s = database_->session();
    const std::string hash = request_hash(c);
    WriteTransaction tx(*database_, s);
    {
        std::string stored_hash, stored_number;
        std::string key = idempotency_key;
        Poco::Data::Statement st(s);
        st << database_->sql("SELECT request_hash, number FROM idempotency_keys WHERE key = ?"),
            into(stored_hash), into(stored_number), use(key), limit(1);
        if (st.execute() > 0) {
            if (stored_hash != hash) return {IssueOutcome::conflict, {}};
            return {IssueOutcome::replayed, *select(*database_, s, stored_number)};
        }
    }
    if (c.number.empty()) {
        // Serial within prefix: the transaction holds SQLite's write lock, so no other
        // issuance can take the same one. A 职称 or 软考 certificate's number has the same
        // shape under a letter of its own, so the kinds never share a serial.
        const char letter = c.level_scheme == "zhicheng"  ? kTitleLetter
                            : c.level_scheme == "ruankao" ? kRuankaoLetter
                                                          : issuer_.letter;
        const std::string prefix = std::string(1, letter) + issuer_.body_code +
                                   issuer_.province_code + issuer_.site_code +
                                   c.issue_date.substr(0, 4) + std::to_string(c.level);
        std::string like = prefix + "____";
        Poco::Nullable<std::string> highest;
        s << database_->sql("SELECT MAX(number) FROM certificates WHERE number LIKE ?"),
            into(highest), use(like), now;
        int next = 1;
        if (!highest.isNull()) next = std::stoi(highest.value().substr(prefix.size())) + 1;
        if (next > 9999) {
            throw std::runtime_error("the serials of " + prefix + " are used up");
        }
        char serial[16];
        std::snprintf(serial, sizeof serial, "%04d", next);
        c.number = prefix + serial;
    } else if (select(*database_, s, c.number)) {
        return {IssueOutcome::number_taken, {}};
    }
    c.serial.clear();
    if (issuer_.serial_digits > 0) {
        // The paper serial counts over the whole registry (fixed width, so the highest
        // text is the highest number).
        std::string like = issuer_.serial_prefix +
                           std::string(static_cast<std::size_t>(issuer_.serial_digits), '_');
        Poco::Nullable<std::string> highest;
        s << database_->sql("SELECT MAX(serial) FROM certificates WHERE serial LIKE ?"),
            into(highest), use(like), now;
        long long next = 1;
        if (!highest.isNull()) {
            next = std::stoll(highest.value().substr(issuer_.serial_prefix.size())) + 1;
        }
        std::string digits = std::to_string(next);
        if (digits.size() > static_cast<std::size_t>(issuer_.serial_digits)) {
            throw std::runtime_error("the paper serials of " + issuer_.serial_prefix +
                                     " are used up");
        }
        c.serial =
            issuer_.serial_prefix +
            std::string(static_cast<std::size_t>(issuer_.serial_digits) - digits.size(), '0') +
            digits;
    }
    c.signed_form = 2;
    c.status = "valid";
    c.revoked_reason.clear();
    c.revoked_at.clear();
    c.verification_code = verification_code();
    c.key_id = keys_.current_key_id();
    c.signature = base64url(keys_.sign(canonical_form(c)));
    c.created_at = now_iso();
    Poco::Data::BLOB photo(reinterpret_cast<const unsigned char*>(c.photo_jpeg.data()),
                           c.photo_jpeg.size());
    s << database_->sql(
        "INSERT INTO certificates (number, holder_name, id_number, occupation_code,"
        " occupation_name, job, level, level_scheme, level_name, committee, approval_number,"
        " approval_date, serial, occupation_name_en, signed_form, issuer, issue_date,"
        " expiry_date, photo, status, revoked_reason, revoked_at, verification_code, key_id,"
        " signature, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        use(c.number), use(c.holder_name), use(c.id_number), use(c.occupation_code),
        use(c.occupation_name), use(c.job), use(c.level), use(c.level_scheme), use(c.level_name),
        use(c.committee), use(c.approval_number), use(c.approval_date), use(c.serial),
        use(c.occupation_name_en), use(c.signed_form), use(c.issuer), use(c.issue_date),
        use(c.expiry_date), use(photo), use(c.status), use(c.revoked_reason), use(c.revoked_at),
        use(c.verification_code), use(c.key_id), use(c.signature), use(c.created_at), now;
    std::string key = idempotency_key;
    std::string created = c.created_at;
    std::string hash_copy = hash;
    s << database_->sql(
        "INSERT INTO idempotency_keys (key, request_hash, number, created_at) VALUES (?, ?, ?, ?)"),
        use(key), use(hash_copy), use(c.number), use(created), now;
    audit(*database_, s, actor, "issue", c.number, "");
    tx.commit();
    return {IssueOutcome::created, c};
}

std::optional<Certificate> CertificateRegistry::find(const std::string& number) const {
    if (sqlite_lookup_) {
        Certificate c;
        switch (sqlite_lookup_->find(number, c)) {
            case SqliteLookup::Outcome::found:
                return c;
            case SqliteLookup::Outcome::absent:
                return std::nullopt;
            case SqliteLookup::Outcome::failed:
                break;  // Poco's path says what went wrong
        }
    }
    Poco::Data::Session s = database_->session();
    return select(*database_, s, number);
}

CertificatePage CertificateRegistry::list(const CertificateQuery& query) const {
    // The statement grows with the filters given; every value is bound, never spliced.
    std::string where;
    std::vector<std::string> values;
    const auto add = [&](const std::string& condition, const std::string& value) {
        where += where.empty() ? " WHERE " : " AND ";
        where += condition;
        values.push_back(value);
    };
    if (!query.id_number.empty()) add("id_number = ?", query.id_number);
    if (!query.holder_name.empty()) add("holder_name = ?", query.holder_name);
    if (!query.issued_from.empty()) add("issue_date >= ?", query.issued_from);
    if (!query.issued_to.empty()) add("issue_date <= ?", query.issued_to);
    if (!query.status.empty()) add("status = ?", query.status);
    if (query.after) {
        // Spelt out rather than as a row value, (issue_date, number) < (?, ?), which older
        // SQLite builds do not take through an index.
        add("(issue_date < ? OR (issue_date = ? AND number < ?))", query.after->issue_date);
        values.push_back(query.after->issue_date);
        values.push_back(query.after->number);
    }
    const int limit = std::max(1, query.limit);
    std::vector<std::string> number, holder_name, id_number, occupation_code, occupation_name, job,
        level_scheme, level_name, committee, approval_number, approval_date, serial,
        occupation_name_en, issuer, issue_date, expiry_date, status, revoked_reason, revoked_at,
        verification_code, key_id, signature, created_at;
    std::vector<int> level, signed_form;
    Poco::Data::Session s = database_->session();
    Poco::Data::Statement st(s);
    // One row past the page says whether another page follows.
    st << database_->sql(
        "SELECT number, holder_name, id_number, occupation_code, occupation_name, job, level,"
        " level_scheme, level_name, committee, approval_number, approval_date, serial,"
        " occupation_name_en, signed_form, issuer, issue_date, expiry_date, status,"
        " revoked_reason, revoked_at,"
        " verification_code, key_id, signature, created_at FROM certificates" +
        where + " ORDER BY issue_date DESC, number DESC LIMIT " + std::to_string(limit + 1)),
        into(number), into(holder_name), into(id_number), into(occupation_code),
        into(occupation_name), into(job), into(level), into(level_scheme), into(level_name),
        into(committee), into(approval_number), into(approval_date), into(serial),
        into(occupation_name_en), into(signed_form), into(issuer), into(issue_date),
        into(expiry_date), into(status), into(revoked_reason), into(revoked_at),
        into(verification_code), into(key_id), into(signature), into(created_at);
    for (auto& v : values) st.addBind(use(v));
    st.execute();
    CertificatePage page;
    for (std::size_t i = 0; i < number.size(); ++i) {
        if (static_cast<int>(i) == limit) {
            page.more = true;
            break;
        }
        Certificate c;
        c.number = number[i];
        c.holder_name = holder_name[i];
        c.id_number = id_number[i];
        c.occupation_code = occupation_code[i];
        c.occupation_name = occupation_name[i];
        c.job = job[i];
        c.level = level[i];
        c.level_scheme = level_scheme[i];
        c.level_name = level_name[i];
        c.committee = committee[i];
        c.approval_number = approval_number[i];
        c.approval_date = approval_date[i];
        c.serial = serial[i];
        c.occupation_name_en = occupation_name_en[i];
        c.signed_form = signed_form[i];
        c.issuer = issuer[i];
        c.issue_date = issue_date[i];
        c.expiry_date = expiry_date[i];
        c.status = status[i];
        c.revoked_reason = revoked_reason[i];
        c.revoked_at = revoked_at[i];
        c.verification_code = verification_code[i];
        c.key_id = key_id[i];
        c.signature = signature[i];
        c.created_at = created_at[i];
        page.certificates.push_back(std::move(c));
    }
    return page;
}

bool CertificateRegistry::revoke(const std::string& number, const std::string& reason,
                                 const std::string& actor) {
    // Lookups queued before the revocation go first, so that the trail reads in order.
    audit_writer_->flush();
    Poco::Data::Session s = database_->session();
    WriteTransaction tx(*database_, s);
    auto c = select(*database_, s, number);
    if (!c) return false;
    if (c->status != "revoked") {
        std::string status = "revoked", r = reason, at = now_iso(), n = number;
        s << database_->sql(
            "UPDATE certificates SET status = ?, revoked_reason = ?, revoked_at = ? WHERE number "
            "= ?"),
            use(status), use(r), use(at), use(n), now;
        audit(*database_, s, actor, "revoke", number, reason);
    }
    tx.commit();
    return true;
}

std::string CertificateRegistry::verdict(const Certificate& row, const std::string& code,
                                         const std::string& key_id, const std::string& signature,
                                         const std::string& today) const {
    const bool genuine = verification_codes_match(code, row.verification_code) &&
                         key_id == row.key_id && signature == row.signature && signature_valid(row);
    if (!genuine) return "forged";
    return standing(row, today);
}

std::string CertificateRegistry::standing(const Certificate& row, const std::string& today) {
    if (row.status == "revoked") return "revoked";
    if (!row.expiry_date.empty() && row.expiry_date < today) return "expired";
    // Dates are YYYY-MM-DD, so comparing the text compares the days.
    if (row.issue_date > today) return "not-yet-valid";
    return "valid";
}

bool CertificateRegistry::signature_valid(const Certificate& c) const {
    std::string message = canonical_form(c);
    if (verified_->holds(c.key_id, message, c.signature)) return true;
    bool valid = false;
    try {
        valid = keys_.verify(c.key_id, message, base64url_decode(c.signature));
    } catch (const std::invalid_argument&) {
        return false;
    }
    if (valid) verified_->add(c.key_id, std::move(message), c.signature);
    return valid;
}

bool VerifiedSignatures::holds(const std::string& key_id, const std::string& message,
                               const std::string& signature) const {
    std::lock_guard lock(mutex_);
    const auto it = seen_.find(signature);
    return it != seen_.end() && it->second.key_id == key_id && it->second.message == message;
}

void VerifiedSignatures::add(const std::string& key_id, std::string message,
                             const std::string& signature) {
    std::lock_guard lock(mutex_);
    // Forgetting everything at once is crude but bounded, and the certificates that are
    // looked up often come back after one more verification each.
    if (seen_.size() >= kCapacity) seen_.clear();
    seen_.insert_or_assign(signature, Signed{key_id, std::move(message)});
}

}  // namespace examdocs::registry
