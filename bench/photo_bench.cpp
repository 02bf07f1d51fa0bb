// Checking and normalising a 295×413 JPEG (face detection included), single thread,
// warm (the face model loaded).   bench/run --benchmark_filter=photo
#include <benchmark/benchmark.h>

#include <fstream>
#include <iterator>

#include "examdocs/photos/photo_check.h"

namespace {

using namespace examdocs::photos;

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(EXAMDOCS_SOURCE_DIR) + "/tests/data/photos/" + name,
                     std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void photo_check(benchmark::State& state, const std::string& name) {
    const std::string bytes = fixture(name);
    const auto& profile = builtin_photo_profiles().at("ruankao");
    check_photo(std::as_bytes(std::span(bytes.data(), bytes.size())), profile);  // warm
    for (auto _ : state) {
        auto report = check_photo(std::as_bytes(std::span(bytes.data(), bytes.size())), profile);
        benchmark::DoNotOptimize(report.passed);
    }
}

void photo_normalize(benchmark::State& state, const std::string& name) {
    const std::string bytes = fixture(name);
    const auto& profile = builtin_photo_profiles().at("ruankao");
    for (auto _ : state) {
        auto result =
            normalize_photo(std::as_bytes(std::span(bytes.data(), bytes.size())), profile);
        if (result.jpeg.empty()) state.SkipWithError("could not normalise");
        benchmark::DoNotOptimize(result.jpeg.data());
    }
}

BENCHMARK_CAPTURE(photo_check, good_295x413, std::string("good_295x413.jpg"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(photo_normalize, grey_background_295x413, std::string("grey_background.jpg"))
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
