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
    std::string occupation_code;     // may be empty
    std::string occupation_name;     // 职称: the 资格名称 (工程师); 软考: the 资格
    std::string occupation_name_en;  // printed, not signed; may be empty
    std::string job;                 // may be empty; 职称: the 专业
    // The level: its scheme (layouts/vocabulary/levels.json: skill, ruankao, zhicheng), its code in
    // the scheme ("4", "专项能力", "中级"; empty: the digit) and the digit the number carries
    // (skill 1 一级/高级技师 … 5 五级/初级工, 0 专项能力; 软考 1 初级 … 3 高级; 职称 1 员级 …
    // 5 正高级).
    std::string level_scheme = "skill";
    std::string level_name;
    int level = 0;
    // 职称 (scheme zhicheng): the 评审委员会, the 批准文号 and its date; 软考 (ruankao): the
    // 管理号 and the 批准日期 in approval_number and approval_date; empty otherwise.
    std::string committee;
    std::string approval_number;
    std::string approval_date;  // YYYY-MM-DD or empty
    std::string issuer;
    std::string issue_date;   // YYYY-MM-DD
    std::string expiry_date;  // YYYY-MM-DD or empty
    std::string photo_jpeg;   // normalised JPEG bytes, may be empty
    // The "NO." serial printed in the corner (seed 003 五): the issuer's paper serial,
    // allocated at issuance when the issuer has one configured. Printed, not signed.
    std::string serial;
    // Which signed form the signature covers: 1 for certificates issued before levels had
    // schemes (schema 8), 2 since.
    int signed_form = 2;
    // Set by the registry:
    std::string status = "valid";  // valid | revoked
    std::string revoked_reason;
    std::string revoked_at;         // ISO 8601 UTC
    std::string verification_code;  // 16 characters of Crockford base32: 80 random bits
    std::string key_id;
    std::string signature;   // base64url of the Ed25519 signature of canonical_form
    std::string created_at;  // ISO 8601 UTC
};

// The level's code: level_name, or the digit when there is no name (rows of form 1).
std::string level_code(const Certificate& c);

// Version 2 (c.signed_form 2): "examdocs-certificate-v2\n" then one "name=value\n" line per
// field, in this order: number, holder_name, id_number, occupation_code, occupation_name,
// job, level_scheme, level (the code), committee, approval_number, approval_date, issuer,
// issue_date, expiry_date, verification_code. Version 1 (rows issued before schema 8):
// "examdocs-certificate-v1\n" and the same without level_scheme, committee,
// approval_number and approval_date, the level as its digit. In values, "\" becomes
// "\\" and a line break "\n". The photo, serial, status and times are not signed: they
// change or are not the holder's.
std::string canonical_form(const Certificate& c);

}  // namespace examdocs::registry
