#include "support/serve_process.h"

#include <algorithm>

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <iterator>
#include <system_error>

namespace examdocs::test {

namespace {

// A file descriptor of ours, closed when it goes out of scope.
class OwnedFd {
  public:
    explicit OwnedFd(int fd) : fd_(fd) {}
    OwnedFd(const OwnedFd&) = delete;
    OwnedFd& operator=(const OwnedFd&) = delete;
    ~OwnedFd() { close(); }
    int get() const { return fd_; }
    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

  private:
    int fd_;
};

struct PipeEnds {
    std::unique_ptr<OwnedFd> read, write;
};

PipeEnds make_pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        throw std::system_error(errno, std::generic_category(), "pipe2");
    return {std::make_unique<OwnedFd>(fds[0]), std::make_unique<OwnedFd>(fds[1])};
}

std::string read_to_end(int fd) {
    std::string text;
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n > 0) {
            text.append(buffer, static_cast<std::size_t>(n));
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            return text;
        }
    }
}

class SpawnActions {
  public:
    SpawnActions() { ::posix_spawn_file_actions_init(&actions_); }
    SpawnActions(const SpawnActions&) = delete;
    SpawnActions& operator=(const SpawnActions&) = delete;
    ~SpawnActions() { ::posix_spawn_file_actions_destroy(&actions_); }
    posix_spawn_file_actions_t* get() { return &actions_; }

  private:
    posix_spawn_file_actions_t actions_{};
};

}  // namespace

// posix_spawn rather than Poco::Process::launch, which forks: a fork of an ASan test process
// copies its page tables and then closes every descriptor up to the limit (20,000 here)
// one by one, ~40 ms of CPU a command, and the command-line tests run a few hundred.
// The child gets what launch gave it: stdin inherited, stdout and stderr to our pipes, no
// other descriptor of ours (closefrom 3), the environment with `env` laid over it.
CommandRun run_examdocs(const std::string& binary, const std::vector<std::string>& args,
                        const std::map<std::string, std::string>& env) {
    PipeEnds out = make_pipe();
    PipeEnds err = make_pipe();
    SpawnActions actions;
    ::posix_spawn_file_actions_adddup2(actions.get(), out.write->get(), STDOUT_FILENO);
    ::posix_spawn_file_actions_adddup2(actions.get(), err.write->get(), STDERR_FILENO);
    ::posix_spawn_file_actions_addclosefrom_np(actions.get(), STDERR_FILENO + 1);

    std::vector<std::string> argument_strings{binary};
    argument_strings.insert(argument_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argument_strings) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> environment_strings;
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string entry = *e;
        if (env.find(entry.substr(0, entry.find('='))) == env.end()) {
            environment_strings.push_back(entry);
        }
    }
    for (const auto& [name, value] : env) environment_strings.push_back(name + "=" + value);
    std::vector<char*> envp;
    for (auto& e : environment_strings) envp.push_back(e.data());
    envp.push_back(nullptr);

    pid_t pid = 0;
    const int failed =
        ::posix_spawn(&pid, binary.c_str(), actions.get(), nullptr, argv.data(), envp.data());
    if (failed != 0)
        throw std::system_error(failed, std::generic_category(), "posix_spawn " + binary);
    // Our copies of the write ends go, so that the reads end when the child's do.
    out.write->close();
    err.write->close();
    // stderr on a thread of its own, so that neither pipe can fill up and block the child.
    std::string err_text;
    std::thread err_reader([&] { err_text = read_to_end(err.read->get()); });
    std::string out_text = read_to_end(out.read->get());
    err_reader.join();
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    // As Poco::ProcessHandle::wait() says it: a signal is 256 + its number.
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 256 + WTERMSIG(status);
    return {code, out_text, err_text};
}

ServeProcess::ServeProcess(const std::string& binary, const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& env) {
    Poco::Pipe out_pipe, err_pipe;
    Poco::Process::Env process_env{{"EXAMDOCS_LOG_FORMAT", "json"}};
    for (const auto& [k, v] : env) process_env[k] = v;
    std::vector<std::string> all{"serve"};
    all.insert(all.end(), args.begin(), args.end());
    handle_ = std::make_unique<Poco::ProcessHandle>(
        Poco::Process::launch(binary, all, "", nullptr, &out_pipe, &err_pipe, process_env));
    auto out = std::make_shared<Poco::PipeInputStream>(out_pipe);
    auto err = std::make_shared<Poco::PipeInputStream>(err_pipe);
    reader_ = std::thread([this, out] {
        std::string line;
        while (std::getline(*out, line)) {
            std::lock_guard lock(mutex_);
            lines_.push_back(line);
            changed_.notify_all();
        }
        std::lock_guard lock(mutex_);
        ended_ = true;
        changed_.notify_all();
    });
    err_reader_ = std::thread([this, err] {
        err_.assign(std::istreambuf_iterator<char>(*err), std::istreambuf_iterator<char>());
    });
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::minutes(2), [this] {
        for (const auto& l : lines_) {
            if (l.find("\"msg\":\"listening\"") != std::string::npos) {
                const auto at = l.find("\"port\":");
                if (at != std::string::npos)
                    port_ = static_cast<std::uint16_t>(std::stoi(l.substr(at + 7)));
                return true;
            }
        }
        return ended_;
    });
}

ServeProcess::~ServeProcess() {
    if (status_ < 0 && handle_) {
        ::kill(handle_->id(), SIGKILL);
        status_ = handle_->wait();
    }
    if (reader_.joinable()) reader_.join();
    if (err_reader_.joinable()) err_reader_.join();
}

std::vector<std::string> ServeProcess::lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
}

void ServeProcess::send_signal(int signal) { ::kill(handle_->id(), signal); }

bool ServeProcess::wait_for_line(const std::string& text) {
    std::unique_lock lock(mutex_);
    bool found = false;
    changed_.wait_for(lock, std::chrono::minutes(1), [&] {
        found = std::any_of(lines_.begin(), lines_.end(),
                            [&](const auto& l) { return l.find(text) != std::string::npos; });
        return found || ended_;
    });
    return found;
}

int ServeProcess::stop() {
    if (status_ < 0) {
        ::kill(handle_->id(), SIGTERM);
        status_ = handle_->wait();
    }
    if (reader_.joinable()) reader_.join();
    if (err_reader_.joinable()) err_reader_.join();
    return status_;
}

int ServeProcess::exit_status() {
    if (status_ < 0) status_ = handle_->wait();
    if (reader_.joinable()) reader_.join();
    if (err_reader_.joinable()) err_reader_.join();
    return status_;
}

}  // namespace examdocs::test
