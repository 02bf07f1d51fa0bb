#include "support/serve_process.h"

#include <algorithm>

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <signal.h>

#include <chrono>
#include <iterator>

#include "support/run_program.h"

namespace examdocs::test {

CommandRun run_examdocs(const std::string& binary, const std::vector<std::string>& args,
                        const std::map<std::string, std::string>& env) {
    // stdin inherited, as Poco::Process::launch gave it before run_program.
    auto run = run_program(binary, args, {.env = env, .errors_apart = true, .inherit_stdin = true});
    return {run.status, std::move(run.output), std::move(run.errors)};
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
