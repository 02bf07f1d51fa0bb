#include "examdocs/core/field_rules.h"

#include <cstdint>
#include <cstring>

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timespan.h>

namespace examdocs {

namespace {

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

int to_int(std::string_view s) {
    int v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
}

}  // namespace

bool is_calendar_date(std::string_view t) {
    if (t.size() != 10 || t[4] != '-' || t[7] != '-') return false;
    if (!all_digits(t.substr(0, 4)) || !all_digits(t.substr(5, 2)) || !all_digits(t.substr(8, 2))) {
        return false;
    }
    const int y = to_int(t.substr(0, 4));
    const int m = to_int(t.substr(5, 2));
    const int d = to_int(t.substr(8, 2));
    if (y < 1 || m < 1 || m > 12 || d < 1) return false;
    return d <= Poco::DateTime::daysOfMonth(y, m);
}

std::string today_utc() { return Poco::DateTimeFormatter::format(Poco::DateTime(), "%Y-%m-%d"); }

std::string utc_date_in_days(int days) {
    return Poco::DateTimeFormatter::format(Poco::DateTime() + Poco::Timespan(days, 0, 0, 0, 0),
                                           "%Y-%m-%d");
}

std::string chinese_date(std::string_view iso) {
    return std::string(iso.substr(0, 4)) + "年" + std::to_string(to_int(iso.substr(5, 2))) + "月" +
           std::to_string(to_int(iso.substr(8, 2))) + "日";
}

bool is_phone_number(std::string_view t) {
    if (t.size() == 11 && t[0] == '1' && t[1] >= '3' && t[1] <= '9' && all_digits(t)) return true;
    // Landline: 0 + 2–3 digit area code, optional dash, 7–8 digits, optional -extension.
    if (t.empty() || t[0] != '0') return false;
    std::string_view rest = t;
    std::string_view ext;
    auto last_dash = rest.rfind('-');
    auto first_dash = rest.find('-');
    if (last_dash != std::string_view::npos && last_dash != first_dash) {
        ext = rest.substr(last_dash + 1);
        rest = rest.substr(0, last_dash);
        if (!all_digits(ext) || ext.size() > 6) return false;
    }
    std::string digits;
    for (char c : rest) {
        if (c != '-') digits += c;
    }
    if (rest.find('-') != std::string_view::npos) {
        auto dash = rest.find('-');
        if (dash < 3 || dash > 4) return false;
    }
    return all_digits(digits) && digits.size() >= 10 && digits.size() <= 12;
}

bool is_postcode(std::string_view t) { return t.size() == 6 && all_digits(t); }

// Written here rather than taken from Poco or ICU: their converters replace bad sequences
// silently, and we must refuse them (overlongs, surrogates) with a field error instead.
bool is_valid_utf8(std::string_view s) {
    std::size_t i = 0;
    const auto n = s.size();
    while (i < n) {
        // Runs of ASCII (all of a base64 photo) eight bytes at a time.
        std::uint64_t word = 0;
        while (i + 8 <= n) {
            std::memcpy(&word, s.data() + i, 8);
            if ((word & 0x8080808080808080ULL) != 0) break;
            i += 8;
        }
        if (i >= n) break;
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = 0;
        char32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + len > n) return false;
        for (std::size_t k = 1; k < len; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        const char32_t min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += len;
    }
    return true;
}

std::u32string utf8_to_u32(std::string_view s) {
    std::u32string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
        char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
        for (std::size_t k = 1; k < len && i + k < s.size(); ++k) {
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        }
        out.push_back(cp);
        i += len;
    }
    return out;
}

std::string u32_to_utf8(std::u32string_view text) {
    std::string out;
    for (char32_t cp : text) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }
    return out;
}

std::size_t utf8_length(std::string_view s) {
    std::size_t n = 0;
    for (char c : s) {
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
    }
    return n;
}

}  // namespace examdocs
