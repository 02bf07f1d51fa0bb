#include "examdocs/images/resample.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace examdocs::images {

namespace {

// The source pixels one output pixel covers along an axis and the share of each: the
// output interval [i·s, (i+1)·s) over source pixels [j, j+1), s = source / output.
struct Taps {
    std::vector<int> first;       // per output index: the first source index
    std::vector<int> count;       // per output index: how many source indices
    std::vector<float> weights;   // per output index, `count` weights summing to 1
    std::vector<std::size_t> at;  // per output index: where its weights start
};

Taps taps(int source, int output) {
    Taps t;
    t.first.resize(static_cast<std::size_t>(output));
    t.count.resize(static_cast<std::size_t>(output));
    t.at.resize(static_cast<std::size_t>(output));
    const double scale = static_cast<double>(source) / output;
    for (int i = 0; i < output; ++i) {
        const double begin = i * scale;
        const double end = std::min<double>((i + 1) * scale, source);
        int j = std::min(static_cast<int>(begin), source - 1);
        const auto u = static_cast<std::size_t>(i);
        t.first[u] = j;
        t.at[u] = t.weights.size();
        const double span = std::max(end - begin, 1e-9);
        int n = 0;
        for (; j < source && j < end; ++j, ++n) {
            const double covered = std::min<double>(end, j + 1) - std::max<double>(begin, j);
            t.weights.push_back(static_cast<float>(std::max(covered, 0.0) / span));
        }
        if (n == 0) {  // enlarging: the interval lies within one source pixel
            t.weights.push_back(1.0F);
            n = 1;
        }
        t.count[u] = n;
    }
    return t;
}

}  // namespace

PixelView crop(const PixelView& pixels, int x, int y, int width, int height) {
    x = std::clamp(x, 0, pixels.width);
    y = std::clamp(y, 0, pixels.height);
    width = std::clamp(width, 0, pixels.width - x);
    height = std::clamp(height, 0, pixels.height - y);
    PixelView v = pixels;
    v.data = pixels.data + static_cast<std::size_t>(y) * pixels.stride +
             static_cast<std::size_t>(x) * static_cast<std::size_t>(pixels.channels);
    v.width = width;
    v.height = height;
    return v;
}

Pixels resize_area(const PixelView& pixels, int width, int height) {
    if (pixels.data == nullptr || pixels.width <= 0 || pixels.height <= 0 || width <= 0 ||
        height <= 0 || (pixels.channels != 1 && pixels.channels != 3)) {
        throw std::invalid_argument("resize_area: empty image or size");
    }
    const auto c = static_cast<std::size_t>(pixels.channels);
    const Taps across = taps(pixels.width, width);
    const Taps down = taps(pixels.height, height);
    Pixels out;
    out.width = width;
    out.height = height;
    out.channels = pixels.channels;
    out.order = pixels.order;
    out.bytes.resize(out.stride() * static_cast<std::size_t>(height));
    // Row by row: each source row an output row needs is reduced across first, then the
    // reduced rows are summed down. Neighbouring output rows share at most one source
    // row, so recomputing it costs less than keeping a reduced copy of the whole image.
    const std::size_t row_samples = static_cast<std::size_t>(width) * c;
    std::vector<float> sums(row_samples);
    for (int oy = 0; oy < height; ++oy) {
        const auto uy = static_cast<std::size_t>(oy);
        std::fill(sums.begin(), sums.end(), 0.0F);
        for (int k = 0; k < down.count[uy]; ++k) {
            const int sy = down.first[uy] + k;
            const float wy = down.weights[down.at[uy] + static_cast<std::size_t>(k)];
            const std::uint8_t* row = pixels.data + static_cast<std::size_t>(sy) * pixels.stride;
            for (int ox = 0; ox < width; ++ox) {
                const auto ux = static_cast<std::size_t>(ox);
                const std::uint8_t* p = row + static_cast<std::size_t>(across.first[ux]) * c;
                const float* w = across.weights.data() + across.at[ux];
                float s0 = 0, s1 = 0, s2 = 0;
                if (c == 3) {
                    for (int i = 0; i < across.count[ux]; ++i, p += 3) {
                        s0 += w[i] * static_cast<float>(p[0]);
                        s1 += w[i] * static_cast<float>(p[1]);
                        s2 += w[i] * static_cast<float>(p[2]);
                    }
                    sums[ux * 3] += wy * s0;
                    sums[ux * 3 + 1] += wy * s1;
                    sums[ux * 3 + 2] += wy * s2;
                } else {
                    for (int i = 0; i < across.count[ux]; ++i)
                        s0 += w[i] * static_cast<float>(p[i]);
                    sums[ux] += wy * s0;
                }
            }
        }
        std::uint8_t* dst = out.bytes.data() + uy * out.stride();
        for (std::size_t i = 0; i < row_samples; ++i) {
            dst[i] = static_cast<std::uint8_t>(std::clamp(std::lround(sums[i]), 0L, 255L));
        }
    }
    return out;
}

}  // namespace examdocs::images
