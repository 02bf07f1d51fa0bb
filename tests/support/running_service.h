#pragma once
// A real examdocs service for HTTP tests: port 0, a fresh data directory, its log kept in
// memory (read it only after shutdown()).
#include <Poco/JSON/Object.h>
#include <Poco/TemporaryFile.h>

#include <memory>
#include <sstream>
#include <string>

#include "examdocs/service/service.h"

namespace examdocs::test {

class RunningService {
  public:
    // `adjust` may change the settings (limits, threads) and add routes before the start.
    explicit RunningService(const std::function<void(service::Settings&)>& adjust_settings = {},
                            const std::function<void(service::Service&)>& before_start = {});
    ~RunningService();

    service::Service& operator*() { return *service_; }
    service::Service* operator->() { return service_.get(); }
    std::uint16_t port() const { return port_; }
    std::string log_text() const { return log_stream_.str(); }

  private:
    Poco::TemporaryFile data_dir_;
    std::ostringstream log_stream_;
    service::Log log_{log_stream_, service::LogFormat::json};
    std::unique_ptr<service::Service> service_;
    std::uint16_t port_ = 0;
};

Poco::JSON::Object::Ptr parse_object(const std::string& json);

}  // namespace examdocs::test
