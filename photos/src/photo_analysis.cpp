// The photo checks that need OpenCV (face detection, Lab colour, sharpness, connected
// components), built as a module of their own that examdocs loads with dlopen the first
// time a photo is checked: OpenCV's libraries cost every other command ~100 ms of start
// time (see photo_analysis.h).
#include "photo_analysis.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>
#include <sstream>

#include "examdocs/images/decode_image.h"
#include "examdocs/images/encode_jpeg.h"
#include "examdocs/images/opencv_view.h"

namespace examdocs::photos {

namespace {

// Above this we do not decode whatever the profile says: an ID photo is well under it.
constexpr std::uint64_t kMaxDecodePixels = 40'000'000;
// A baseline JPEG has one scan, a progressive one about ten; thousands only come from
// files made to stall the decoder.
constexpr int kMaxJpegScans = 100;
// The Haar cascade's box runs from the brows to the chin; the head with hair is about
// this much taller.
constexpr double kHeadPerFace = 1.45;

std::string fixed(double v, int decimals) {
    std::ostringstream out;
    out.setf(std::ios::fixed);
    out.precision(decimals);
    out << v;
    return out.str();
}

// Decimal units, as people and upload forms count them ("大于30KB" = more than 30,000 bytes).
std::string bytes_text(long long bytes) {
    if (bytes < 1'000'000) return fixed(static_cast<double>(bytes) / 1000, 1) + " KB";
    return fixed(static_cast<double>(bytes) / 1'000'000, 2) + " MB";
}

std::string size_text(int w, int h) { return std::to_string(w) + "×" + std::to_string(h); }

const cv::CascadeClassifier& face_detector() {
    static const cv::CascadeClassifier detector = [] {
        cv::CascadeClassifier c;
        for (const char* path :
             {"/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml",
              "/usr/share/opencv/haarcascades/haarcascade_frontalface_default.xml"}) {
            if (c.load(path)) return c;
        }
        throw std::runtime_error(
            "the face model is missing: install the Debian package opencv-data");
    }();
    return detector;
}

std::vector<cv::Rect> detect_faces(const cv::Mat& bgr) {
    cv::Mat grey;
    cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
    // An ID photo's face is at least a fifth of its width, so detecting on a copy 240
    // pixels wide loses nothing and costs a fraction of the full size.
    const double scale = grey.cols > 240 ? 240.0 / grey.cols : 1.0;
    if (scale < 1.0) cv::resize(grey, grey, cv::Size(), scale, scale, cv::INTER_AREA);
    cv::equalizeHist(grey, grey);
    const int min_side = std::max(24, std::min(grey.cols, grey.rows) / 5);
    std::vector<cv::Rect> faces;
    {
        // detectMultiScale writes to the classifier's internal buffers: one caller at a time.
        static std::mutex mutex;
        std::lock_guard lock(mutex);
        const_cast<cv::CascadeClassifier&>(face_detector())
            .detectMultiScale(grey, faces, 1.2, 5, 0, cv::Size(min_side, min_side));
    }
    for (auto& f : faces) {
        f = cv::Rect(static_cast<int>(f.x / scale), static_cast<int>(f.y / scale),
                     static_cast<int>(f.width / scale), static_cast<int>(f.height / scale));
    }
    return faces;
}

// An image through the gate, at a size the checks can use: a photo far larger than
// any profile accepts is still judged (size, colour, background, face), but at most at
// about kWorkingSide pixels a side, which is plenty for a face detector that works at
// 240 across and a sharpness measure at 200×200. Full size is never held.
constexpr int kWorkingSide = 1600;

struct Decoded {
    images::Pixels pixels;                    // what the gate returned, when bgr borrows it
    cv::Mat bgr;                              // at working size
    double scale = 1.0;                       // source pixels per working pixel
    int source_width = 0, source_height = 0;  // as displayed
    std::optional<images::ImageError> error;
};

Decoded decode(std::span<const std::byte> bytes) {
    images::DecodeOptions options;
    options.limits.max_pixels = kMaxDecodePixels;
    options.limits.max_jpeg_scans = kMaxJpegScans;
    options.order = images::ChannelOrder::bgr;
    options.min_width = options.min_height = kWorkingSide;
    auto result = images::decode_image(bytes, options);
    Decoded d;
    if (!result) {
        d.error = std::move(result.error);
        return d;
    }
    d.pixels = std::move(*result.pixels);
    d.source_width = result.source_width;
    d.source_height = result.source_height;
    const cv::Mat pixels = images::as_mat(d.pixels);
    const int side = std::max(pixels.cols, pixels.rows);
    if (side > 2 * kWorkingSide) {
        // The gate reduces by whole factors; bring a still-large image down the rest of
        // the way before the colour conversions copy it.
        const double s = static_cast<double>(kWorkingSide) / side;
        cv::resize(pixels, d.bgr, cv::Size(), s, s, cv::INTER_AREA);
        d.pixels = {};
    } else {
        d.bgr = pixels;
    }
    d.scale = static_cast<double>(d.source_width) / d.bgr.cols;
    return d;
}

void add(PhotoReport& r, std::string code, bool passed, std::string measured, std::string limit,
         std::string cn, std::string en) {
    r.checks.push_back({std::move(code), passed, std::move(measured), std::move(limit),
                        std::move(cn), std::move(en)});
}

std::string formats_text(const PhotoProfile& p) {
    std::string s;
    for (auto f : p.formats) {
        if (!s.empty()) s += '/';
        s += to_string(f);
    }
    return s;
}

// `scale`: source pixels per pixel of `bgr`, for the face box reported.
void check_pixels(PhotoReport& r, const cv::Mat& bgr, double scale, const PhotoProfile& p) {
    if (p.require_colour) {
        // Mean spread between colour channels: near zero for a grey-scale photo, whatever
        // format it is stored in.
        std::vector<cv::Mat> ch;
        cv::split(bgr, ch);
        cv::Mat d1, d2, d3;
        cv::absdiff(ch[0], ch[1], d1);
        cv::absdiff(ch[1], ch[2], d2);
        cv::absdiff(ch[0], ch[2], d3);
        const double spread = (cv::mean(d1)[0] + cv::mean(d2)[0] + cv::mean(d3)[0]) / 3;
        const bool ok = spread >= p.min_colour_spread;
        add(r, "colour", ok, fixed(spread, 1), "≥ " + fixed(p.min_colour_spread, 1),
            ok ? "彩色照片" : "照片为黑白，请上传彩色照片",
            ok ? "A colour photo." : "The photo is black and white; a colour photo is required.");
    }
    if (p.white_background) {
        // The border where neither hair nor shoulders reach: both top corners, and strips
        // down both sides of the upper 60 %. Measured in CIELAB: lightness, chroma,
        // evenness.
        const int corner_w = std::max(2, bgr.cols * 25 / 100);
        const int corner_h = std::max(2, bgr.rows * 6 / 100);
        const int side_w = std::max(2, bgr.cols * 6 / 100);
        const int side_h = bgr.rows * 60 / 100;
        cv::Mat lab;
        cv::cvtColor(bgr, lab, cv::COLOR_BGR2Lab);
        std::vector<cv::Mat> regions{lab(cv::Rect(0, 0, corner_w, corner_h)),
                                     lab(cv::Rect(bgr.cols - corner_w, 0, corner_w, corner_h)),
                                     lab(cv::Rect(0, 0, side_w, side_h)),
                                     lab(cv::Rect(bgr.cols - side_w, 0, side_w, side_h))};
        double l_sum = 0, c_sum = 0, l_sq = 0, n = 0;
        for (const auto& region : regions) {
            for (int y = 0; y < region.rows; ++y) {
                const auto* row = region.ptr<cv::Vec3b>(y);
                for (int x = 0; x < region.cols; ++x) {
                    const double l = row[x][0] * 100.0 / 255.0;
                    const double a = row[x][1] - 128.0, b = row[x][2] - 128.0;
                    l_sum += l;
                    l_sq += l * l;
                    c_sum += std::sqrt(a * a + b * b);
                    n += 1;
                }
            }
        }
        const double l_mean = l_sum / n;
        const double chroma = c_sum / n;
        const double l_sd = std::sqrt(std::max(0.0, l_sq / n - l_mean * l_mean));
        const bool ok = l_mean >= p.min_background_lightness && chroma <= p.max_background_chroma &&
                        l_sd <= p.max_background_spread;
        add(r, "background", ok,
            "L*=" + fixed(l_mean, 0) + " C*=" + fixed(chroma, 1) + " σ=" + fixed(l_sd, 1),
            "L* ≥ " + fixed(p.min_background_lightness, 0) + ", C* ≤ " +
                fixed(p.max_background_chroma, 0) + ", σ ≤ " + fixed(p.max_background_spread, 0),
            ok ? "白色背景" : "背景不是均匀的白色，请在白色背景前拍摄",
            ok ? "White background."
               : "The background is not an even white; take the photo against a white wall.");
    }
    if (!p.face_checks) return;
    const auto faces = detect_faces(bgr);
    const bool one = faces.size() == 1;
    add(r, "face-count", one, std::to_string(faces.size()), "1",
        one ? "检测到一张人脸"
            : (faces.empty() ? "未检测到人脸，请使用正面免冠照片"
                             : "检测到多张人脸，照片中只能有本人"),
        one ? "One face."
            : (faces.empty() ? "No face found; use a frontal photo without headwear."
                             : "More than one face; only the candidate may be in the photo."));
    if (!one) return;
    const cv::Rect f = faces[0];
    auto to_source = [scale](int v) { return static_cast<int>(std::lround(v * scale)); };
    r.face = FaceBox{to_source(f.x), to_source(f.y), to_source(f.width), to_source(f.height)};
    const double head_share = f.height * kHeadPerFace / bgr.rows;
    const bool size_ok = head_share >= p.head_share_min && head_share <= p.head_share_max;
    add(r, "face-size", size_ok, fixed(head_share, 2),
        fixed(p.head_share_min, 2) + "–" + fixed(p.head_share_max, 2),
        size_ok ? "头部大小合适"
                : (head_share < p.head_share_min ? "头部过小，请靠近镜头或裁剪"
                                                 : "头部过大，请离镜头远一些"),
        size_ok ? "Head size is right."
                : (head_share < p.head_share_min ? "The head is too small; come closer or crop."
                                                 : "The head is too large; step back."));
    const double offset = std::abs((f.x + f.width / 2.0) - bgr.cols / 2.0) / bgr.cols;
    const double head_top = f.y - 0.3 * f.height;
    const bool centred = offset <= p.centre_tolerance;
    const bool whole = head_top >= 0 && f.y + f.height * 1.15 <= bgr.rows;
    const bool place_ok = centred && whole;
    add(r, "face-position", place_ok, fixed(offset, 2), "≤ " + fixed(p.centre_tolerance, 2),
        place_ok ? "人像居中" : (!whole ? "头部被裁切，请保留完整头部" : "人像未居中"),
        place_ok ? "The face is centred."
                 : (!whole ? "The head is cut off; keep the whole head in the photo."
                           : "The face is not centred."));
    cv::Mat face_grey;
    cv::cvtColor(bgr(f), face_grey, cv::COLOR_BGR2GRAY);
    cv::resize(face_grey, face_grey, cv::Size(200, 200), 0, 0, cv::INTER_AREA);
    cv::Mat lap;
    cv::Laplacian(face_grey, lap, CV_64F);
    cv::Scalar mean, sd;
    cv::meanStdDev(lap, mean, sd);
    const double sharpness = sd[0] * sd[0];
    const bool sharp = sharpness >= p.min_sharpness;
    add(r, "sharpness", sharp, fixed(sharpness, 0), "≥ " + fixed(p.min_sharpness, 0),
        sharp ? "照片清晰" : "照片模糊，请重新拍摄",
        sharp ? "Sharp." : "The photo is blurred; take it again.");
    const double brightness = cv::mean(face_grey)[0];
    const bool exposed = brightness >= p.min_face_brightness && brightness <= p.max_face_brightness;
    add(r, "exposure", exposed, fixed(brightness, 0),
        fixed(p.min_face_brightness, 0) + "–" + fixed(p.max_face_brightness, 0),
        exposed ? "曝光正常"
                : (brightness < p.min_face_brightness ? "面部过暗" : "面部过亮（曝光过度）"),
        exposed ? "Well exposed."
                : (brightness < p.min_face_brightness ? "The face is too dark."
                                                      : "The face is over-exposed."));
}

}  // namespace

namespace {

struct Inspection {
    PhotoReport report;
    Decoded decoded;  // empty when the report stops before decoding
};

Inspection inspect(std::span<const std::byte> bytes, const PhotoProfile& p) {
    Inspection in;
    PhotoReport& r = in.report;
    r.profile = p.name;
    r.bytes = static_cast<long long>(bytes.size());
    const ImageHeader header = read_image_header(bytes);
    r.format = header.format;
    if (header.format == ImageFormat::unknown) {
        r.rejection = Rejection::not_an_image;
        r.rejection_code = "not-an-image";
        r.rejection_detail = "不是图片文件 / The file is not an image (no JPEG or PNG signature).";
        return in;
    }
    if (header.format != ImageFormat::jpeg && header.format != ImageFormat::png) {
        r.rejection = Rejection::unsupported_type;
        r.rejection_code = "image-format";
        r.rejection_detail = "不支持" + std::string(to_string(header.format)) +
                             "格式，请上传JPG或PNG / " + std::string(to_string(header.format)) +
                             " is not accepted; upload a JPEG or PNG.";
        return in;
    }
    if (header.width == 0 || header.height == 0) {
        r.rejection = Rejection::not_an_image;
        r.rejection_code = "truncated-image";
        r.rejection_detail = "图片文件不完整或已损坏 / The image is truncated or damaged.";
        return in;
    }
    const bool format_ok =
        std::find(p.formats.begin(), p.formats.end(), header.format) != p.formats.end();
    add(r, "format", format_ok, std::string(to_string(header.format)), formats_text(p),
        format_ok ? "格式符合要求" : "照片格式应为" + formats_text(p),
        format_ok ? "Accepted format." : "The photo must be " + formats_text(p) + ".");
    if (p.min_bytes || p.max_bytes) {
        const bool ok =
            (!p.min_bytes || r.bytes >= p.min_bytes) && (!p.max_bytes || r.bytes <= p.max_bytes);
        std::string limit = p.min_bytes ? "≥ " + bytes_text(p.min_bytes) : "";
        if (p.max_bytes)
            limit += (limit.empty() ? "" : ", ") + std::string("≤ ") + bytes_text(p.max_bytes);
        add(r, "file-size", ok, bytes_text(r.bytes), limit,
            ok ? "文件大小符合要求" : "文件大小应为" + limit,
            ok ? "File size is within bounds." : "The file size must be " + limit + ".");
    }
    // What no profile would accept is measured from the header alone: a failed
    // dimensions check, like any photo of the wrong size, with no decoding at all.
    const std::uint64_t pixels = static_cast<std::uint64_t>(header.width) * header.height;
    const bool over_profile =
        (p.max_width && static_cast<int>(std::max(header.width, header.height)) >
                            4 * std::max(p.max_width, p.max_height));
    if (pixels > kMaxDecodePixels || over_profile) {
        r.width = static_cast<int>(header.width);
        r.height = static_cast<int>(header.height);
        add(r, "dimensions", false, size_text(r.width, r.height),
            "≤ " + size_text(std::max(p.max_width, 1), std::max(p.max_height, 1)), "照片像素过大",
            "The photo has far too many pixels.");
        return in;
    }
    // Anything the gate refuses (truncated, corrupt, too many scans, too much memory) is
    // not a photo to report on: the caller answers 422 with the gate's code.
    in.decoded = decode(bytes);
    if (in.decoded.error) {
        r.rejection = in.decoded.error->code == images::ImageErrorCode::format
                          ? Rejection::unsupported_type
                          : Rejection::not_an_image;
        r.rejection_code = std::string(images::to_string(in.decoded.error->code));
        r.rejection_detail = in.decoded.error->message();
        return in;
    }
    r.width = in.decoded.source_width;
    r.height = in.decoded.source_height;
    {
        const bool ok = (!p.min_width || r.width >= p.min_width) &&
                        (!p.min_height || r.height >= p.min_height) &&
                        (!p.max_width || r.width <= p.max_width) &&
                        (!p.max_height || r.height <= p.max_height);
        std::string limit;
        if (p.min_width == p.max_width && p.min_height == p.max_height && p.min_width) {
            limit = "= " + size_text(p.min_width, p.min_height);
        } else {
            if (p.min_width) limit = "≥ " + size_text(p.min_width, p.min_height);
            if (p.max_width)
                limit += (limit.empty() ? "" : ", ") + std::string("≤ ") +
                         size_text(p.max_width, p.max_height);
        }
        if (!limit.empty()) {
            add(r, "dimensions", ok, size_text(r.width, r.height), limit,
                ok ? "像素尺寸符合要求" : "像素尺寸应为" + limit,
                ok ? "Pixel size is within bounds." : "The pixel size must be " + limit + ".");
        }
    }
    if (p.aspect > 0) {
        const double aspect = static_cast<double>(r.width) / r.height;
        const bool ok = std::abs(aspect / p.aspect - 1) <= p.aspect_tolerance;
        add(r, "aspect-ratio", ok, fixed(aspect, 3), fixed(p.aspect, 3),
            ok ? "宽高比符合要求" : "宽高比不符合要求，请按规定比例裁剪",
            ok ? "Aspect ratio is right."
               : "The width-to-height ratio is wrong; crop to " + fixed(p.aspect, 3) + ".");
    }
    check_pixels(r, in.decoded.bgr, in.decoded.scale, p);
    r.passed =
        std::all_of(r.checks.begin(), r.checks.end(), [](const Check& c) { return c.passed; });
    return in;
}

PhotoReport check(std::span<const std::byte> bytes, const PhotoProfile& p) {
    return inspect(bytes, p).report;
}

NormalizedPhoto normalize(std::span<const std::byte> bytes, const PhotoProfile& p) {
    NormalizedPhoto out;
    // Only whether it is a photo at all: the pixel checks (face detection above all) run
    // once, on the result.
    PhotoProfile container_only = p;
    container_only.face_checks = false;
    container_only.white_background = false;
    container_only.require_colour = false;
    Inspection in = inspect(bytes, container_only);
    out.report = in.report;
    if (out.report.rejection != Rejection::none) {
        out.problem_code = out.report.rejection_code;
        out.problem_detail = out.report.rejection_detail;
        return out;
    }
    if (in.decoded.bgr.empty()) {
        out.problem_code = "image-too-large";
        out.problem_detail = "照片像素过大，无法处理 / The photo has too many pixels to process.";
        return out;
    }
    // At working size: a profile without a target size gets at most about that.
    cv::Mat image = in.decoded.bgr;
    const int tw = p.target_width ? p.target_width : image.cols;
    const int th = p.target_height ? p.target_height : image.rows;
    if (p.face_checks) {
        const auto faces = detect_faces(image);
        if (faces.size() != 1) {
            out.problem_code = faces.empty() ? "no-face" : "several-faces";
            out.problem_detail =
                faces.empty()
                    ? "未检测到人脸，无法自动处理 / No face was found; the photo cannot be fixed."
                    : "检测到多张人脸，无法自动处理 / More than one face; the photo cannot be "
                      "fixed.";
            return out;
        }
        // Crop around the head: its height is target_head_share of the result, its top a
        // tenth of the way down, centred across. Missing border is filled with white.
        const cv::Rect f = faces[0];
        const double head_h = f.height * kHeadPerFace;
        const double crop_h = head_h / p.target_head_share;
        const double crop_w = crop_h * tw / th;
        const double head_top = f.y - 0.3 * f.height;
        const double top = head_top - crop_h * 0.10;
        const double left = f.x + f.width / 2.0 - crop_w / 2;
        const int pad = static_cast<int>(std::ceil(std::max(crop_w, crop_h)));
        cv::Mat padded;
        cv::copyMakeBorder(image, padded, pad, pad, pad, pad, cv::BORDER_CONSTANT,
                           cv::Scalar(255, 255, 255));
        const cv::Rect crop(static_cast<int>(left) + pad, static_cast<int>(top) + pad,
                            static_cast<int>(crop_w), static_cast<int>(crop_h));
        image = padded(crop & cv::Rect(0, 0, padded.cols, padded.rows)).clone();
    }
    cv::Mat sized;
    cv::resize(image, sized, cv::Size(tw, th), 0, 0,
               image.cols > tw ? cv::INTER_AREA : cv::INTER_CUBIC);
    if (p.white_background) {
        // Near-white pixels connected to the border become white: a grey-ish wall turns
        // white, a white shirt in the middle of the photo stays as it is.
        cv::Mat lab;
        cv::cvtColor(sized, lab, cv::COLOR_BGR2Lab);
        cv::Mat mask(sized.size(), CV_8U);
        for (int y = 0; y < lab.rows; ++y) {
            for (int x = 0; x < lab.cols; ++x) {
                const auto v = lab.at<cv::Vec3b>(y, x);
                const double a = v[1] - 128.0, b = v[2] - 128.0;
                mask.at<uchar>(y, x) =
                    (v[0] * 100 / 255 >= 65 && std::sqrt(a * a + b * b) <= 12) ? 255 : 0;
            }
        }
        cv::Mat labels;
        const int n = cv::connectedComponents(mask, labels, 4);
        std::vector<bool> touches(static_cast<std::size_t>(n), false);
        for (int x = 0; x < labels.cols; ++x) {
            touches[static_cast<std::size_t>(labels.at<int>(0, x))] = true;
        }
        for (int y = 0; y < labels.rows; ++y) {
            touches[static_cast<std::size_t>(labels.at<int>(y, 0))] = true;
            touches[static_cast<std::size_t>(labels.at<int>(y, labels.cols - 1))] = true;
        }
        for (int y = 0; y < sized.rows; ++y) {
            for (int x = 0; x < sized.cols; ++x) {
                const int l = labels.at<int>(y, x);
                if (l != 0 && touches[static_cast<std::size_t>(l)])
                    sized.at<cv::Vec3b>(y, x) = cv::Vec3b(255, 255, 255);
            }
        }
    }
    // The highest quality whose size is within the profile's bounds.
    std::string result;
    for (int quality = 95; quality >= 50; quality -= 5) {
        result = images::encode_jpeg(images::as_view(sized), quality);
        if (!p.max_bytes || static_cast<long long>(result.size()) <= p.max_bytes) break;
    }
    if (p.min_bytes && static_cast<long long>(result.size()) < p.min_bytes) {
        // Too small even at 95 (a profile with a minimum file size, like 软考's 30 KB):
        // the finest quantisation is the honest way to add bytes.
        result = images::encode_jpeg(images::as_view(sized), 100);
    }
    out.report = check(std::as_bytes(std::span(result.data(), result.size())), p);
    if (!out.report.passed) {
        std::string failing;
        for (const auto& c : out.report.checks) {
            if (!c.passed) failing += (failing.empty() ? "" : ", ") + c.code;
        }
        out.problem_code = "still-failing";
        out.problem_detail = "自动处理后仍不符合要求（" + failing +
                             "） / Still failing after normalisation: " + failing + ".";
        return out;
    }
    out.jpeg = result;
    return out;
}

std::string face_model_problem() {
    try {
        face_detector();
        return {};
    } catch (const std::exception& e) {
        return e.what();
    }
}

}  // namespace

}  // namespace examdocs::photos

extern "C" EXAMDOCS_PHOTO_ANALYSIS_EXPORT const examdocs::photos::PhotoAnalysis*
examdocs_photo_analysis_v1() {
    static const examdocs::photos::PhotoAnalysis entry{
        examdocs::photos::kPhotoAnalysisVersion, &examdocs::photos::check,
        &examdocs::photos::normalize, &examdocs::photos::face_model_problem, CV_VERSION};
    return &entry;
}
