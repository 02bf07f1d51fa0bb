#pragma once
// Private to service/: the HTTP server in front of the dispatcher. It replaces Poco's
// HTTPServer, whose worker threads each wait on their connection's socket: a few dozen
// clients sending a header byte every few seconds held every worker and took /health
// down, and past its queue it dropped connections with a reset.
//
// Here one thread accepts connections and watches them (epoll) until a request's head
// has arrived whole; only then does a worker take the connection, read the request with
// Poco's parser and run the handler. Between requests a kept-alive connection goes back
// to the watcher, so idle and slow connections cost a file descriptor, not a thread
// (after at most `hold` of waiting for a next head that arrives whole at once).
// A head that does not arrive within `head_timeout` is answered 408; a complete request
// that finds every worker busy and the queue full is answered 503 with Retry-After by the
// watcher itself; connections past `max_connections` get the same 503.
//
// Slow *bodies* still occupy a worker while it reads them (each read waits at most the
// session timeout): a reverse proxy that buffers request bodies (deploy/nginx/) takes that
// off the service.
//
// Thread-safety: start() and stop() from one controlling thread; the rest is internal.
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace examdocs::service {

struct HttpFrontLimits {
    int workers = 16;            // threads that run handlers
    int queue = 64;              // complete requests waiting for a worker; past it: 503
    int max_connections = 4096;  // open connections, idle ones included; past it: 503
    std::chrono::milliseconds head_timeout{10'000};  // first byte to end of the head
    // How long a worker waits on its kept-alive connection for the next head before it
    // hands the connection back to the watcher (0: at once).
    std::chrono::milliseconds hold{1};
};

class HttpFront {
  public:
    // Poco 1.11's sockets are handles to a shared implementation with no move: taken by
    // reference and copied.
    HttpFront(const Poco::Net::ServerSocket& socket,
              Poco::Net::HTTPRequestHandlerFactory::Ptr factory,
              Poco::Net::HTTPServerParams::Ptr params, HttpFrontLimits limits);
    ~HttpFront();
    HttpFront(const HttpFront&) = delete;
    HttpFront& operator=(const HttpFront&) = delete;

    void start();
    std::uint16_t port() const { return port_; }

    // Closes the listening socket and every idle connection; requests already queued or
    // running go on. Returns at once.
    void stop_accepting();
    // Waits until no request is queued or running, at most `timeout`; true if none is.
    bool wait_idle(std::chrono::milliseconds timeout);
    // Ends everything: connections still in a request are shut down, threads joined.
    void stop();

    // Requests answered 503 or 408 by the watcher (for metrics and tests).
    long long refused_busy() const;
    long long timed_out_heads() const;

  private:
    struct Waiting {
        Poco::Net::StreamSocket socket;
        int requests = 0;  // served on this connection so far
        std::chrono::steady_clock::time_point deadline;
        bool head_started = false;  // bytes of a head have arrived
        bool closing = false;       // answered by the watcher; draining until EOF
    };
    struct Ready {
        Poco::Net::StreamSocket socket;
        int requests = 0;
    };

    void watch();
    void accept_all();
    void on_readable(int fd);
    void expire(std::chrono::steady_clock::time_point now);
    void hand_to_worker(int fd);
    void refuse(Waiting& w, int status, const char* reason, const std::string& detail,
                int retry_after);
    void add_watched(Waiting w);
    void forget(int fd);
    void work();
    void serve(Ready ready);
    void park(const Poco::Net::StreamSocket& socket, int requests);
    bool next_head_arrives(const Poco::Net::StreamSocket& socket);
    void wake_watcher() const;

    Poco::Net::ServerSocket listener_;
    Poco::Net::HTTPRequestHandlerFactory::Ptr factory_;
    Poco::Net::HTTPServerParams::Ptr params_;
    HttpFrontLimits limits_;
    std::uint16_t port_ = 0;
    int epoll_ = -1;
    int wake_fd_ = -1;

    // The watcher's own state: touched by the watcher thread only.
    std::unordered_map<int, Waiting> watched_;
    std::vector<char> peek_buffer_;

    // Handed between threads.
    mutable std::mutex mutex_;
    std::condition_variable work_ready_;
    std::condition_variable idle_;
    std::deque<Ready> queue_;
    std::vector<Ready> returning_;  // parked by workers, for the watcher to add
    std::unordered_map<int, Poco::Net::StreamSocket> serving_;  // in a worker's hands
    int busy_ = 0;
    bool accepting_ = true;
    bool stopping_ = false;
    long long refused_busy_ = 0;
    long long timed_out_heads_ = 0;

    std::thread watcher_;
    std::vector<std::thread> workers_;
};

}  // namespace examdocs::service
