#include "examdocs/service/service.h"

#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Path.h>
#include <Poco/TemporaryFile.h>

#include <sys/statvfs.h>

#include <fstream>
#include <sstream>

#include "certificate_routes.h"
#include "dispatcher.h"
#include "document_routes.h"
#include "examdocs/fonts/font_manifest.h"
#include "examdocs/fonts/font_set.h"
#include "examdocs/jobs/job_queue.h"
#include "examdocs/objectstore/s3_store.h"
#include "examdocs/registry/registry_identity.h"
#include "http_front.h"
#include "job_routes.h"
#include "job_view.h"
#include "layout_designer.h"
#include "office_page.h"
#include "photo_routes.h"
#include "print_page.h"
#include "system_routes.h"
#include "verify_page.h"

namespace examdocs::service {

namespace {

// What the job queue reports goes to the service's log and metrics.
class JobEvents : public jobs::JobListener {
  public:
    JobEvents(Log& log, Metrics& metrics) : log_(log), metrics_(metrics) {}
    void log(std::string_view level, std::string_view message,
             const jobs::JobLogFields& fields) override {
        LogFields log_fields;
        for (const auto& [name, value] : fields) {
            std::visit([&, &key = name](const auto& v) { log_fields.emplace_back(key, v); }, value);
        }
        log_.event(level, message, log_fields);
    }
    void job_ended(jobs::JobState state) override { metrics_.job_ended(jobs::to_string(state)); }
    void records_printed(std::int64_t printed, std::int64_t refused) override {
        metrics_.records_printed(printed, refused);
    }

  private:
    Log& log_;
    Metrics& metrics_;
};

void log_layout_warnings(Log& log, const std::vector<renderers::LayoutFileProblem>& warnings) {
    for (const auto& w : warnings) {
        log.event("warn", "layout: " + renderers::describe(w),
                  {{"file", w.file}, {"pointer", w.problem.pointer}, {"code", w.problem.code}});
    }
}

// The layouts at start: every problem of every file stops the service, in the words
// POST /v1/layouts/validate uses; warnings are logged.
renderers::LayoutCatalog load_catalog(const std::string& directory, Log& log) {
    auto load = renderers::load_layouts(directory, fonts::bundled_font_set());
    log_layout_warnings(log, load.warnings);
    if (!load.catalog) {
        std::string message = "layouts with errors:";
        for (const auto& e : load.errors) message += "\n  " + renderers::describe(e);
        throw renderers::LayoutError(message);
    }
    return std::move(*load.catalog);
}

}  // namespace

Service::Service(Settings settings, Log& log)
    : settings_(std::move(settings)),
      log_(log),
      layouts_(load_catalog(settings_.layouts_dir, log)),
      authorizer_(parse_api_keys(settings_.api_keys)),
      public_rate_limiter_(settings_.public_rate_per_minute,
                           settings_.public_rate_per_minute / 2 + 5),
      page_sessions_(authorizer_, settings_.session_secret,
                     settings_.public_base_url.rfind("https://", 0) == 0) {
    photo_profiles_ = photos::builtin_photo_profiles();
    if (!settings_.photo_profiles_file.empty()) {
        std::ifstream in(settings_.photo_profiles_file);
        if (!in)
            throw std::runtime_error("cannot read photos.profiles-file " +
                                     settings_.photo_profiles_file);
        std::ostringstream text;
        text << in.rdbuf();
        photo_profiles_ = photos::load_photo_profiles(text.str());
    }
    add_system_routes(*this);
    add_document_routes(*this);
    add_layout_routes(*this);
    add_photo_routes(*this);
    add_certificate_routes(*this);
    add_verify_page_routes(*this);
    add_job_routes(*this);
    add_sign_in_routes(*this);
    add_print_page_routes(*this);
    add_layout_designer_routes(*this);
}

Service::~Service() { shutdown(); }

Service::LayoutReload Service::reload_layouts() {
    std::lock_guard lock(reload_mutex_);
    auto load = renderers::load_layouts(settings_.layouts_dir, fonts::bundled_font_set());
    log_layout_warnings(log_, load.warnings);
    LayoutReload reload;
    reload.errors = std::move(load.errors);
    reload.warnings = std::move(load.warnings);
    if (load.catalog) {
        layouts_.replace_with(std::move(*load.catalog));
        reload.applied = true;
        log_.event("info", "layouts reloaded", {{"layouts", layouts_.all().size()}});
    } else {
        for (const auto& e : reload.errors) {
            log_.event(
                "error", "layout not reloaded: " + renderers::describe(e),
                {{"file", e.file}, {"pointer", e.problem.pointer}, {"code", e.problem.code}});
        }
    }
    reload.layouts = layouts_.all().size();
    return reload;
}

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
        // Generous: the front accepts at once and answers 503 itself when it has no room.
        socket.listen(std::max(settings_.queue, 1024));
    } catch (const Poco::Exception& e) {
        throw StartError(StartError::Reason::cannot_listen,
                         "cannot listen on " + settings_.host + ":" +
                             std::to_string(settings_.port) + ": " + e.displayText());
    }
    try {
        // Every worker thread may hold a session at once, and so may the job workers, the
        // audit writer, callbacks and retention: a pool smaller than that made busy moments
        // into 500s ("No more sessions available").
        const int sessions = settings_.threads + settings_.job_workers + 8;
        auto database = std::make_shared<registry::Database>(
            settings_.registry_url.empty()
                ? Poco::Path(settings_.data_dir, "registry.sqlite").toString()
                : settings_.registry_url,
            sessions);
        const std::string keys_dir = settings_.signing_keys_dir.empty()
                                         ? Poco::Path(settings_.data_dir, "keys").toString()
                                         : settings_.signing_keys_dir;
        registry::check_registry_identity(*database, keys_dir);
        auto keys = registry::SigningKeys::open(keys_dir, settings_.signing_algorithm);
        if (keys.current_algorithm() != settings_.signing_algorithm) {
            // Signing on with the old algorithm would quietly ignore the setting; making a
            // key here would give every instance sharing the directory its own.
            throw StartError(
                StartError::Reason::configuration,
                "signing.algorithm = " + std::string(algorithm_name(settings_.signing_algorithm)) +
                    " but the newest signing key " + keys.current_key_id() + " in " + keys_dir +
                    " is " + std::string(algorithm_name(keys.current_algorithm())) +
                    ": run 'examdocs signing-key rotate' with the same configuration to add a "
                    "key of that algorithm (the old one keeps verifying what it signed), then "
                    "start again");
        }
        registry_ = std::make_unique<registry::CertificateRegistry>(database, std::move(keys),
                                                                    settings_.issuer);
        try {
            pdf_certificate_ = std::make_unique<registry::PdfSigningCertificate>(
                settings_.pdf_certificate_file.empty()
                    ? registry::PdfSigningCertificate::open_default(keys_dir,
                                                                    "examdocs certificate signing")
                    : registry::PdfSigningCertificate::load(settings_.pdf_certificate_file,
                                                            settings_.pdf_certificate_key_file));
        } catch (const std::exception& e) {
            // An official PDF without its signature is worse than none: do not serve.
            throw registry::RegistryRefused(std::string("the PDF signing certificate: ") +
                                            e.what());
        }
        pdf_signer_.sign = [certificate = pdf_certificate_.get()](std::string_view bytes) {
            return certificate->sign(bytes);
        };
        log_.event("info", "certificate PDFs are signed",
                   {{"subject", pdf_certificate_->subject()},
                    {"sha256", pdf_certificate_->sha256_fingerprint()},
                    {"selfSigned", pdf_certificate_->self_signed()}});
        registry_->audit_writer().set_failure_report(
            [this](const std::string& what, std::size_t waiting) {
                // Loud, because lookup audit lines are waiting in memory only.
                log_.event("error", "audit lines cannot be written; keeping them queued",
                           {{"what", what}, {"waiting", static_cast<long long>(waiting)}});
                note_storage_full("audit lines cannot be written: " + what);
            });
        health_.set("registry", DependencyState::up,
                    database->describe() + ", schema version " +
                        std::to_string(registry_->schema_version()));
        int chunk_records = settings_.job_chunk_records;
        if (chunk_records < 0) {
            chunk_records = database->dialect() == registry::Dialect::postgresql ? 250 : 0;
        }
        jobs::JobQueueSettings queue;
        queue.jobs_dir = Poco::Path(settings_.data_dir, "jobs").toString();
        queue.workers = settings_.job_workers;
        queue.threads = settings_.job_threads;
        queue.chunk_records = chunk_records;
        queue.lease_seconds = settings_.job_lease_seconds;
        queue.poll = settings_.job_poll;
        queue.retention = settings_.job_retention;
        auto store = std::make_shared<jobs::JobStore>(registry_->database());
        std::shared_ptr<jobs::PayloadStore> payloads;
        try {
            if (settings_.job_store.rfind("s3://", 0) == 0) {
                objectstore::S3Location location;
                objectstore::parse_s3_url(settings_.job_store, location);
                location.endpoint = settings_.job_s3_endpoint;
                location.region = settings_.job_s3_region;
                location.access_key_id = settings_.job_s3_access_key_id;
                location.secret_access_key = settings_.job_s3_secret_access_key;
                // Uploads on their way and downloaded results: this instance's own.
                location.cache_dir = Poco::Path(settings_.data_dir, "job-store-cache").toString();
                payloads = objectstore::open_s3_store(location);
            } else {
                payloads = jobs::open_payload_store(
                    settings_.job_store.empty()
                        ? "dir:" + Poco::Path(settings_.data_dir, "job-store").toString()
                        : settings_.job_store);
            }
        } catch (const std::exception& e) {
            throw StartError(StartError::Reason::configuration,
                             std::string("jobs.store: ") + e.what());
        }
        log_.event("info", "job store", {{"store", payloads->describe()}});
        job_listener_ = std::make_unique<JobEvents>(log_, metrics_);
        jobs_ = std::make_unique<jobs::JobQueue>(
            queue, store, payloads, layouts_, *job_listener_,
            signed_callback_sender(*store, settings_.job_callback_secret,
                                   settings_.public_base_url),
            jobs::Issuer{registry_.get(), &photo_profiles_.at("skill-cert"),
                         settings_.public_base_url, pdf_signer()});
        jobs_->start();
    } catch (const StartError&) {
        throw;
    } catch (const registry::RegistryRefused& e) {
        throw StartError(StartError::Reason::registry_refused,
                         std::string("refusing to serve: ") + e.what());
    } catch (const std::exception& e) {
        health_.set("registry", DependencyState::down, "the registry could not be opened");
        log_.event("error", "registry could not be opened", {{"what", e.what()}});
    }
    refresh_storage_health();
    health_.set("fonts", DependencyState::starting, "checking the font manifest");

    auto params = Poco::AutoPtr<Poco::Net::HTTPServerParams>(new Poco::Net::HTTPServerParams);
    params->setMaxThreads(settings_.threads);
    params->setMaxQueued(settings_.queue);
    params->setTimeout(Poco::Timespan(settings_.read_timeout.count(), 0));
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(settings_.keep_alive_timeout.count(), 0));
    params->setMaxKeepAliveRequests(settings_.keep_alive_max_requests);
    params->setServerName("examdocs");

    HttpFrontLimits limits;
    limits.workers = settings_.threads;
    limits.queue = settings_.queue;
    limits.max_connections = settings_.max_connections;
    limits.head_timeout = settings_.head_timeout;
    server_ = std::make_unique<HttpFront>(
        socket, Poco::Net::HTTPRequestHandlerFactory::Ptr(new Dispatcher(*this)), params, limits);
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
        // Every PDF embeds the output intent's colour profile (PDF/A): checked with the fonts.
        checks.push_back(fonts::verify_output_intent(fonts::bundled_output_intent()));
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
                        std::to_string(checks.size() - 1) +
                            " fonts and the colour profile match the manifest");
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

void Service::note_storage_full(const std::string& detail) {
    {
        std::lock_guard lock(storage_mutex_);
        storage_full_detail_ = detail;
        storage_full_at_ = std::chrono::steady_clock::now();
    }
    health_.set("storage", DependencyState::down, detail);
}

void Service::refresh_storage_health() {
    // Below this much free space SQLite's next checkpoint or a job's output may not fit.
    constexpr unsigned long long kMinFree = 16ULL * 1024 * 1024;
    struct statvfs fs {};
    const bool measured = ::statvfs(settings_.data_dir.c_str(), &fs) == 0;
    const unsigned long long free_bytes =
        measured ? static_cast<unsigned long long>(fs.f_bavail) * fs.f_frsize : 0;
    std::string detail;
    {
        std::lock_guard lock(storage_mutex_);
        // A refused write counts for a while even when the disk looks fine again: it may
        // have been the database's disk, which we cannot measure from here.
        const bool recent_failure =
            !storage_full_detail_.empty() &&
            std::chrono::steady_clock::now() - storage_full_at_ < std::chrono::seconds(5);
        if (recent_failure) detail = storage_full_detail_;
    }
    if (measured && free_bytes < kMinFree) {
        detail = "the data directory has " + std::to_string(free_bytes / 1024) +
                 " KB free; writes (issuance, jobs) are refused until space is freed";
    }
    if (!detail.empty()) {
        health_.set("storage", DependencyState::down, detail);
    } else {
        health_.set("storage", DependencyState::up,
                    measured ? std::to_string(free_bytes / (1024 * 1024)) + " MB free"
                             : "free space not measurable");
    }
}

void Service::shutdown() {
    if (!started_ || stopped_) return;
    stopped_ = true;
    draining_ = true;
    log_.event("info", "draining", {{"inFlight", in_flight()}});
    // Stop accepting and close idle connections; requests already received finish, each
    // answered with Connection: close.
    server_->stop_accepting();
    if (!server_->wait_idle(settings_.drain_timeout)) {
        log_.event("warn", "drain time is over; aborting requests", {{"inFlight", in_flight()}});
    }
    // Whatever outlived the drain time is cut off here.
    server_->stop();
    // Running jobs stop at their next batch and stay queued for the next start.
    if (jobs_) jobs_->stop();
    // Lookup audit lines still queued are written now (the registry's writer would also
    // flush when destroyed, but the log should say if it could not).
    if (registry_ && !registry_->audit_writer().flush()) {
        log_.event("error", "audit lines could not be written before stopping",
                   {{"waiting", static_cast<long long>(registry_->audit_writer().waiting())}});
    }
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
