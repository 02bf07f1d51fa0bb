#include "server_config.h"

#include <Poco/Path.h>
#include <unistd.h>

#include <iostream>

namespace examdocs::cli {

std::vector<OptionSpec> config_options() {
    return {{"config-file", 'c', "FILE", "properties file to read (key = value lines)"},
            {"define", 'D', "key=value", "set a key, e.g. -Dserver.port=9000", true}};
}

service::ResolvedConfig resolve_config_from(const ParsedArguments& args) {
    std::map<std::string, std::string> defines;
    for (const auto& d : args.values("define")) {
        const auto eq = d.find('=');
        if (eq == std::string::npos || eq == 0) {
            throw UsageError("-D takes key=value, not '" + d + "'");
        }
        defines[d.substr(0, eq)] = d.substr(eq + 1);
    }
    return service::resolve_config(args.value("config-file"), service::process_environment(),
                                   defines);
}

std::optional<service::Settings> settings_from(const ParsedArguments& args,
                                               std::string_view command) {
    try {
        return service::settings_from(resolve_config_from(args), isatty(STDOUT_FILENO) == 1);
    } catch (const service::ConfigError& e) {
        std::cerr << "examdocs " << command << ": configuration: " << e.what() << '\n';
        return std::nullopt;
    }
}

std::string sqlite_path(const service::Settings& settings) {
    return Poco::Path(settings.data_dir, "registry.sqlite").toString();
}

std::string signing_keys_dir(const service::Settings& settings) {
    return settings.signing_keys_dir.empty() ? Poco::Path(settings.data_dir, "keys").toString()
                                             : settings.signing_keys_dir;
}

}  // namespace examdocs::cli
