#include "support/running_service.h"

#include <Poco/JSON/Parser.h>

namespace examdocs::test {

RunningService::RunningService(const std::function<void(service::Settings&)>& adjust_settings,
                               const std::function<void(service::Service&)>& before_start) {
    service::Settings settings;
    settings.port = 0;
    settings.threads = 4;
    settings.data_dir = data_dir_.path();
    if (adjust_settings) adjust_settings(settings);
    service_ = std::make_unique<service::Service>(settings, log_);
    if (before_start) before_start(*service_);
    service_->start();
    port_ = service_->port();
}

RunningService::~RunningService() { service_->shutdown(); }

Poco::JSON::Object::Ptr parse_object(const std::string& json) {
    Poco::JSON::Parser parser;
    return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
}

}  // namespace examdocs::test
