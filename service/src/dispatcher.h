#pragma once
// Private to service/: the request handler factory that every request goes through.
#include <Poco/Net/HTTPRequestHandlerFactory.h>

namespace examdocs::service {

class Service;

class Dispatcher : public Poco::Net::HTTPRequestHandlerFactory {
  public:
    explicit Dispatcher(Service& service) : service_(service) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest& request) override;

  private:
    Service& service_;
};

}  // namespace examdocs::service
