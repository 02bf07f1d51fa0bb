#pragma once
// The access and event log: one line per entry on a stream (stdout in the service), as a
// JSON object or as text for a person at a terminal. Every entry that belongs to a request
// carries its request id. Thread-safe: lines from different threads never interleave.
#include <chrono>
#include <concepts>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "examdocs/service/config.h"

namespace examdocs::service {

struct AccessEntry {
    std::string request_id;
    std::string method;
    std::string path;
    int status = 0;
    long long bytes = 0;  // response body bytes
    std::chrono::microseconds duration{0};
    std::string client;  // the client's address (client_address.h)
};

// A field's value: text, or a number or flag that a JSON line writes as a JSON number or
// boolean ("threads":16, not "threads":"16"), so that log queries can compare it.
class LogValue {
  public:
    LogValue(std::string text) : value_(std::move(text)) {}
    LogValue(const char* text) : value_(std::string(text)) {}
    LogValue(std::string_view text) : value_(std::string(text)) {}
    LogValue(bool flag) : value_(flag) {}
    template <std::integral T>
    requires(!std::same_as<T, bool> && !std::same_as<T, char>) LogValue(T number)
        : value_(static_cast<long long>(number)) {}
    LogValue(double number) : value_(number) {}

    const std::variant<std::string, long long, double, bool>& value() const { return value_; }
    // The value as text, for the text format.
    std::string text() const;

  private:
    std::variant<std::string, long long, double, bool> value_;
};

using LogFields = std::vector<std::pair<std::string, LogValue>>;

class Log {
  public:
    Log(std::ostream& out, LogFormat format) : out_(out), format_(format) {}

    void access(const AccessEntry& entry);
    // level: "info", "warn", "error". `fields` are extra key/value pairs.
    void event(std::string_view level, std::string_view message, const LogFields& fields = {},
               std::string_view request_id = {});

  private:
    void write_line(const std::string& line);

    std::ostream& out_;
    LogFormat format_;
    std::mutex mutex_;
};

}  // namespace examdocs::service
