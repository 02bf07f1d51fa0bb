#include "http_front.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketImpl.h>
#include <Poco/Timestamp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace examdocs::service {

namespace {

using Clock = std::chrono::steady_clock;

// Poco keeps how much of the next request it has already read to itself; a connection
// whose next head is in that buffer must stay with its worker.
class FrontSession : public Poco::Net::HTTPServerSession {
  public:
    using Poco::Net::HTTPServerSession::HTTPServerSession;
    using Poco::Net::HTTPSession::buffered;
};

// The descriptor to watch (Poco keeps Socket::sockfd() to its subclasses).
int fd_of(const Poco::Net::Socket& socket) { return socket.impl()->sockfd(); }

// How long an answered connection may take to read our answer and close before we close.
constexpr std::chrono::milliseconds kLinger{2000};
// A head longer than this goes to a worker as it is; Poco's parser refuses it (400).
constexpr std::size_t kMaxHeadPeek = 64 * 1024;
// How much of the next head a worker holding its connection looks at; a longer head goes
// the long way, through the watcher.
constexpr std::size_t kHeldHeadPeek = 8 * 1024;

bool head_complete(std::string_view bytes) {
    return bytes.find("\r\n\r\n") != std::string_view::npos ||
           bytes.find("\n\n") != std::string_view::npos;
}

void send_error(Poco::Net::HTTPServerSession& session, Poco::Net::HTTPResponse::HTTPStatus status) {
    try {
        Poco::Net::HTTPServerResponseImpl response(session);
        response.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
        response.setStatusAndReason(status);
        response.setKeepAlive(false);
        response.setContentLength(0);
        response.send();
    } catch (...) {
        // The client is gone: nothing to tell it.
    }
}

}  // namespace

HttpFront::HttpFront(const Poco::Net::ServerSocket& socket,
                     Poco::Net::HTTPRequestHandlerFactory::Ptr factory,
                     Poco::Net::HTTPServerParams::Ptr params, HttpFrontLimits limits)
    : listener_(socket),
      factory_(std::move(factory)),
      params_(std::move(params)),
      limits_(limits),
      peek_buffer_(kMaxHeadPeek) {
    port_ = listener_.address().port();
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (epoll_ < 0 || wake_fd_ < 0) {
        throw std::runtime_error(std::string("cannot create the connection watcher: ") +
                                 std::system_category().message(errno));
    }
}

HttpFront::~HttpFront() {
    stop();
    if (epoll_ >= 0) ::close(epoll_);
    if (wake_fd_ >= 0) ::close(wake_fd_);
}

void HttpFront::start() {
    listener_.setBlocking(false);
    epoll_event listen_event{};
    listen_event.events = EPOLLIN;
    listen_event.data.fd = fd_of(listener_);
    epoll_event wake_event{};
    wake_event.events = EPOLLIN;
    wake_event.data.fd = wake_fd_;
    if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd_of(listener_), &listen_event) != 0 ||
        ::epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_fd_, &wake_event) != 0) {
        throw std::runtime_error(std::string("cannot watch the listening socket: ") +
                                 std::system_category().message(errno));
    }
    watcher_ = std::thread([this] { watch(); });
    for (int i = 0; i < limits_.workers; ++i) workers_.emplace_back([this] { work(); });
}

void HttpFront::wake_watcher() const {
    const std::uint64_t one = 1;
    // Full counter or a closed descriptor: the watcher wakes within its poll interval.
    [[maybe_unused]] const auto written = ::write(wake_fd_, &one, sizeof one);
}

void HttpFront::stop_accepting() {
    {
        std::lock_guard lock(mutex_);
        accepting_ = false;
    }
    wake_watcher();
}

bool HttpFront::wait_idle(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return idle_.wait_for(lock, timeout, [this] { return busy_ == 0 && queue_.empty(); });
}

void HttpFront::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && !watcher_.joinable() && workers_.empty()) return;
        stopping_ = true;
        accepting_ = false;
        queue_.clear();
        // Workers blocked reading a request or writing a response return with an error.
        for (auto& [fd, socket] : serving_) {
            try {
                socket.shutdown();
            } catch (const Poco::Exception&) {
            }
        }
    }
    work_ready_.notify_all();
    wake_watcher();
    if (watcher_.joinable()) watcher_.join();
    for (auto& w : workers_) w.join();
    workers_.clear();
    watched_.clear();
    returning_.clear();
    try {
        listener_.close();
    } catch (const Poco::Exception&) {
    }
}

long long HttpFront::refused_busy() const {
    std::lock_guard lock(mutex_);
    return refused_busy_;
}

long long HttpFront::timed_out_heads() const {
    std::lock_guard lock(mutex_);
    return timed_out_heads_;
}

// ---- the watcher ------------------------------------------------------------------

void HttpFront::watch() {
    std::array<epoll_event, 64> events{};
    bool listening = true;
    auto next_expiry = Clock::now();
    while (true) {
        std::vector<Ready> returned;
        bool accepting = true;
        {
            std::lock_guard lock(mutex_);
            if (stopping_) break;
            returned.swap(returning_);
            accepting = accepting_;
        }
        const auto now = Clock::now();
        for (auto& r : returned) {
            add_watched({r.socket, r.requests,
                         now + std::chrono::milliseconds(
                                   params_->getKeepAliveTimeout().totalMilliseconds()),
                         false, false});
        }
        if (!accepting && listening) {
            ::epoll_ctl(epoll_, EPOLL_CTL_DEL, fd_of(listener_), nullptr);
            try {
                listener_.close();
            } catch (const Poco::Exception&) {
            }
            listening = false;
            // Idle connections would bring their next request to a server that is
            // stopping; they close now, and their clients reconnect elsewhere.
            std::vector<int> idle;
            for (const auto& [fd, w] : watched_) {
                if (!w.closing) idle.push_back(fd);
            }
            for (int fd : idle) forget(fd);
        }
        const int n = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), 100);
        for (int i = 0; i < n; ++i) {
            const int fd = events[static_cast<std::size_t>(i)].data.fd;
            if (fd == wake_fd_) {
                std::uint64_t count = 0;
                [[maybe_unused]] const auto read = ::read(wake_fd_, &count, sizeof count);
            } else if (listening && fd == fd_of(listener_)) {
                accept_all();
            } else {
                on_readable(fd);
            }
        }
        // Deadlines are seconds long: looking ten times a second is plenty.
        const auto after = Clock::now();
        if (after >= next_expiry) {
            expire(after);
            next_expiry = after + std::chrono::milliseconds(100);
        }
    }
}

void HttpFront::accept_all() {
    while (true) {
        Poco::Net::StreamSocket socket;
        try {
            socket = listener_.acceptConnection();
        } catch (const Poco::Exception&) {
            return;  // nothing more to accept (EAGAIN), or the client gave up already
        }
        try {
            socket.setNoDelay(true);
        } catch (const Poco::Exception&) {
        }
        int open = 0;
        {
            std::lock_guard lock(mutex_);
            open = static_cast<int>(watched_.size() + queue_.size()) + busy_;
        }
        Waiting w{socket, 0, Clock::now() + limits_.head_timeout, true, false};
        if (open >= limits_.max_connections) {
            refuse(w, 503, "Service Unavailable",
                   "The server has too many open connections; try again in a moment.", 1);
            continue;
        }
        add_watched(std::move(w));
    }
}

void HttpFront::add_watched(Waiting w) {
    const int fd = fd_of(w.socket);
    epoll_event event{};
    // Edge-triggered: a head that arrives a byte at a time wakes us once per arrival, not
    // continuously while an incomplete head sits in the socket. Adding a socket that has
    // data already reports it once, so a kept-alive connection whose next request came
    // early is not forgotten.
    event.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
    event.data.fd = fd;
    if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event) != 0) return;  // socket is closed
    watched_.insert_or_assign(fd, std::move(w));
}

void HttpFront::forget(int fd) {
    ::epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
    watched_.erase(fd);  // the last reference to the socket closes it
}

void HttpFront::on_readable(int fd) {
    auto it = watched_.find(fd);
    if (it == watched_.end()) return;
    Waiting& w = it->second;
    if (w.closing) {
        // Answered already: read and drop until the client closes.
        while (true) {
            const auto n = ::recv(fd, peek_buffer_.data(), peek_buffer_.size(), MSG_DONTWAIT);
            if (n > 0) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
            forget(fd);
            return;
        }
    }
    const auto n = ::recv(fd, peek_buffer_.data(), peek_buffer_.size(), MSG_PEEK | MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        forget(fd);  // the client closed or the connection broke
        return;
    }
    if (n < 0) return;
    const std::string_view bytes(peek_buffer_.data(), static_cast<std::size_t>(n));
    if (head_complete(bytes) || bytes.size() == peek_buffer_.size()) {
        hand_to_worker(fd);
    } else if (!w.head_started) {
        // A kept-alive connection begins its next request: the head has its deadline
        // from now on.
        w.head_started = true;
        w.deadline = Clock::now() + limits_.head_timeout;
    }
}

void HttpFront::hand_to_worker(int fd) {
    auto it = watched_.find(fd);
    Waiting w = std::move(it->second);
    ::epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
    watched_.erase(it);
    {
        std::lock_guard lock(mutex_);
        if (static_cast<int>(queue_.size()) < limits_.queue) {
            queue_.push_back({w.socket, w.requests});
            // Poco's sockets share a reference-counted implementation: ours is let go
            // here, under the lock, so that the worker's is the last and the worker
            // the one that frees it.
            w.socket = Poco::Net::StreamSocket();
            work_ready_.notify_one();
            return;
        }
    }
    refuse(w, 503, "Service Unavailable",
           "Every worker is busy and the queue is full; try again in a moment.", 1);
}

void HttpFront::expire(Clock::time_point now) {
    std::vector<int> late;
    for (const auto& [fd, w] : watched_) {
        if (now >= w.deadline) late.push_back(fd);
    }
    for (int fd : late) {
        Waiting& w = watched_.at(fd);
        if (w.closing || !w.head_started) {
            forget(fd);  // done lingering, or an idle kept-alive connection
            continue;
        }
        Waiting timed_out = std::move(w);
        forget(fd);
        refuse(timed_out, 408, "Request Timeout",
               "The request head did not arrive in time; send it whole, without pauses.", 0);
    }
}

// Answers on the watcher's thread, without parsing the request: a worker is exactly what
// the client cannot have. What the client has sent is read and dropped first, so that
// closing does not reset the connection under our answer.
void HttpFront::refuse(Waiting& w, int status, const char* reason, const std::string& detail,
                       int retry_after) {
    const int fd = fd_of(w.socket);
    for (std::size_t drained = 0; drained < (1U << 20);) {
        const auto n = ::recv(fd, peek_buffer_.data(), peek_buffer_.size(), MSG_DONTWAIT);
        if (n <= 0) break;
        drained += static_cast<std::size_t>(n);
    }
    const std::string slug = status == 408 ? "request-timeout" : "unavailable";
    const std::string body = R"({"type":"urn:examdocs:problem:)" + slug + R"(","title":")" +
                             reason + R"(","status":)" + std::to_string(status) + R"(,"detail":")" +
                             detail + "\"}";
    std::string response = "HTTP/1.1 " + std::to_string(status) + " " + reason +
                           "\r\nContent-Type: application/problem+json\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\nConnection: close\r\n";
    if (retry_after > 0) response += "Retry-After: " + std::to_string(retry_after) + "\r\n";
    response += "\r\n" + body;
    ::send(fd, response.data(), response.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    ::shutdown(fd, SHUT_WR);
    {
        std::lock_guard lock(mutex_);
        if (status == 408) {
            ++timed_out_heads_;
        } else {
            ++refused_busy_;
        }
    }
    w.closing = true;
    w.deadline = Clock::now() + kLinger;
    add_watched(std::move(w));
}

// ---- the workers -------------------------------------------------------------------

void HttpFront::work() {
    while (true) {
        Ready ready;
        {
            std::unique_lock lock(mutex_);
            work_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            ready = std::move(queue_.front());
            queue_.pop_front();
            ++busy_;
            serving_.emplace(fd_of(ready.socket), ready.socket);
        }
        const int fd = fd_of(ready.socket);
        serve(std::move(ready));
        {
            std::lock_guard lock(mutex_);
            --busy_;
            serving_.erase(fd);
            if (busy_ == 0 && queue_.empty()) idle_.notify_all();
        }
    }
}

void HttpFront::serve(Ready ready) {
    FrontSession session(ready.socket, params_);
    ready.socket = Poco::Net::StreamSocket();  // the session holds it now
    int served = ready.requests;
    const int max_requests = params_->getMaxKeepAliveRequests();
    while (true) {
        bool keep_alive = false;
        try {
            Poco::Net::HTTPServerResponseImpl response(session);
            Poco::Net::HTTPServerRequestImpl request(response, session, params_);
            response.setDate(Poco::Timestamp());
            response.setVersion(request.getVersion());
            bool accepting = false;
            {
                std::lock_guard lock(mutex_);
                accepting = accepting_;
            }
            const bool last = max_requests > 0 && served + 1 >= max_requests;
            response.setKeepAlive(params_->getKeepAlive() && request.getKeepAlive() && !last &&
                                  accepting);
            if (!params_->getSoftwareVersion().empty()) {
                response.set("Server", params_->getSoftwareVersion());
            }
            std::unique_ptr<Poco::Net::HTTPRequestHandler> handler(
                factory_->createRequestHandler(request));
            if (!handler) {
                send_error(session, Poco::Net::HTTPResponse::HTTP_NOT_IMPLEMENTED);
                return;
            }
            if (request.getExpectContinue() &&
                response.getStatus() == Poco::Net::HTTPResponse::HTTP_OK) {
                response.sendContinue();
            }
            handler->handleRequest(request, response);
            keep_alive = response.sent() && response.getKeepAlive();
        } catch (const Poco::Net::NoMessageException&) {
            return;  // the client closed instead of sending a request
        } catch (const Poco::Net::MessageException&) {
            send_error(session, Poco::Net::HTTPResponse::HTTP_BAD_REQUEST);
            return;
        } catch (const Poco::Exception&) {
            return;  // the connection broke; the session closes it
        }
        ++served;
        if (!keep_alive) return;
        // Pipelined: the next request is (partly) in the session's buffer already.
        if (session.buffered() > 0) continue;
        if (next_head_arrives(session.socket())) continue;
        park(session.detachSocket(), served);
        return;
    }
}

// Parking a connection and taking it back costs three thread hand-overs a request (the
// worker wakes the watcher, the watcher sees the next head and wakes a worker); on two
// cores those wake-ups were most of a small request's CPU. A client that sends its next
// request right after reading the answer (an API client, a proxy's upstream connection)
// usually has it here within a fraction of a millisecond: the worker waits that long for
// a whole head and serves it itself. Only while no request waits for a worker, and only
// a whole head: a slow one still goes to the watcher and its head timeout.
bool HttpFront::next_head_arrives(const Poco::Net::StreamSocket& socket) {
    if (limits_.hold.count() <= 0) return false;
    {
        std::lock_guard lock(mutex_);
        if (!queue_.empty() || !accepting_ || stopping_) return false;
    }
    const int fd = fd_of(socket);
    pollfd watch{fd, POLLIN, 0};
    if (::poll(&watch, 1, static_cast<int>(limits_.hold.count())) != 1) return false;
    if ((watch.revents & POLLIN) == 0) return false;
    thread_local std::array<char, kHeldHeadPeek> peek{};
    const auto n = ::recv(fd, peek.data(), peek.size(), MSG_PEEK | MSG_DONTWAIT);
    if (n <= 0) return false;  // closed (the watcher sees it) or nothing after all
    return head_complete(std::string_view(peek.data(), static_cast<std::size_t>(n)));
}

void HttpFront::park(const Poco::Net::StreamSocket& socket, int requests) {
    {
        std::lock_guard lock(mutex_);
        if (!accepting_ || stopping_) return;  // closes it
        returning_.push_back({socket, requests});
    }
    wake_watcher();
}

}  // namespace examdocs::service
