#include "examdocs/core/id_number.h"

#include <array>

#include "examdocs/core/field_rules.h"

namespace examdocs {

namespace {

// Province-level codes (GB/T 2260), plus 83 for the residence permits of Taiwan residents
// and 81/82 for Hong Kong and Macao residents, which use the same number format.
bool known_region(std::string_view two) {
    static constexpr std::array<std::string_view, 37> codes = {
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35",
        "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54",
        "61", "62", "63", "64", "65", "71", "81", "82", "83", "91", "99"};
    for (auto c : codes) {
        if (c == two && c != "99") return true;
    }
    return false;
}

IdNumberCheck fail(std::string code, std::string message) {
    return IdNumberCheck{std::nullopt, IdNumberProblem{std::move(code), std::move(message)}};
}

}  // namespace

char id_number_check_char(std::string_view first17) {
    static constexpr std::array<int, 17> weights = {7, 9, 10, 5,  8, 4, 2, 1, 6,
                                                    3, 7, 9,  10, 5, 8, 4, 2};
    static constexpr std::string_view check = "10X98765432";
    int sum = 0;
    for (std::size_t i = 0; i < 17; ++i) sum += (first17[i] - '0') * weights[i];
    return check[static_cast<std::size_t>(sum % 11)];
}

IdNumberCheck check_id_number(std::string_view text, std::string_view today) {
    if (text.size() != 18) {
        return fail("id-number-length",
                    "身份证号码应为18位 / An ID number has 18 characters, not " +
                        std::to_string(text.size()) + ".");
    }
    std::string id(text);
    if (id[17] == 'x') id[17] = 'X';
    for (std::size_t i = 0; i < 17; ++i) {
        if (id[i] < '0' || id[i] > '9') {
            return fail("id-number-characters",
                        "身份证号码前17位应为数字 / The first 17 characters must be digits.");
        }
    }
    if (!((id[17] >= '0' && id[17] <= '9') || id[17] == 'X')) {
        return fail("id-number-characters",
                    "身份证号码最后一位应为数字或X / The last character must be a digit or X.");
    }
    if (!known_region(std::string_view(id).substr(0, 2))) {
        return fail("id-number-region", "身份证号码的地区码无效 / The region code " +
                                            id.substr(0, 2) + " does not exist.");
    }
    const std::string birth = id.substr(6, 4) + "-" + id.substr(10, 2) + "-" + id.substr(12, 2);
    if (!is_calendar_date(birth) || birth < "1900-01-01" || birth > today) {
        return fail("id-number-birth-date", "身份证号码中的出生日期无效 / The birth date " + birth +
                                                " is not a valid date.");
    }
    if (id_number_check_char(id) != id[17]) {
        return fail("id-number-checksum",
                    "身份证号码校验位不正确，请核对 / The check character does not match; the "
                    "number has a typing error.");
    }
    const Sex sex = ((id[16] - '0') % 2 == 1) ? Sex::male : Sex::female;
    return IdNumberCheck{IdNumber{id, birth, sex}, std::nullopt};
}

IdNumberCheck check_residence_permit_number(std::string_view text, std::string_view today) {
    auto check = check_id_number(text, today);
    if (check.problem) return check;
    const std::string_view region = std::string_view(check.id->normalized).substr(0, 2);
    if (region != "81" && region != "82" && region != "83") {
        return fail("id-number-region",
                    "港澳台居民居住证号码应以81、82或83开头 / A residence permit number starts "
                    "with 81 (Hong Kong), 82 (Macao) or 83 (Taiwan), not " +
                        std::string(region) + ".");
    }
    return check;
}

IdNumberCheck check_id_number_of_type(std::string_view id_type, std::string_view number,
                                      std::string_view today) {
    if (id_type.empty() || id_type == kResidentIdType) return check_id_number(number, today);
    if (id_type == kResidencePermitType) return check_residence_permit_number(number, today);
    return {};
}

std::string_view sex_label(Sex sex) { return sex == Sex::male ? "男" : "女"; }

}  // namespace examdocs
