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
