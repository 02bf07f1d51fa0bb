#pragma once
// Prometheus metrics of the service, kept in a prometheus-cpp registry (Debian's
// prometheus-cpp-dev; its core only, since we serve /metrics through our own server).
// Names follow Prometheus conventions: examdocs_ prefix, base units (seconds, bytes),
// _total for counters. Thread-safe: prometheus-cpp metrics are atomic, and what is read at
// scrape time (jobs by state, the database pool, process_*) is taken under a lock.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

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

    // What the service did. Label values come from fixed sets (layouts, verdicts, check
    // codes, job states), never from request data.
    void certificate_issued();
    void certificate_revoked();
    void verification(std::string_view verdict);  // valid, revoked, expired, unknown, forged
    void photo_checked(std::string_view verdict, const std::vector<std::string>& failed_checks);
    void document_rendered(std::string_view layout, double seconds);
    void job_ended(std::string_view state);  // done, failed, cancelled
    void records_printed(long long printed, long long refused);

    // What is read when /metrics is asked for.
    void observe_jobs(const std::map<std::string, long long>& by_state);
    void observe_database(int sessions_in_use, int sessions_idle);
    // Lookup audit lines waiting for the database, and those dropped for room.
    void observe_audit(long long waiting, long long dropped);

    // The Prometheus text exposition format (version 0.0.4), with process_* read now.
    std::string render();

    prometheus::Registry& registry() { return *registry_; }

  private:
    void observe_process();

    std::shared_ptr<prometheus::Registry> registry_;
    prometheus::Family<prometheus::Counter>* requests_;
    prometheus::Family<prometheus::Histogram>* latency_;
    prometheus::Gauge* in_flight_;
    prometheus::Counter* issued_;
    prometheus::Counter* revoked_;
    prometheus::Family<prometheus::Counter>* verifications_;
    prometheus::Family<prometheus::Counter>* photo_checks_;
    prometheus::Family<prometheus::Counter>* photo_check_failures_;
    prometheus::Family<prometheus::Counter>* documents_;
    prometheus::Family<prometheus::Histogram>* render_seconds_;
    prometheus::Family<prometheus::Counter>* jobs_ended_;
    prometheus::Family<prometheus::Counter>* records_;
    prometheus::Family<prometheus::Gauge>* jobs_;
    prometheus::Gauge* queue_depth_;
    prometheus::Gauge* db_in_use_;
    prometheus::Gauge* db_idle_;
    prometheus::Gauge* audit_waiting_;
    prometheus::Gauge* audit_dropped_;
    prometheus::Gauge* resident_;
    prometheus::Gauge* virtual_;
    prometheus::Gauge* open_fds_;
    prometheus::Gauge* max_fds_;
    prometheus::Counter* cpu_seconds_;
    prometheus::Gauge* start_time_;
    std::mutex scrape_mutex_;
    double cpu_seconds_seen_ = 0;
};

}  // namespace examdocs::service
