#pragma once
// The access and event log: one line per entry on a stream (stdout in the service), as a
// JSON object or as text for a person at a terminal. Every entry that belongs to a request
// carries its request id. Thread-safe: lines from different threads never interleave.
#include <chrono>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
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

class Log {
  public:
    Log(std::ostream& out, LogFormat format) : out_(out), format_(format) {}

    void access(const AccessEntry& entry);
    // level: "info", "warn", "error". `fields` are extra key/value pairs.
    void event(std::string_view level, std::string_view message,
               const std::vector<std::pair<std::string, std::string>>& fields = {},
               std::string_view request_id = {});

  private:
    void write_line(const std::string& line);

    std::ostream& out_;
    LogFormat format_;
    std::mutex mutex_;
};

}  // namespace examdocs::service
