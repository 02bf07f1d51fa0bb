// `examdocs serve`: the service as a Poco ServerApplication, which gives us signal
// handling (SIGINT, SIGTERM → waitForTerminationRequest). Arguments are parsed here, like
// every other command's, so that --help, --version and usage errors behave the same.
#include <Poco/Util/ServerApplication.h>
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <iostream>
#include <thread>

#include "commands.h"
#include "examdocs/registry/database.h"
#include "examdocs/service/log.h"
#include "examdocs/service/service.h"
#include "examdocs/service/startup_warnings.h"
#include "server_config.h"

namespace examdocs::cli {

namespace {

// The log of the running service, for PostgreSQL's notices (a plain function pointer has
// nowhere else to find it).
std::atomic<service::Log*> notice_log{nullptr};

void log_postgresql_notice(std::string_view severity, std::string_view message) {
    if (auto* log = notice_log.load()) {
        const bool warning = severity == "WARNING";
        log->event(warning ? "warn" : "info", "postgresql notice",
                   {{"severity", severity}, {"notice", message}});
    }
}

class ServeApplication : public Poco::Util::ServerApplication {
  public:
    explicit ServeApplication(service::Settings settings) : settings_(std::move(settings)) {}

  protected:
    int main(const std::vector<std::string>&) override {
        keep_freed_memory_for_workers();
        // SIGTERM and SIGINT wait, blocked, for waitForTerminationRequest(): one that arrives
        // while the service starts (a supervisor stopping it at once) would otherwise kill
        // the process with the default action before the handler exists. Threads started
        // from here on inherit the mask, so none of them takes the signal either.
        sigset_t termination;
        sigemptyset(&termination);
        sigaddset(&termination, SIGINT);
        sigaddset(&termination, SIGTERM);
        sigaddset(&termination, SIGQUIT);
        // SIGHUP re-reads the layouts (layouts.dir); a thread of its own waits for it.
        sigaddset(&termination, SIGHUP);
        pthread_sigmask(SIG_BLOCK, &termination, nullptr);
        service::Log log(std::cout, settings_.log_format);
        notice_log = &log;
        registry::set_notice_sink(&log_postgresql_notice);
        // The log goes before the service and its database sessions do.
        struct NoticeLogReset {
            ~NoticeLogReset() { notice_log = nullptr; }
        } reset;
        for (const auto& warning : service::startup_warnings(settings_)) {
            log.event("warn", warning.message, warning.fields);
        }
        try {
            service::Service service(settings_, log);
            service.start();
            std::atomic<bool> stopping{false};
            std::thread hangups([&] {
                sigset_t hangup;
                sigemptyset(&hangup);
                sigaddset(&hangup, SIGHUP);
                const timespec tick{0, 200'000'000};
                while (!stopping.load()) {
                    // With a timeout, so that the loop sees `stopping` without a signal.
                    if (sigtimedwait(&hangup, nullptr, &tick) != SIGHUP) continue;
                    log.event("info", "SIGHUP: reloading layouts");
                    service.reload_layouts();
                }
            });
            struct JoinHangups {
                std::atomic<bool>& stopping;
                std::thread& thread;
                ~JoinHangups() {
                    stopping = true;
                    thread.join();
                }
            } join_hangups{stopping, hangups};
            waitForTerminationRequest();
            service.shutdown();
        } catch (const service::StartError& e) {
            log.event("error", "cannot start", {{"what", e.what()}});
            // The same sentence on stderr, for a person who started it by hand with the log
            // going elsewhere; journald shows both.
            std::cerr << "examdocs serve: " << e.what() << '\n';
            switch (e.reason()) {
                case service::StartError::Reason::cannot_listen:
                    return kExitUnavailable;
                case service::StartError::Reason::data_dir_not_writable:
                    return kExitCantCreate;
                case service::StartError::Reason::registry_refused:
                    return kExitIoErr;
                case service::StartError::Reason::configuration:
                    return kExitConfig;
            }
            return kExitSoftware;
        } catch (const std::exception& e) {
            log.event("error", "cannot serve", {{"what", e.what()}});
            std::cerr << "examdocs serve: " << e.what() << '\n';
            return kExitSoftware;
        }
        return EXIT_OK;
    }

  private:
    service::Settings settings_;
};

}  // namespace

const CommandSpec& serve_spec() {
    static const CommandSpec spec = [] {
        CommandSpec s{
            "serve",
            "",
            "Run the HTTP service (SIGHUP re-reads layouts; SIGTERM or SIGINT: drain, exit 0).",
            "Settings come from defaults < --config-file < EXAMDOCS_* environment < -D;\n"
            "'examdocs config' lists the keys and, given the same options, their values.",
            config_options(),
            "0 stopped cleanly, 64 usage, 69 the address cannot be bound (in use), 70 an "
            "internal error, 73 the data directory is not writable, 78 a configuration error.",
            0,
            0,
            &service::config_help};
        return s;
    }();
    return spec;
}

int serve_command(int argc, char** argv) {
    return run_command(serve_spec(), argc, argv, [argv](const ParsedArguments& args) {
        auto settings = settings_from(args, "serve");
        if (!settings) return kExitConfig;
        ServeApplication app(std::move(*settings));
        // Poco's own options (--daemon and the like) are not offered: a supervisor such as
        // systemd runs the process in the foreground.
        char* poco_argv[] = {argv[0], nullptr};
        return app.run(1, poco_argv);
    });
}

}  // namespace examdocs::cli
