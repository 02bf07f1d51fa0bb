#include "dispatcher.h"

#include <Poco/Exception.h>
#include <Poco/JSON/JSONException.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/URI.h>
#include <openssl/rand.h>

#include <array>
#include <atomic>
#include <chrono>
#include <fstream>
#include <new>
#include <optional>
#include <vector>

#include "examdocs/core/problem.h"
#include "examdocs/registry/database.h"
#include "examdocs/service/service.h"

namespace examdocs::service {

namespace {

// An incoming X-Request-Id is echoed only if it is short and plain, so that it cannot
// inject anything into headers or log lines.
bool acceptable_request_id(const std::string& id) {
    if (id.empty() || id.size() > 128) return false;
    for (char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':';
        if (!ok) return false;
    }
    return true;
}

// A random (version 4) UUID for a request that brought no id of its own. From OpenSSL's
// generator, which runs in memory: Poco's createRandom() opens and reads /dev/urandom
// each time, three system calls on every request.
std::string new_request_id() {
    std::array<unsigned char, 16> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        // No randomness (never seen): still a distinct id, from a counter and the clock,
        // since the id only ties a response to its log lines.
        static std::atomic<std::uint64_t> counter{0};
        const std::uint64_t n = ++counter;
        const auto t =
            static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
        for (std::size_t i = 0; i < 8; ++i) {
            bytes[i] = static_cast<unsigned char>(t >> (8 * i));
            bytes[8 + i] = static_cast<unsigned char>(n >> (8 * i));
        }
    }
    bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0F) | 0x40);
    bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3F) | 0x80);
    static constexpr char hex[] = "0123456789abcdef";
    std::string id;
    id.reserve(36);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) id += '-';
        id += hex[bytes[i] >> 4];
        id += hex[bytes[i] & 15];
    }
    return id;
}

// The one place where an exception becomes an HTTP problem. Everything a handler can
// throw ends here, std::exception included: Poco would otherwise close the socket
// without a reply. Internal messages go to the log, never into the response.
std::optional<Problem> storage_problem(const std::exception& e, Service& service,
                                       const std::string& request_id) {
    const auto* poco = dynamic_cast<const Poco::Exception*>(&e);
    const std::string what = poco ? poco->displayText() : e.what();
    switch (registry::storage_fault(e)) {
        case registry::StorageFault::full: {
            service.log().event("error", "a write was refused: storage is full", {{"what", what}},
                                request_id);
            service.note_storage_full("the last write was refused: storage is full");
            Problem p = service_unavailable(
                "The server's storage is full, so nothing can be written (issuance, jobs) "
                "until an operator frees space. Lookups and verification still work.",
                60);
            p.status = 507;
            p.slug = "storage-full";
            p.title = "Insufficient storage";
            return p;
        }
        case registry::StorageFault::io:
            service.log().event("error", "the storage failed", {{"what", what}}, request_id);
            return service_unavailable("The server's storage failed; try again later.", 30);
        case registry::StorageFault::none:
            break;
    }
    return std::nullopt;
}

Problem problem_for(const std::exception_ptr& error, Service& service,
                    const std::string& request_id) {
    Log& log = service.log();
    try {
        std::rethrow_exception(error);
    } catch (const ProblemError& e) {
        return e.problem();
    } catch (const Poco::JSON::JSONException& e) {
        return bad_request("The body is not valid JSON: " + e.message());
    } catch (const Poco::Net::HTMLFormException& e) {
        return bad_request("The form data is malformed: " + e.message());
    } catch (const Poco::SyntaxException&) {
        return bad_request("The request URI is malformed.");
    } catch (const Poco::Net::MessageException&) {
        return bad_request("The request body is malformed (bad chunked encoding).");
    } catch (const Poco::TimeoutException&) {
        Problem p = bad_request("Timed out reading the request body.");
        p.status = 408;
        p.slug = "request-timeout";
        p.title = "Request timeout";
        return p;
    } catch (const std::bad_alloc&) {
        log.event("error", "out of memory while handling a request", {}, request_id);
        return service_unavailable("The server is short of memory; try again shortly.", 5);
    } catch (const registry::DatabaseBusy&) {
        return service_unavailable("The server is busy; try again in a moment.", 1);
    } catch (const Poco::Exception& e) {
        if (auto p = storage_problem(e, service, request_id)) return *p;
        log.event("error", "unhandled exception", {{"what", e.displayText()}}, request_id);
    } catch (const std::exception& e) {
        if (auto p = storage_problem(e, service, request_id)) return *p;
        log.event("error", "unhandled exception", {{"what", e.what()}}, request_id);
    } catch (...) {
        log.event("error", "unhandled non-standard exception", {}, request_id);
    }
    return internal_error();
}

// After refusing a body we close the connection. Closing a socket with unread data makes
// the kernel send a reset, which can destroy our answer before the client reads it, so
// read and drop a bounded amount of what the client is still sending. A client that
// asked for "100 Continue" sends nothing more and is not waited for.
// Copies a byte range of a file to the response in 64 KB pieces.
void send_file_range(std::ostream& out, const std::string& path, std::uint64_t offset,
                     std::uint64_t length) {
    std::ifstream in(path, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(offset));
    std::vector<char> buffer(std::size_t{64} * 1024);
    while (length > 0 && in && out) {
        const auto n = static_cast<std::streamsize>(std::min<std::uint64_t>(length, buffer.size()));
        in.read(buffer.data(), n);
        out.write(buffer.data(), in.gcount());
        length -= static_cast<std::uint64_t>(in.gcount());
        if (in.gcount() == 0) break;
    }
}

// Ends a streamed response without its last chunk: closing the stream normally would
// write the terminating chunk and make a cut-off answer look complete.
void cut_connection(Poco::Net::HTTPServerRequest& request) {
    if (auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request)) {
        try {
            impl->socket().shutdown();
        } catch (const Poco::Exception&) {
            // Already broken: nothing more will reach the client either way.
        }
    }
}

void drain_briefly(std::istream& body) {
    constexpr std::streamsize limit = 1 << 20;
    std::array<char, 16384> sink{};
    std::streamsize drained = 0;
    while (drained < limit && body.read(sink.data(), sink.size())) drained += body.gcount();
}

class DispatchHandler : public Poco::Net::HTTPRequestHandler {
  public:
    DispatchHandler(Service& service, bool body_too_large, long long max_body_bytes)
        : service_(service), body_too_large_(body_too_large), max_body_bytes_(max_body_bytes) {}

    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
        const auto started = std::chrono::steady_clock::now();
        service_.request_started();
        struct FinishRequest {
            Service& service;
            ~FinishRequest() { service.request_finished(); }
        } finish{service_};
        std::string request_id = request.get("X-Request-Id", "");
        if (!acceptable_request_id(request_id)) {
            request_id = new_request_id();
        }
        const std::string client = client_address_of(request, service_.settings().trusted_proxies);
        std::string path = request.getURI();
        std::string route_label = "unmatched";
        Response reply;
        bool keep_alive = true;
        try {
            Poco::URI uri(request.getURI());
            path = uri.getPath();
            if (body_too_large_) {
                keep_alive = false;  // the unread body would be taken for the next request
                throw ProblemError(payload_too_large(max_body_bytes_));
            }
            RouteMatch match = service_.router().match(request.getMethod(), path);
            if (!match.route) {
                if (!match.allowed_methods.empty()) {
                    route_label = match.known_pattern;
                    throw ProblemError(method_not_allowed(match.allowed_methods));
                }
                throw ProblemError(not_found("No resource at " + path + "."));
            }
            route_label = match.route->pattern;
            Exchange exchange(request, request_id, path, std::move(match.params), max_body_bytes_,
                              client);
            try {
                reply = match.route->handler(exchange);
            } catch (...) {
                if (!exchange.body_consumed()) keep_alive = false;
                throw;
            }
            if (!exchange.body_consumed()) keep_alive = false;
        } catch (...) {
            const Problem problem = problem_for(std::current_exception(), service_, request_id);
            // A page a person opened answers its problems as a page too (the 413 is thrown
            // before the route is looked up, hence the second look).
            const Route* route = service_.router().match(request.getMethod(), path).route;
            if (route && route->problem_page) {
                reply = route->problem_page(problem);
            } else {
                reply.status = problem.status;
                reply.content_type = "application/problem+json";
                reply.body = problem_to_json(problem, path, request_id);
                reply.headers = problem.headers;
            }
            if (problem.status == 413 || problem.status == 408 || problem.status == 400) {
                keep_alive = false;  // the rest of the body is unread or unreadable
            }
        }

        const auto status = static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status);
        response.setStatusAndReason(status);
        response.setContentType(reply.content_type);
        const bool from_file = !reply.file.empty();
        const bool streamed = static_cast<bool>(reply.stream);
        auto length = from_file ? reply.file_length : reply.body.size();
        if (streamed) {
            response.setChunkedTransferEncoding(true);
        } else {
            response.setContentLength64(static_cast<Poco::Int64>(length));
        }
        for (const auto& [name, value] : reply.headers) response.set(name, value);
        response.set("X-Request-Id", request_id);
        // Draining now, though perhaps not when the request came in: this answer is the
        // connection's last, and says so.
        if (service_.draining()) keep_alive = false;
        if (!keep_alive) response.setKeepAlive(false);
        try {
            std::ostream& out = response.send();
            if (streamed) {
                try {
                    length = reply.stream(out);
                    out.flush();
                } catch (const std::exception& e) {
                    service_.log().event("error", "a streamed response was cut short",
                                         {{"what", e.what()}}, request_id);
                    cut_connection(request);
                }
            } else if (from_file) {
                send_file_range(out, reply.file, reply.file_offset, reply.file_length);
            } else {
                out.write(reply.body.data(), static_cast<std::streamsize>(reply.body.size()));
            }
            if (!keep_alive && !request.getExpectContinue()) drain_briefly(request.stream());
        } catch (const std::exception& e) {
            service_.log().event("warn", "client went away before the response was sent",
                                 {{"what", e.what()}}, request_id);
        }

        const auto elapsed = std::chrono::steady_clock::now() - started;
        const double seconds = std::chrono::duration<double>(elapsed).count();
        service_.metrics().observe_request(route_label, request.getMethod(), reply.status, seconds);
        service_.log().access(
            {request_id, request.getMethod(), path, reply.status, static_cast<long long>(length),
             std::chrono::duration_cast<std::chrono::microseconds>(elapsed), client});
    }

  private:
    Service& service_;
    bool body_too_large_;
    long long max_body_bytes_;
};

}  // namespace

Poco::Net::HTTPRequestHandler* Dispatcher::createRequestHandler(
    const Poco::Net::HTTPServerRequest& request) {
    // Decided here, before Poco would send "100 Continue": a non-200 status set now
    // makes Poco skip it, so a client never uploads a body that will be refused.
    long long limit = service_.settings().max_body_bytes;
    try {
        const auto match =
            service_.router().match(request.getMethod(), Poco::URI(request.getURI()).getPath());
        if (match.route && match.route->max_body_bytes > 0) limit = match.route->max_body_bytes;
    } catch (const std::exception&) {
        // A malformed URI: the handler answers it.
    }
    const bool too_large = request.hasContentLength() && request.getContentLength64() > limit;
    if (too_large) {
        request.response().setStatus(Poco::Net::HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE);
    }
    return new DispatchHandler(service_, too_large, limit);
}

}  // namespace examdocs::service
