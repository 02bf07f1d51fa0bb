#pragma once
// Configuration of `examdocs serve`, resolved in layers, each overriding the one before:
//   built-in defaults < properties file (--config-file) < EXAMDOCS_* environment
//   variables < -Dkey=value on the command line.
// Every key is declared once in config_keys(), which also feeds `examdocs --help` and
// docs/configuration.md. Unknown keys in the file or on the command line are errors, so
// that a typo never silently falls back to a default.
#include <chrono>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "examdocs/registry/certificate_registry.h"
#include "examdocs/registry/signing_keys.h"
#include "examdocs/service/client_address.h"

namespace examdocs::service {

struct ConfigKey {
    std::string_view name;           // "server.port"
    std::string_view default_value;  // "8080"
    std::string_view description;
};

const std::vector<ConfigKey>& config_keys();

// "server.read-timeout-s" -> "EXAMDOCS_SERVER_READ_TIMEOUT_S"
std::string env_name(std::string_view key);

class ConfigError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Raw values of every known key after layering, plus where each came from.
struct ResolvedConfig {
    std::map<std::string, std::string, std::less<>> values;
    std::map<std::string, std::string, std::less<>> sources;  // default|file|env|command line
};

// `config_file` may be empty. `environment` is the process environment as a map (tests
// pass their own). Throws ConfigError for an unreadable file or an unknown key.
ResolvedConfig resolve_config(const std::string& config_file,
                              const std::map<std::string, std::string>& environment,
                              const std::map<std::string, std::string>& overrides);

// The process environment, for resolve_config.
std::map<std::string, std::string> process_environment();

enum class LogFormat { json, text };

// Typed settings of the service, validated: a bad value throws ConfigError naming the
// key, the value and the rule.
struct Settings {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;  // 0 picks a free port (tests)
    bool reuse_port = false;    // SO_REUSEPORT: share the port with other processes
    int threads = 16;
    int queue = 64;
    int max_connections = 4096;
    std::chrono::milliseconds head_timeout{10'000};
    std::chrono::seconds read_timeout{30};
    std::chrono::seconds keep_alive_timeout{5};
    int keep_alive_max_requests = 100;
    std::chrono::seconds drain_timeout{20};
    TrustedProxies trusted_proxies;  // empty: the client is the socket's peer
    long long max_body_bytes = 8LL * 1024 * 1024;
    long long max_photo_bytes = 10LL * 1024 * 1024;
    long long max_job_bytes = 2LL * 1024 * 1024 * 1024;
    int job_workers = 1;
    int job_threads = 0;  // 0: one per core
    int job_queue = 16;
    std::string job_callback_secret;  // empty: callbacks are refused
    int job_chunk_records = -1;       // -1: auto (250 with PostgreSQL, 0 with SQLite)
    int job_lease_seconds = 60;
    std::chrono::milliseconds job_poll{1000};
    std::chrono::seconds job_retention{std::chrono::hours(168)};  // 0: forever
    std::string job_store;  // "dir:PATH" or "s3://bucket/prefix"; empty: dir:<data_dir>/job-store
    std::string job_s3_endpoint;  // for an s3:// store: "http(s)://host:port"
    std::string job_s3_region = "us-east-1";
    std::string job_s3_access_key_id;
    std::string job_s3_secret_access_key;
    std::string photo_profiles_file;  // empty: the built-in profiles only
    std::string data_dir = "./var";
    std::string layouts_dir;       // extra layouts; empty: the built-in ones only
    std::string registry_url;      // empty: SQLite under data_dir
    std::string signing_keys_dir;  // empty: data_dir/keys
    registry::SigningAlgorithm signing_algorithm = registry::SigningAlgorithm::ed25519;
    registry::IssuerIdentity issuer;  // issuer.*: the name and the codes of the numbers
    // The certificate that signs certificate PDFs and its key (PEM files). Both empty: a
    // self-signed one in the keys directory (registry/pdf_signing_certificate.h).
    std::string pdf_certificate_file, pdf_certificate_key_file;
    std::string public_base_url = "http://127.0.0.1:8080";
    // public.other-base-urls: earlier addresses whose QR texts /v1/verify still accepts.
    std::vector<std::string> other_base_urls;
    std::string api_keys;        // name:sha256:rights,…  (see docs/configuration.md)
    std::string session_secret;  // signs the office pages' cookies; empty: random at start
    // documents.public: render non-official layouts without a key (official ones never).
    bool public_documents = false;
    double public_rate_per_minute = 60;  // lookups and verifications per client address
    LogFormat log_format = LogFormat::json;
};

// log.format "auto" becomes text when `stdout_is_tty`, JSON otherwise.
Settings settings_from(const ResolvedConfig& config, bool stdout_is_tty);

// The --help text: every key, its environment variable, default and meaning.
std::string config_help();

}  // namespace examdocs::service
