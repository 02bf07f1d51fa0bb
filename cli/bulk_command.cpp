// `examdocs bulk --layout admission-ticket --input candidates.csv --out tickets.pdf`: a
// whole exam's tickets without a server. Exit status (sysexits): 0 every record printed,
// 64 usage, 65 some records were refused (listed in --errors) or the input is malformed,
// 66 the input (or a defaults file) is missing, 74 the output cannot be written.
//
// The output is written under a temporary name next to the target and renamed when
// complete, so a crash or a full disk never leaves a truncated file under the real name.
#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Path.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>
#include <thread>

#include "cli_support.h"
#include "commands.h"
#include "examdocs/bulk/bulk_print.h"
#include "examdocs/bulk/records.h"
#include "examdocs/certificates/certificate_request.h"
#include "examdocs/certificates/issuance.h"
#include "examdocs/photos/photo_profile.h"
#include "examdocs/registry/certificate_registry.h"
#include "examdocs/registry/pdf_signing_certificate.h"
#include "examdocs/renderers/input_check.h"
#include "examdocs/renderers/layout_catalog.h"
#include "examdocs/renderers/layout_lint.h"
#include "server_config.h"

namespace examdocs::cli {

namespace {

std::string duration_text(double seconds) {
    const long s = std::lround(seconds);
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%ld:%02ld", s / 60, s % 60);
    return buffer;
}

class ProgressReporter {
  public:
    ProgressReporter(bool quiet, std::optional<std::size_t> total)
        : quiet_(quiet), terminal_(isatty(STDERR_FILENO) == 1), total_(total) {}

    void update(const bulk::PrintProgress& p) {
        if (quiet_) return;
        const double seconds = std::chrono::duration<double>(p.elapsed).count();
        const bool due = terminal_ ? seconds - last_ >= 0.1 : seconds - last_ >= 2.0;
        if (!due) return;
        last_ = seconds;
        const double rate = seconds > 0 ? static_cast<double>(p.done) / seconds : 0;
        std::ostringstream line;
        line << p.done;
        if (total_) line << '/' << *total_;
        line << " records, " << static_cast<long>(rate) << "/s";
        if (p.refused) line << ", " << p.refused << " refused";
        if (total_ && rate > 0 && *total_ >= p.done) {
            line << ", " << duration_text(static_cast<double>(*total_ - p.done) / rate) << " left";
        }
        if (terminal_) {
            std::cerr << '\r' << line.str() << "\x1b[K" << std::flush;
            drawn_ = true;
        } else {
            std::cerr << line.str() << '\n';
        }
    }

    void done() const {
        if (drawn_) std::cerr << '\n';
    }

  private:
    bool quiet_;
    bool terminal_;
    std::optional<std::size_t> total_;
    double last_ = -10;
    bool drawn_ = false;
};

long peak_memory_mb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024;  // kilobytes on Linux
}

int bulk_print(const ParsedArguments& args);

Poco::JSON::Object::Ptr failure_json(const bulk::RecordFailure& failure) {
    Poco::JSON::Object::Ptr line = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    line->set("record", failure.number);
    if (failure.line) line->set("line", failure.line);
    line->set("errors", field_errors_json(failure.errors));
    return line;
}

}  // namespace

const CommandSpec& bulk_spec() {
    static const CommandSpec spec{
        "bulk",
        "",
        "Print many documents from CSV, Excel (.xlsx), NDJSON or JSON into one PDF or a ZIP.",
        "CSV and sheet cells \"@name\" in photo columns are files relative to the input's\n"
        "directory.\n"
        "A record that breaks the layout's rules fails alone (see --errors); the rest print.",
        {{"layout", 'l', "NAME", "the document kind, e.g. admission-ticket (required)"},
         {"input", 'i', "FILE",
          "records: .csv or .xlsx (header row of field pointers), .ndjson/.jsonl\n"
          "or .json (an array) (required)"},
         {"format", 0, "csv|xlsx|ndjson|json", "the input's format when its name does not say"},
         {"sheet", 0, "NAME", "the sheet of an .xlsx workbook to read (default: the first)"},
         {"photos", 0, "DIR|ZIP",
          "where \"@name\" cells find photos: a folder or a .zip (default: the\n"
          "input's folder)"},
         {"defaults", 0, "FILE", "a JSON object merged under every record (exam, centre, notes)"},
         {"out", 'o', "FILE",
          "the merged PDF, or with --zip a ZIP of one PDF per record (required)"},
         {"zip", 0, "", "one PDF per record, named by the layout's file name"},
         {"nup", 0, "1|2|4", "pages per printed sheet (2: A5 pair on A4 landscape)"},
         {"no-cut-marks", 0, "", "no dashed cut lines between the pages of a sheet"},
         {"jobs", 'j', "N", "worker threads (default: the number of cores)"},
         {"errors", 0, "FILE", "refused records as JSON lines (record, line, errors)"},
         {"quiet", 'q', "", "no progress, no summary"},
         {"issue", 0, "",
          "certificates: each record is a POST /v1/certificates body, issued\n"
          "through the registry first (once: a rerun gets the same certificate)"},
         {"data-dir", 0, "DIR",
          "with --issue: the data directory (keys, SQLite; default data.dir)"},
         {"registry-url", 0, "URL", "with --issue: a PostgreSQL registry instead of SQLite"},
         {"public-base-url", 0, "URL", "with --issue: the base of the verification URL in the QR"},
         {"config-file", 'c', "FILE",
          "with --issue: the server's properties file, for the issuer (issuer.*), the\n"
          "signing keys (signing.*) and the defaults of the three options above"},
         {"define", 'D', "key=value", "with --issue: set a configuration key", true},
         {"layouts-dir", 0, "DIR", "layouts beyond the built-in ones"},
         {"fixed-time", 0, "TIME", "creation time, e.g. 2026-01-01T00:00:00Z (reproducible)"},
         {"document-id", 0, "HEX", "the PDF /ID, 32 hex digits (reproducible)"}},
        "0 every record printed, 64 usage, 65 some records were refused (or all: no output is "
        "written) or the input is "
        "malformed, 66 the input (or --defaults) is missing, 69 a font is missing or altered, 74 "
        "the output cannot be written.",
        0,
        0};
    return spec;
}

int bulk_command(int argc, char** argv) {
    return run_command(bulk_spec(), argc, argv,
                       [](const ParsedArguments& args) { return bulk_print(args); });
}

namespace {

int bulk_print(const ParsedArguments& args) {
    const std::string layout_name = args.value("layout"), input_path = args.value("input"),
                      out_path = args.value("out"), errors_path = args.value("errors"),
                      defaults_path = args.value("defaults"),
                      layouts_dir = args.value("layouts-dir"), format_name = args.value("format"),
                      document_id = args.value("document-id");
    const bool zip = args.has("zip"), quiet = args.has("quiet"),
               cut_marks = !args.has("no-cut-marks"), issue = args.has("issue");
    if (!fonts_ready("bulk")) return kExitUnavailable;
    keep_freed_memory_for_workers();
    // With --issue, the server's configuration (defaults < file < environment < -D): the
    // certificates are the issuer's, numbered and signed as the server would.
    service::Settings config;
    if (issue) {
        auto settings = settings_from(args, "bulk");
        if (!settings) return kExitConfig;
        config = *settings;
    }
    const std::string data_dir = args.value("data-dir", config.data_dir),
                      registry_url = args.value("registry-url", config.registry_url),
                      public_base_url = args.value("public-base-url", config.public_base_url);
    config.data_dir = data_dir;
    if (layout_name.empty()) throw UsageError("missing --layout NAME");
    if (input_path.empty()) throw UsageError("missing --input FILE");
    if (out_path.empty()) throw UsageError("missing --out FILE");
    const int nup = static_cast<int>(args.number("nup", 1, 4).value_or(1));
    if (!renderers::valid_pages_per_sheet(nup)) {
        throw UsageError("--nup takes 1, 2 or 4, not '" + args.value("nup") + "'");
    }
    const int jobs = static_cast<int>(
        args.number("jobs", 1, 256)
            .value_or(static_cast<int>(std::max(1U, std::thread::hardware_concurrency()))));
    std::optional<std::chrono::system_clock::time_point> fixed_time;
    if (args.has("fixed-time")) {
        fixed_time = parse_fixed_time(args.value("fixed-time"));
        if (!fixed_time) {
            throw UsageError("--fixed-time takes a UTC time like 2026-01-01T00:00:00Z, not '" +
                             args.value("fixed-time") + "'");
        }
    }
    if (zip && nup != 1) throw UsageError("--nup applies to a merged PDF, not to --zip");

    auto catalog = renderers::LayoutCatalog::bundled(layout_name);
    const renderers::Layout* layout = &find_layout(catalog, layout_name, layouts_dir);
    if (nup != 1) {
        const auto small = renderers::small_codes(*layout, renderers::example_data(*layout), nup);
        if (!small.empty()) {
            throw UsageError("the layout " + layout_name + " cannot print " + std::to_string(nup) +
                             " pages per sheet: " + small.front().pointer + ": " +
                             small.front().message + "; print fewer pages per sheet");
        }
    }

    std::optional<bulk::InputFormat> format;
    if (format_name == "csv") format = bulk::InputFormat::csv;
    if (format_name == "ndjson" || format_name == "jsonl") format = bulk::InputFormat::ndjson;
    if (format_name == "json") format = bulk::InputFormat::json_array;
    if (format_name == "xlsx") format = bulk::InputFormat::xlsx;
    if (!format_name.empty() && !format) {
        throw UsageError("--format takes csv, xlsx, ndjson or json, not '" + format_name + "'");
    }
    if (!format) format = bulk::format_from_name(input_path);
    if (!format) {
        throw UsageError("cannot tell the format of " + input_path +
                         " from its name; say --format csv|xlsx|ndjson|json");
    }
    std::ifstream input(input_path, std::ios::binary);
    if (!input) {
        std::cerr << "examdocs bulk: cannot read " << input_path << '\n';
        return 66;
    }

    bulk::ReadOptions read_options;
    read_options.files_dir = Poco::Path(input_path).makeAbsolute().parent().toString();
    read_options.sheet = args.value("sheet");
    if (args.has("photos")) {
        const std::string photos = args.value("photos");
        Poco::File where(photos);
        if (!where.exists()) {
            std::cerr << "examdocs bulk: cannot read " << photos << '\n';
            return 66;
        }
        read_options.files_dir.clear();
        (where.isDirectory() ? read_options.files_dir : read_options.files_zip) =
            Poco::Path(photos).makeAbsolute().toString();
    }
    if (!read_options.sheet.empty() && format != bulk::InputFormat::xlsx) {
        throw UsageError("--sheet applies to an .xlsx workbook");
    }
    if (!defaults_path.empty()) {
        std::ifstream defaults(defaults_path, std::ios::binary);
        if (!defaults) {
            std::cerr << "examdocs bulk: cannot read " << defaults_path << '\n';
            return 66;
        }
        try {
            Poco::JSON::Parser parser;
            read_options.defaults = parser.parse(defaults);
        } catch (const Poco::Exception& e) {
            std::cerr << "examdocs bulk: " << defaults_path << " is not JSON: " << e.message()
                      << '\n';
            return 65;
        }
        if (read_options.defaults.type() != typeid(Poco::JSON::Object::Ptr)) {
            std::cerr << "examdocs bulk: " << defaults_path << " is not a JSON object\n";
            return 65;
        }
        // Under every record: a misspelt field here would fail them all one by one.
        const auto unknown = renderers::check_fields_known(*layout, read_options.defaults);
        for (const auto& error : unknown) {
            std::cerr << "examdocs bulk: " << defaults_path << ": " << error.pointer << ": "
                      << error.message << '\n';
        }
        if (!unknown.empty()) return 65;
    }

    std::ofstream errors_file;
    if (!errors_path.empty()) {
        errors_file.open(errors_path, std::ios::binary | std::ios::trunc);
        if (!errors_file) {
            std::cerr << "examdocs bulk: cannot write " << errors_path << '\n';
            return 74;
        }
    }

    const std::string partial = out_path + ".partial";
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    if (!out) {
        std::cerr << "examdocs bulk: cannot write " << out_path << '\n';
        return 74;
    }

    std::unique_ptr<registry::CertificateRegistry> registry;
    std::optional<registry::PdfSigningCertificate> pdf_certificate;
    renderers::PdfSigner pdf_signer;
    if (issue) {
        if (!certificates::scheme_of_certificate_layout(layout->name)) {
            throw UsageError(
                "--issue prints certificates: use --layout certificate, ruankao-certificate or "
                "zhicheng-certificate");
        }
        try {
            auto keys =
                registry::SigningKeys::open(signing_keys_dir(config), config.signing_algorithm);
            if (keys.current_algorithm() != config.signing_algorithm) {
                // As `examdocs serve` refuses to start: the setting must not be ignored.
                std::cerr << "examdocs bulk: signing.algorithm = "
                          << registry::algorithm_name(config.signing_algorithm)
                          << " but the newest signing key " << keys.current_key_id() << " is "
                          << registry::algorithm_name(keys.current_algorithm())
                          << ": run 'examdocs signing-key rotate' with the same configuration\n";
                return kExitConfig;
            }
            registry = std::make_unique<registry::CertificateRegistry>(
                std::make_shared<registry::Database>(
                    registry_url.empty() ? data_dir + "/registry.sqlite" : registry_url),
                std::move(keys), config.issuer);
            // The ZIP's certificates are signed as the service signs them (a merged PDF is a
            // print file and is not).
            pdf_certificate =
                config.pdf_certificate_file.empty()
                    ? registry::PdfSigningCertificate::open_default(signing_keys_dir(config),
                                                                    "examdocs certificate signing")
                    : registry::PdfSigningCertificate::load(config.pdf_certificate_file,
                                                            config.pdf_certificate_key_file);
            pdf_signer.sign = [&pdf_certificate](std::string_view bytes) {
                return pdf_certificate->sign(bytes);
            };
        } catch (const std::exception& e) {
            std::cerr << "examdocs bulk: cannot open the registry: " << e.what() << '\n';
            return 74;
        }
    }
    const auto& profiles = photos::builtin_photo_profiles();

    bulk::PrintOptions options;
    if (registry) {
        // The idempotency key is the record itself: running the same file again returns the
        // certificates issued the first time, never second ones.
        options.prepare = certificates::issue_before_printing(
            {registry.get(), &profiles.at("skill-cert"), public_base_url, "examdocs bulk",
             certificates::key_by_content(), layout->name});
    }
    options.output = zip ? bulk::OutputKind::zip : bulk::OutputKind::merged_pdf;
    if (pdf_certificate) options.signer = &pdf_signer;
    options.sheets.pages_per_sheet = nup;
    options.sheets.cut_marks = cut_marks;
    options.threads = jobs;
    if (fixed_time) options.now = *fixed_time;
    options.document_id = document_id;

    std::ifstream counting(input_path, std::ios::binary);
    ProgressReporter progress(quiet, bulk::count_records(counting, *format, read_options.sheet));
    std::size_t shown_failures = 0;
    bulk::PrintCallbacks callbacks;
    callbacks.on_progress = [&](const bulk::PrintProgress& p) { progress.update(p); };
    callbacks.on_failure = [&](const bulk::RecordFailure& failure) {
        if (errors_file.is_open()) {
            failure_json(failure)->stringify(errors_file);
            errors_file << '\n';
        } else if (!quiet && shown_failures++ < 10) {
            std::cerr << "\rrecord " << failure.number;
            if (failure.line) std::cerr << " (line " << failure.line << ")";
            for (const auto& e : failure.errors) {
                std::cerr << ": " << (e.pointer.empty() ? "" : e.pointer + " ") << e.message;
            }
            std::cerr << '\n';
        }
    };

    bulk::PrintSummary summary;
    try {
        auto records = bulk::open_records(input, *format, *layout, read_options);
        summary = bulk::print_records(*records, *layout, out, options, callbacks);
        out.close();
        if (!out) throw std::ios_base::failure("closing the output failed");
    } catch (const bulk::InputError& e) {
        progress.done();
        out.close();
        Poco::File(partial).remove();
        std::cerr << "examdocs bulk: " << input_path;
        if (e.line()) std::cerr << ':' << e.line();
        std::cerr << ": " << e.what() << '\n';
        return 65;
    } catch (const std::exception& e) {
        progress.done();
        out.close();
        Poco::File(partial).remove();
        std::cerr << "examdocs bulk: cannot write " << out_path << ": " << e.what() << '\n';
        return 74;
    }
    progress.done();
    // A run that printed nothing has no document to give: a PDF without pages is not one.
    if (summary.printed == 0) {
        Poco::File(partial).remove();
        std::cerr << "examdocs bulk: nothing printed: "
                  << (summary.records == 0 ? input_path + " holds no records"
                                           : "every one of the " + std::to_string(summary.records) +
                                                 " records was refused")
                  << "; no " << out_path << " written\n";
        return 65;
    }
    if (errors_file.is_open()) {
        errors_file.close();
        if (!errors_file) {
            std::cerr << "examdocs bulk: cannot write " << errors_path << '\n';
            return 74;
        }
    }
    if (std::rename(partial.c_str(), out_path.c_str()) != 0) {
        std::cerr << "examdocs bulk: cannot write " << out_path << '\n';
        return 74;
    }
    if (!quiet) {
        const double rate =
            summary.seconds > 0 ? static_cast<double>(summary.records) / summary.seconds : 0;
        std::cerr << "printed " << summary.printed << " of " << summary.records << " records";
        if (summary.refused) {
            std::cerr << " (" << summary.refused << " refused"
                      << (errors_path.empty() ? "" : ", listed in " + errors_path) << ")";
        }
        std::cerr << " into " << out_path << ": " << summary.pages << " pages";
        if (!zip && nup > 1) std::cerr << " on " << summary.sheets << " sheets";
        std::cerr << ", " << std::fixed << std::setprecision(1)
                  << static_cast<double>(summary.bytes) / 1e6 << " MB, " << summary.seconds
                  << " s (" << static_cast<long>(rate) << " records/s), peak memory "
                  << peak_memory_mb() << " MB\n";
    }
    return summary.refused > 0 ? 65 : 0;
}

}  // namespace

}  // namespace examdocs::cli
