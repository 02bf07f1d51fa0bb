#pragma once
// Private to validators/: the image gate's pixels seen by OpenCV, both ways, without
// copying. A Mat made by as_mat borrows the Pixels' bytes: the Pixels must outlive it.
#include <opencv2/core.hpp>

#include "examdocs/images/pixels.h"

namespace examdocs::validators {

inline cv::Mat as_mat(images::Pixels& p) {
    return cv::Mat(p.height, p.width, CV_8UC(p.channels), p.bytes.data(), p.stride());
}

// An 8-bit BGR or grey Mat for the gate's JPEG encoder.
inline images::PixelView as_view(const cv::Mat& m) {
    return images::PixelView{m.data,       m.cols, m.rows,
                             m.channels(), m.step, images::ChannelOrder::bgr};
}

}  // namespace examdocs::validators
