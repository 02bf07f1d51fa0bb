// `examdocs serve`: the service as a Poco ServerApplication, which gives us signal
// handling (SIGINT, SIGTERM → waitForTerminationRequest) and option parsing.
#include <Poco/Exception.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>
#include <Poco/Util/ServerApplication.h>
#include <malloc.h>
#include <unistd.h>

#include <iostream>
#include <map>

#include "commands.h"
#include "examdocs/service/config.h"
#include "examdocs/service/log.h"
#include "examdocs/service/service.h"

namespace examdocs::cli {

namespace {

class ServeApplication : public Poco::Util::ServerApplication {
  protected:
    void defineOptions(Poco::Util::OptionSet& options) override {
        // Poco's own --daemon, --pidfile and --umask options stay available.
        ServerApplication::defineOptions(options);
        options.addOption(Poco::Util::Option("help", "h", "print the keys and stop")
                              .required(false)
                              .repeatable(false)
                              .callback(Poco::Util::OptionCallback<ServeApplication>(
                                  this, &ServeApplication::on_help)));
        options.addOption(Poco::Util::Option("config-file", "c", "properties file to read")
                              .required(false)
                              .repeatable(false)
                              .argument("FILE")
                              .callback(Poco::Util::OptionCallback<ServeApplication>(
                                  this, &ServeApplication::on_config_file)));
        options.addOption(Poco::Util::Option("define", "D", "set a key, e.g. -Dserver.port=9000")
                              .required(false)
                              .repeatable(true)
                              .argument("key=value")
                              .callback(Poco::Util::OptionCallback<ServeApplication>(
                                  this, &ServeApplication::on_define)));
    }

    int main(const std::vector<std::string>& args) override {
        if (help_requested_) {
            Poco::Util::HelpFormatter help(options());
            help.setCommand("examdocs serve");
            help.setUsage("[--config-file FILE] [-Dkey=value ...]");
            help.format(std::cout);
            std::cout << '\n' << service::config_help();
            return EXIT_OK;
        }
        if (!args.empty()) {
            std::cerr << "examdocs serve: unexpected argument '" << args.front() << "'\n";
            return EXIT_USAGE;
        }
        // Buffers of a megabyte and more (a shared job's chunk of records, its part of the
        // output) are mapped and unmapped on their own, not carved from the heap: glibc's
        // adaptive threshold otherwise rises past them after the first few are freed, and
        // heaps fragmented by the workers kept growing over a long job (measured with
        // bench/bulk: peak RSS 152 MB for 1,000 tickets and 202 MB for 10,000 before, 140
        // and 139 MB after).
        mallopt(M_MMAP_THRESHOLD, 1 << 20);
        service::Settings settings;
        try {
            auto resolved =
                service::resolve_config(config_file_, service::process_environment(), defines_);
            settings = service::settings_from(resolved, isatty(STDOUT_FILENO) == 1);
        } catch (const service::ConfigError& e) {
            std::cerr << "examdocs serve: configuration: " << e.what() << '\n';
            return EXIT_CONFIG;
        }
        service::Log log(std::cout, settings.log_format);
        try {
            service::Service service(settings, log);
            service.start();
            waitForTerminationRequest();
            service.shutdown();
        } catch (const service::StartRefused& e) {
            std::cerr << "examdocs serve: " << e.what() << '\n';
            return e.exit_status();
        } catch (const std::exception& e) {
            log.event("error", "cannot serve", {{"what", e.what()}});
            return EXIT_SOFTWARE;
        }
        return EXIT_OK;
    }

  private:
    void on_help(const std::string&, const std::string&) {
        help_requested_ = true;
        stopOptionsProcessing();
    }
    void on_config_file(const std::string&, const std::string& value) { config_file_ = value; }
    void on_define(const std::string&, const std::string& value) {
        auto eq = value.find('=');
        if (eq == std::string::npos || eq == 0) {
            throw Poco::InvalidArgumentException("-D takes key=value, got '" + value + "'");
        }
        defines_[value.substr(0, eq)] = value.substr(eq + 1);
    }

    bool help_requested_ = false;
    std::string config_file_;
    std::map<std::string, std::string> defines_;
};

}  // namespace

int serve_command(int argc, char** argv) {
    ServeApplication app;
    return app.run(argc, argv);
}

}  // namespace examdocs::cli
