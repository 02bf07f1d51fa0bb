#pragma once
// A real HTTP client for tests: one request on a fresh HTTPClientSession to 127.0.0.1.
#include <cstdint>
#include <map>
#include <string>

namespace examdocs::test {

struct HttpReply {
    int status = 0;
    std::string content_type;
    std::map<std::string, std::string> headers;
    std::string body;
};

HttpReply http_request(std::uint16_t port, const std::string& method, const std::string& path,
                       const std::string& body = {},
                       const std::map<std::string, std::string>& headers = {},
                       bool chunked = false);

}  // namespace examdocs::test
