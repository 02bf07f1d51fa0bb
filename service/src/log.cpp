#include "examdocs/service/log.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSONString.h>
#include <Poco/Timestamp.h>

#include <cstdio>
#include <sstream>
#include <type_traits>

namespace examdocs::service {

namespace {

std::string now_iso8601() {
    return Poco::DateTimeFormatter::format(Poco::Timestamp(),
                                           Poco::DateTimeFormat::ISO8601_FRAC_FORMAT);
}

std::string to_json(const Poco::JSON::Object& o) {
    std::ostringstream s;
    o.stringify(s);
    return s.str();
}

}  // namespace

std::string LogValue::text() const {
    return std::visit(
        [](const auto& v) -> std::string {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::string>) {
                return v;
            } else if constexpr (std::is_same_v<T, bool>) {
                return v ? "true" : "false";
            } else if constexpr (std::is_same_v<T, double>) {
                std::ostringstream s;
                s << v;
                return s.str();
            } else {
                return std::to_string(v);
            }
        },
        value_);
}

void Log::access(const AccessEntry& e) {
    const double ms = static_cast<double>(e.duration.count()) / 1000.0;
    if (format_ == LogFormat::json) {
        // Written out by hand: one line per request, and a Poco::JSON::Object (a map of
        // Dynamic::Var) cost a dozen allocations of a small lookup's few dozen.
        char number[64];
        std::string line;
        line.reserve(256);
        line += R"({"time":)";
        line += Poco::toJSON(now_iso8601());
        line += R"(,"level":"info","msg":"request","requestId":)";
        line += Poco::toJSON(e.request_id);
        line += R"(,"client":)";
        line += Poco::toJSON(e.client);
        line += R"(,"method":)";
        line += Poco::toJSON(e.method);
        line += R"(,"path":)";
        line += Poco::toJSON(e.path);
        std::snprintf(number, sizeof number, R"(,"status":%d,"bytes":%lld,"durationMs":%.3f})",
                      e.status, e.bytes, ms);
        line += number;
        write_line(line);
    } else {
        std::ostringstream s;
        s.precision(3);
        s << now_iso8601() << "  " << e.client << "  " << e.status << ' ' << e.method << ' '
          << e.path << "  " << e.bytes << " B  " << std::fixed << ms << " ms  [" << e.request_id
          << ']';
        write_line(s.str());
    }
}

void Log::event(std::string_view level, std::string_view message, const LogFields& fields,
                std::string_view request_id) {
    if (format_ == LogFormat::json) {
        Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
        o.set("time", now_iso8601());
        o.set("level", std::string(level));
        o.set("msg", std::string(message));
        if (!request_id.empty()) o.set("requestId", std::string(request_id));
        for (const auto& [k, v] : fields) {
            std::visit([&o, &key = k](const auto& value) { o.set(key, value); }, v.value());
        }
        write_line(to_json(o));
    } else {
        std::ostringstream s;
        s << now_iso8601() << "  " << level << "  " << message;
        for (const auto& [k, v] : fields) s << "  " << k << '=' << v.text();
        if (!request_id.empty()) s << "  [" << request_id << ']';
        write_line(s.str());
    }
}

void Log::write_line(const std::string& line) {
    std::lock_guard lock(mutex_);
    out_ << line << '\n' << std::flush;
}

}  // namespace examdocs::service
