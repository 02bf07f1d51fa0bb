#include "examdocs/service/certificate_listing.h"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "examdocs/core/field_rules.h"
#include "examdocs/core/problem.h"
#include "examdocs/registry/signing_keys.h"

namespace examdocs::service {

namespace {

constexpr int kMaxPageSize = 500;

}  // namespace

std::string encode_cursor(const registry::ListPosition& at) {
    // Inside: a version, the issue date and the number, base64url so that it travels in a
    // URL untouched.
    return registry::base64url("1\n" + at.issue_date + "\n" + at.number);
}

std::optional<registry::ListPosition> decode_cursor(std::string_view cursor) {
    std::string text;
    try {
        text = registry::base64url_decode(cursor);
    } catch (const std::invalid_argument&) {
        return std::nullopt;
    }
    const auto first = text.find('\n');
    const auto second = text.find('\n', first == std::string::npos ? first : first + 1);
    if (first == std::string::npos || second == std::string::npos || text.substr(0, first) != "1")
        return std::nullopt;
    registry::ListPosition at{text.substr(first + 1, second - first - 1), text.substr(second + 1)};
    const bool number_ok =
        !at.number.empty() && at.number.size() <= 32 &&
        at.number.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == std::string::npos;
    if (!is_calendar_date(at.issue_date) || !number_ok) return std::nullopt;
    return at;
}

ListingRequest parse_listing_query(
    const std::vector<std::pair<std::string, std::string>>& parameters) {
    static const std::vector<std::string> known = {"idNumber", "name",   "issuedFrom", "issuedTo",
                                                   "status",   "cursor", "limit"};
    std::map<std::string, std::string> given;
    for (const auto& [name, value] : parameters) {
        if (std::find(known.begin(), known.end(), name) == known.end()) {
            Problem p = bad_request(
                "Unknown query parameter '" + name +
                "'; this route takes only: idNumber, name, issuedFrom, issuedTo, status, "
                "cursor, limit.");
            p.slug = "unknown-parameter";
            throw ProblemError(std::move(p));
        }
        if (!given.emplace(name, value).second) {
            Problem p = bad_request("The query parameter '" + name + "' is given twice.");
            p.slug = "unknown-parameter";
            throw ProblemError(std::move(p));
        }
    }
    const auto value = [&](const std::string& name) {
        auto it = given.find(name);
        return it == given.end() ? std::string() : it->second;
    };
    ListingRequest l;
    std::vector<FieldError> errors;
    const auto text = [&](const std::string& name, std::size_t max_chars, const char* zh) {
        std::string v = value(name);
        if (v.empty()) return v;
        const bool control = std::any_of(
            v.begin(), v.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
        if (!is_valid_utf8(v) || control || utf8_length(v) > max_chars) {
            errors.push_back({"/" + name, "invalid",
                              std::string(zh) + " / At most " + std::to_string(max_chars) +
                                  " characters of text."});
            return std::string();
        }
        return v;
    };
    l.query.id_number = text("idNumber", 24, "证件号码至多24个字符");
    // Resident ID numbers are stored with a capital X, as issuance normalised them.
    if (l.query.id_number.size() == 18 && l.query.id_number.back() == 'x')
        l.query.id_number.back() = 'X';
    l.query.holder_name = text("name", 30, "姓名至多30个字符");
    for (const auto& [name, target] :
         {std::pair<std::string, std::string*>{"issuedFrom", &l.query.issued_from},
          {"issuedTo", &l.query.issued_to}}) {
        const std::string v = value(name);
        if (v.empty()) continue;
        if (!is_calendar_date(v)) {
            errors.push_back({"/" + name, "date",
                              "日期格式应为 YYYY-MM-DD / A date as YYYY-MM-DD, e.g. 2026-06-30."});
        } else {
            *target = v;
        }
    }
    if (!l.query.issued_from.empty() && !l.query.issued_to.empty() &&
        l.query.issued_to < l.query.issued_from) {
        errors.push_back(
            {"/issuedTo", "range", "结束日期早于开始日期 / issuedTo is before issuedFrom."});
    }
    if (const std::string v = value("status"); !v.empty()) {
        if (v != "valid" && v != "revoked") {
            errors.push_back(
                {"/status", "one-of", "状态应为 valid 或 revoked / valid or revoked."});
        } else {
            l.query.status = v;
        }
    }
    if (const std::string v = value("cursor"); !v.empty()) {
        l.query.after = decode_cursor(v);
        if (!l.query.after) {
            errors.push_back({"/cursor", "invalid",
                              "翻页标记无效 / Not a cursor this service gave out (pass `next` of "
                              "the previous page as it is)."});
        }
    }
    if (const std::string v = value("limit"); !v.empty()) {
        const bool digits = v.size() <= 9 && v.find_first_not_of("0123456789") == std::string::npos;
        const long long n = digits ? std::stoll(v) : 0;
        if (n < 1 || n > kMaxPageSize) {
            errors.push_back(
                {"/limit", "range", "每页条数应为1至500 / A whole number from 1 to 500."});
        } else {
            l.limit = n;
        }
    }
    if (!errors.empty()) {
        throw ProblemError(unprocessable(
            "The listing's parameters are not acceptable; see errors[].", std::move(errors)));
    }
    return l;
}

void append_csv_cell(std::string& line, std::string_view value) {
    std::string cell(value);
    if (!cell.empty() && std::string_view("=+-@\t\r").find(cell.front()) != std::string_view::npos)
        cell.insert(cell.begin(), '\'');
    if (cell.find_first_of(",\"\r\n'") != std::string::npos) {
        std::string quoted = "\"";
        for (char c : cell) {
            if (c == '"') quoted += '"';
            quoted += c;
        }
        cell = quoted + "\"";
    }
    if (!line.empty()) line += ',';
    line += cell;
}

}  // namespace examdocs::service
