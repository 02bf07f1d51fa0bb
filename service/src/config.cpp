#include "examdocs/service/config.h"

#include "examdocs/service/access_control.h"

#include "examdocs/core/field_rules.h"
#include "examdocs/objectstore/s3_store.h"

#include <Poco/AutoPtr.h>
#include <Poco/String.h>
#include <Poco/Util/PropertyFileConfiguration.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

extern char** environ;

namespace examdocs::service {

const std::vector<ConfigKey>& config_keys() {
    static const std::vector<ConfigKey> keys = {
        {"server.host", "127.0.0.1", "Address to listen on. 0.0.0.0 listens on every interface."},
        {"server.port", "8080", "TCP port to listen on; 0 picks a free one."},
        {"server.reuse-port", "false",
         "Let several processes listen on the same port (SO_REUSEPORT), the kernel spreading "
         "connections between them. Off: a port in use stops the start (exit status 69)."},
        {"server.threads", "16",
         "Worker threads: requests handled at once. A request reaches one only when its "
         "head has arrived whole; a slow body upload holds one while it is read."},
        {"server.queue", "64",
         "Complete requests waiting for a worker. Past it the answer is 503 with "
         "Retry-After, so a load balancer can try another instance."},
        {"server.max-connections", "4096",
         "Open connections, idle and slow ones included; past it new ones get 503."},
        {"server.head-timeout-s", "10",
         "Seconds from a request's first byte to the end of its head; a slower head is "
         "answered 408 and closed. Waiting for heads costs no worker."},
        {"server.read-timeout-s", "30",
         "Seconds one read of a request body may wait (per read, not per request)."},
        {"server.keep-alive-timeout-s", "5",
         "Seconds an idle keep-alive connection is kept open for its next request."},
        {"server.keep-alive-max-requests", "100",
         "Requests served on one connection before it is closed, so that load spreads "
         "again across instances behind a balancer."},
        {"server.drain-timeout-s", "20",
         "On SIGTERM/SIGINT: seconds in-flight requests get to finish before exit."},
        {"server.trusted-proxies", "",
         "Reverse proxies (addresses or CIDR ranges, IPv4 and IPv6, comma-separated) whose "
         "forwarding header names the client. Only requests from these peers have their client "
         "address (rate limits, audit and access logs) taken from server.forwarded-header, read "
         "right to left past trusted hops. Empty: the socket's peer is always the client."},
        {"server.forwarded-header", "X-Forwarded-For",
         "The header the trusted proxies write the client into: X-Forwarded-For or Forwarded "
         "(RFC 7239). Only this one is read, so a client cannot slip in the other."},
        {"limits.max-body-bytes", "8388608",
         "Largest request body accepted, checked from Content-Length before reading and "
         "counted while reading chunked bodies (413 past it)."},
        {"limits.max-photo-bytes", "10485760",
         "Largest photo accepted by /v1/photos/*, counted as it streams in (a multipart part "
         "or a raw body); 413 past it. Profiles set their own, smaller bounds."},
        {"photos.profiles-file", "",
         "JSON file of photo profiles that add to or override the built-in ones (ruankao, "
         "skill-cert, ga461, attachment). Read at start."},
        {"data.dir", "./var", "Directory for the SQLite registry, signing keys and job output."},
        {"signing.keys-dir", "",
         "Directory of the signing keys (PEM, mode 0600; the newest signs). Empty: "
         "data.dir/keys, created with a new key on first start. Also holds the default PDF "
         "signing certificate (pdf-signing.crt/.key). Instances sharing a registry share this "
         "directory (e.g. a mounted secret)."},
        {"signing.algorithm", "ed25519",
         "The algorithm of new signing keys, hence of new certificates' QR signatures: ed25519, "
         "or sm2 (SM2 with SM3, GB/T 32918, distinguishing identifier 1234567812345678). Keys "
         "of the other one keep verifying what they signed. Changing it takes a new key: "
         "'examdocs signing-key rotate' with the new value; the service refuses to start while "
         "the newest key is of another algorithm."},
        {"issuer.name", "天津市软件行业协会",
         "The issuing body's name, printed on every certificate as 发证机构 and signed as its "
         "issuer (at most 40 characters). A request may leave the issuer out, or must name this "
         "one. The default is an example."},
        {"issuer.body-code", "000012",
         "The certifying body's code, 6 digits: characters 2-7 of every certificate number "
         "(S + body + province + site + year + level + serial). The default is an example."},
        {"issuer.province-code", "12",
         "The province's code, 2 digits (GB/T 2260: 11 Beijing, 12 Tianjin, 31 Shanghai, ...): "
         "characters 8-9 of the certificate number. The default is an example."},
        {"issuer.site-code", "0001",
         "The assessment site's code, 4 digits: characters 10-13 of the certificate number. The "
         "default is an example."},
        {"issuer.name-en", "",
         "The issuing body's English name, printed under the Chinese lines of its certificates "
         "(\"organized by ...\"). Printed, not signed. Empty: the English sentence names "
         "\"the issuing body named above\"."},
        {"issuer.certificate-lookup-url", "",
         "The national certificate lookup address printed on the issuer's certificates as "
         "证书信息查询网址 (seed 003: http://jndj.osta.org.cn), with our verification page "
         "(public.base-url/verify) beside it. Empty: our verification page alone."},
        {"issuer.body-lookup-url", "",
         "The address where the issuing body itself can be looked up, printed as "
         "机构信息查询网址 (seed 003: http://pjjg.osta.org.cn). Empty: not printed."},
        {"issuer.serial-prefix", "",
         "Letters or digits before the \"NO.\" paper serial of each certificate (at most 8)."},
        {"issuer.serial-digits", "0",
         "Digits of the \"NO.\" paper serial printed on each certificate, counted over the "
         "registry from 1 (8: NO.00000001). 0: no serial."},
        {"signing.certificate-file", "",
         "X.509 certificate (PEM, then its chain) that signs certificate PDFs (PAdES B-B). "
         "Empty: a self-signed P-256 certificate made in the keys directory on first start "
         "(pdf-signing.crt). Set it with signing.certificate-key-file."},
        {"signing.certificate-key-file", "",
         "The private key (PEM, ECDSA or RSA, mode 0600) of signing.certificate-file."},
        {"registry.url", "",
         "The registry database. Empty: a SQLite file in data.dir. postgresql://user:pass@host/db "
         "(or a libpq 'host=… dbname=…' string): PostgreSQL, which several instances can share."},
        {"layouts.dir", "",
         "Directory of extra layouts (*.json). They add document kinds, or replace built-in "
         "ones of the same name, without rebuilding. Read at start (a broken one stops it) and "
         "again on SIGHUP or POST /v1/layouts/reload (all valid, or nothing changes)."},
        {"public.base-url", "http://127.0.0.1:8080",
         "Base URL the public reaches this service at; verification links are built on it."},
        {"public.other-base-urls", "",
         "Other base URLs whose verification links are ours too (an earlier domain), "
         "comma-separated. POST /v1/verify answers 'foreign' for a QR text under any other "
         "host, so that a look-alike site's codes never verify."},
        {"auth.api-keys", "",
         "API keys of the backends, as name:<sha256 of the key, hex>:rights, comma-separated; "
         "rights are issue, revoke, read, print (bulk jobs) and render (POST /v1/documents) "
         "joined by +. Only hashes are configured."},
        {"auth.session-secret", "",
         "Signs the session cookies of the office pages (/print): at least 32 characters, "
         "the same on every instance behind one address. Empty: a random one at each start, "
         "so sign-ins end when the process does."},
        {"documents.public", "false",
         "Whether POST /v1/documents/{layout} renders for callers without an API key. false: "
         "every layout needs a key with the right render. true: only official layouts (the "
         "certificate, and any layout marked \"official\": true) need it."},
        {"limits.public-rate-per-minute", "60",
         "Certificate lookups and verifications per client address per minute (429 past it)."},
        {"limits.max-job-bytes", "2147483648",
         "Largest bulk job input accepted by POST /v1/jobs (CSV, NDJSON or JSON with photos "
         "as base64), streamed to the data directory as it arrives; 413 past it."},
        {"jobs.workers", "1",
         "Bulk jobs run at once. Each job already uses every core (jobs.threads), so more "
         "only helps when jobs wait on slow input."},
        {"jobs.threads", "0", "Threads composing the records of one job; 0 means one per core."},
        {"jobs.queue", "16",
         "Jobs queued or running at most; past it POST /v1/jobs answers 429 with Retry-After."},
        {"jobs.chunk-records", "auto",
         "Records per chunk when jobs are shared between instances: a job is split into chunks "
         "in the registry database that every instance claims and prints, and the instance "
         "finishing the last assembles the result. auto: 250 with PostgreSQL, 0 with SQLite; "
         "0: each job runs whole on the instance that accepted it."},
        {"jobs.lease-seconds", "60",
         "How long a claimed chunk stays with an instance that stopped renewing its claim "
         "(it renews every few seconds while printing) before another instance takes it over."},
        {"jobs.poll-ms", "1000",
         "How often an instance sharing jobs looks in the database for chunks to print when "
         "it has none. With PostgreSQL, instances wake each other (LISTEN/NOTIFY) when chunks "
         "are queued or parts done, and an idle one looks less often the longer it finds "
         "nothing: doubling from this up to a quarter of jobs.lease-seconds."},
        {"jobs.retention-hours", "168",
         "How long a finished job (its row, refused records, result file and chunks) is kept "
         "after it ends; 0 keeps jobs forever."},
        {"jobs.store", "",
         "Where shared jobs keep their bytes (the input, the parts the chunks print into, the "
         "result): dir:PATH, a directory every instance sharing jobs reaches at that path (a "
         "shared volume such as NFS or CephFS; a local directory for one machine). The "
         "database holds only the rows that say where the bytes are. Empty: dir:<data.dir>/"
         "job-store, which instances with data directories of their own do not share."},
        {"jobs.s3-endpoint", "",
         "For jobs.store=s3://bucket/prefix: the S3-compatible service, http://host:port or "
         "https://host:port (path-style requests: endpoint/bucket/key)."},
        {"jobs.s3-region", "us-east-1",
         "For an s3:// job store: the region requests are signed for (AWS Signature V4)."},
        {"jobs.s3-access-key-id", "", "For an s3:// job store: the access key id."},
        {"jobs.s3-secret-access-key", "",
         "For an s3:// job store: the secret access key (better from the environment, "
         "EXAMDOCS_JOBS_S3_SECRET_ACCESS_KEY, than from a file others read)."},
        {"jobs.callback-secret", "",
         "Secret for the HMAC-SHA256 signature (X-Examdocs-Signature) of job callbacks. A "
         "job with a callbackUrl is refused while it is empty."},
        {"log.format", "auto",
         "Access and event log on stdout: json (one object per line), text, or auto (text "
         "on a terminal, JSON otherwise)."},
    };
    return keys;
}

std::string env_name(std::string_view key) {
    std::string name = "EXAMDOCS_";
    for (char c : key) {
        if (c == '.' || c == '-') {
            name += '_';
        } else {
            name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
    }
    return name;
}

namespace {

const ConfigKey* find_key(std::string_view name) {
    const auto& keys = config_keys();
    auto it =
        std::find_if(keys.begin(), keys.end(), [&](const ConfigKey& k) { return k.name == name; });
    return it == keys.end() ? nullptr : &*it;
}

long long parse_integer(const ResolvedConfig& c, std::string_view key, long long min,
                        long long max) {
    const std::string& text = c.values.find(key)->second;
    long long value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
        throw ConfigError(std::string(key) + " = '" + text + "' (from " +
                          c.sources.find(key)->second + "): must be a whole number from " +
                          std::to_string(min) + " to " + std::to_string(max));
    }
    return value;
}

// A code of the certificate number: exactly `count` ASCII digits (leading zeros kept).
std::string digits(const ResolvedConfig& c, std::string_view key, std::size_t count,
                   const char* what) {
    const std::string& text = c.values.find(key)->second;
    const bool ok = text.size() == count && std::all_of(text.begin(), text.end(), [](char ch) {
                        return ch >= '0' && ch <= '9';
                    });
    if (!ok) {
        throw ConfigError(std::string(key) + " = '" + text + "' (from " +
                          c.sources.find(key)->second + "): must be exactly " +
                          std::to_string(count) + " digits (" + what +
                          " in the certificate number)");
    }
    return text;
}

// At most 40 characters of valid UTF-8, without control characters (one printed line).
bool valid_name(const std::string& text) {
    return is_valid_utf8(text) && utf8_length(text) <= 40 &&
           std::none_of(text.begin(), text.end(), [](char ch) {
               return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7F;
           });
}

bool parse_flag(const ResolvedConfig& c, std::string_view key) {
    const std::string& text = c.values.find(key)->second;
    if (text == "true" || text == "yes" || text == "on" || text == "1") return true;
    if (text == "false" || text == "no" || text == "off" || text == "0") return false;
    throw ConfigError(std::string(key) + " = '" + text + "' (from " + c.sources.find(key)->second +
                      "): must be true or false");
}

}  // namespace

ResolvedConfig resolve_config(const std::string& config_file,
                              const std::map<std::string, std::string>& environment,
                              const std::map<std::string, std::string>& overrides) {
    ResolvedConfig c;
    for (const auto& k : config_keys()) {
        c.values[std::string(k.name)] = std::string(k.default_value);
        c.sources[std::string(k.name)] = "default";
    }
    if (!config_file.empty()) {
        std::ifstream probe(config_file);
        if (!probe) throw ConfigError("cannot read the config file " + config_file);
        Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> file(
            new Poco::Util::PropertyFileConfiguration(config_file));
        // Walk the file's keys, so that a misspelt key is reported rather than ignored.
        std::vector<std::string> pending{""};
        while (!pending.empty()) {
            std::string prefix = pending.back();
            pending.pop_back();
            Poco::Util::AbstractConfiguration::Keys children;
            file->keys(prefix, children);
            for (const auto& child : children) {
                std::string full = prefix.empty() ? child : prefix + "." + child;
                if (file->has(full)) {
                    if (!find_key(full)) {
                        throw ConfigError("unknown key '" + full + "' in " + config_file +
                                          " (examdocs config lists the keys)");
                    }
                    c.values[full] = file->getRawString(full);
                    c.sources[full] = "file";
                } else {
                    pending.push_back(full);
                }
            }
        }
    }
    for (const auto& k : config_keys()) {
        auto it = environment.find(env_name(k.name));
        if (it != environment.end()) {
            c.values[std::string(k.name)] = it->second;
            c.sources[std::string(k.name)] = "env " + it->first;
        }
    }
    for (const auto& [key, value] : overrides) {
        if (!find_key(key)) {
            throw ConfigError("unknown key '" + key + "' in -D (examdocs config lists the keys)");
        }
        c.values[key] = value;
        c.sources[key] = "command line";
    }
    return c;
}

std::map<std::string, std::string> process_environment() {
    std::map<std::string, std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string_view entry(*e);
        auto eq = entry.find('=');
        if (eq == std::string_view::npos) continue;
        if (entry.substr(0, 9) != "EXAMDOCS_") continue;
        env.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
    }
    return env;
}

Settings settings_from(const ResolvedConfig& c, bool stdout_is_tty) {
    Settings s;
    s.host = c.values.find("server.host")->second;
    if (s.host.empty()) throw ConfigError("server.host must not be empty");
    s.port = static_cast<std::uint16_t>(parse_integer(c, "server.port", 0, 65535));
    s.reuse_port = parse_flag(c, "server.reuse-port");
    s.public_documents = parse_flag(c, "documents.public");
    s.threads = static_cast<int>(parse_integer(c, "server.threads", 1, 1024));
    s.queue = static_cast<int>(parse_integer(c, "server.queue", 1, 65536));
    s.max_connections = static_cast<int>(parse_integer(c, "server.max-connections", 1, 1000000));
    s.head_timeout = std::chrono::seconds(parse_integer(c, "server.head-timeout-s", 1, 3600));
    s.read_timeout = std::chrono::seconds(parse_integer(c, "server.read-timeout-s", 1, 3600));
    s.keep_alive_timeout =
        std::chrono::seconds(parse_integer(c, "server.keep-alive-timeout-s", 1, 3600));
    s.keep_alive_max_requests =
        static_cast<int>(parse_integer(c, "server.keep-alive-max-requests", 1, 1000000));
    s.drain_timeout = std::chrono::seconds(parse_integer(c, "server.drain-timeout-s", 0, 3600));
    const std::string& forwarded_header = c.values.find("server.forwarded-header")->second;
    ForwardingHeader header = ForwardingHeader::x_forwarded_for;
    if (Poco::icompare(forwarded_header, "forwarded") == 0) {
        header = ForwardingHeader::forwarded;
    } else if (Poco::icompare(forwarded_header, "x-forwarded-for") != 0) {
        throw ConfigError("server.forwarded-header = '" + forwarded_header +
                          "': must be X-Forwarded-For or Forwarded");
    }
    try {
        s.trusted_proxies =
            TrustedProxies::parse(c.values.find("server.trusted-proxies")->second, header);
    } catch (const std::invalid_argument& e) {
        throw ConfigError(std::string("server.trusted-proxies: ") + e.what());
    }
    s.max_body_bytes = parse_integer(c, "limits.max-body-bytes", 1024, 1LL << 34);
    s.max_photo_bytes = parse_integer(c, "limits.max-photo-bytes", 1024, 1LL << 30);
    s.max_job_bytes = parse_integer(c, "limits.max-job-bytes", 1024, 1LL << 40);
    s.job_workers = static_cast<int>(parse_integer(c, "jobs.workers", 1, 64));
    s.job_threads = static_cast<int>(parse_integer(c, "jobs.threads", 0, 256));
    s.job_queue = static_cast<int>(parse_integer(c, "jobs.queue", 1, 100000));
    s.job_callback_secret = c.values.find("jobs.callback-secret")->second;
    s.job_chunk_records =
        c.values.find("jobs.chunk-records")->second == "auto"
            ? -1
            : static_cast<int>(parse_integer(c, "jobs.chunk-records", 0, 1000000));
    s.job_lease_seconds = static_cast<int>(parse_integer(c, "jobs.lease-seconds", 2, 86400));
    s.job_poll = std::chrono::milliseconds(parse_integer(c, "jobs.poll-ms", 10, 60000));
    s.job_retention = std::chrono::hours(parse_integer(c, "jobs.retention-hours", 0, 87600));
    s.job_store = c.values.find("jobs.store")->second;
    s.job_s3_endpoint = c.values.find("jobs.s3-endpoint")->second;
    s.job_s3_region = c.values.find("jobs.s3-region")->second;
    s.job_s3_access_key_id = c.values.find("jobs.s3-access-key-id")->second;
    s.job_s3_secret_access_key = c.values.find("jobs.s3-secret-access-key")->second;
    if (s.job_store.rfind("s3://", 0) == 0) {
        objectstore::S3Location location;
        try {
            objectstore::parse_s3_url(s.job_store, location);
        } catch (const std::invalid_argument& e) {
            throw ConfigError("jobs.store = '" + s.job_store + "' (from " +
                              c.sources.find("jobs.store")->second + "): " + e.what());
        }
        for (const char* key : {"jobs.s3-endpoint", "jobs.s3-region", "jobs.s3-access-key-id",
                                "jobs.s3-secret-access-key"}) {
            if (c.values.find(key)->second.empty()) {
                throw ConfigError(std::string(key) + " must be set for jobs.store = '" +
                                  s.job_store + "'");
            }
        }
    } else if (!s.job_store.empty() &&
               (s.job_store.rfind("dir:", 0) != 0 || s.job_store.size() == 4)) {
        throw ConfigError("jobs.store = '" + s.job_store + "' (from " +
                          c.sources.find("jobs.store")->second +
                          "): must be dir:PATH or s3://bucket[/prefix]");
    }
    s.photo_profiles_file = c.values.find("photos.profiles-file")->second;
    s.data_dir = c.values.find("data.dir")->second;
    if (s.data_dir.empty()) throw ConfigError("data.dir must not be empty");
    s.layouts_dir = c.values.find("layouts.dir")->second;
    s.registry_url = c.values.find("registry.url")->second;
    s.signing_keys_dir = c.values.find("signing.keys-dir")->second;
    const std::string& algorithm = c.values.find("signing.algorithm")->second;
    const auto named = registry::algorithm_named(algorithm);
    if (!named) {
        throw ConfigError("signing.algorithm = '" + algorithm + "' (from " +
                          c.sources.find("signing.algorithm")->second +
                          "): must be ed25519 or sm2");
    }
    s.signing_algorithm = *named;
    s.issuer.name = c.values.find("issuer.name")->second;
    if (s.issuer.name.empty() || !valid_name(s.issuer.name)) {
        throw ConfigError("issuer.name = '" + s.issuer.name + "' (from " +
                          c.sources.find("issuer.name")->second +
                          "): must be the issuing body's name, 1 to 40 characters of UTF-8 on "
                          "one line");
    }
    s.issuer.body_code = digits(c, "issuer.body-code", 6, "the certifying body's code");
    s.issuer.province_code = digits(c, "issuer.province-code", 2, "the province's code");
    s.issuer.site_code = digits(c, "issuer.site-code", 4, "the assessment site's code");
    s.issuer.name_en = c.values.find("issuer.name-en")->second;
    if (!is_valid_utf8(s.issuer.name_en) || utf8_length(s.issuer.name_en) > 100 ||
        s.issuer.name_en.find('\n') != std::string::npos) {
        throw ConfigError("issuer.name-en (from " + c.sources.find("issuer.name-en")->second +
                          "): at most 100 characters on one line");
    }
    for (const char* key : {"issuer.certificate-lookup-url", "issuer.body-lookup-url"}) {
        const std::string& url = c.values.find(key)->second;
        const bool ok =
            url.empty() || ((url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0) &&
                            url.size() <= 80 && url.find(' ') == std::string::npos);
        if (!ok) {
            throw ConfigError(std::string(key) + " = '" + url + "' (from " +
                              c.sources.find(key)->second +
                              "): an http:// or https:// address of at most 80 characters");
        }
    }
    s.issuer.certificate_lookup_url = c.values.find("issuer.certificate-lookup-url")->second;
    s.issuer.body_lookup_url = c.values.find("issuer.body-lookup-url")->second;
    s.issuer.serial_prefix = c.values.find("issuer.serial-prefix")->second;
    const bool prefix_ok =
        s.issuer.serial_prefix.size() <= 8 &&
        std::all_of(s.issuer.serial_prefix.begin(), s.issuer.serial_prefix.end(),
                    [](char ch) { return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z'); });
    if (!prefix_ok) {
        throw ConfigError("issuer.serial-prefix = '" + s.issuer.serial_prefix + "' (from " +
                          c.sources.find("issuer.serial-prefix")->second +
                          "): at most 8 capital letters or digits");
    }
    s.issuer.serial_digits = static_cast<int>(parse_integer(c, "issuer.serial-digits", 0, 12));
    s.pdf_certificate_file = c.values.find("signing.certificate-file")->second;
    s.pdf_certificate_key_file = c.values.find("signing.certificate-key-file")->second;
    if (s.pdf_certificate_file.empty() != s.pdf_certificate_key_file.empty()) {
        throw ConfigError(
            "signing.certificate-file and signing.certificate-key-file go together: set both, "
            "or neither for a self-signed certificate");
    }
    s.api_keys = c.values.find("auth.api-keys")->second;
    try {
        parse_api_keys(s.api_keys);
    } catch (const std::invalid_argument& e) {
        throw ConfigError(e.what());
    }
    s.session_secret = c.values.find("auth.session-secret")->second;
    if (!s.session_secret.empty() && s.session_secret.size() < 32) {
        throw ConfigError(
            "auth.session-secret must be at least 32 characters (or empty for a "
            "random one at each start)");
    }
    s.public_rate_per_minute =
        static_cast<double>(parse_integer(c, "limits.public-rate-per-minute", 1, 1000000));
    s.public_base_url = c.values.find("public.base-url")->second;
    auto base_url = [](std::string url, const char* key) {
        if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
            throw ConfigError(std::string(key) + " = '" + url +
                              "': must start with http:// or https://");
        }
        while (!url.empty() && url.back() == '/') url.pop_back();
        return url;
    };
    s.public_base_url = base_url(s.public_base_url, "public.base-url");
    std::istringstream others(c.values.find("public.other-base-urls")->second);
    for (std::string url; std::getline(others, url, ',');) {
        url.erase(0, url.find_first_not_of(' '));
        url.erase(url.find_last_not_of(' ') + 1);
        if (!url.empty()) s.other_base_urls.push_back(base_url(url, "public.other-base-urls"));
    }
    const std::string& format = c.values.find("log.format")->second;
    if (format == "json") {
        s.log_format = LogFormat::json;
    } else if (format == "text") {
        s.log_format = LogFormat::text;
    } else if (format == "auto") {
        s.log_format = stdout_is_tty ? LogFormat::text : LogFormat::json;
    } else {
        throw ConfigError("log.format = '" + format + "': must be json, text or auto");
    }
    return s;
}

std::string config_help() {
    std::ostringstream out;
    out << "Configuration keys (defaults < --config-file < environment < -Dkey=value):\n";
    for (const auto& k : config_keys()) {
        out << "\n  " << k.name << "  (env " << env_name(k.name) << ", default '" << k.default_value
            << "')\n      " << k.description << "\n";
    }
    return out.str();
}

}  // namespace examdocs::service
