// make_candidates: writes a CSV of plausible, generated candidates for bulk printing —
// the samples/ file and the benchmark's input. Deterministic for a given seed.
//
//   make_candidates --count 300 --out samples/candidates.csv --photos photos/a.jpg,...
//   make_candidates --count 10000 --out /tmp/c/candidates.csv --distinct-photos FIXTURE
//   make_candidates --count 1000 --out /tmp/c/c.ndjson --distinct-photos FIXTURE
//                   --ndjson samples/exam-defaults.json
//   make_candidates ... --distinct-photos FIXTURE --photo-size 195x273 --photo-quality 75
//
// With --ndjson the records are NDJSON for POST /v1/jobs: the defaults merged into each,
// photos inline as base64 (the API takes no file names).
//
// Names mix common surnames, two-character surnames and long minority names; ID numbers
// are valid (region, date, sex digit, check character); ticket numbers are unique. With
// --distinct-photos every candidate gets a photo of their own (the fixture with a slight,
// different tone per candidate and re-encoded), as real uploads are all different;
// --photo-size scales the fixture first (e.g. to what a registration system's photo
// normaliser hands on) and --photo-quality sets the JPEG quality (90 by default).
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "examdocs/core/base64.h"
#include "examdocs/core/id_number.h"
#include "examdocs/images/decode_image.h"
#include "examdocs/images/encode_jpeg.h"

namespace {

const std::vector<std::string> kSurnames = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴",   "周",   "徐",   "孙",   "马",
    "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁",   "谢",   "宋",   "唐",   "许",
    "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董",   "袁",   "潘",   "于",   "蒋",
    "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",   "任",   "沈",   "姚",   "卢",
    "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "欧阳", "司马", "上官", "诸葛", "慕容"};
const std::vector<std::string> kGiven = {
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
    "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "萍", "红", "建", "文", "辉",
    "鑫", "宇", "浩", "欣", "怡", "佳", "子", "轩", "梓", "涵", "晨", "博", "雨", "思", "嘉",
    "琪", "瑞", "睿", "婷", "晓", "海", "志", "国", "春", "亮", "彬", "燕", "琳", "倩", "蕾"};
const std::vector<std::string> kLongNames = {"阿依古丽·买买提", "热依扎·艾则孜", "达瓦卓玛",
                                             "巴特尔·朝鲁门", "迪丽娜尔·吐尔逊"};
const std::vector<std::string> kRegions = {"120101", "120102", "120103", "120104", "120105",
                                           "120106", "120110", "120111", "120112", "120113",
                                           "110105", "130102", "370102", "320106"};
struct Occupation {
    const char* code;
    const char* name;
    const char* job;
};
const std::vector<Occupation> kOccupations = {
    {"4-04-05-02", "信息通信网络运行管理员", "网络运行管理"},
    {"4-04-05-03", "网络与信息安全管理员", "网络安全管理"},
    {"6-31-01-03", "电工", "维修电工"},
    {"4-07-02-05", "中式烹调师", "热菜烹调"},
    {"4-10-01-05", "保育师", ""},
    {"6-18-01-01", "车工", "数控车工"}};

std::string csv_cell(const std::string& text) {
    if (text.find_first_of(",\"\n") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

}  // namespace

int main(int argc, char** argv) {
    int count = 300;
    unsigned seed = 20261122;
    std::string out_path, photos_list, distinct_fixture, ndjson_defaults;
    int photo_width = 0, photo_height = 0, photo_quality = 90;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
        if (arg == "--count") {
            count = std::stoi(next());
        } else if (arg == "--out") {
            out_path = next();
        } else if (arg == "--photos") {
            photos_list = next();
        } else if (arg == "--distinct-photos") {
            distinct_fixture = next();
        } else if (arg == "--ndjson") {
            ndjson_defaults = next();
        } else if (arg == "--photo-size") {
            if (std::sscanf(next().c_str(), "%dx%d", &photo_width, &photo_height) != 2) {
                std::cerr << "--photo-size takes WIDTHxHEIGHT\n";
                return 64;
            }
        } else if (arg == "--photo-quality") {
            photo_quality = std::stoi(next());
        } else if (arg == "--seed") {
            seed = static_cast<unsigned>(std::stoul(next()));
        } else {
            std::cerr << "unknown argument " << arg << '\n';
            return 64;
        }
    }
    if (out_path.empty() || (photos_list.empty() && distinct_fixture.empty())) {
        std::cerr << "usage: make_candidates --count N --out FILE.csv "
                     "(--photos a.jpg,b.jpg | --distinct-photos FIXTURE.jpg) [--seed S]\n";
        return 64;
    }
    std::vector<std::string> photos;
    std::stringstream list(photos_list);
    for (std::string p; std::getline(list, p, ',');) photos.push_back(p);

    const auto dir = std::filesystem::path(out_path).parent_path();
    cv::Mat fixture;
    examdocs::images::Pixels fixture_pixels;
    if (!distinct_fixture.empty()) {
        std::ifstream in(distinct_fixture, std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
        examdocs::images::DecodeOptions options;
        options.order = examdocs::images::ChannelOrder::bgr;
        auto decoded = examdocs::images::decode_image(
            std::as_bytes(std::span(bytes.data(), bytes.size())), options);
        if (!decoded) {
            std::cerr << "cannot read " << distinct_fixture << '\n';
            return 66;
        }
        fixture_pixels = std::move(*decoded.pixels);
        fixture = cv::Mat(fixture_pixels.height, fixture_pixels.width, CV_8UC3,
                          fixture_pixels.bytes.data(), fixture_pixels.stride());
        if (photo_width > 0 && photo_height > 0) {
            cv::Mat sized;
            cv::resize(fixture, sized, cv::Size(photo_width, photo_height), 0, 0, cv::INTER_AREA);
            fixture = sized;
        }
        std::filesystem::create_directories(dir / "photos");
    }

    std::mt19937 rng(seed);
    auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
    std::string defaults_text;
    if (!ndjson_defaults.empty()) {
        std::ifstream in(ndjson_defaults);
        std::ostringstream text;
        text << in.rdbuf();
        defaults_text = text.str();
    }
    std::ofstream out(out_path, std::ios::binary);
    if (defaults_text.empty())
        out << "ticketNumber,candidate/name,candidate/idNumber,candidate/photo,occupation/code,"
               "occupation/name,occupation/job,level,"
               "sessions/0/subject,sessions/0/date,sessions/0/time,sessions/0/room,sessions/0/seat,"
               "sessions/1/subject,sessions/1/date,sessions/1/time,sessions/1/room,sessions/1/seat,"
               "verificationUrl\n";
    for (int i = 0; i < count; ++i) {
        std::string name;
        if (pick(40) == 0) {
            name = kLongNames[pick(kLongNames.size())];
        } else {
            name = kSurnames[pick(kSurnames.size())] + kGiven[pick(kGiven.size())];
            if (pick(3) != 0) name += kGiven[pick(kGiven.size())];
        }
        char birth[16];
        std::snprintf(birth, sizeof birth, "%04zu%02zu%02zu", 1966 + pick(40), 1 + pick(12),
                      1 + pick(28));
        char sequence[8];
        std::snprintf(sequence, sizeof sequence, "%03zu", pick(1000));
        std::string id = kRegions[pick(kRegions.size())] + birth + sequence;
        id += examdocs::id_number_check_char(id);
        char ticket[24];
        std::snprintf(ticket, sizeof ticket, "20261101%05d", i + 1);
        const Occupation& occupation = kOccupations[pick(kOccupations.size())];
        const std::size_t level = 1 + pick(5);
        const int room = 1 + i / 30;
        const int seat = 1 + i % 30;

        std::string photo;
        if (fixture.empty()) {
            photo = "@" + photos[static_cast<std::size_t>(i) % photos.size()];
        } else {
            cv::Mat variant;
            fixture.convertTo(variant, -1, 1.0 - 0.002 * (i % 50), static_cast<double>(i % 17));
            char file[48];
            std::snprintf(file, sizeof file, "photos/%06d.jpg", i + 1);
            const std::string jpeg = examdocs::images::encode_jpeg(
                examdocs::images::PixelView{variant.data, variant.cols, variant.rows, 3,
                                            variant.step, examdocs::images::ChannelOrder::bgr},
                photo_quality);
            if (defaults_text.empty()) {
                std::ofstream((dir / file).string(), std::ios::binary) << jpeg;
                photo = std::string("@") + file;
            } else {
                photo = examdocs::base64_encode(jpeg);
            }
        }
        char code[16];
        std::snprintf(code, sizeof code, "%08X", static_cast<unsigned>(rng()));
        if (!defaults_text.empty()) {
            Poco::JSON::Parser parser;
            auto record = parser.parse(defaults_text).extract<Poco::JSON::Object::Ptr>();
            record->set("ticketNumber", std::string(ticket));
            auto candidate = record->getObject("candidate");
            if (!candidate) candidate = new Poco::JSON::Object;
            candidate->set("name", name);
            candidate->set("idNumber", id);
            candidate->set("photo", photo);
            record->set("candidate", candidate);
            Poco::JSON::Object::Ptr job = new Poco::JSON::Object;
            job->set("code", occupation.code);
            job->set("name", occupation.name);
            job->set("job", occupation.job);
            record->set("occupation", job);
            record->set("level", static_cast<int>(level));
            Poco::JSON::Array::Ptr sessions = new Poco::JSON::Array;
            for (int k = 0; k < 2; ++k) {
                Poco::JSON::Object::Ptr session = new Poco::JSON::Object;
                session->set("subject", k == 0 ? "理论知识考试" : "操作技能考核");
                session->set("date", "2026-12-12");
                session->set("time", k == 0 ? "09:00-10:30" : "14:00-16:00");
                session->set("room", k == 0 ? "第" + std::to_string(room) + "考场"
                                            : "实训楼" + std::to_string(200 + room));
                session->set("seat", std::to_string(seat));
                sessions->add(session);
            }
            record->set("sessions", sessions);
            record->set("verificationUrl",
                        "https://verify.example.org/t/" + std::string(ticket) + "?c=" + code);
            record->stringify(out);
            out << '\n';
            continue;
        }
        out << ticket << ',' << csv_cell(name) << ',' << id << ',' << photo << ','
            << occupation.code << ',' << occupation.name << ',' << occupation.job << ',' << level
            << ",理论知识考试,2026-12-12,09:00-10:30,第" << room << "考场," << seat
            << ",操作技能考核,2026-12-12,14:00-16:00,实训楼" << 200 + room << ',' << seat
            << ",https://verify.example.org/t/" << ticket << "?c=" << code << '\n';
    }
    return out ? 0 : 74;
}
