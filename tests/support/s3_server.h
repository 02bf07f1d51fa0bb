#pragma once
// A real S3-compatible server for tests: s3rver (npm, installed into the build directory
// from tests/s3/package-lock.json by tests/CMakeLists.txt) on Node.js, with a directory of
// its own, on a free loopback port, with one bucket. It knows one access key (S3RVER,
// secret S3RVER) and refuses others; it does not check V4 signatures (3.7.1). Started in the
// constructor (ready when it returns), stopped in the destructor.
#include <Poco/Process.h>
#include <Poco/TemporaryFile.h>

#include <cstdint>
#include <memory>
#include <string>

namespace examdocs::test {

class S3Server {
  public:
    explicit S3Server(const std::string& bucket = "examdocs-jobs");
    ~S3Server();
    S3Server(const S3Server&) = delete;
    S3Server& operator=(const S3Server&) = delete;

    std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
    std::uint16_t port() const { return port_; }
    static constexpr const char* kAccessKeyId = "S3RVER";
    static constexpr const char* kSecretAccessKey = "S3RVER";
    // Where s3rver keeps the bucket's objects (to look at what a test left behind).
    std::string directory() const { return directory_.path() + "/data"; }

  private:
    Poco::TemporaryFile directory_;
    std::uint16_t port_ = 0;
    std::unique_ptr<Poco::ProcessHandle> process_;
};

}  // namespace examdocs::test
