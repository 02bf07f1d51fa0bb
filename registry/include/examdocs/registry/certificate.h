#pragma once
// A certificate as the registry keeps it, and its canonical form: the exact bytes that
// are signed. The canonical form is documented in docs/certificates.md and must never
// change for version 1; a new form gets a new version line.
#include <optional>
#include <string>

namespace examdocs::registry {

struct Certificate {
    std::string number;  // e.g. S000012120001202640001 (a letter and 21 digits)
    std::string holder_name;
    std::string id_number;
    std::string occupation_code;  // may be empty
    std::string occupation_name;
    std::string job;  // may be empty
    int level = 0;    // 1 (一级/高级技师) … 5 (五级/初级工)
    std::string issuer;
    std::string issue_date;   // YYYY-MM-DD
    std::string expiry_date;  // YYYY-MM-DD or empty
    std::string photo_jpeg;   // normalised JPEG bytes, may be empty
    // Set by the registry:
    std::string status = "valid";  // valid | revoked
    std::string revoked_reason;
    std::string revoked_at;         // ISO 8601 UTC
    std::string verification_code;  // 16 characters of Crockford base32: 80 random bits
    std::string key_id;
    std::string signature;   // base64url of the Ed25519 signature of canonical_form
    std::string created_at;  // ISO 8601 UTC
};

// "examdocs-certificate-v1\n" then one "name=value\n" line per field, in this order:
// number, holder_name, id_number, occupation_code, occupation_name, job, level, issuer,
// issue_date, expiry_date, verification_code. In values, "\" becomes "\\" and a line
// break "\n". The photo, status and times are not signed: they change or are not printed.
std::string canonical_form(const Certificate& c);

}  // namespace examdocs::registry
