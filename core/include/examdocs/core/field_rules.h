#pragma once
// Small field rules shared by every document: dates, phone numbers, postcodes, UTF-8.
// Pure functions, thread-safe.
#include <string>
#include <string_view>

namespace examdocs {

// "YYYY-MM-DD" and a real day of the Gregorian calendar.
bool is_calendar_date(std::string_view text);
// Today in UTC as "YYYY-MM-DD".
std::string today_utc();
// The UTC date `days` from today (negative: before), as "YYYY-MM-DD".
std::string utc_date_in_days(int days);
// "2026-11-22" -> "2026年11月22日". The input must be a calendar date.
std::string chinese_date(std::string_view iso_date);

// A mainland mobile number (11 digits, 1[3-9]…), or a landline with area code
// ("022-23456789", "02223456789", optionally "-ext").
bool is_phone_number(std::string_view text);
// Six digits.
bool is_postcode(std::string_view text);

// Well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view text);
// Decodes well-formed UTF-8 into code points; call is_valid_utf8 first.
std::u32string utf8_to_u32(std::string_view text);
std::string u32_to_utf8(std::u32string_view text);
// Number of code points in well-formed UTF-8.
std::size_t utf8_length(std::string_view text);

}  // namespace examdocs
