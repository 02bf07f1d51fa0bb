#pragma once
// The image gate's pixels seen by OpenCV, both ways, without copying: the adapter at the
// edge (as zxing-cpp keeps its OpenCV adapter outside its core). Header-only, so that
// images/ itself never links OpenCV; include it only in modules that do (renderers,
// photos, certificates). A Mat made by as_mat borrows the Pixels' bytes: the Pixels must outlive
// it.
#include <opencv2/core.hpp>

#include "examdocs/images/pixels.h"

namespace examdocs::images {

inline cv::Mat as_mat(Pixels& p) {
    return cv::Mat(p.height, p.width, CV_8UC(p.channels), p.bytes.data(), p.stride());
}

// An 8-bit BGR or grey Mat for the gate's JPEG encoder.
inline PixelView as_view(const cv::Mat& m) {
    return PixelView{m.data, m.cols, m.rows, m.channels(), m.step, ChannelOrder::bgr};
}

}  // namespace examdocs::images
