#pragma once
// One HTTP request as a handler sees it, and the response it returns.
//
// A handler reads what it needs from the Exchange and returns a Response value; the
// dispatcher writes it. Handlers signal a problem by throwing ProblemError; anything else
// they throw becomes a 500 in the one place that maps exceptions (dispatcher.cpp).
// An Exchange belongs to one request on one thread.
#include <cstdint>
#include <functional>
#include <istream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace Poco::Net {
class HTTPServerRequest;
}

namespace examdocs::service {

class TrustedProxies;

struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    // Instead of `body`: `file_length` bytes of the file at `file`, from `file_offset`,
    // streamed (a bulk job's result may be gigabytes).
    std::string file;
    std::uint64_t file_offset = 0;
    std::uint64_t file_length = 0;
    // Instead of `body` or `file`: written to the connection as it is made, with chunked
    // transfer encoding, for an answer too long to hold (a listing of every certificate).
    // Returns the bytes it wrote. Runs after the status and headers are sent, so it cannot
    // answer a problem: when it throws, the connection is cut before the last chunk, and
    // the client sees a body that did not end rather than one that looks complete.
    std::function<std::uint64_t(std::ostream&)> stream;

    static Response json(std::string body, int status = 200) {
        Response r;
        r.status = status;
        r.body = std::move(body);
        return r;
    }
    static Response text(std::string body, std::string content_type) {
        Response r;
        r.content_type = std::move(content_type);
        r.body = std::move(body);
        return r;
    }
    // A script or style sheet of the pages, the same for everyone: a cache may keep it for
    // an hour, and a browser may not sniff it into another type.
    static Response asset(std::string body, std::string content_type) {
        Response r = text(std::move(body), std::move(content_type));
        r.add_asset_headers();
        return r;
    }
    void add_asset_headers() {
        headers.emplace_back("Cache-Control", "public, max-age=3600");
        headers.emplace_back("X-Content-Type-Options", "nosniff");
    }
};

class Exchange {
  public:
    // `client_address` as client_address_of() found it.
    Exchange(Poco::Net::HTTPServerRequest& request, std::string request_id, std::string path,
             std::map<std::string, std::string, std::less<>> path_params, long long max_body_bytes,
             std::string client_address);
    ~Exchange();
    Exchange(const Exchange&) = delete;
    Exchange& operator=(const Exchange&) = delete;

    const std::string& method() const;
    const std::string& path() const { return path_; }
    const std::string& request_id() const { return request_id_; }
    // The value of a request header, or "" when absent.
    std::string header(std::string_view name) const;
    std::optional<std::string> query(std::string_view name) const;
    // Every query parameter in the order sent, so that a route can refuse the ones it
    // does not know.
    const std::vector<std::pair<std::string, std::string>>& query_parameters() const {
        return query_;
    }
    // A {name} segment of the route pattern; throws std::out_of_range for a name the
    // pattern does not have (a programming error).
    const std::string& param(std::string_view name) const;
    // Who asked: the socket's peer, or the client a trusted proxy forwarded for.
    const std::string& client_address() const { return client_address_; }

    // The whole body, at most limits.max-body-bytes; past that throws ProblemError(413).
    std::string read_body();
    // The body as a stream for handlers that parse as they read (multipart, NDJSON).
    // Reading past the limit throws ProblemError(413) out of the read call.
    std::istream& body_stream();
    // Whether the body was read to its end; if not, the connection cannot be reused.
    bool body_consumed() const;

  private:
    class LimitedBuffer;

    Poco::Net::HTTPServerRequest& request_;
    std::string request_id_;
    std::string path_;
    std::map<std::string, std::string, std::less<>> params_;
    std::vector<std::pair<std::string, std::string>> query_;
    long long max_body_bytes_;
    std::string client_address_;
    std::unique_ptr<LimitedBuffer> buffer_;
    std::unique_ptr<std::istream> stream_;
};

// The client of `request` (client_address.h): for rate limits and both logs alike.
std::string client_address_of(const Poco::Net::HTTPServerRequest& request,
                              const TrustedProxies& proxies);

}  // namespace examdocs::service
