// The structure of every PDF shape examdocs writes, checked by an oracle that does not
// repair what it reads: `qpdf --check` (poppler, which the other tests read back with,
// silently mends a broken cross-reference table or a duplicated key). Every layout is
// printed as a single document, 2-up, 4-up, in parts joined by the assembler, and as the
// entries of a ZIP; qpdf must find nothing to warn about in any of them.
//
// Also here: the committed samples are what the code renders now, byte for byte in
// deterministic mode (scripts/render-samples refreshes them), and the application form's
// labels come before their values in the extracted text.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/StreamCopier.h>
#include <Poco/TemporaryFile.h>
#include <Poco/Zip/ZipArchive.h>
#include <Poco/Zip/ZipStream.h>
#include <gtest/gtest.h>
#include <poppler-document.h>
#include <poppler-page.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>

#include "examdocs/bulk/bulk_print.h"
#include "examdocs/renderers/document.h"
#include "examdocs/renderers/layout_catalog.h"
#include "examdocs/renderers/layout_lint.h"
#include "support/pdf_reader.h"
#include "support/run_program.h"
#include "support/samples.h"

namespace {

using namespace examdocs;

// Every bundled layout: a new one needs its sample (samples/<name>.json and .pdf) to pass.
const std::vector<std::string> kLayouts = [] {
    const auto catalog = renderers::LayoutCatalog::bundled();
    std::vector<std::string> names;
    for (const auto& l : catalog.all()) names.push_back(l->name);
    return names;
}();

// The samples' fixed clock and id (scripts/render-samples: 2026-11-18T11:06:40Z).
const auto kFixedTime = std::chrono::system_clock::from_time_t(1795000000);
const std::string kFixedId = "00000000000000000000000000000000";

const renderers::Layout& layout(const std::string& name) {
    static const auto catalog = renderers::LayoutCatalog::bundled();
    return *catalog.find(name);
}

using QpdfCheck = test::ProgramRun;

// `qpdf --check` on `pdf`: status 0 is a clean file, 3 one with warnings, 2 errors.
QpdfCheck qpdf_check(const std::string& pdf) {
    Poco::TemporaryFile file;
    std::ofstream(file.path(), std::ios::binary) << pdf;
    return test::run_program("qpdf", {"--check", file.path()});
}

void expect_clean(const std::string& pdf, const std::string& what) {
    ASSERT_FALSE(pdf.empty()) << what;
    const QpdfCheck check = qpdf_check(pdf);
    EXPECT_EQ(check.status, 0) << what << ": qpdf --check says\n" << check.output;
    EXPECT_EQ(check.output.find("WARNING"), std::string::npos) << what << '\n' << check.output;
    EXPECT_NE(check.output.find("No syntax or stream encoding errors found"), std::string::npos)
        << what << '\n'
        << check.output;
}

// The number of pages poppler finds, -1 when it cannot open the file. Not read_pdf, which
// also extracts every page's text: poppler builds a colour transform for each page it
// reads, and that was a tenth of this test's time.
int poppler_pages(const std::string& pdf) {
    const std::unique_ptr<poppler::document> doc(
        poppler::document::load_from_raw_data(pdf.data(), static_cast<int>(pdf.size())));
    return doc ? doc->pages() : -1;
}

// `count` copies of the layout's sample request as NDJSON.
std::string sample_records(const std::string& name, int count) {
    std::ostringstream out;
    for (int i = 0; i < count; ++i) {
        Poco::JSON::Stringifier::condense(test::sample_request(name), out);
        out << '\n';
    }
    return out.str();
}

bulk::PrintOptions fixed_options() {
    bulk::PrintOptions options;
    options.now = kFixedTime;
    options.document_id = kFixedId;
    return options;
}

struct Printed {
    std::string bytes;
    bulk::PrintSummary summary;
};

Printed print(const std::string& name, int count, const bulk::PrintOptions& options) {
    std::istringstream in(sample_records(name, count));
    auto records = bulk::open_records(in, bulk::InputFormat::ndjson, layout(name));
    std::ostringstream out;
    Printed printed;
    printed.summary = bulk::print_records(*records, layout(name), out, options);
    printed.bytes = out.str();
    return printed;
}

class PdfStructure : public ::testing::TestWithParam<std::string> {};

TEST_P(PdfStructure, ASingleDocumentIsClean) {
    renderers::RenderContext context;
    context.now = kFixedTime;
    context.document_id = kFixedId;
    const auto outcome =
        renderers::render_document(layout(GetParam()), test::sample_request(GetParam()), context);
    ASSERT_TRUE(outcome.document);
    expect_clean(outcome.document->pdf, GetParam());
}

TEST_P(PdfStructure, TwoUpAndFourUpSheetsAreClean) {
    for (const int nup : {2, 4}) {
        // A sheet shape on which the layout's codes would scan poorly is refused (the 软考
        // ticket's 75 mm barcode at 4 to a sheet; tests/pdf/nup_scan_test.cpp).
        const auto& l = layout(GetParam());
        if (!renderers::small_codes(l, renderers::example_data(l), nup).empty()) continue;
        auto options = fixed_options();
        options.sheets.pages_per_sheet = nup;
        // Three documents: the last sheet is left partly empty.
        const auto printed = print(GetParam(), 3, options);
        ASSERT_EQ(printed.summary.printed, 3U);
        EXPECT_EQ(printed.summary.sheets, (printed.summary.pages + nup - 1) / nup);
        expect_clean(printed.bytes, GetParam() + " " + std::to_string(nup) + "-up");
        EXPECT_EQ(poppler_pages(printed.bytes), printed.summary.sheets);
    }
}

TEST_P(PdfStructure, PartsJoinedByTheAssemblerAreClean) {
    for (const int nup : {1, 2}) {
        auto options = fixed_options();
        options.scope = examdocs::bulk::OutputScope::part;
        options.sheets.pages_per_sheet = nup;
        const auto first = print(GetParam(), 2, options);
        const auto second = print(GetParam(), 1, options);
        std::ostringstream out;
        bulk::PartAssembler assembler(
            out, bulk::OutputKind::merged_pdf,
            {"assembled", layout(GetParam()).title, kFixedTime, kFixedId});
        assembler.add(first.bytes, first.summary.part_manifest);
        assembler.add(second.bytes, second.summary.part_manifest);
        assembler.finish();
        const std::string what = GetParam() + " assembled " + std::to_string(nup) + "-up";
        expect_clean(out.str(), what);
        EXPECT_EQ(poppler_pages(out.str()), first.summary.sheets + second.summary.sheets) << what;
    }
}

TEST_P(PdfStructure, EveryZipEntryIsClean) {
    auto options = fixed_options();
    options.output = bulk::OutputKind::zip;
    const auto printed = print(GetParam(), 2, options);
    std::istringstream in(printed.bytes);
    Poco::Zip::ZipArchive archive(in);
    int entries = 0;
    for (auto it = archive.headerBegin(); it != archive.headerEnd(); ++it) {
        std::istringstream again(printed.bytes);
        Poco::Zip::ZipInputStream entry(again, it->second);
        std::string pdf;
        Poco::StreamCopier::copyToString(entry, pdf);
        expect_clean(pdf, GetParam() + " ZIP entry " + it->first);
        ++entries;
    }
    EXPECT_EQ(entries, 2);
}

INSTANTIATE_TEST_SUITE_P(Layouts, PdfStructure, ::testing::ValuesIn(kLayouts));

// The oracle itself: it must see the defect this test suite was written for, a dictionary
// with a duplicated key, in a file that poppler reads without complaint.
TEST(PdfStructureOracle, QpdfReportsADuplicatedKey) {
    renderers::RenderContext context;
    context.now = kFixedTime;
    context.document_id = kFixedId;
    const auto outcome = renderers::render_document(layout("score-notice"),
                                                    test::sample_request("score-notice"), context);
    ASSERT_TRUE(outcome.document);
    std::string pdf = outcome.document->pdf;
    // Same length, so the cross-reference table stays right: "/Type /Catalog" → a
    // catalog whose /Type is given twice.
    const auto at = pdf.find("/Type /Catalog /Pages");
    ASSERT_NE(at, std::string::npos);
    const auto pages = pdf.find(" 0 R", at);
    ASSERT_NE(pages, std::string::npos);
    const auto end = pdf.find(">>", pages);
    const auto lang = pdf.find("/Lang (zh-CN)", pages);
    ASSERT_LT(lang, end);
    pdf.replace(lang, 13, "/Type /Pages ");
    EXPECT_EQ(test::read_pdf(pdf).pages, 1);  // poppler reads it
    const QpdfCheck check = qpdf_check(pdf);
    EXPECT_NE(check.status, 0) << check.output;
    EXPECT_NE(check.output.find("duplicated key /Type"), std::string::npos) << check.output;
}

// A committed sample that no longer matches what the code renders fails here:
// scripts/render-samples refreshes them (and their pictures, to look at).
class Samples : public ::testing::TestWithParam<std::string> {};

TEST_P(Samples, TheCommittedSampleIsWhatTheCodeRenders) {
    renderers::RenderContext context;
    context.now = kFixedTime;
    context.document_id = kFixedId;
    const auto outcome =
        renderers::render_document(layout(GetParam()), test::sample_request(GetParam()), context);
    ASSERT_TRUE(outcome.document);
    const std::string committed =
        test::read_file(test::source_path("samples/" + GetParam() + ".pdf"));
    if (outcome.document->pdf != committed) {
        const std::string actual = "sample-actual-" + GetParam() + ".pdf";
        std::ofstream(actual, std::ios::binary) << outcome.document->pdf;
        FAIL() << "samples/" << GetParam() << ".pdf is stale: the code renders other bytes "
               << "(written to " << actual << " in the test's working directory). "
               << "Refresh the samples with scripts/render-samples and look at the PNGs.";
    }
}

INSTANTIATE_TEST_SUITE_P(Layouts, Samples, ::testing::ValuesIn(kLayouts));

// The application form reads in order: each label before its value in the extracted text
// (a value box laid over its label made poppler extract the value first), a label fits on
// its line, and a period of work that runs to the present reads "2021.06 至今", not "至 至今".
// The text of page `index` in the order it was drawn (poppler's raw order, as a screen
// reader or a copy of the whole page gets it), not rearranged by position.
std::string text_in_drawing_order(const std::string& pdf, int index) {
    std::unique_ptr<poppler::document> doc(
        poppler::document::load_from_raw_data(pdf.data(), static_cast<int>(pdf.size())));
    if (!doc) throw std::runtime_error("poppler cannot open the PDF");
    std::unique_ptr<poppler::page> page(doc->create_page(index));
    if (!page) throw std::runtime_error("no such page");
    const auto utf8 = page->text(poppler::rectf(), poppler::page::raw_order_layout).to_utf8();
    return {utf8.begin(), utf8.end()};
}

TEST(ApplicationForm, LabelsComeBeforeTheirValues) {
    const auto outcome = renderers::render_document(layout("application-form"),
                                                    test::sample_request("application-form"));
    ASSERT_TRUE(outcome.document);
    const auto facts = test::read_pdf(outcome.document->pdf);
    const std::string text = text_in_drawing_order(outcome.document->pdf, 0);
    const std::string squeezed = test::squeeze(facts.all_text);
    const std::string level = "三级/高级工";  // the sample's level 3, as level-cn prints it
    const auto label = text.find("申报等级");
    const auto value = text.find(level);
    ASSERT_NE(label, std::string::npos) << text;
    ASSERT_NE(value, std::string::npos) << text;
    EXPECT_LT(label, value) << "the level's value extracts before its label:\n" << text;
    // On one line: wrapped, its last character stood alone ("参加工作日" / "期").
    EXPECT_NE(text.find("参加工作日期"), std::string::npos) << text;
    EXPECT_EQ(squeezed.find("至至今"), std::string::npos) << squeezed;
    EXPECT_NE(squeezed.find("至今"), std::string::npos) << squeezed;
}

}  // namespace
