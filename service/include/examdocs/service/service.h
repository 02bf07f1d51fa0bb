#pragma once
// The examdocs HTTP service: the HTTP front (http_front.h), the route table, the one place where
// exceptions become problem+json, the access log, metrics and health.
//
// Life cycle: construct (routes are added; a broken layout throws LayoutError here), add more
// routes through router(), start(), and shutdown() (also run by the destructor). start() returns
// once the socket listens; start-up checks (fonts) run in the background and flip /health/ready to
// 200 when they pass. Methods are called from one controlling thread; requests are handled on the
// server's worker threads.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include "examdocs/photos/photo_profile.h"
#include "examdocs/registry/certificate_registry.h"
#include "examdocs/registry/pdf_signing_certificate.h"
#include "examdocs/renderers/layout_catalog.h"
#include "examdocs/renderers/pdf_signature.h"
#include "examdocs/service/access_control.h"
#include "examdocs/service/config.h"
#include "examdocs/service/health.h"
#include "examdocs/service/log.h"
#include "examdocs/service/metrics.h"
#include "examdocs/service/page_sessions.h"
#include "examdocs/service/router.h"

namespace examdocs::jobs {
class JobQueue;
class JobListener;
}  // namespace examdocs::jobs

namespace examdocs::service {

class HttpFront;

// Why start() could not start, for `examdocs serve` to choose its exit status:
// registry_refused when the registry is damaged, cannot be made durable, or is not the
// one the signing keys belong to; configuration when the settings contradict the data
// (signing.algorithm and the newest signing key).
class StartError : public std::runtime_error {
  public:
    enum class Reason { cannot_listen, data_dir_not_writable, registry_refused, configuration };
    StartError(Reason reason, const std::string& message)
        : std::runtime_error(message), reason_(reason) {}
    Reason reason() const { return reason_; }

  private:
    Reason reason_;
};

class Service {
  public:
    Service(Settings settings, Log& log);
    ~Service();
    Service(const Service&) = delete;
    Service& operator=(const Service&) = delete;

    Router& router() { return router_; }
    Health& health() { return health_; }
    Metrics& metrics() { return metrics_; }
    Log& log() { return log_; }
    const renderers::LayoutCatalog& layouts() const { return layouts_; }
    // Reads the built-in layouts and layouts.dir again (SIGHUP, POST /v1/layouts/reload):
    // when every file is valid the set is swapped in at once (renders under way finish on
    // the layouts they hold); when any is not, nothing changes and `errors` says why.
    // Warnings are logged either way. Thread-safe; reloads run one at a time.
    struct LayoutReload {
        bool applied = false;
        std::size_t layouts = 0;  // in the set now serving
        std::vector<renderers::LayoutFileProblem> errors, warnings;
    };
    LayoutReload reload_layouts();
    // Null until start() has opened it (or when it could not be opened: see /health).
    registry::CertificateRegistry* registry() { return registry_.get(); }
    // Signs the registry's certificate PDFs; null until start() has opened the registry.
    const renderers::PdfSigner* pdf_signer() const {
        return pdf_certificate_ ? &pdf_signer_ : nullptr;
    }
    // Null until start() has opened the registry database.
    jobs::JobQueue* jobs() { return jobs_.get(); }
    // This instance's name among those sharing bulk jobs; empty before start().
    std::string job_instance() const;
    const Authorizer& authorizer() const { return authorizer_; }
    RateLimiter& public_rate_limiter() { return public_rate_limiter_; }
    // The signed-in sessions of the office pages (/print, the layout designer).
    const PageSessions& page_sessions() const { return page_sessions_; }
    const std::map<std::string, photos::PhotoProfile, std::less<>>& photo_profiles() const {
        return photo_profiles_;
    }
    const Settings& settings() const { return settings_; }

    // Throws StartError when the data directory is not writable or the address cannot be
    // bound (in use: no SO_REUSEPORT unless server.reuse-port).
    void start();
    // The port actually bound (useful with server.port = 0).
    std::uint16_t port() const;
    // Stops accepting connections, lets in-flight requests finish within
    // server.drain-timeout-s, then closes every connection. Idempotent.
    void shutdown();

    // A write failed for want of space (the data directory's disk or the database's):
    // /health/ready says so until space is back. Thread-safe.
    void note_storage_full(const std::string& detail);
    // Measures the data directory's free space into health() as "storage"; /health and
    // /health/ready call it before they answer. Thread-safe.
    void refresh_storage_health();

    // Used by the dispatcher.
    bool draining() const { return draining_.load(); }
    void request_started();
    void request_finished();
    int in_flight() const;

  private:
    void run_startup_checks();

    Settings settings_;
    Log& log_;
    renderers::LayoutCatalog layouts_;
    std::mutex reload_mutex_;
    Authorizer authorizer_;
    RateLimiter public_rate_limiter_;
    PageSessions page_sessions_;  // after authorizer_, which it reads
    std::unique_ptr<registry::CertificateRegistry> registry_;
    std::unique_ptr<registry::PdfSigningCertificate> pdf_certificate_;
    renderers::PdfSigner pdf_signer_;
    std::map<std::string, photos::PhotoProfile, std::less<>> photo_profiles_;
    // The queue reports to the listener (log and metrics): declared first, it outlives it.
    std::unique_ptr<jobs::JobListener> job_listener_;
    std::unique_ptr<jobs::JobQueue> jobs_;
    Router router_;
    Health health_;
    Metrics metrics_;
    std::unique_ptr<HttpFront> server_;
    std::thread startup_;
    std::uint16_t bound_port_ = 0;
    std::atomic<bool> draining_{false};
    bool started_ = false;
    bool stopped_ = false;
    mutable std::mutex in_flight_mutex_;
    std::condition_variable in_flight_cv_;
    int in_flight_ = 0;
    std::mutex storage_mutex_;
    std::string storage_full_detail_;  // the last write refused for want of space
    std::chrono::steady_clock::time_point storage_full_at_{};
};

}  // namespace examdocs::service
