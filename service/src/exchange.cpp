#include "examdocs/service/exchange.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/URI.h>

#include <array>
#include <streambuf>

#include "examdocs/core/problem.h"
#include "examdocs/service/client_address.h"

namespace examdocs::service {

// Counts the bytes read from the request stream and refuses to go past the limit. This
// is where chunked and length-less bodies are bounded: Poco itself has no body limit.
class Exchange::LimitedBuffer : public std::streambuf {
  public:
    LimitedBuffer(std::istream& source, long long limit) : source_(source), limit_(limit) {}

    bool at_end() const { return at_end_; }

  protected:
    int_type underflow() override {
        if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
        if (at_end_) return traits_type::eof();
        source_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
        const std::streamsize got = source_.gcount();
        if (got <= 0) {
            at_end_ = true;
            return traits_type::eof();
        }
        total_ += got;
        if (total_ > limit_) throw ProblemError(payload_too_large(limit_));
        setg(buffer_.data(), buffer_.data(), buffer_.data() + got);
        return traits_type::to_int_type(*gptr());
    }

  private:
    std::istream& source_;
    long long limit_;
    long long total_ = 0;
    bool at_end_ = false;
    std::array<char, 16384> buffer_{};
};

Exchange::Exchange(Poco::Net::HTTPServerRequest& request, std::string request_id, std::string path,
                   std::map<std::string, std::string, std::less<>> path_params,
                   long long max_body_bytes, std::string client_address)
    : request_(request),
      request_id_(std::move(request_id)),
      path_(std::move(path)),
      params_(std::move(path_params)),
      max_body_bytes_(max_body_bytes),
      client_address_(std::move(client_address)) {
    for (auto& [k, v] : Poco::URI(request.getURI()).getQueryParameters()) {
        query_.emplace_back(k, v);
    }
}

Exchange::~Exchange() = default;

const std::string& Exchange::method() const { return request_.getMethod(); }

std::string Exchange::header(std::string_view name) const {
    return request_.get(std::string(name), "");
}

std::optional<std::string> Exchange::query(std::string_view name) const {
    for (const auto& [k, v] : query_) {
        if (k == name) return v;
    }
    return std::nullopt;
}

const std::string& Exchange::param(std::string_view name) const {
    auto it = params_.find(name);
    if (it == params_.end()) throw std::out_of_range("no path parameter " + std::string(name));
    return it->second;
}

std::string client_address_of(const Poco::Net::HTTPServerRequest& request,
                              const TrustedProxies& proxies) {
    const std::string peer = request.clientAddress().host().toString();
    if (proxies.empty()) return peer;
    return proxies.client_address(peer, request.get("X-Forwarded-For", ""),
                                  request.get("Forwarded", ""));
}

std::istream& Exchange::body_stream() {
    if (!stream_) {
        buffer_ = std::make_unique<LimitedBuffer>(request_.stream(), max_body_bytes_);
        stream_ = std::make_unique<std::istream>(buffer_.get());
        // With badbit in the exception mask, an exception thrown by the buffer (our 413,
        // a Poco timeout) leaves the read call as itself instead of a silent badbit.
        stream_->exceptions(std::ios::badbit);
    }
    return *stream_;
}

std::string Exchange::read_body() {
    std::istream& in = body_stream();
    std::string body;
    std::array<char, 16384> chunk{};
    while (in.read(chunk.data(), chunk.size()) || in.gcount() > 0) {
        body.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    }
    return body;
}

bool Exchange::body_consumed() const {
    // Poco reads a POST with neither length nor chunking until the connection closes,
    // so such a body counts as present too.
    const std::string& m = request_.getMethod();
    const bool bodiless_method = m == "GET" || m == "HEAD" || m == "DELETE";
    const bool has_body =
        request_.getChunkedTransferEncoding() ||
        (request_.hasContentLength() ? request_.getContentLength64() > 0 : !bodiless_method);
    if (!has_body) return true;
    return buffer_ && buffer_->at_end();
}

}  // namespace examdocs::service
