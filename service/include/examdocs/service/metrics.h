#pragma once
// Prometheus metrics of the service, kept in a prometheus-cpp registry (Debian's
// prometheus-cpp-dev; its core only, since we serve /metrics through our own server).
// Thread-safe: prometheus-cpp metrics are atomic.
#include <memory>
#include <string>
#include <string_view>

namespace prometheus {
class Registry;
class Gauge;
template <typename T>
class Family;
class Counter;
class Histogram;
}  // namespace prometheus

namespace examdocs::service {

class Metrics {
  public:
    Metrics();
    ~Metrics();
    Metrics(const Metrics&) = delete;
    Metrics& operator=(const Metrics&) = delete;

    // `route` is the route pattern ("/v1/certificates/{number}"), never the raw path,
    // so that label values stay few.
    void observe_request(std::string_view route, std::string_view method, int status,
                         double seconds);
    void request_started();
    void request_finished();

    // The Prometheus text exposition format (version 0.0.4).
    std::string render() const;

    prometheus::Registry& registry() { return *registry_; }

  private:
    std::shared_ptr<prometheus::Registry> registry_;
    prometheus::Family<prometheus::Counter>* requests_;
    prometheus::Family<prometheus::Histogram>* latency_;
    prometheus::Gauge* in_flight_;
};

}  // namespace examdocs::service
