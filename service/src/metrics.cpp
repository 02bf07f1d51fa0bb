#include "examdocs/service/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "examdocs/core/build_info.h"

namespace examdocs::service {

Metrics::Metrics() : registry_(std::make_shared<prometheus::Registry>()) {
    requests_ = &prometheus::BuildCounter()
                     .Name("examdocs_http_requests_total")
                     .Help("HTTP requests answered, by route pattern, method and status.")
                     .Register(*registry_);
    latency_ = &prometheus::BuildHistogram()
                    .Name("examdocs_http_request_duration_seconds")
                    .Help("Time from request line to the end of the response.")
                    .Register(*registry_);
    in_flight_ = &prometheus::BuildGauge()
                      .Name("examdocs_http_requests_in_flight")
                      .Help("Requests being handled now.")
                      .Register(*registry_)
                      .Add({});
    prometheus::BuildGauge()
        .Name("examdocs_build_info")
        .Help("Always 1; the labels say which build is running.")
        .Register(*registry_)
        .Add({{"version", std::string(project_version())}, {"commit", std::string(git_commit())}})
        .Set(1);
}

Metrics::~Metrics() = default;

void Metrics::observe_request(std::string_view route, std::string_view method, int status,
                              double seconds) {
    std::map<std::string, std::string> labels{{"route", std::string(route)},
                                              {"method", std::string(method)},
                                              {"status", std::to_string(status)}};
    requests_->Add(labels).Increment();
    // Buckets from 1 ms to 10 s: a ticket renders in milliseconds, a bulk upload in seconds.
    static const prometheus::Histogram::BucketBoundaries buckets{
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    latency_->Add({{"route", std::string(route)}, {"method", std::string(method)}}, buckets)
        .Observe(seconds);
}

void Metrics::request_started() { in_flight_->Increment(); }
void Metrics::request_finished() { in_flight_->Decrement(); }

std::string Metrics::render() const {
    return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace examdocs::service
