#pragma once
// PostgreSQL's LISTEN/NOTIFY, for waking instances instead of having them poll: a
// NotificationListener keeps one connection of its own (not from the session pool: it sits
// in LISTEN for the life of the process) and one thread that waits on its socket and calls
// the handler with each notification's payload. Poco::Data's PostgreSQL connector does not
// read notifications, so this is libpq directly.
//
// Notifications are a hint, not a queue: one sent while the connection was down is lost.
// So after every (re)connection the handler is called once with an empty payload, meaning
// "anything may have happened: look". Callers keep a slow poll as well.
//
// Thread-safety: the handler runs on the listener's thread and must not throw (what it
// throws is swallowed). connected() may be called from any thread. The destructor stops
// the thread and closes the connection.
#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

namespace examdocs::registry {

class NotificationListener {
  public:
    using Handler = std::function<void(std::string_view payload)>;

    // `connection`: a libpq key=value string; `channel`: an SQL identifier of lower-case
    // letters, digits and '_' (anything else throws std::invalid_argument). Connects on its
    // thread; until that succeeds, connected() is false (and it retries every second).
    NotificationListener(std::string connection, std::string channel, Handler handler);
    ~NotificationListener();
    NotificationListener(const NotificationListener&) = delete;
    NotificationListener& operator=(const NotificationListener&) = delete;

    // Listening now: a NOTIFY on the channel reaches the handler.
    bool connected() const { return connected_.load(); }

  private:
    void run();

    std::string connection_;
    std::string channel_;
    Handler handler_;
    int stop_fd_ = -1;  // an eventfd: written by the destructor to end the wait at once
    std::atomic<bool> connected_{false};
    std::thread thread_;
};

}  // namespace examdocs::registry
