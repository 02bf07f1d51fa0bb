#pragma once
// The real `examdocs serve` as a child process, for tests of what an operator sees: its
// JSON log lines are collected as they come, and a test waits for one by condition.
#include <Poco/Process.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace examdocs::test {

struct CommandRun {
    int status = 0;
    std::string out, err;
};

// Runs the examdocs binary to its end with `args`, capturing stdout and stderr
// (support/run_program.h: status 128 + the signal's number when killed by one).
CommandRun run_examdocs(const std::string& binary, const std::vector<std::string>& args,
                        const std::map<std::string, std::string>& env = {});

class ServeProcess {
  public:
    // Starts `binary serve args…` with the JSON log and waits for "listening" (port() is then
    // the bound port) or for the process to end (port() is 0; exit_status() says why).
    ServeProcess(const std::string& binary, const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env = {});
    ~ServeProcess();

    std::uint16_t port() const { return port_; }
    // The log lines so far.
    std::vector<std::string> lines() const;
    // Sends `signal` (SIGHUP: reload the layouts) to the process.
    void send_signal(int signal);
    // Waits until a log line contains `text`; false if the process ended or a minute passed.
    bool wait_for_line(const std::string& text);
    // SIGTERM, then the exit status.
    int stop();
    // Waits for the process to end by itself; its exit status.
    int exit_status();
    const std::string& stderr_text() const { return err_; }

  private:
    std::unique_ptr<Poco::ProcessHandle> handle_;
    std::uint16_t port_ = 0;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::string> lines_;
    bool ended_ = false;
    std::thread reader_, err_reader_;
    std::string err_;
    int status_ = -1;
};

}  // namespace examdocs::test
