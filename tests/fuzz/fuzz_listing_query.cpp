// Untrusted: the query string of GET /v1/certificates and /v1/certificates.csv (a cursor
// is whatever a caller sends back), and the registry's text as it goes into a CSV cell.
#include <Poco/URI.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "examdocs/core/problem.h"
#include "examdocs/service/certificate_listing.h"

namespace {

// The cell as a spreadsheet reads it back (RFC 4180, one cell).
std::string read_cell(const std::string& cell) {
    if (cell.empty() || cell.front() != '"') return cell;
    std::string out;
    for (std::size_t i = 1; i + 1 < cell.size(); ++i) {
        out += cell[i];
        if (cell[i] == '"') ++i;  // a doubled quote
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace examdocs::service;
    const std::string text(reinterpret_cast<const char*>(data), size);

    // As a query string: either a request or a 400/422 problem, nothing else.
    try {
        Poco::URI uri("/v1/certificates?" + text);
        std::vector<std::pair<std::string, std::string>> parameters;
        for (auto& [k, v] : uri.getQueryParameters()) parameters.emplace_back(k, v);
        const auto request = parse_listing_query(parameters);
        if (request.limit && (*request.limit < 1 || *request.limit > 500)) __builtin_trap();
        if (request.query.after) {
            // A cursor taken is one this service would make again the same.
            const auto again = decode_cursor(encode_cursor(*request.query.after));
            if (!again || again->number != request.query.after->number) __builtin_trap();
        }
    } catch (const examdocs::ProblemError& e) {
        if (e.problem().status != 400 && e.problem().status != 422) __builtin_trap();
    } catch (const Poco::SyntaxException&) {
        // Not a URI at all: the dispatcher answers 400 before the route runs.
    }

    // As a cursor.
    if (auto at = decode_cursor(text)) {
        const auto again = decode_cursor(encode_cursor(*at));
        if (!again || again->issue_date != at->issue_date || again->number != at->number)
            __builtin_trap();
    }

    // As a CSV cell: it reads back as the value (behind an apostrophe when it looks like a
    // formula), and never starts a formula.
    std::string cell;
    append_csv_cell(cell, text);
    const std::string back = read_cell(cell);
    const bool formula_like =
        !text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos;
    if (back != (formula_like ? "'" + text : text)) __builtin_trap();
    if (!back.empty() && std::string_view("=+-@\t\r").find(back.front()) != std::string_view::npos)
        __builtin_trap();
    return 0;
}
