#include "examdocs/core/id_number.h"

#include <gtest/gtest.h>

namespace {

using namespace examdocs;

constexpr std::string_view kToday = "2026-11-22";

std::string code_of(std::string_view id) {
    auto check = check_id_number(id, kToday);
    return check.problem ? check.problem->code : "ok";
}

TEST(IdNumber, ComputesTheGb11643CheckCharacter) {
    EXPECT_EQ(id_number_check_char("12010519900307123"), '0');
    EXPECT_EQ(id_number_check_char("11010519491231002"), 'X');
    EXPECT_EQ(id_number_check_char("44052418800101001"), '4');
}

TEST(IdNumber, DerivesSexAndBirthDate) {
    auto man = check_id_number("120105199003071230", kToday);
    ASSERT_TRUE(man.id);
    EXPECT_EQ(man.id->birth_date, "1990-03-07");
    EXPECT_EQ(man.id->sex, Sex::male);  // 17th digit 3 is odd
    auto woman = check_id_number("120113198810093626", kToday);
    ASSERT_TRUE(woman.id);
    EXPECT_EQ(woman.id->sex, Sex::female);
    EXPECT_EQ(sex_label(woman.id->sex), "女");
}

TEST(IdNumber, AcceptsALowerCaseXAndUpperCasesIt) {
    auto check = check_id_number("11010519491231002x", kToday);
    ASSERT_TRUE(check.id) << check.problem->message;
    EXPECT_EQ(check.id->normalized, "11010519491231002X");
}

TEST(IdNumber, NamesWhatIsWrong) {
    EXPECT_EQ(code_of("12010519900307123"), "id-number-length");
    EXPECT_EQ(code_of("1201051990030712300"), "id-number-length");
    EXPECT_EQ(code_of("12010519900307A230"), "id-number-characters");
    EXPECT_EQ(code_of("12010519900307123Y"), "id-number-characters");
    EXPECT_EQ(code_of("990105199003071230"), "id-number-region");
    EXPECT_EQ(code_of("120105199002301234"), "id-number-birth-date");  // 30 February
    EXPECT_EQ(code_of("120105203001011234"), "id-number-birth-date");  // in the future
    EXPECT_EQ(code_of("120105199003071231"), "id-number-checksum");
    EXPECT_EQ(code_of(" 20105199003071230"), "id-number-characters");
}

}  // namespace

namespace {

// A well-formed number for `first17` with its check character appended.
std::string with_check(const std::string& first17) {
    return first17 + examdocs::id_number_check_char(first17);
}

TEST(ResidencePermit, AcceptsHongKongMacaoAndTaiwanRegionsOnly) {
    using namespace examdocs;
    for (const char* region : {"81", "82", "83"}) {
        const auto id = with_check(std::string(region) + "000019900307123");
        auto check = check_residence_permit_number(id, kToday);
        ASSERT_TRUE(check.id) << id;
        EXPECT_EQ(check.id->birth_date, "1990-03-07");
    }
    auto mainland = check_residence_permit_number(with_check("12010519900307123"), kToday);
    ASSERT_TRUE(mainland.problem);
    EXPECT_EQ(mainland.problem->code, "id-number-region");
    EXPECT_NE(mainland.problem->message.find("81"), std::string::npos);
    // The check character is checked as for a resident ID.
    auto typo = with_check("81000019900307123");
    typo.back() = typo.back() == '0' ? '1' : '0';
    auto mistyped = check_residence_permit_number(typo, kToday);
    ASSERT_TRUE(mistyped.problem);
    EXPECT_EQ(mistyped.problem->code, "id-number-checksum");
}

TEST(ResidencePermit, TheTypeDecidesWhichCheckRuns) {
    using namespace examdocs;
    const auto resident = with_check("12010519900307123");
    EXPECT_TRUE(check_id_number_of_type("", resident, kToday).id);
    EXPECT_TRUE(check_id_number_of_type("居民身份证", resident, kToday).id);
    EXPECT_TRUE(check_id_number_of_type("居民身份证", "120105199003071231", kToday).problem);
    EXPECT_TRUE(check_id_number_of_type("港澳台居民居住证", resident, kToday).problem);
    auto passport = check_id_number_of_type("护照", "E12345678", kToday);
    EXPECT_FALSE(passport.id);
    EXPECT_FALSE(passport.problem);
}

}  // namespace
