#include "support/nginx_server.h"

#include <Poco/File.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/samples.h"

namespace examdocs::test {

namespace {

std::uint16_t free_port() {
    Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
    return probe.address().port();
}

bool accepts_connections(std::uint16_t port) {
    try {
        Poco::Net::StreamSocket socket;
        socket.connect(Poco::Net::SocketAddress("127.0.0.1", port), Poco::Timespan(0, 200'000));
        return true;
    } catch (const Poco::Exception&) {
        return false;
    }
}

}  // namespace

std::string nginx_binary() {
    for (const char* path : {"/usr/sbin/nginx", "/usr/bin/nginx"}) {
        if (Poco::File(path).exists()) return path;
    }
    return "";
}

NginxServer::NginxServer(std::uint16_t upstream_port, const std::string& extra_server) {
    const std::string binary = nginx_binary();
    if (binary.empty()) throw std::runtime_error("nginx is not installed (scripts/setup)");
    prefix_.createDirectories();
    const std::string prefix = prefix_.path();
    const std::string deploy = source_path("deploy/nginx");
    port_ = free_port();
    std::ofstream(prefix + "/nginx.conf")
        << "daemon off;\nmaster_process on;\nworker_processes 1;\nuser root;\n"
        << "pid " << prefix << "/nginx.pid;\nerror_log " << prefix << "/error.log warn;\n"
        << "events { worker_connections 1024; }\nhttp {\n  access_log off;\n"
        << "  client_body_temp_path " << prefix << "/body;\n"
        << "  proxy_temp_path " << prefix << "/proxy;\n"
        << "  fastcgi_temp_path " << prefix << "/fastcgi;\n"
        << "  uwsgi_temp_path " << prefix << "/uwsgi;\n  scgi_temp_path " << prefix << "/scgi;\n"
        << "  upstream examdocs { server 127.0.0.1:" << upstream_port << "; keepalive 8; }\n"
        << "  limit_conn_zone $binary_remote_addr zone=examdocs_per_client:1m;\n"
        << "  server {\n    listen 127.0.0.1:" << port_ << ";\n"
        << "    include " << deploy << "/examdocs-server.conf;\n"
        << extra_server << "\n    location / { include " << deploy
        << "/examdocs-proxy.conf; }\n  }\n}\n";
    process_ = std::make_unique<Poco::ProcessHandle>(Poco::Process::launch(
        binary, {"-p", prefix + "/", "-c", prefix + "/nginx.conf", "-e", prefix + "/error.log"}));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!accepts_connections(port_)) {
        if (std::chrono::steady_clock::now() > deadline || !Poco::Process::isRunning(*process_)) {
            throw std::runtime_error("nginx did not start: " + error_log());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

NginxServer::~NginxServer() {
    if (!process_) return;
    // SIGQUIT: nginx's graceful stop; then wait for the master to go.
    ::kill(process_->id(), SIGQUIT);
    process_->wait();
}

std::string NginxServer::error_log() const {
    std::ifstream in(prefix_.path() + "/error.log");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace examdocs::test
