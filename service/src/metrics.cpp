#include "examdocs/service/metrics.h"

#include <dirent.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "examdocs/core/build_info.h"

namespace examdocs::service {

namespace {

// Buckets from 1 ms to 10 s: a ticket renders in milliseconds, a bulk upload in seconds.
const prometheus::Histogram::BucketBoundaries& duration_buckets() {
    static const prometheus::Histogram::BucketBoundaries buckets{
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    return buckets;
}

prometheus::Family<prometheus::Counter>& counter(prometheus::Registry& r, const char* name,
                                                 const char* help) {
    return prometheus::BuildCounter().Name(name).Help(help).Register(r);
}

prometheus::Family<prometheus::Gauge>& gauge(prometheus::Registry& r, const char* name,
                                             const char* help) {
    return prometheus::BuildGauge().Name(name).Help(help).Register(r);
}

// Seconds since the epoch at which the machine booted (/proc/stat btime), or 0.
double boot_time() {
    std::ifstream in("/proc/stat");
    std::string key;
    double value = 0;
    while (in >> key) {
        if (key == "btime") {
            in >> value;
            return value;
        }
        in.ignore(1 << 16, '\n');
    }
    return 0;
}

}  // namespace

Metrics::Metrics() : registry_(std::make_shared<prometheus::Registry>()) {
    auto& r = *registry_;
    requests_ = &counter(r, "examdocs_http_requests_total",
                         "HTTP requests answered, by route pattern, method and status.");
    latency_ = &prometheus::BuildHistogram()
                    .Name("examdocs_http_request_duration_seconds")
                    .Help("Time from request line to the end of the response.")
                    .Register(r);
    in_flight_ =
        &gauge(r, "examdocs_http_requests_in_flight", "Requests being handled now.").Add({});
    gauge(r, "examdocs_build_info", "Always 1; the labels say which build is running.")
        .Add({{"version", std::string(project_version())}, {"commit", std::string(git_commit())}})
        .Set(1);

    issued_ = &counter(r, "examdocs_certificates_issued_total",
                       "Certificates issued (an idempotent retry counts once).")
                   .Add({});
    revoked_ = &counter(r, "examdocs_certificates_revoked_total", "Certificates revoked.").Add({});
    verifications_ = &counter(r, "examdocs_verifications_total",
                              "Certificate verifications (API and page), by verdict.");
    photo_checks_ = &counter(r, "examdocs_photo_checks_total",
                             "ID photos checked by POST /v1/photos/check, by verdict.");
    photo_check_failures_ = &counter(r, "examdocs_photo_check_failures_total",
                                     "Failed photo checks, by check code (one photo can fail "
                                     "several).");
    documents_ = &counter(r, "examdocs_documents_rendered_total",
                          "Documents rendered by POST /v1/documents, by layout.");
    render_seconds_ = &prometheus::BuildHistogram()
                           .Name("examdocs_document_render_seconds")
                           .Help("Time to render one document, by layout.")
                           .Register(r);
    jobs_ended_ = &counter(r, "examdocs_jobs_ended_total",
                           "Bulk jobs (or their chunks' jobs) that ended here, by final state.");
    records_ = &counter(r, "examdocs_job_records_total",
                        "Records of bulk jobs handled here, by outcome (printed, refused).");
    jobs_ =
        &gauge(r, "examdocs_jobs", "Bulk jobs in the registry, by state (read at scrape time).");
    queue_depth_ = &gauge(r, "examdocs_job_queue_depth",
                          "Bulk jobs waiting to run (queued), read at scrape time.")
                        .Add({});
    auto& pool = gauge(r, "examdocs_database_connections",
                       "Registry database sessions of this process's pool, by state.");
    db_in_use_ = &pool.Add({{"state", "in_use"}});
    db_idle_ = &pool.Add({{"state", "idle"}});
    audit_waiting_ = &gauge(r, "examdocs_audit_lines_waiting",
                            "Lookup audit lines queued for the database (growing: it refuses "
                            "them, e.g. a full disk).")
                          .Add({});
    audit_dropped_ = &gauge(r, "examdocs_audit_lines_dropped",
                            "Lookup audit lines dropped since start because the queue was full.")
                          .Add({});

    resident_ =
        &gauge(r, "process_resident_memory_bytes", "Resident memory size in bytes.").Add({});
    virtual_ = &gauge(r, "process_virtual_memory_bytes", "Virtual memory size in bytes.").Add({});
    open_fds_ = &gauge(r, "process_open_fds", "Number of open file descriptors.").Add({});
    max_fds_ = &gauge(r, "process_max_fds", "Maximum number of open file descriptors.").Add({});
    cpu_seconds_ =
        &counter(r, "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.")
             .Add({});
    start_time_ = &gauge(r, "process_start_time_seconds",
                         "Start time of the process since the Unix epoch in seconds.")
                       .Add({});
}

Metrics::~Metrics() = default;

void Metrics::observe_request(std::string_view route, std::string_view method, int status,
                              double seconds) {
    std::map<std::string, std::string> labels{{"route", std::string(route)},
                                              {"method", std::string(method)},
                                              {"status", std::to_string(status)}};
    requests_->Add(labels).Increment();
    latency_
        ->Add({{"route", std::string(route)}, {"method", std::string(method)}}, duration_buckets())
        .Observe(seconds);
}

void Metrics::request_started() { in_flight_->Increment(); }
void Metrics::request_finished() { in_flight_->Decrement(); }

void Metrics::certificate_issued() { issued_->Increment(); }
void Metrics::certificate_revoked() { revoked_->Increment(); }

void Metrics::verification(std::string_view verdict) {
    verifications_->Add({{"verdict", std::string(verdict)}}).Increment();
}

void Metrics::photo_checked(std::string_view verdict,
                            const std::vector<std::string>& failed_checks) {
    photo_checks_->Add({{"verdict", std::string(verdict)}}).Increment();
    for (const auto& check : failed_checks) {
        photo_check_failures_->Add({{"check", check}}).Increment();
    }
}

void Metrics::document_rendered(std::string_view layout, double seconds) {
    documents_->Add({{"layout", std::string(layout)}}).Increment();
    render_seconds_->Add({{"layout", std::string(layout)}}, duration_buckets()).Observe(seconds);
}

void Metrics::job_ended(std::string_view state) {
    jobs_ended_->Add({{"state", std::string(state)}}).Increment();
}

void Metrics::records_printed(long long printed, long long refused) {
    if (printed > 0) {
        records_->Add({{"outcome", "printed"}}).Increment(static_cast<double>(printed));
    }
    if (refused > 0) {
        records_->Add({{"outcome", "refused"}}).Increment(static_cast<double>(refused));
    }
}

void Metrics::observe_jobs(const std::map<std::string, long long>& by_state) {
    std::lock_guard lock(scrape_mutex_);
    // Every state has a series, 0 when no job is in it, so that a rate or an alert on one
    // never sees it disappear.
    for (const char* state : {"queued", "running", "done", "failed", "cancelled"}) {
        auto it = by_state.find(state);
        jobs_->Add({{"state", state}})
            .Set(it == by_state.end() ? 0 : static_cast<double>(it->second));
    }
    auto queued = by_state.find("queued");
    queue_depth_->Set(queued == by_state.end() ? 0 : static_cast<double>(queued->second));
}

void Metrics::observe_audit(long long waiting, long long dropped) {
    audit_waiting_->Set(static_cast<double>(waiting));
    audit_dropped_->Set(static_cast<double>(dropped));
}

void Metrics::observe_database(int sessions_in_use, int sessions_idle) {
    db_in_use_->Set(sessions_in_use);
    db_idle_->Set(sessions_idle);
}

void Metrics::observe_process() {
    // /proc/self/stat: after the command name in parentheses, field 14 utime, 15 stime,
    // 22 starttime (clock ticks), 23 vsize (bytes), 24 rss (pages).
    std::ifstream stat_file("/proc/self/stat");
    std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
    const auto close = stat.rfind(')');
    if (close != std::string::npos) {
        std::istringstream fields(stat.substr(close + 2));
        std::vector<std::string> f;
        for (std::string word; fields >> word;) f.push_back(word);
        // f[0] is field 3 (state).
        if (f.size() > 21) {
            const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
            const double cpu = (std::stod(f[11]) + std::stod(f[12])) / ticks;
            if (cpu > cpu_seconds_seen_) {
                cpu_seconds_->Increment(cpu - cpu_seconds_seen_);
                cpu_seconds_seen_ = cpu;
            }
            static const double started = boot_time() + std::stod(f[19]) / ticks;
            start_time_->Set(started);
            virtual_->Set(std::stod(f[20]));
            resident_->Set(std::stod(f[21]) * static_cast<double>(sysconf(_SC_PAGESIZE)));
        }
    }
    int fds = 0;
    if (DIR* dir = opendir("/proc/self/fd")) {
        while (readdir(dir)) ++fds;
        closedir(dir);
        fds -= 3;  // ".", ".." and the directory's own descriptor
    }
    open_fds_->Set(fds);
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) max_fds_->Set(static_cast<double>(limit.rlim_cur));
}

std::string Metrics::render() {
    {
        std::lock_guard lock(scrape_mutex_);
        observe_process();
    }
    return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace examdocs::service
