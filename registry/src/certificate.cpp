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

std::string canonical_form(const Certificate& c) {
    std::string out = "examdocs-certificate-v1\n";
    field(out, "number", c.number);
    field(out, "holder_name", c.holder_name);
    field(out, "id_number", c.id_number);
    field(out, "occupation_code", c.occupation_code);
    field(out, "occupation_name", c.occupation_name);
    field(out, "job", c.job);
    field(out, "level", std::to_string(c.level));
    field(out, "issuer", c.issuer);
    field(out, "issue_date", c.issue_date);
    field(out, "expiry_date", c.expiry_date);
    field(out, "verification_code", c.verification_code);
    return out;
}

}  // namespace examdocs::registry
