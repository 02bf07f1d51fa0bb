#pragma once
// Private to cli/: the configuration options that `serve` and the commands working on its
// data (`config`, `backup`, `restore`, `signing-key`) share, so that each reads the same
// file, environment and -D overrides as the server it operates on.
#include <vector>

#include "cli_support.h"
#include "examdocs/service/config.h"

namespace examdocs::cli {

// --config-file FILE (-c) and -Dkey=value (--define).
std::vector<OptionSpec> config_options();

// The layered configuration for these arguments. Throws UsageError for a -D without '=',
// service::ConfigError for an unreadable file or an unknown key.
service::ResolvedConfig resolve_config_from(const ParsedArguments& args);

// The settings, or nullopt after telling stderr what is wrong with the configuration
// (the caller exits 78).
std::optional<service::Settings> settings_from(const ParsedArguments& args,
                                               std::string_view command);

// Where the registry and the signing keys of these settings are.
std::string sqlite_path(const service::Settings& settings);
std::string signing_keys_dir(const service::Settings& settings);

}  // namespace examdocs::cli
