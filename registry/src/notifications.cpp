#include "examdocs/registry/notifications.h"

#include <libpq-fe.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <memory>
#include <stdexcept>
#include <system_error>

namespace examdocs::registry {

namespace {

struct ConnectionCloser {
    void operator()(PGconn* c) const { PQfinish(c); }
};
using Connection = std::unique_ptr<PGconn, ConnectionCloser>;

struct ResultClearer {
    void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultClearer>;

// Waits until `fd` is readable, the stop eventfd is written, or `timeout_ms` passes.
// True when the stop was asked for.
bool wait_readable(int fd, int stop_fd, int timeout_ms) {
    pollfd fds[2] = {{stop_fd, POLLIN, 0}, {fd, POLLIN, 0}};
    const int count = fd >= 0 ? 2 : 1;
    while (::poll(fds, static_cast<nfds_t>(count), timeout_ms) < 0) {
        if (errno != EINTR) return false;
    }
    return (fds[0].revents & POLLIN) != 0;
}

}  // namespace

NotificationListener::NotificationListener(std::string connection, std::string channel,
                                           Handler handler)
    : connection_(std::move(connection)),
      channel_(std::move(channel)),
      handler_(std::move(handler)) {
    if (channel_.empty() ||
        channel_.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) {
        throw std::invalid_argument("not a plain channel name: " + channel_);
    }
    // A database that does not answer must not hold the thread (and so the destructor) long.
    if (connection_.find("connect_timeout") == std::string::npos)
        connection_ += " connect_timeout=5";
    stop_fd_ = ::eventfd(0, EFD_CLOEXEC);
    if (stop_fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
    thread_ = std::thread([this] { run(); });
}

NotificationListener::~NotificationListener() {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(stop_fd_, &one, sizeof one);
    if (thread_.joinable()) thread_.join();
    ::close(stop_fd_);
}

void NotificationListener::run() {
    auto call = [this](std::string_view payload) {
        try {
            handler_(payload);
        } catch (...) {
            // The handler only wakes threads; a failure there must not end the listening.
        }
    };
    while (true) {
        Connection conn(PQconnectdb(connection_.c_str()));
        bool listening = false;
        if (conn && PQstatus(conn.get()) == CONNECTION_OK) {
            const Result r(PQexec(conn.get(), ("LISTEN " + channel_).c_str()));
            listening = r && PQresultStatus(r.get()) == PGRES_COMMAND_OK;
        }
        if (!listening) {
            // The database is down or refuses us: the callers poll meanwhile.
            if (wait_readable(-1, stop_fd_, 1000)) return;
            continue;
        }
        connected_.store(true);
        call("");  // whatever happened while not listening
        const int socket = PQsocket(conn.get());
        while (true) {
            if (wait_readable(socket, stop_fd_, -1)) {
                connected_.store(false);
                return;
            }
            if (PQconsumeInput(conn.get()) == 0) break;  // the connection is gone
            while (PGnotify* n = PQnotifies(conn.get())) {
                const std::string payload = n->extra ? n->extra : "";
                PQfreemem(n);
                call(payload);
            }
        }
        connected_.store(false);
        if (wait_readable(-1, stop_fd_, 1000)) return;
    }
}

}  // namespace examdocs::registry
