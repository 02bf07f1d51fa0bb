#include "examdocs/service/service.h"

#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Path.h>
#include <Poco/TemporaryFile.h>
#include <Poco/ThreadPool.h>

#include <fstream>
#include <sstream>

#include "certificate_routes.h"
#include "dispatcher.h"
#include "document_routes.h"
#include "examdocs/fonts/font_manifest.h"
#include "examdocs/fonts/font_set.h"
#include "job_routes.h"
#include "job_runner.h"
#include "photo_routes.h"
#include "system_routes.h"
#include "verify_page.h"

namespace examdocs::service {

Service::Service(Settings settings, Log& log)
    : settings_(std::move(settings)),
      log_(log),
      layouts_(renderers::LayoutCatalog::bundled()),
      authorizer_(parse_api_keys(settings_.api_keys)),
      public_rate_limiter_(settings_.public_rate_per_minute,
                           settings_.public_rate_per_minute / 2 + 5) {
    if (!settings_.layouts_dir.empty()) layouts_.add_directory(settings_.layouts_dir);
    photo_profiles_ = validators::builtin_photo_profiles();
    if (!settings_.photo_profiles_file.empty()) {
        std::ifstream in(settings_.photo_profiles_file);
        if (!in)
            throw std::runtime_error("cannot read photos.profiles-file " +
                                     settings_.photo_profiles_file);
        std::ostringstream text;
        text << in.rdbuf();
        photo_profiles_ = validators::load_photo_profiles(text.str());
    }
    add_system_routes(*this);
    add_document_routes(*this);
    add_photo_routes(*this);
    add_certificate_routes(*this);
    add_verify_page_routes(*this);
    add_job_routes(*this);
}

Service::~Service() { shutdown(); }

std::string Service::job_instance() const { return jobs_ ? jobs_->instance() : std::string(); }

void Service::start() {
    if (started_) return;
    // Data directory: created if missing, and proven writable before anything else. Without
    // it nothing works (registry, keys, jobs), so start() fails at once: a supervisor sees
    // the exit and its message instead of a process that answers 503 forever.
    try {
        Poco::File(settings_.data_dir).createDirectories();
        const std::string probe = Poco::Path(settings_.data_dir, ".write-probe").toString();
        std::ofstream(probe) << "ok";
        if (!Poco::File(probe).exists()) throw std::runtime_error("a file cannot be created in it");
        Poco::File(probe).remove();
        health_.set("dataDir", DependencyState::up, "writable");
    } catch (const std::exception& e) {
        throw StartError(StartError::Reason::data_dir_not_writable,
                         "the data directory " + settings_.data_dir +
                             " (data.dir) is not writable: " + e.what());
    }
    // The port next, before the registry and the job workers: a second instance started on
    // a port in use stops here, before it runs anyone's jobs. Poco's ServerSocket(address)
    // constructor binds with SO_REUSEPORT as well as SO_REUSEADDR: a second instance would
    // then share the port, and requests alternate between two registries. SO_REUSEADDR
    // alone only allows a restart while old connections linger in TIME_WAIT.
    Poco::Net::ServerSocket socket;
    try {
        socket.bind(Poco::Net::SocketAddress(settings_.host, settings_.port), true,
                    settings_.reuse_port);
        socket.listen(settings_.queue);
    } catch (const Poco::Exception& e) {
        throw StartError(StartError::Reason::cannot_listen,
                         "cannot listen on " + settings_.host + ":" +
                             std::to_string(settings_.port) + ": " + e.displayText());
    }
    try {
        auto database = std::make_shared<registry::Database>(
            settings_.registry_url.empty()
                ? Poco::Path(settings_.data_dir, "registry.sqlite").toString()
                : settings_.registry_url);
        registry_ = std::make_unique<registry::CertificateRegistry>(
            database,
            registry::SigningKeys::open(settings_.signing_keys_dir.empty()
                                            ? Poco::Path(settings_.data_dir, "keys").toString()
                                            : settings_.signing_keys_dir));
        health_.set("registry", DependencyState::up,
                    database->describe() + ", schema version " +
                        std::to_string(registry_->schema_version()));
        int chunk_records = settings_.job_chunk_records;
        if (chunk_records < 0) {
            chunk_records = database->dialect() == registry::Dialect::postgresql ? 250 : 0;
        }
        jobs_ = std::make_unique<JobRunner>(
            *this, std::make_shared<registry::JobStore>(registry_->database()),
            Poco::Path(settings_.data_dir, "jobs").toString(), chunk_records);
        jobs_->start();
    } catch (const std::exception& e) {
        health_.set("registry", DependencyState::down, "the registry could not be opened");
        log_.event("error", "registry could not be opened", {{"what", e.what()}});
    }
    health_.set("fonts", DependencyState::starting, "checking the font manifest");

    auto params = Poco::AutoPtr<Poco::Net::HTTPServerParams>(new Poco::Net::HTTPServerParams);
    params->setMaxThreads(settings_.threads);
    params->setMaxQueued(settings_.queue);
    params->setTimeout(Poco::Timespan(settings_.read_timeout.count(), 0));
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(settings_.keep_alive_timeout.count(), 0));
    params->setMaxKeepAliveRequests(settings_.keep_alive_max_requests);
    params->setServerName("examdocs");

    // Stack size 0 keeps the system default (8 MiB): sanitizer builds need far more than
    // Poco's default, and ICU and HarfBuzz are not frugal either.
    pool_ = std::make_unique<Poco::ThreadPool>(2, settings_.threads, 60, 0);
    server_ =
        std::make_unique<Poco::Net::HTTPServer>(new Dispatcher(*this), *pool_, socket, params);
    server_->start();
    bound_port_ = server_->port();
    started_ = true;
    log_.event("info", "listening",
               {{"address", settings_.host + ":" + std::to_string(port())},
                {"port", port()},
                {"threads", settings_.threads},
                {"dataDir", settings_.data_dir}});
    startup_ = std::thread([this] { run_startup_checks(); });
}

void Service::run_startup_checks() {
    try {
        auto checks = fonts::verify_fonts(fonts::bundled_fonts());
        std::string failures;
        for (const auto& c : checks) {
            if (c.ok) continue;
            if (!failures.empty()) failures += "; ";
            failures += c.id + ": " + c.detail;
        }
        if (failures.empty()) {
            // Load the faces now rather than in the first request that needs them.
            fonts::bundled_font_set();
            health_.set("fonts", DependencyState::up,
                        std::to_string(checks.size()) + " fonts match the manifest");
        } else {
            health_.set("fonts", DependencyState::down, failures);
            log_.event("error", "fonts do not match the manifest", {{"detail", failures}});
        }
    } catch (const std::exception& e) {
        health_.set("fonts", DependencyState::down, "the font manifest could not be checked");
        log_.event("error", "font check failed", {{"what", e.what()}});
    }
}

std::uint16_t Service::port() const { return bound_port_; }

void Service::shutdown() {
    if (!started_ || stopped_) return;
    stopped_ = true;
    draining_ = true;
    log_.event("info", "draining", {{"inFlight", in_flight()}});
    // Stop accepting; connections end after their current request.
    server_->stopAll(false);
    {
        std::unique_lock lock(in_flight_mutex_);
        in_flight_cv_.wait_for(lock, settings_.drain_timeout, [this] { return in_flight_ == 0; });
        if (in_flight_ > 0) {
            log_.event("warn", "drain time is over; aborting requests", {{"inFlight", in_flight_}});
        }
    }
    // Close idle keep-alive connections and whatever outlived the drain time.
    server_->stopAll(true);
    pool_->joinAll();
    // Running jobs stop at their next batch and stay queued for the next start.
    if (jobs_) jobs_->stop();
    // Poco closes the listening socket only when the server is destroyed; until then the
    // kernel would still accept connections that nobody answers.
    server_.reset();
    if (startup_.joinable()) startup_.join();
    log_.event("info", "stopped");
}

void Service::request_started() {
    metrics_.request_started();
    std::lock_guard lock(in_flight_mutex_);
    ++in_flight_;
}

void Service::request_finished() {
    metrics_.request_finished();
    {
        std::lock_guard lock(in_flight_mutex_);
        --in_flight_;
    }
    in_flight_cv_.notify_all();
}

int Service::in_flight() const {
    std::lock_guard lock(in_flight_mutex_);
    return in_flight_;
}

}  // namespace examdocs::service
