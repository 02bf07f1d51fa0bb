// The commands an operator runs next to the service:
//   examdocs config                 every key, its value and where the value comes from
//   examdocs api-key new NAME       a fresh API key and its auth.api-keys entry
//   examdocs backup --to FILE       registry (SQLite, online) and signing keys, one file
//   examdocs restore --from FILE    the reverse, into an empty data directory
//   examdocs signing-key rotate     a new signing key; the old ones keep verifying
#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Path.h>
#include <Poco/SHA2Engine.h>
#include <Poco/TemporaryFile.h>
#include <Poco/Timestamp.h>
#include <Poco/Zip/Compress.h>
#include <Poco/Zip/Decompress.h>
#include <Poco/Zip/ZipArchive.h>
#include <Poco/Zip/ZipStream.h>
#include <sys/random.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>

#include "commands.h"
#include "examdocs/core/build_info.h"
#include "examdocs/registry/backup.h"
#include "examdocs/registry/database.h"
#include "examdocs/registry/pdf_signing_certificate.h"
#include "examdocs/registry/signing_keys.h"
#include "examdocs/service/access_control.h"
#include "server_config.h"

namespace examdocs::cli {

namespace {

std::vector<OptionSpec> with_config_options(std::vector<OptionSpec> options) {
    auto config = config_options();
    options.insert(options.end(), config.begin(), config.end());
    return options;
}

bool is_secret(std::string_view key) { return key == "jobs.callback-secret"; }

}  // namespace

// ---- config -------------------------------------------------------------------------

const CommandSpec& config_spec() {
    static const CommandSpec spec{
        "config",
        "",
        "List the keys of 'serve', each value and where it comes from.",
        "Give the options 'examdocs serve' is started with to see what it would use; secrets\n"
        "are shown as (set). Without --verbose one line a key.",
        with_config_options({{"verbose", 'v', "", "also say what each key is for"}}),
        "0 listed, 64 usage, 78 a configuration error (the key and the rule are named).",
        0,
        0};
    return spec;
}

int config_command(int argc, char** argv) {
    return run_command(config_spec(), argc, argv, [](const ParsedArguments& args) {
        service::ResolvedConfig resolved;
        try {
            resolved = resolve_config_from(args);
            service::settings_from(resolved, false);  // validates every value
        } catch (const service::ConfigError& e) {
            std::cerr << "examdocs config: " << e.what() << '\n';
            return kExitConfig;
        }
        std::cout << "# defaults < --config-file < environment < -Dkey=value\n";
        for (const auto& key : service::config_keys()) {
            const std::string& value = resolved.values.find(key.name)->second;
            const std::string shown = is_secret(key.name) && !value.empty() ? "(set)" : value;
            std::cout << key.name << " = " << shown << "    # "
                      << resolved.sources.find(key.name)->second << ", env "
                      << service::env_name(key.name) << '\n';
            if (args.has("verbose")) std::cout << "    " << key.description << "\n";
        }
        return 0;
    });
}

// ---- api-key ------------------------------------------------------------------------

const CommandSpec& api_key_spec() {
    static const CommandSpec spec{
        "api-key",
        "new NAME",
        "Make a backend's API key and its auth.api-keys entry.",
        "The key is printed once and stored nowhere: only its SHA-256 goes into the\n"
        "configuration. Rights: issue, revoke, read, print, render, admin, joined by +.",
        {{"rights", 'r', "RIGHTS", "what the key may do, e.g. issue+read (required)"},
         {"json", 0, "", "print {\"name\", \"key\", \"entry\"} as one JSON object"}},
        "0 made, 64 usage (an unknown right, a name with ':' or ',').",
        2,
        2};
    return spec;
}

int api_key_command(int argc, char** argv) {
    return run_command(api_key_spec(), argc, argv, [](const ParsedArguments& args) {
        if (args.operands()[0] != "new") {
            throw UsageError("unknown subcommand '" + args.operands()[0] + "' (there is: new)");
        }
        const std::string& name = args.operands()[1];
        if (!args.has("rights")) throw UsageError("missing --rights, e.g. --rights issue+read");
        if (name.empty() || name.find_first_of(":, \t") != std::string::npos) {
            throw UsageError("the key's NAME must be a word without ':', ',' or spaces, not '" +
                             name + "'");
        }
        // 32 bytes from the kernel's generator: 256 bits, as base64url 43 characters.
        std::string bytes(32, '\0');
        if (getrandom(bytes.data(), bytes.size(), 0) != static_cast<ssize_t>(bytes.size())) {
            std::cerr << "examdocs api-key: the system's random generator failed\n";
            return kExitSoftware;
        }
        const std::string key = "exd_" + registry::base64url(bytes);
        Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
        sha.update(key);
        const std::string entry =
            name + ":" + Poco::DigestEngine::digestToHex(sha.digest()) + ":" + args.value("rights");
        try {
            service::parse_api_keys(entry);
        } catch (const std::invalid_argument& e) {
            throw UsageError(std::string(e.what()).substr(std::string("auth.api-keys: ").size()));
        }
        if (args.has("json")) {
            Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
            o.set("name", name);
            o.set("key", key);
            o.set("entry", entry);
            o.stringify(std::cout);
            std::cout << '\n';
            return 0;
        }
        std::cout << "API key for " << name
                  << " (shown this once: give it to the backend, which sends it as\n"
                     "'Authorization: Bearer KEY'):\n\n    "
                  << key
                  << "\n\nAdd this entry to auth.api-keys (entries are separated by commas):\n\n"
                     "    "
                  << entry << "\n";
        return 0;
    });
}

// ---- backup and restore -------------------------------------------------------------

namespace {

constexpr const char* kManifestName = "examdocs-backup.json";

std::vector<std::string> key_files(const std::string& dir) {
    std::vector<std::string> files;
    if (!Poco::File(dir).exists()) return files;
    for (Poco::DirectoryIterator it(dir), end; it != end; ++it) {
        // The QR keys (*.pem) and the PDF signing certificate's pair.
        if (Poco::Path(it->path()).getExtension() == "pem" ||
            it.name() == registry::PdfSigningCertificate::kKeyFile ||
            it.name() == registry::PdfSigningCertificate::kCertificateFile) {
            files.push_back(it.name());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace

const CommandSpec& backup_spec() {
    static const CommandSpec spec{
        "backup",
        "",
        "Copy the registry (while serving) and the signing keys into one file.",
        "The file is a ZIP: registry.sqlite (SQLite's online backup), keys/*.pem and a\n"
        "manifest. It holds the private signing keys: it is written with mode 0600; keep it\n"
        "as secret as the keys. A PostgreSQL registry is backed up with pg_dump instead.\n"
        "'examdocs restore --from FILE' puts it back.",
        with_config_options({{"to", 'o', "FILE", "the backup file to write (required)"}}),
        "0 written, 64 usage, 66 there is no registry yet, 69 the registry is PostgreSQL, "
        "74 the file cannot be written, 78 a configuration error.",
        0,
        0};
    return spec;
}

int backup_command(int argc, char** argv) {
    return run_command(backup_spec(), argc, argv, [](const ParsedArguments& args) {
        const std::string to = args.value("to");
        if (to.empty()) throw UsageError("missing --to FILE");
        auto settings = settings_from(args, "backup");
        if (!settings) return kExitConfig;
        if (!settings->registry_url.empty() &&
            registry::is_postgresql_url(settings->registry_url)) {
            std::cerr << "examdocs backup: the registry is PostgreSQL (registry.url): back it up "
                         "with pg_dump (see docs/operations.md), and copy the signing keys in "
                      << signing_keys_dir(*settings) << " with it\n";
            return kExitUnavailable;
        }
        const std::string database = sqlite_path(*settings);
        if (!Poco::File(database).exists()) {
            std::cerr << "examdocs backup: there is no registry at " << database
                      << " (data.dir): nothing to back up\n";
            return kExitNoInput;
        }
        const std::string keys_dir = signing_keys_dir(*settings);
        const auto keys = key_files(keys_dir);
        try {
            Poco::TemporaryFile snapshot(Poco::Path(to).makeAbsolute().parent().toString());
            const int schema = registry::backup_sqlite(database, snapshot.path());
            Poco::JSON::Object manifest(Poco::JSON_PRESERVE_KEY_ORDER);
            manifest.set("examdocs", std::string(project_version()));
            manifest.set("schemaVersion", schema);
            manifest.set("created", Poco::Timestamp().epochTime());
            Poco::JSON::Array::Ptr key_list = new Poco::JSON::Array;
            for (const auto& k : keys) key_list->add(k);
            manifest.set("keys", key_list);
            std::ostringstream manifest_text;
            manifest.stringify(manifest_text, 2);

            const std::string partial = to + ".partial";
            {
                // Created 0600 before the keys go into it.
                const mode_t old_mask = umask(077);
                std::ofstream out(partial, std::ios::binary | std::ios::trunc);
                umask(old_mask);
                if (!out) throw std::runtime_error("cannot write " + to);
                Poco::Zip::Compress zip(out, true);
                std::istringstream manifest_in(manifest_text.str());
                zip.addFile(manifest_in, Poco::DateTime(), Poco::Path(kManifestName));
                zip.addFile(Poco::Path(snapshot.path()), Poco::Path("registry.sqlite"));
                for (const auto& k : keys) {
                    zip.addFile(Poco::Path(keys_dir, k), Poco::Path("keys/" + k));
                }
                zip.close();
                out.close();
                if (!out) throw std::runtime_error("cannot write " + to);
            }
            if (std::rename(partial.c_str(), to.c_str()) != 0) {
                throw std::runtime_error("cannot write " + to);
            }
            const auto qr_keys = std::count_if(keys.begin(), keys.end(), [](const auto& k) {
                return Poco::Path(k).getExtension() == "pem";
            });
            std::cout << to << ": registry (schema version " << schema << ") and " << qr_keys
                      << " signing key(s)"
                      << (static_cast<std::size_t>(qr_keys) < keys.size()
                              ? " with the PDF signing certificate"
                              : "")
                      << '\n';
        } catch (const std::exception& e) {
            std::cerr << "examdocs backup: " << e.what() << '\n';
            return kExitIoErr;
        }
        return 0;
    });
}

const CommandSpec& restore_spec() {
    static const CommandSpec spec{
        "restore",
        "",
        "Put a backup back into the data directory (the service stopped).",
        "Refuses to overwrite an existing registry unless --force; restores the signing keys\n"
        "that are missing from the keys directory and leaves the others as they are.",
        with_config_options(
            {{"from", 'i', "FILE", "the backup file (required)"},
             {"force", 0, "", "replace an existing registry (stop the service first)"}}),
        "0 restored, 64 usage, 65 the file is not a sound backup, 66 it is missing, 73 the "
        "registry exists (see --force) or cannot be written, 78 a configuration error.",
        0,
        0};
    return spec;
}

int restore_command(int argc, char** argv) {
    return run_command(restore_spec(), argc, argv, [](const ParsedArguments& args) {
        const std::string from = args.value("from");
        if (from.empty()) throw UsageError("missing --from FILE");
        auto settings = settings_from(args, "restore");
        if (!settings) return kExitConfig;
        if (!settings->registry_url.empty() &&
            registry::is_postgresql_url(settings->registry_url)) {
            std::cerr << "examdocs restore: the registry is PostgreSQL (registry.url): restore it "
                         "with pg_restore or psql (see docs/operations.md)\n";
            return kExitUnavailable;
        }
        std::ifstream in(from, std::ios::binary);
        if (!in) {
            std::cerr << "examdocs restore: cannot read " << from << '\n';
            return kExitNoInput;
        }
        const std::string database = sqlite_path(*settings);
        if (Poco::File(database).exists() && !args.has("force")) {
            std::cerr << "examdocs restore: " << database
                      << " exists; stop the service and give --force to replace it\n";
            return kExitCantCreate;
        }
        try {
            Poco::TemporaryFile unpacked(Poco::Path(settings->data_dir).makeAbsolute().toString());
            Poco::File(settings->data_dir).createDirectories();
            Poco::Zip::Decompress zip(in, Poco::Path(unpacked.path()), false, false);
            zip.decompressAllFiles();
            const std::string snapshot = Poco::Path(unpacked.path(), "registry.sqlite").toString();
            std::string problem;
            if (!Poco::File(Poco::Path(unpacked.path(), kManifestName)).exists() ||
                !Poco::File(snapshot).exists() ||
                !registry::sqlite_file_is_sound(snapshot, problem)) {
                std::cerr << "examdocs restore: " << from << " is not a sound examdocs backup"
                          << (problem.empty() ? "" : ": " + problem) << '\n';
                return kExitDataErr;
            }
            // Keys first: a registry whose keys are missing would answer "forged".
            const std::string keys_dir = signing_keys_dir(*settings);
            Poco::File(keys_dir).createDirectories();
            chmod(keys_dir.c_str(), 0700);
            int restored_keys = 0;
            for (const auto& k : key_files(Poco::Path(unpacked.path(), "keys").toString())) {
                const std::string target = Poco::Path(keys_dir, k).toString();
                if (Poco::File(target).exists()) continue;
                Poco::File(Poco::Path(unpacked.path(), "keys/" + k)).copyTo(target);
                chmod(target.c_str(), 0600);
                ++restored_keys;
            }
            for (const char* stale : {"-wal", "-shm", "-journal"}) {
                Poco::File f(database + stale);
                if (f.exists()) f.remove();
            }
            Poco::File(snapshot).moveTo(database);
            std::cout << database << ": restored from " << from << ", " << restored_keys
                      << " signing key(s) added to " << keys_dir << '\n';
        } catch (const std::exception& e) {
            std::cerr << "examdocs restore: " << e.what() << '\n';
            return kExitCantCreate;
        }
        return 0;
    });
}

// ---- signing-key ----------------------------------------------------------------------

const CommandSpec& signing_key_spec() {
    static const CommandSpec spec{
        "signing-key",
        "list|rotate",
        "List the signing keys, or add one (of signing.algorithm) that signs from the next start.",
        "Old keys stay in the directory and in /.well-known/examdocs/keys.json, so that\n"
        "certificates they signed keep verifying. Restart every instance after a rotation\n"
        "(see docs/operations.md). The certificate that signs certificate PDFs is listed\n"
        "too; rotate makes a new self-signed one (not one set by signing.certificate-file).",
        config_options(),
        "0 done, 64 usage, 74 the keys directory cannot be written, 78 a configuration error.",
        1,
        1};
    return spec;
}

int signing_key_command(int argc, char** argv) {
    return run_command(signing_key_spec(), argc, argv, [](const ParsedArguments& args) {
        const std::string& action = args.operands()[0];
        if (action != "list" && action != "rotate") {
            throw UsageError("unknown subcommand '" + action + "' (there are: list, rotate)");
        }
        auto settings = settings_from(args, "signing-key");
        if (!settings) return kExitConfig;
        const std::string dir = signing_keys_dir(*settings);
        try {
            auto keys = registry::SigningKeys::open(dir, settings->signing_algorithm);
            if (action == "rotate") {
                const std::string previous = keys.current_key_id();
                const auto previous_algorithm = keys.current_algorithm();
                keys.rotate();  // of signing.algorithm
                std::cout << "new signing key " << keys.current_key_id() << " ("
                          << registry::algorithm_name(keys.current_algorithm()) << ") in " << dir
                          << " (was " << previous << ", "
                          << registry::algorithm_name(previous_algorithm)
                          << "); it signs once the service is restarted\n";
                if (settings->pdf_certificate_file.empty()) {
                    const auto pdf = registry::PdfSigningCertificate::create_default(
                        dir, "examdocs certificate signing");
                    std::cout << "new PDF signing certificate " << pdf.sha256_fingerprint() << " ("
                              << pdf.subject() << ")\n";
                }
                return 0;
            }
            Poco::JSON::Parser parser;
            auto list = parser.parse(keys.public_keys_json())
                            .extract<Poco::JSON::Object::Ptr>()
                            ->getArray("keys");
            for (std::size_t i = 0; list && i < list->size(); ++i) {
                auto k = list->getObject(static_cast<unsigned>(i));
                std::cout << k->getValue<std::string>("kid") << "  "
                          << (k->getValue<std::string>("crv") == "SM2" ? "sm2" : "ed25519")
                          << (k->optValue<bool>("current", false) ? "  current" : "") << '\n';
            }
            const auto pdf =
                settings->pdf_certificate_file.empty()
                    ? registry::PdfSigningCertificate::open_default(dir,
                                                                    "examdocs certificate signing")
                    : registry::PdfSigningCertificate::load(settings->pdf_certificate_file,
                                                            settings->pdf_certificate_key_file);
            const std::time_t expiry = std::chrono::system_clock::to_time_t(pdf.not_after());
            char until[32];
            std::strftime(until, sizeof until, "%Y-%m-%d", std::gmtime(&expiry));
            std::cout << "PDF signing certificate " << pdf.sha256_fingerprint() << "  "
                      << pdf.subject() << (pdf.self_signed() ? ", self-signed" : "")
                      << ", valid until " << until << '\n';
        } catch (const std::exception& e) {
            std::cerr << "examdocs signing-key: " << e.what() << '\n';
            return kExitIoErr;
        }
        return 0;
    });
}

}  // namespace examdocs::cli
