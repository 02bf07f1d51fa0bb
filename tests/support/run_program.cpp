#include "support/run_program.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <thread>

extern char** environ;

namespace examdocs::test {

namespace {

// The two ends of a pipe, closed when they go out of scope.
struct Pipe {
    int fds[2] = {-1, -1};
    Pipe() {
        if (::pipe2(fds, O_CLOEXEC) != 0) {
            throw std::system_error(errno, std::generic_category(), "pipe2");
        }
    }
    ~Pipe() {
        close_read();
        close_write();
    }
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;
    void close_read() {
        if (fds[0] >= 0) ::close(fds[0]);
        fds[0] = -1;
    }
    void close_write() {
        if (fds[1] >= 0) ::close(fds[1]);
        fds[1] = -1;
    }
};

struct FileActions {
    posix_spawn_file_actions_t actions{};
    FileActions() { posix_spawn_file_actions_init(&actions); }
    ~FileActions() { posix_spawn_file_actions_destroy(&actions); }
    FileActions(const FileActions&) = delete;
    FileActions& operator=(const FileActions&) = delete;
};

std::string read_to_end(int fd) {
    std::string text;
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n > 0) {
            text.append(buffer, static_cast<std::size_t>(n));
        } else if (n == 0 || errno != EINTR) {
            return text;
        }
    }
}

// This process's environment with `overlay` laid over it.
std::vector<std::string> environment_with(const std::map<std::string, std::string>& overlay) {
    std::vector<std::string> entries;
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string entry = *e;
        if (overlay.find(entry.substr(0, entry.find('='))) == overlay.end()) {
            entries.push_back(entry);
        }
    }
    for (const auto& [name, value] : overlay) entries.push_back(name + "=" + value);
    return entries;
}

}  // namespace

ProgramRun run_program(const std::string& program, const std::vector<std::string>& args,
                       const RunOptions& options) {
    Pipe out;
    Pipe err;
    FileActions files;
    if (!options.inherit_stdin) {
        posix_spawn_file_actions_addopen(&files.actions, 0, "/dev/null", O_RDONLY, 0);
    }
    posix_spawn_file_actions_adddup2(&files.actions, out.fds[1], 1);
    posix_spawn_file_actions_adddup2(&files.actions, options.errors_apart ? err.fds[1] : out.fds[1],
                                     2);
    // Whatever else the test program has open (its servers' sockets) stays with it.
    posix_spawn_file_actions_addclosefrom_np(&files.actions, 3);

    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(program.c_str()));
    for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    std::vector<std::string> environment;
    std::vector<char*> envp;
    if (!options.env.empty()) {
        environment = environment_with(options.env);
        for (auto& entry : environment) envp.push_back(entry.data());
        envp.push_back(nullptr);
    }
    pid_t pid = 0;
    const int started = ::posix_spawnp(&pid, program.c_str(), &files.actions, nullptr, argv.data(),
                                       envp.empty() ? environ : envp.data());
    if (started != 0) {
        throw std::system_error(started, std::generic_category(), "cannot run " + program);
    }
    // The child's copies are the only writers left: the reads end when it does.
    out.close_write();
    err.close_write();

    ProgramRun run;
    // stderr on a thread of its own, so that neither pipe can fill up and block the child.
    std::thread errors_reader;
    if (options.errors_apart)
        errors_reader = std::thread([&] { run.errors = read_to_end(err.fds[0]); });
    run.output = read_to_end(out.fds[0]);
    if (errors_reader.joinable()) errors_reader.join();
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return run;
}

}  // namespace examdocs::test
