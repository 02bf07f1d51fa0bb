#pragma once
// A real nginx (Debian's nginx-light) in front of a service, for tests: its own prefix
// directory, a free loopback port, the shipped deploy/nginx/ snippets included as an
// operator would include them. Started in the constructor (ready when it returns),
// stopped in the destructor.
#include <Poco/Process.h>
#include <Poco/TemporaryFile.h>

#include <cstdint>
#include <memory>
#include <string>

namespace examdocs::test {

class NginxServer {
  public:
    // Proxies 127.0.0.1:<port()> to 127.0.0.1:<upstream_port>. `extra_server` is placed
    // in the server block after the shipped limits (a test's own overrides).
    explicit NginxServer(std::uint16_t upstream_port, const std::string& extra_server = {});
    ~NginxServer();
    NginxServer(const NginxServer&) = delete;
    NginxServer& operator=(const NginxServer&) = delete;

    std::uint16_t port() const { return port_; }
    // nginx's error log, for a failing test's message.
    std::string error_log() const;

  private:
    Poco::TemporaryFile prefix_;
    std::uint16_t port_ = 0;
    std::unique_ptr<Poco::ProcessHandle> process_;
};

// Where Debian's nginx is, or "" when it is not installed.
std::string nginx_binary();

}  // namespace examdocs::test
