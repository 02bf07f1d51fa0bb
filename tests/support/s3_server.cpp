#include "support/s3_server.h"

#include <Poco/File.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#ifndef EXAMDOCS_S3RVER
#error "EXAMDOCS_S3RVER: the s3rver script installed by tests/CMakeLists.txt"
#endif

namespace examdocs::test {

S3Server::S3Server(const std::string& bucket) {
    directory_.createDirectories();
    const std::string log = directory_.path() + "/s3rver.log";
    // Port 0: s3rver binds a free port and prints it, the one line --silent leaves.
    process_ = std::make_unique<Poco::ProcessHandle>(Poco::Process::launch(
        "/bin/sh", {"-c", "exec node '" EXAMDOCS_S3RVER "' -d '" + directory_.path() +
                              "/data' -a 127.0.0.1 -p 0 --silent --configure-bucket '" + bucket +
                              "' >'" + log + "' 2>&1"}));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    const std::string mark = "S3rver listening on 127.0.0.1:";
    while (port_ == 0) {
        std::ifstream in(log);
        std::stringstream text;
        text << in.rdbuf();
        const auto at = text.str().find(mark);
        if (at != std::string::npos && text.str().find('\n', at) != std::string::npos) {
            port_ = static_cast<std::uint16_t>(std::stoi(text.str().substr(at + mark.size())));
            break;
        }
        if (std::chrono::steady_clock::now() > deadline || !Poco::Process::isRunning(*process_)) {
            throw std::runtime_error("s3rver did not start: " + text.str());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

S3Server::~S3Server() {
    if (!process_) return;
    ::kill(process_->id(), SIGTERM);
    try {
        process_->wait();
    } catch (...) {
    }
}

}  // namespace examdocs::test
