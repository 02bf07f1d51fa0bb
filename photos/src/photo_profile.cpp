#include "examdocs/photos/photo_profile.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>
#include <stdexcept>

namespace examdocs::photos {

namespace {

std::map<std::string, PhotoProfile, std::less<>> make_builtins() {
    std::map<std::string, PhotoProfile, std::less<>> p;
    PhotoProfile ruankao;
    ruankao.name = "ruankao";
    ruankao.description =
        "计算机技术与软件专业技术资格（软考）报名照片：白底彩色，JPG，不小于30KB（30720字节），"
        "不小于295×413像素";
    ruankao.formats = {ImageFormat::jpeg};
    ruankao.min_bytes = RuankaoPhotoReading::min_bytes;
    ruankao.max_bytes = 2 * 1024 * 1024;
    ruankao.min_width = RuankaoPhotoReading::min_width;
    ruankao.min_height = RuankaoPhotoReading::min_height;
    ruankao.max_width = 2000;
    ruankao.max_height = 2800;
    ruankao.aspect = 5.0 / 7.0;
    ruankao.require_colour = true;
    ruankao.white_background = true;
    ruankao.face_checks = true;
    ruankao.target_width = 295;
    ruankao.target_height = 413;
    p[ruankao.name] = ruankao;

    PhotoProfile skill;
    skill.name = "skill-cert";
    skill.description =
        "职业技能等级认定报名照片：一寸白底彩色，JPG或PNG，不大于500×700像素，不超过1MB";
    skill.formats = {ImageFormat::jpeg, ImageFormat::png};
    skill.max_bytes = 1024 * 1024;
    skill.min_width = 200;
    skill.min_height = 280;
    skill.max_width = 500;
    skill.max_height = 700;
    skill.aspect = 5.0 / 7.0;
    skill.require_colour = true;
    skill.white_background = true;
    skill.face_checks = true;
    // 一寸 (25×35 mm) at 300 dpi, as seed 003 asks; within its 500×700 bound.
    skill.target_width = 295;
    skill.target_height = 413;
    p[skill.name] = skill;

    PhotoProfile ga461;
    ga461.name = "ga461";
    ga461.description = "居民身份证照片（GA 461）：358×441像素，JPG，白底彩色";
    ga461.formats = {ImageFormat::jpeg};
    ga461.min_width = ga461.max_width = 358;
    ga461.min_height = ga461.max_height = 441;
    ga461.min_bytes = 14 * 1024;
    ga461.max_bytes = 40 * 1024;
    ga461.aspect = 358.0 / 441.0;
    ga461.require_colour = true;
    ga461.white_background = true;
    ga461.face_checks = true;
    ga461.target_width = 358;
    ga461.target_height = 441;
    p[ga461.name] = ga461;

    PhotoProfile attachment;
    attachment.name = "attachment";
    attachment.description = "证书扫描件、签字申报表等附件：JPG或PNG，不超过2MB";
    attachment.formats = {ImageFormat::jpeg, ImageFormat::png};
    attachment.max_bytes = 2 * 1024 * 1024;
    attachment.max_width = 8000;
    attachment.max_height = 8000;
    p[attachment.name] = attachment;
    return p;
}

ImageFormat format_named(const std::string& s, const std::string& where) {
    if (s == "jpeg" || s == "jpg") return ImageFormat::jpeg;
    if (s == "png") return ImageFormat::png;
    throw std::invalid_argument(where + ": formats are jpeg and png");
}

}  // namespace

const std::map<std::string, PhotoProfile, std::less<>>& builtin_photo_profiles() {
    static const auto profiles = make_builtins();
    return profiles;
}

std::map<std::string, PhotoProfile, std::less<>> load_photo_profiles(std::string_view json) {
    auto profiles = builtin_photo_profiles();
    Poco::JSON::Parser parser;
    Poco::JSON::Object::Ptr root;
    try {
        root = parser.parse(std::string(json)).extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception& e) {
        throw std::invalid_argument("photo profiles: not JSON: " + e.message());
    }
    auto list = root->getArray("profiles");
    if (!list) throw std::invalid_argument("photo profiles: 'profiles' must be an array");
    for (unsigned i = 0; i < list->size(); ++i) {
        auto o = list->getObject(i);
        const std::string where = "profiles[" + std::to_string(i) + "]";
        if (!o || !o->has("name")) throw std::invalid_argument(where + ": needs a name");
        const std::string name = o->getValue<std::string>("name");
        PhotoProfile p = profiles.count(name) ? profiles.at(name) : PhotoProfile{};
        p.name = name;
        try {
            p.description = o->optValue<std::string>("description", p.description);
            if (auto formats = o->getArray("formats")) {
                p.formats.clear();
                for (unsigned k = 0; k < formats->size(); ++k) {
                    p.formats.push_back(format_named(formats->getElement<std::string>(k), where));
                }
            }
            p.min_bytes = o->optValue<long long>("minBytes", p.min_bytes);
            p.max_bytes = o->optValue<long long>("maxBytes", p.max_bytes);
            p.min_width = o->optValue<int>("minWidth", p.min_width);
            p.min_height = o->optValue<int>("minHeight", p.min_height);
            p.max_width = o->optValue<int>("maxWidth", p.max_width);
            p.max_height = o->optValue<int>("maxHeight", p.max_height);
            p.aspect = o->optValue<double>("aspect", p.aspect);
            p.aspect_tolerance = o->optValue<double>("aspectTolerance", p.aspect_tolerance);
            p.require_colour = o->optValue<bool>("colour", p.require_colour);
            p.min_colour_spread = o->optValue<double>("minColourSpread", p.min_colour_spread);
            p.white_background = o->optValue<bool>("whiteBackground", p.white_background);
            p.min_background_lightness =
                o->optValue<double>("minBackgroundLightness", p.min_background_lightness);
            p.max_background_chroma =
                o->optValue<double>("maxBackgroundChroma", p.max_background_chroma);
            p.max_background_spread =
                o->optValue<double>("maxBackgroundSpread", p.max_background_spread);
            p.centre_tolerance = o->optValue<double>("centreTolerance", p.centre_tolerance);
            p.min_face_brightness = o->optValue<double>("minFaceBrightness", p.min_face_brightness);
            p.max_face_brightness = o->optValue<double>("maxFaceBrightness", p.max_face_brightness);
            p.target_head_share = o->optValue<double>("targetHeadShare", p.target_head_share);
            p.face_checks = o->optValue<bool>("faceChecks", p.face_checks);
            p.head_share_min = o->optValue<double>("headShareMin", p.head_share_min);
            p.head_share_max = o->optValue<double>("headShareMax", p.head_share_max);
            p.min_sharpness = o->optValue<double>("minSharpness", p.min_sharpness);
            p.target_width = o->optValue<int>("targetWidth", p.target_width);
            p.target_height = o->optValue<int>("targetHeight", p.target_height);
        } catch (const Poco::Exception& e) {
            throw std::invalid_argument(where + " (" + name + "): " + e.displayText());
        }
        if (p.formats.empty()) throw std::invalid_argument(where + ": needs formats");
        profiles[name] = p;
    }
    return profiles;
}

std::string describe_profile(const PhotoProfile& p) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("name", p.name);
    o.set("description", p.description);
    Poco::JSON::Array formats;
    for (auto f : p.formats) formats.add(std::string(to_string(f)));
    o.set("formats", formats);
    if (p.min_bytes) o.set("minBytes", p.min_bytes);
    if (p.max_bytes) o.set("maxBytes", p.max_bytes);
    if (p.min_width) o.set("minWidth", p.min_width);
    if (p.min_height) o.set("minHeight", p.min_height);
    if (p.max_width) o.set("maxWidth", p.max_width);
    if (p.max_height) o.set("maxHeight", p.max_height);
    if (p.aspect > 0) o.set("aspect", p.aspect);
    o.set("colour", p.require_colour);
    if (p.require_colour) o.set("minColourSpread", p.min_colour_spread);
    o.set("whiteBackground", p.white_background);
    if (p.white_background) {
        o.set("minBackgroundLightness", p.min_background_lightness);
        o.set("maxBackgroundChroma", p.max_background_chroma);
        o.set("maxBackgroundSpread", p.max_background_spread);
    }
    o.set("faceChecks", p.face_checks);
    if (p.face_checks) {
        o.set("headShareMin", p.head_share_min);
        o.set("headShareMax", p.head_share_max);
        o.set("centreTolerance", p.centre_tolerance);
        o.set("minSharpness", p.min_sharpness);
        o.set("minFaceBrightness", p.min_face_brightness);
        o.set("maxFaceBrightness", p.max_face_brightness);
    }
    if (p.target_width) {
        o.set("targetWidth", p.target_width);
        o.set("targetHeight", p.target_height);
    }
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

}  // namespace examdocs::photos
