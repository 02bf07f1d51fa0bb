#pragma once
// The certificate registry: the rows that certificates, their QR codes and their
// verification are views of, in the registry database (database.h): SQLite, or PostgreSQL
// shared by several instances.
//
// Thread-safe: every call takes its own session from the pool.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "examdocs/registry/audit_writer.h"
#include "examdocs/registry/certificate.h"
#include "examdocs/registry/database.h"
#include "examdocs/registry/signing_keys.h"

namespace examdocs::registry {

class SqliteLookup;

class VerifiedSignatures;  // signatures already checked (certificate_registry.cpp)

// Who issues: the name every certificate carries as its issuer (printed and signed), and
// the codes of the national skill-certificate number, a letter and 21 digits:
// S, body (6), province (2), site (4), then year (4) from the issue date, level (1) and a
// serial (4) per year and level. The defaults are an example (a body in Tianjin, 12);
// the service takes them from issuer.* and checks their form at start.
struct IssuerIdentity {
    std::string name = "天津市软件行业协会";
    char letter = 'S';
    std::string body_code = "000012";  // 6 digits: the certifying body
    std::string province_code = "12";  // 2 digits (12 = 天津)
    std::string site_code = "0001";    // 4 digits: the assessment site
    // The "NO." paper serial printed on each certificate (seed 003 五): a prefix and a
    // count of serial_digits digits over the registry; 0 digits: no serial.
    std::string serial_prefix;
    int serial_digits = 0;
    // Printed on its certificates, not signed: the English name, and the national lookup
    // addresses (证书信息查询网址, 机构信息查询网址) printed beside our verification page.
    std::string name_en;
    std::string certificate_lookup_url;
    std::string body_lookup_url;
};

// other_issuer: the draft names an issuer other than the registry's (IssuerIdentity).
enum class IssueOutcome { created, replayed, conflict, number_taken, other_issuer };

// Where a listing stands: the (issue date, number) of the last row of a page. The next
// page starts strictly after it in the listing's order (keyset pagination: a row issued
// meanwhile neither repeats nor hides a row, and a deep page costs what the first does).
struct ListPosition {
    std::string issue_date;  // YYYY-MM-DD
    std::string number;
};

// Which certificates a listing takes. An empty member does not filter; the values are
// compared as stored (the caller normalises an ID number as issuance did).
struct CertificateQuery {
    std::string id_number;
    std::string holder_name;
    std::string issued_from;  // YYYY-MM-DD, inclusive
    std::string issued_to;    // YYYY-MM-DD, inclusive
    std::string status;       // valid | revoked
    std::optional<ListPosition> after;
    int limit = 50;  // rows at most; the caller bounds it
};

// A page of a listing: newest issue date first, then number descending. Rows carry
// every field but the photo.
struct CertificatePage {
    std::vector<Certificate> certificates;
    bool more = false;  // rows follow the last one
};

struct IssueResult {
    IssueOutcome outcome = IssueOutcome::created;
    Certificate certificate;  // the stored row (for replayed: the first one)
};

class CertificateRegistry {
  public:
    // `sqlite_path` is created when missing. Throws Poco::Exception on a database it cannot
    // open or migrate.
    CertificateRegistry(const std::string& sqlite_path, SigningKeys keys,
                        IssuerIdentity issuer = {});
    CertificateRegistry(std::shared_ptr<Database> database, SigningKeys keys,
                        IssuerIdentity issuer = {});
    ~CertificateRegistry();

    // Issues `draft` (number empty: allocated from the issuer's codes; issuer empty: the
    // registry's issuer's name, any other name is other_issuer). The same idempotency key
    // with the same data returns the first certificate (replayed); with other data,
    // conflict. The row, the key and the audit line (`actor`) are committed together
    // before this returns.
    IssueResult issue(Certificate draft, const std::string& idempotency_key,
                      const std::string& actor = "");

    std::optional<Certificate> find(const std::string& number) const;
    // The certificates `query` takes, a page at a time, through indexes on each filter
    // (schema 7).
    CertificatePage list(const CertificateQuery& query) const;
    // False when there is no such certificate; revoking twice keeps the first reason.
    bool revoke(const std::string& number, const std::string& reason,
                const std::string& actor = "");
    // Records that `actor` saw the full record of `number` (the right code was given).
    // Queued for the audit writer: never waits for the disk, never fails for its sake.
    void record_lookup(const std::string& number, const std::string& actor, const std::string& how);
    // Every audit line about `number`, oldest first, lines still queued included.
    std::vector<AuditEntry> audit_trail(const std::string& number) const;
    // The writer of lookup lines (flush on shutdown, queue depth for metrics and health).
    AuditWriter& audit_writer() const { return *audit_writer_; }

    // Whether the stored signature matches the canonical form of the row.
    bool signature_valid(const Certificate& c) const;
    // The verdict on a certificate as presented by its QR code (code, key id and signature
    // as printed): "forged" when they do not match the row, else its standing(). The code
    // is compared after normalisation (core/verification_code.h).
    std::string verdict(const Certificate& row, const std::string& code, const std::string& key_id,
                        const std::string& signature, const std::string& today) const;
    // What the row says on `today` (YYYY-MM-DD): "revoked", "expired" (past its expiry
    // date), "not-yet-valid" (issue date still ahead) or "valid".
    static std::string standing(const Certificate& row, const std::string& today);
    const SigningKeys& keys() const { return keys_; }
    const IssuerIdentity& issuer() const { return issuer_; }
    int schema_version() const;
    const std::shared_ptr<Database>& database() const { return database_; }

  private:
    std::shared_ptr<Database> database_;
    SigningKeys keys_;
    IssuerIdentity issuer_;
    std::unique_ptr<AuditWriter> audit_writer_;
    std::unique_ptr<SqliteLookup> sqlite_lookup_;  // find() on SQLite, statement kept
    std::unique_ptr<VerifiedSignatures> verified_;
};

}  // namespace examdocs::registry
