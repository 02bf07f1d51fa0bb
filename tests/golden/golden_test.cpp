// Golden tests: each sample rendered in deterministic mode (fixed clock and document id)
// and compared, normalised, with tests/golden/<layout>.txt; and the shapes bulk printing
// writes (n-up sheets, parts joined by the assembler) with tests/golden/<layout>-<shape>.txt. A
// mismatch writes the actual text beside the build and fails. Refreshing a golden file is a
// deliberate act:
//   EXAMDOCS_UPDATE_GOLDEN=1 ctest --preset asan -R Golden
// then look at the rendered samples and review the diff before committing it.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "examdocs/renderers/document.h"
#include "examdocs/renderers/document_stream.h"
#include "examdocs/renderers/layout_catalog.h"
#include "support/pdf_normalize.h"
#include "support/samples.h"

namespace {

using namespace examdocs;

const auto kFixedTime = std::chrono::system_clock::from_time_t(1795000000);
const std::string kFixedId = "00000000000000000000000000000000";

const renderers::Layout& layout(const std::string& name) {
    static const auto catalog = renderers::LayoutCatalog::bundled();
    return *catalog.find(name);
}

// Compares `pdf`, normalised, with tests/golden/<name>.txt (or rewrites it on request).
void expect_golden(const std::string& name, const std::string& pdf) {
    const std::string actual = test::normalize_pdf(pdf);
    const std::string golden_path = test::source_path("tests/golden/" + name + ".txt");

    const char* update = std::getenv("EXAMDOCS_UPDATE_GOLDEN");  // NOLINT(concurrency-mt-unsafe)
    if (update && std::string(update) == "1") {
        std::ofstream(golden_path, std::ios::binary) << actual;
        GTEST_SKIP() << "golden file rewritten: " << golden_path;
    }
    std::string expected;
    try {
        expected = test::read_file(golden_path);
    } catch (const std::exception&) {
        FAIL() << "no golden file " << golden_path << "; create it with EXAMDOCS_UPDATE_GOLDEN=1";
    }
    if (actual != expected) {
        const std::string actual_path = "golden-actual-" + name + ".txt";
        std::ofstream(actual_path, std::ios::binary) << actual;
        std::ofstream(actual_path.substr(0, actual_path.size() - 4) + ".pdf", std::ios::binary)
            << pdf;
        FAIL() << name << " differs from its golden file; the actual text and PDF are "
               << "in the test's working directory as " << actual_path
               << ". If the change is intended, refresh with EXAMDOCS_UPDATE_GOLDEN=1.";
    }
}

renderers::ComposedDocument composed(const std::string& name) {
    renderers::RenderContext context;
    context.now = kFixedTime;
    context.document_id = kFixedId;
    auto outcome = renderers::compose_document(layout(name), test::sample_request(name), context);
    if (!outcome.document) throw std::runtime_error("the sample of " + name + " does not compose");
    return *outcome.document;
}

renderers::StreamInfo fixed_info(const std::string& title) {
    renderers::StreamInfo info;
    info.title = title;
    info.created = kFixedTime;
    info.document_id = kFixedId;
    return info;
}

// `copies` of the layout's sample on sheets of `nup` pages.
std::string sheets(const std::string& name, int copies, int nup) {
    std::ostringstream out;
    renderers::DocumentStream stream(out, fonts::bundled_font_set(), {nup, true});
    const auto doc = composed(name);
    for (int i = 0; i < copies; ++i) stream.add(doc);
    stream.finish(fixed_info(name));
    return out.str();
}

// Two parts (two copies, then one) joined by the assembler.
std::string assembled(const std::string& name) {
    const auto doc = composed(name);
    std::ostringstream out;
    renderers::PartAssembler assembler(out, fonts::bundled_font_set());
    for (int copies : {2, 1}) {
        std::ostringstream part;
        renderers::DocumentStream stream(part, fonts::bundled_font_set(), {},
                                         renderers::PdfOutput::part);
        for (int i = 0; i < copies; ++i) stream.add(doc);
        const auto manifest = stream.finish_part();
        assembler.add(part.str(), manifest);
    }
    assembler.finish(fixed_info(name));
    return out.str();
}

class Golden : public ::testing::TestWithParam<std::string> {};

TEST_P(Golden, RenderingMatchesTheGoldenFile) {
    const std::string layout_name = GetParam();
    renderers::RenderContext context;
    context.now = kFixedTime;
    context.document_id = kFixedId;
    auto outcome =
        renderers::render_document(layout(layout_name), test::sample_request(layout_name), context);
    ASSERT_TRUE(outcome.document);
    expect_golden(layout_name, outcome.document->pdf);
}

// The shapes bulk printing writes. The certificate 2-up draws one background form twice
// on a sheet, which named it twice in the page's resources before the syntax layer.
TEST(GoldenSheets, CertificatesTwoUp) {
    expect_golden("certificate-2up", sheets("certificate", 3, 2));
}
TEST(GoldenSheets, TicketsFourUp) {
    expect_golden("admission-ticket-4up", sheets("admission-ticket", 3, 4));
}
TEST(GoldenSheets, ScoreNoticesAssembledFromParts) {
    expect_golden("score-notice-assembled", assembled("score-notice"));
}

INSTANTIATE_TEST_SUITE_P(Layouts, Golden,
                         ::testing::Values("admission-ticket", "application-form", "certificate",
                                           "score-notice", "ruankao-admission-ticket",
                                           "ruankao-certificate", "ruankao-commitment",
                                           "ruankao-score-notice", "zhicheng-application",
                                           "zhicheng-certificate"));

}  // namespace
