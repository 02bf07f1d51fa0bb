// Golden tests: each sample rendered in deterministic mode (fixed clock and document id)
// and compared, normalised, with tests/golden/<layout>.txt. A mismatch writes the actual
// text beside the build and fails. Refreshing a golden file is a deliberate act:
//   EXAMDOCS_UPDATE_GOLDEN=1 ctest --preset asan -R Golden
// then look at the rendered samples and review the diff before committing it.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>

#include "examdocs/renderers/document.h"
#include "examdocs/renderers/layout_catalog.h"
#include "support/pdf_normalize.h"
#include "support/samples.h"

namespace {

using namespace examdocs;

class Golden : public ::testing::TestWithParam<std::string> {};

TEST_P(Golden, RenderingMatchesTheGoldenFile) {
    const std::string layout_name = GetParam();
    static const auto catalog = renderers::LayoutCatalog::bundled();
    renderers::RenderContext context;
    context.now = std::chrono::system_clock::from_time_t(1795000000);
    context.document_id = "00000000000000000000000000000000";
    auto outcome = renderers::render_document(*catalog.find(layout_name),
                                              test::sample_request(layout_name), context);
    ASSERT_TRUE(outcome.document);
    const std::string actual = test::normalize_pdf(outcome.document->pdf);
    const std::string golden_path = test::source_path("tests/golden/" + layout_name + ".txt");

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
        const std::string actual_path = "golden-actual-" + layout_name + ".txt";
        std::ofstream(actual_path, std::ios::binary) << actual;
        std::ofstream(actual_path.substr(0, actual_path.size() - 4) + ".pdf", std::ios::binary)
            << outcome.document->pdf;
        FAIL() << layout_name << " differs from its golden file; the actual text and PDF are "
               << "in the test's working directory as " << actual_path
               << ". If the change is intended, refresh with EXAMDOCS_UPDATE_GOLDEN=1.";
    }
}

INSTANTIATE_TEST_SUITE_P(Layouts, Golden,
                         ::testing::Values("admission-ticket", "application-form", "certificate",
                                           "score-notice"));

}  // namespace
