// Render-to-bytes for each document kind, single thread, warm (fonts and layouts loaded),
// from the requests in samples/. Reports the PDF size as a counter.
//   bench/run        (builds Release and prints medians of 5 repetitions)
#include <Poco/JSON/Parser.h>
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

#include "examdocs/renderers/document.h"
#include "examdocs/renderers/layout_catalog.h"

namespace {

using namespace examdocs::renderers;

const LayoutCatalog& catalog() {
    static const LayoutCatalog c = LayoutCatalog::bundled();
    return c;
}

Poco::Dynamic::Var sample(const std::string& layout) {
    std::ifstream in(std::string(EXAMDOCS_SOURCE_DIR) + "/samples/" + layout + ".json");
    std::ostringstream text;
    text << in.rdbuf();
    Poco::JSON::Parser parser;
    return parser.parse(text.str());
}

void render(benchmark::State& state, const std::string& layout_name) {
    const auto layout = catalog().find(layout_name);
    const auto data = sample(layout_name);
    examdocs::fonts::bundled_font_set();  // warm
    std::size_t bytes = 0;
    int pages = 0;
    for (auto _ : state) {
        auto outcome = render_document(*layout, data);
        if (!outcome.document) {
            state.SkipWithError("the sample was refused");
            return;
        }
        bytes = outcome.document->pdf.size();
        pages = outcome.document->page_count;
        benchmark::DoNotOptimize(outcome.document->pdf.data());
    }
    state.counters["pdf_kb"] = static_cast<double>(bytes) / 1024.0;
    state.counters["pages"] = pages;
}

BENCHMARK_CAPTURE(render, admission_ticket, std::string("admission-ticket"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(render, certificate, std::string("certificate"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(render, score_notice, std::string("score-notice"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(render, application_form_3_pages, std::string("application-form"))
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
