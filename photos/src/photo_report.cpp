#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <sstream>

#include "examdocs/photos/photo_check.h"

namespace examdocs::photos {

std::string report_to_json(const PhotoReport& r) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("profile", r.profile);
    o.set("verdict", r.passed ? "pass" : "fail");
    o.set("format", std::string(to_string(r.format)));
    o.set("width", r.width);
    o.set("height", r.height);
    o.set("bytes", r.bytes);
    Poco::JSON::Array checks;
    for (const auto& c : r.checks) {
        Poco::JSON::Object item(Poco::JSON_PRESERVE_KEY_ORDER);
        item.set("code", c.code);
        item.set("passed", c.passed);
        item.set("measured", c.measured);
        item.set("limit", c.limit);
        Poco::JSON::Object message(Poco::JSON_PRESERVE_KEY_ORDER);
        message.set("zh", c.message_cn);
        message.set("en", c.message_en);
        item.set("message", message);
        checks.add(item);
    }
    o.set("checks", checks);
    if (r.face) {
        Poco::JSON::Object face(Poco::JSON_PRESERVE_KEY_ORDER);
        face.set("x", r.face->x);
        face.set("y", r.face->y);
        face.set("width", r.face->width);
        face.set("height", r.face->height);
        o.set("face", face);
    }
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

}  // namespace examdocs::photos
