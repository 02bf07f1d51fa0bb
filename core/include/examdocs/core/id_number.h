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

// 港澳台居民居住证 (residence permits for Hong Kong, Macao and Taiwan residents, issued
// since 2018): the same 18-character format and check character, with region code 81
// (Hong Kong), 82 (Macao) or 83 (Taiwan) and nothing else.
IdNumberCheck check_residence_permit_number(std::string_view text, std::string_view today);

// The ID-document types whose numbers follow GB 11643 and are checked: 居民身份证 and
// 港澳台居民居住证 ("" counts as 居民身份证, the default everywhere).
inline constexpr std::string_view kResidentIdType = "居民身份证";
inline constexpr std::string_view kResidencePermitType = "港澳台居民居住证";

// Checks `number` as its type demands: GB 11643 for a resident ID (or no type), the
// residence-permit rule for 港澳台居民居住证; other types (passports, travel permits)
// have no check here and give neither id nor problem.
IdNumberCheck check_id_number_of_type(std::string_view id_type, std::string_view number,
                                      std::string_view today);

// The check character for the first 17 digits.
char id_number_check_char(std::string_view first17);

// "男" / "女".
std::string_view sex_label(Sex sex);

}  // namespace examdocs
