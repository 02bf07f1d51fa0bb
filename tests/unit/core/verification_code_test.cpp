#include "examdocs/core/verification_code.h"

#include <gtest/gtest.h>

namespace {

using examdocs::group_verification_code;
using examdocs::normalize_verification_code;
using examdocs::verification_codes_match;

TEST(VerificationCode, NormalisesWhatPeopleType) {
    struct Case {
        const char* typed;
        const char* normal;
    } cases[] = {
        {"7K3M9QX2BD4HT6WR", "7K3M9QX2BD4HT6WR"},
        {"7k3m9qx2bd4ht6wr", "7K3M9QX2BD4HT6WR"},
        {"7K3M 9QX2 BD4H T6WR", "7K3M9QX2BD4HT6WR"},
        {"7K3M-9QX2-BD4H-T6WR", "7K3M9QX2BD4HT6WR"},
        {"oO0", "000"},
        {"iIlL1", "11111"},
        {" - ", ""},
        {"7K3M_9QX2", "7K3M_9QX2"},  // not a separator: kept, so it cannot match
    };
    for (const auto& c : cases)
        EXPECT_EQ(normalize_verification_code(c.typed), c.normal) << c.typed;
}

TEST(VerificationCode, MatchesTheIssuedCodeHoweverTyped) {
    const char* issued = "A1B0CDEFGH234567";
    EXPECT_TRUE(verification_codes_match("A1B0CDEFGH234567", issued));
    EXPECT_TRUE(verification_codes_match("alboc-defg-h234-567", issued));
    EXPECT_TRUE(verification_codes_match("a i b o cdef gh23 4567", issued));
    EXPECT_FALSE(verification_codes_match("A1B0CDEFGH234568", issued));
    EXPECT_FALSE(verification_codes_match("A1B0CDEFGH23456", issued));
    EXPECT_FALSE(verification_codes_match("", ""));
    EXPECT_FALSE(verification_codes_match("  ", issued));
}

TEST(VerificationCode, GroupsInFours) {
    EXPECT_EQ(group_verification_code("7K3M9QX2BD4HT6WR"), "7K3M 9QX2 BD4H T6WR");
    EXPECT_EQ(group_verification_code("ABCDE"), "ABCD E");
    EXPECT_EQ(group_verification_code(""), "");
}

}  // namespace
