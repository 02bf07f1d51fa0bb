#pragma once
// Chinese resident identity numbers (公民身份号码, GB 11643-1999): 18 characters, a
// region code, the birth date, a sequence whose last digit gives the sex, and a check
// character computed over the first 17 (ISO 7064 MOD 11-2; 10 is written X).
// Pure functions, thread-safe.
#include <optional>
#include <string>
#include <string_view>

namespace examdocs {

enum class Sex { male, female };

struct IdNumber {
    std::string normalized;  // upper-case X
    std::string birth_date;  // "YYYY-MM-DD"
    Sex sex = Sex::male;
};

struct IdNumberProblem {
    std::string code;     // id-number-length | id-number-characters | id-number-region |
                          // id-number-birth-date | id-number-checksum
    std::string message;  // Chinese, then English
};

// `today` ("YYYY-MM-DD") bounds the birth date. A lower-case x is accepted and
// upper-cased, as the 职称 system does; spaces are not.
struct IdNumberCheck {
    std::optional<IdNumber> id;
    std::optional<IdNumberProblem> problem;
};
IdNumberCheck check_id_number(std::string_view text, std::string_view today);

// The check character for the first 17 digits.
char id_number_check_char(std::string_view first17);

// "男" / "女".
std::string_view sex_label(Sex sex);

}  // namespace examdocs
