// The layout validator (every error at once, with JSON pointers and measured amounts), the
// lint, and the reference in layouts/README.md generated from the validator's schema.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <functional>

#include "examdocs/core/json_pointer.h"
#include "examdocs/renderers/document.h"
#include "examdocs/renderers/input_check.h"
#include "examdocs/renderers/layout.h"
#include "examdocs/renderers/layout_catalog.h"
#include "examdocs/renderers/layout_lint.h"
#include "examdocs/renderers/layout_schema.h"
#include "support/samples.h"

using namespace examdocs::renderers;

namespace {

const LayoutProblem* find(const std::vector<LayoutProblem>& problems, const std::string& pointer,
                          const std::string& code) {
    auto it = std::find_if(problems.begin(), problems.end(),
                           [&](const auto& p) { return p.pointer == pointer && p.code == code; });
    return it == problems.end() ? nullptr : &*it;
}

std::string listed(const std::vector<LayoutProblem>& problems) {
    std::string out;
    for (const auto& p : problems) out += describe(p) + " [" + p.code + "]\n";
    return out;
}

const examdocs::fonts::FontSet& fonts() { return examdocs::fonts::bundled_font_set(); }

std::string layout_with(const std::string& fields, const std::string& elements) {
    return R"({"name": "probe", "page": {"size": "A4"}, "fields": [)" + fields +
           R"(], "pages": [{"elements": [)" + elements + "]}]}";
}

}  // namespace

TEST(LayoutCheck, EveryErrorAtOnceWithPointersAndAmounts) {
    const auto reading = read_layout(R"({
      "name": "probe", "page": {"size": "A3"},
      "pages": [{"elements": [
        {"type": "text", "text": "x", "box": [100, 10, 114.2, 5]},
        {"type": "text", "text": "y", "box": [10, 10, 20, 5], "sise": 12},
        {"type": "text", "box": [10, 20, 20, "5"]},
        {"type": "photo", "value": "/p", "box": [10, 290, 20, 30], "dpi": 50},
        {"type": "text", "text": "z", "box": [10, 30, 20, 5], "size": 9, "minSize": 11}
      ]}]})");
    EXPECT_FALSE(reading.layout);
    const auto& e = reading.errors;
    const auto* right = find(e, "/pages/0/elements/0/box", "outside-page");
    ASSERT_TRUE(right) << listed(e);
    EXPECT_EQ(right->message, "extends 4.2 mm past the page's right edge");
    const auto* typo = find(e, "/pages/0/elements/1/sise", "unknown-key");
    ASSERT_TRUE(typo) << listed(e);
    EXPECT_NE(typo->message.find("did you mean 'size'?"), std::string::npos) << typo->message;
    EXPECT_TRUE(find(e, "/page/size", "one-of")) << listed(e);
    EXPECT_TRUE(find(e, "/pages/0/elements/2/box", "wrong-type")) << listed(e);
    EXPECT_TRUE(find(e, "/pages/0/elements/2", "needs-source")) << listed(e);
    const auto* bottom = find(e, "/pages/0/elements/3/box", "outside-page");
    ASSERT_TRUE(bottom) << listed(e);
    EXPECT_EQ(bottom->message, "extends 23.0 mm past the page's bottom edge");
    EXPECT_TRUE(find(e, "/pages/0/elements/3/dpi", "range")) << listed(e);
    EXPECT_TRUE(find(e, "/pages/0/elements/4/minSize", "above-size")) << listed(e);
    // The exception of parse_layout carries the same words.
    try {
        parse_layout(R"({"name": "probe", "page": {}, "pages": [{"elements": [
          {"type": "rect", "box": [-3, 0, 10, 10]}]}]})");
        FAIL() << "a box off the page must not load";
    } catch (const LayoutError& x) {
        EXPECT_NE(std::string(x.what()).find(
                      "/pages/0/elements/0/box: starts 3.0 mm left of the page's left edge"),
                  std::string::npos)
            << x.what();
    }
}

TEST(LayoutCheck, BrokenJsonAndWrongShapesAreErrorsNotCrashes) {
    EXPECT_EQ(read_layout("{").errors.at(0).code, "invalid-json");
    EXPECT_EQ(read_layout("[]").errors.at(0).code, "wrong-type");
    const auto missing = read_layout("{}");
    EXPECT_TRUE(find(missing.errors, "/name", "missing")) << listed(missing.errors);
    EXPECT_TRUE(find(missing.errors, "/pages", "missing")) << listed(missing.errors);
    const auto items = read_layout(R"({"name": "x", "page": {}, "pages": [3, {"elements": [7]}]})");
    EXPECT_TRUE(find(items.errors, "/pages/0", "wrong-type")) << listed(items.errors);
    EXPECT_TRUE(find(items.errors, "/pages/1/elements/0", "wrong-type")) << listed(items.errors);
}

TEST(LayoutCheck, AMalformedPointerIsOneErrorAtItsPlace) {
    const auto reading =
        read_layout(layout_with(R"({"pointer": "name", "label": "姓名"})",
                                R"({"type": "text", "value": "title", "box": [15, 20, 30, 8]},
           {"type": "text", "value": "/a~2b", "box": [15, 30, 30, 8]})"));
    std::size_t count = 0;
    for (const auto& e : reading.errors) count += e.code == "not-a-pointer" ? 1U : 0U;
    EXPECT_EQ(count, 3U) << listed(reading.errors);
    EXPECT_TRUE(find(reading.errors, "/fields/0/pointer", "not-a-pointer"))
        << listed(reading.errors);
    EXPECT_TRUE(find(reading.errors, "/pages/0/elements/0/value", "not-a-pointer"))
        << listed(reading.errors);
}

TEST(LayoutLint, FindsOverlapsCapacityFieldsCodesAndContrast) {
    const std::string json = layout_with(
        R"({"pointer": "/name", "label": "姓名", "maxLength": 30},
           {"pointer": "/unused", "label": "未用"},
           {"pointer": "/checked", "label": "只核对", "printed": false},
           {"pointer": "/code", "label": "编号", "pattern": "[A-Z0-9]{1,40}",
            "expected": {"zh": "字母数字", "en": "letters and digits",
                         "example": "ABCDEFGHJK0123456789ABCDEFGHJK"}})",
        R"({"type": "text", "text": "姓名", "box": [15, 20, 30, 8]},
           {"type": "text", "value": "/name", "box": [40, 20, 40, 8], "size": 12, "minSize": 9},
           {"type": "text", "value": "/nmae", "box": [15, 40, 60, 8]},
           {"type": "barcode", "value": "/code", "box": [15, 60, 40, 10]},
           {"type": "text", "text": "浅色", "box": [15, 80, 60, 8], "color": "#bbbbbb"})");
    const auto check = check_layout(json, fonts());
    ASSERT_TRUE(check.layout) << listed(check.errors);
    const auto& w = check.warnings;
    const auto* overlap = find(w, "/pages/0/elements/1/box", "overlaps-text");
    ASSERT_TRUE(overlap) << listed(w);
    EXPECT_NE(overlap->message.find("/pages/0/elements/0 by 5.0 × 8.0 mm"), std::string::npos)
        << overlap->message;
    const auto* capacity = find(w, "/pages/0/elements/1/box", "cannot-hold-max-length");
    ASSERT_TRUE(capacity) << listed(w);
    EXPECT_NE(capacity->message.find("30 ×"), std::string::npos) << capacity->message;
    EXPECT_TRUE(find(w, "/pages/0/elements/2/value", "not-a-field")) << listed(w);
    EXPECT_TRUE(find(w, "/fields/1/pointer", "field-not-shown")) << listed(w);
    EXPECT_FALSE(find(w, "/fields/2/pointer", "field-not-shown")) << "printed: false says so";
    const auto* code = find(w, "/pages/0/elements/3/box", "code-too-small");
    ASSERT_TRUE(code) << listed(w);
    EXPECT_NE(code->message.find("1 page per sheet"), std::string::npos) << code->message;
    const auto* grey = find(w, "/pages/0/elements/4/color", "low-contrast");
    ASSERT_TRUE(grey) << listed(w);
    EXPECT_NE(grey->message.find("1.92:1"), std::string::npos) << grey->message;
}

TEST(LayoutLint, TextThatAlternatesWithItsNeighbourIsNoOverlap) {
    const auto check = check_layout(
        layout_with(R"({"pointer": "/a", "maxLength": 2})",
                    R"({"type": "text", "value": "/a", "box": [15, 20, 30, 8], "when": "/a"},
                       {"type": "text", "text": "无", "box": [15, 20, 30, 8], "whenNot": "/a"})"),
        fonts());
    ASSERT_TRUE(check.layout) << listed(check.errors);
    EXPECT_FALSE(find(check.warnings, "/pages/0/elements/1/box", "overlaps-text"))
        << listed(check.warnings);
}

// Every bundled layout reads; none has text boxes over each other (the application form's
// continuation heading ran under the applicant's name, the certificate's Chinese dates
// under their English twins). The lint's other findings are listed in layouts/README.md.
TEST(LayoutLint, BundledLayoutsHaveNoErrorsAndNoOverlappingText) {
    for (const auto& layout : LayoutCatalog::bundled().all()) {
        const auto text = examdocs::test::read_file(
            examdocs::test::source_path("layouts/" + layout->name + ".json"));
        const auto check = check_layout(text, fonts());
        EXPECT_TRUE(check.errors.empty()) << layout->name << ":\n" << listed(check.errors);
        for (const auto& w : check.warnings) {
            EXPECT_NE(w.code, "overlaps-text") << layout->name << ": " << describe(w);
        }
    }
}

// The preview's default data must pass the layout's own field rules: a 软考 qualification
// is one of the example level's qualifications, not a string of the longest length.
TEST(LayoutLint, TheExampleGivesAQualificationOfItsLevel) {
    for (const char* name : {"ruankao-admission-ticket", "ruankao-certificate"}) {
        const auto catalog = LayoutCatalog::bundled();
        const auto layout = catalog.find(name);
        ASSERT_TRUE(layout) << name;
        const auto checked = check_input(*layout, example_data(*layout), "2026-11-30");
        for (const auto& e : checked.errors) {
            EXPECT_NE(e.pointer, "/qualification") << name << ": " << e.message;
        }
    }
}

// What the designer shows an author who opens a bundled layout: its preview with the
// generated example, every field at its longest. The lint, measuring with the renderer's
// own fitting, agrees: no box of a bundled layout is too small for its example.
TEST(LayoutLint, EveryBundledLayoutPrintsItsLongestExample) {
    for (const auto& layout : LayoutCatalog::bundled().all()) {
        const auto outcome = render_document(*layout, example_data(*layout));
        std::string errors;
        for (const auto& e : outcome.errors) errors += e.pointer + ": " + e.message + "\n";
        EXPECT_TRUE(outcome.document) << layout->name << ":\n" << errors;
        // The file as it is in the source tree (the same as built in once built).
        const auto check = check_layout(examdocs::test::read_file(examdocs::test::source_path(
                                            "layouts/" + layout->name + ".json")),
                                        fonts());
        for (const auto& w : check.warnings) {
            EXPECT_NE(w.code, "cannot-hold-max-length") << layout->name << ": " << describe(w);
        }
    }
}

namespace {

// The lint's verdict on a layout and the renderer's on its example: does the field at
// `pointer` fit?
struct Verdicts {
    bool lint_holds = false;
    bool renders = false;
    std::string said;
};

Verdicts verdicts(const std::string& json, const std::string& element) {
    Verdicts v;
    const auto check = check_layout(json, fonts());
    if (!check.layout) {
        v.said = listed(check.errors);
        return v;
    }
    v.lint_holds = !find(check.warnings, element + "/box", "cannot-hold-max-length");
    const auto outcome = render_document(*check.layout, example_data(*check.layout));
    v.renders = outcome.document.has_value();
    v.said = listed(check.warnings);
    for (const auto& e : outcome.errors) v.said += e.pointer + " " + e.code + ": " + e.message;
    return v;
}

// The longest maxLength that `make` (a layout for a maxLength) still holds by the lint,
// searched upwards; then the lint and the renderer must agree there and one character on.
void expect_agreement_at_the_edge(const std::function<std::string(int)>& make,
                                  const std::string& element) {
    int longest = 0;
    for (int n = 1; n <= 400; ++n) {
        const auto check = check_layout(make(n), fonts());
        ASSERT_TRUE(check.layout) << listed(check.errors);
        if (find(check.warnings, element + "/box", "cannot-hold-max-length")) break;
        longest = n;
    }
    ASSERT_GT(longest, 0) << "the box holds not even one character";
    ASSERT_LT(longest, 400) << "the box was meant to fill up";
    const auto at_edge = verdicts(make(longest), element);
    EXPECT_TRUE(at_edge.lint_holds) << longest << ": " << at_edge.said;
    EXPECT_TRUE(at_edge.renders) << longest << ": " << at_edge.said;
    const auto over = verdicts(make(longest + 1), element);
    EXPECT_FALSE(over.lint_holds) << longest + 1 << ": " << over.said;
    EXPECT_FALSE(over.renders) << longest + 1 << ": " << over.said;
    EXPECT_NE(over.said.find("text-overflow"), std::string::npos) << over.said;
}

}  // namespace

// The lint measures with the renderer's own fitting: a text box (Chinese, and English
// words) and a numbered list hold exactly what the preview of their example prints.
TEST(LayoutLint, TheLintAndTheRendererAgreeAtTheEdgeOfATextBox) {
    for (const char* script : {"chinese", "latin"}) {
        SCOPED_TRACE(script);
        expect_agreement_at_the_edge(
            [&](int n) {
                return layout_with(R"({"pointer": "/name", "label": "姓名", "script": ")" +
                                       std::string(script) + R"(", "maxLength": )" +
                                       std::to_string(n) + "}",
                                   R"({"type": "text", "value": "/name", "box": [40, 20, 40, 9],
                                       "size": 12, "minSize": 8})");
            },
            "/pages/0/elements/0");
    }
}

TEST(LayoutLint, TheLintAndTheRendererAgreeAtTheEdgeOfAList) {
    expect_agreement_at_the_edge(
        [](int n) {
            return layout_with(
                R"({"pointer": "/notes", "label": "须知", "type": "array", "maxItems": 3},
                   {"pointer": "/notes/*", "label": "须知", "maxLength": )" +
                    std::to_string(n) + "}",
                R"({"type": "list", "value": "/notes", "style": "numbered",
                    "box": [15, 20, 60, 25], "size": 10, "minSize": 7, "leading": 1.4})");
        },
        "/pages/0/elements/0");
}

// The example fills an English field with Latin letters, so an English line is measured
// as English, and a Chinese field with Chinese.
TEST(LayoutLint, TheExampleWritesEnglishFieldsInLatinLetters) {
    const auto catalog = LayoutCatalog::bundled();
    const auto certificate = catalog.find("certificate");
    ASSERT_TRUE(certificate);
    const auto example = example_data(*certificate);
    const auto english = examdocs::resolve_pointer(example, "/occupation/nameEn");
    ASSERT_TRUE(english);
    const std::string en = english->toString();
    const auto rule = std::find_if(certificate->fields.begin(), certificate->fields.end(),
                                   [](const auto& f) { return f.pointer == "/occupation/nameEn"; });
    ASSERT_NE(rule, certificate->fields.end());
    EXPECT_EQ(en.size(), static_cast<std::size_t>(rule->max_length)) << "its maxLength: " << en;
    EXPECT_EQ(en.find_first_not_of("WM "), std::string::npos) << en;
    EXPECT_NE(en.find(' '), std::string::npos) << "words, not one unbreakable string: " << en;
    const auto chinese = examdocs::resolve_pointer(example, "/occupation/name");
    ASSERT_TRUE(chinese);
    EXPECT_NE(chinese->toString().find("国"), std::string::npos) << chinese->toString();
}

TEST(LayoutSchema, ReadmeReferenceIsGeneratedFromTheSchema) {
    const std::string path = examdocs::test::source_path("layouts/README.md");
    const std::string readme = examdocs::test::read_file(path);
    const std::string begin =
        "<!-- reference: generated from renderers/src/layout_schema.cpp -->\n";
    const std::string end = "<!-- end of reference -->";
    const auto from = readme.find(begin);
    const auto to = readme.find(end);
    const std::string expected = layout_reference_markdown();
    // NOLINTNEXTLINE(concurrency-mt-unsafe): read once, on the only thread
    if (std::getenv("EXAMDOCS_UPDATE_GOLDEN") && from != std::string::npos &&
        to != std::string::npos) {
        std::ofstream(path) << readme.substr(0, from + begin.size()) << expected
                            << readme.substr(to);
        return;
    }
    ASSERT_NE(from, std::string::npos) << "layouts/README.md lacks the reference markers";
    ASSERT_NE(to, std::string::npos);
    EXPECT_EQ(readme.substr(from + begin.size(), to - from - begin.size()), expected)
        << "layouts/README.md's reference drifted from the schema: run "
           "EXAMDOCS_UPDATE_GOLDEN=1 ./renderers_test --gtest_filter='LayoutSchema.*'";
    // Every key of every object is in the reference.
    for (const auto& object : layout_schema()) {
        for (const auto& key : object.keys) {
            EXPECT_NE(expected.find("| `" + std::string(key.key) + "`"), std::string::npos)
                << object.name << "." << key.key;
        }
    }
}
