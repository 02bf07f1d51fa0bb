#pragma once
// The backend's listing of certificates (GET /v1/certificates and its CSV export): the
// query string checked into a registry query, the opaque cursor that carries a page's end,
// and CSV cells a spreadsheet cannot take for formulas. All three read or shape untrusted
// input; the fuzz target fuzz_listing_query drives them. Pure functions, thread-safe.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "examdocs/registry/certificate_registry.h"

namespace examdocs::service {

struct ListingRequest {
    registry::CertificateQuery query;  // its limit is the caller's to set
    std::optional<long long> limit;    // as asked (1–500); absent when not given
};

// The query parameters of a listing, in the order sent (idNumber, name, issuedFrom,
// issuedTo, status, cursor, limit). Throws ProblemError: 400 for a parameter the listing
// does not take or one given twice, naming it; 422 with every value it cannot take in
// errors[] (pointer "/limit", …). An empty value is the same as leaving it out.
ListingRequest parse_listing_query(
    const std::vector<std::pair<std::string, std::string>>& parameters);

// The cursor of the page after the one ending at `at`, and back; nullopt for anything
// this service did not make.
std::string encode_cursor(const registry::ListPosition& at);
std::optional<registry::ListPosition> decode_cursor(std::string_view cursor);

// Appends `value` to a CSV line as one cell (RFC 4180, a comma before it unless the line
// is empty). A cell a spreadsheet would take for a formula (= + - @, a tab or a carriage
// return first) gets a leading apostrophe, so that it shows as the text it is and never
// runs.
void append_csv_cell(std::string& line, std::string_view value);

}  // namespace examdocs::service
