#include "examdocs/registry/certificate.h"

namespace examdocs::registry {

namespace {

void field(std::string& out, const char* name, const std::string& value) {
    out += name;
    out += '=';
    for (char c : value) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    out += '\n';
}

}  // namespace

std::string level_code(const Certificate& c) {
    return c.level_name.empty() ? std::to_string(c.level) : c.level_name;
}

std::string canonical_form(const Certificate& c) {
    // Version 1 is what certificates issued before schema 8 were signed over: it must
    // never change, or they stop verifying.
    const bool v1 = c.signed_form == 1;
    std::string out = v1 ? "examdocs-certificate-v1\n" : "examdocs-certificate-v2\n";
    field(out, "number", c.number);
    field(out, "holder_name", c.holder_name);
    field(out, "id_number", c.id_number);
    field(out, "occupation_code", c.occupation_code);
    field(out, "occupation_name", c.occupation_name);
    field(out, "job", c.job);
    if (v1) {
        field(out, "level", std::to_string(c.level));
    } else {
        field(out, "level_scheme", c.level_scheme);
        field(out, "level", level_code(c));
        field(out, "committee", c.committee);
        field(out, "approval_number", c.approval_number);
        field(out, "approval_date", c.approval_date);
    }
    field(out, "issuer", c.issuer);
    field(out, "issue_date", c.issue_date);
    field(out, "expiry_date", c.expiry_date);
    field(out, "verification_code", c.verification_code);
    return out;
}

}  // namespace examdocs::registry
