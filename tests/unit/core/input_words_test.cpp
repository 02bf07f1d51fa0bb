// The words an input error needs: the nearest known name for a misspelt one, and the line
// and column where a JSON text goes wrong.
#include <gtest/gtest.h>

#include "examdocs/core/json_syntax.h"
#include "examdocs/core/nearest_name.h"

namespace {

using namespace examdocs;

TEST(NearestName, CountsEditsAndSuggestsOnlyCloseNames) {
    EXPECT_EQ(edit_distance("name", "nmae"), 1U);  // a swap of neighbours is one slip
    EXPECT_EQ(edit_distance("kitten", "sitting"), 3U);
    EXPECT_EQ(edit_distance("", "abc"), 3U);
    EXPECT_EQ(edit_distance("phone", "phone"), 0U);
    EXPECT_EQ(edit_distance("idNumber", "idNumbr"), 1U);

    const std::vector<std::string> keys{"name", "idNumber", "idType", "gender", "photo"};
    EXPECT_EQ(nearest_name("nmae", keys), "name");
    EXPECT_EQ(nearest_name("idnumber", keys), "idNumber");
    EXPECT_EQ(nearest_name("phot", keys), "photo");
    EXPECT_FALSE(nearest_name("address", keys)) << "nothing close";
    EXPECT_FALSE(nearest_name("ab", keys)) << "a short name is not a typing error of another";
    EXPECT_FALSE(nearest_name("name", {})) << "no candidates";
}

TEST(JsonSyntax, WellFormedTextHasNoError) {
    EXPECT_FALSE(find_json_syntax_error(R"( {"a": [1, -2.5e3, true, null, "x\"\u00e9"]} )"));
    EXPECT_FALSE(find_json_syntax_error("\"just a string\""));
}

TEST(JsonSyntax, GivesTheLineAndColumnOfTheFirstError) {
    auto e = find_json_syntax_error("{\n  \"a\": 1,\n  \"b\": x\n}");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->line, 3U);
    EXPECT_EQ(e->column, 8U);
    EXPECT_EQ(e->what, "expected a value");

    auto trailing = find_json_syntax_error(R"({"a":1,})");
    ASSERT_TRUE(trailing);
    EXPECT_EQ(trailing->line, 1U);
    EXPECT_EQ(trailing->column, 8U);
    EXPECT_EQ(trailing->what, "expected a quoted key");

    auto missing_comma = find_json_syntax_error("{\"a\": 1 \"b\": 2}");
    ASSERT_TRUE(missing_comma);
    EXPECT_EQ(missing_comma->column, 9U);
}

TEST(JsonSyntax, ColumnsCountCharactersNotBytes) {
    // "姓名" is six bytes and two characters.
    auto e = find_json_syntax_error(R"({"姓名": 张三})");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->column, 8U);
}

TEST(JsonSyntax, TheEndOfTheTextAndUnclosedThings) {
    EXPECT_EQ(find_json_syntax_error("")->what, "the text ends where a value was expected");
    auto open_string = find_json_syntax_error("{\"a\": \"abc");
    ASSERT_TRUE(open_string);
    EXPECT_NE(open_string->what.find("closing quote"), std::string::npos);
    auto open_object = find_json_syntax_error("{\"a\": 1");
    ASSERT_TRUE(open_object);
    EXPECT_NE(open_object->what.find("'}'"), std::string::npos);
    EXPECT_TRUE(find_json_syntax_error("{} {}"));
}

TEST(JsonSyntax, DeepNestingIsReportedNotRecursedInto) {
    const std::string deep(100000, '[');
    auto e = find_json_syntax_error(deep);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->what, "nested too deeply");
}

}  // namespace
