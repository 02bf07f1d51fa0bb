#pragma once
// Private to registry/: the certificate lookup by number on SQLite with its statement
// prepared once. Public reads (the masked lookup, verification by code or QR) are the
// service's most frequent requests; through Poco::Data each one parsed and planned the
// same SELECT again (sqlite3_prepare, ~12 % of a lookup's CPU in a profile). Here a few
// connections of our own to the registry file each keep the statement, taken from a small
// free list and given back after the row is copied out. Raw sqlite3 handles instead of
// Poco::Data: a Poco Statement belongs to one pooled session and cannot outlive its
// hand-back, so there is no place in Poco's pool to keep it.
//
// Only the lookup: writes stay on Poco's sessions and their transactions (WAL lets these
// connections read beside them and see every committed row).
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "examdocs/registry/certificate.h"

namespace examdocs::registry {

// One certificate by its number, every column in the order both readers bind them: the
// Poco path in certificate_registry.cpp and the kept statement here.
inline constexpr const char* kSelectCertificateByNumber =
    "SELECT number, holder_name, id_number, occupation_code, occupation_name, job, level,"
    " level_scheme, level_name, committee, approval_number, approval_date, serial,"
    " occupation_name_en, signed_form, issuer, issue_date, expiry_date, photo, status,"
    " revoked_reason, revoked_at, verification_code, key_id, signature, created_at"
    " FROM certificates WHERE number = ?";

}  // namespace examdocs::registry

namespace examdocs::registry {

class SqliteLookup {
  public:
    // `path`: the registry's SQLite file (or file: URI), as the Database was opened with.
    explicit SqliteLookup(std::string path);
    ~SqliteLookup();
    SqliteLookup(const SqliteLookup&) = delete;
    SqliteLookup& operator=(const SqliteLookup&) = delete;

    enum class Outcome { found, absent, failed };
    // The row of `number` into `out`. `failed`: SQLite reported an error (busy, I/O, a
    // damaged page); the caller asks again through Poco, whose exceptions the service
    // already maps to its answers (503, storage faults).
    Outcome find(const std::string& number, Certificate& out);

  private:
    struct Reader;
    struct ReaderGone {
        void operator()(Reader* r) const;
    };
    using ReaderPtr = std::unique_ptr<Reader, ReaderGone>;
    ReaderPtr take();
    void give_back(ReaderPtr reader);

    std::string path_;
    std::mutex mutex_;
    std::vector<ReaderPtr> idle_;
};

}  // namespace examdocs::registry
