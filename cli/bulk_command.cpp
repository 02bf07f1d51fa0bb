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
#include <Poco/SHA2Engine.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
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
#include "examdocs/registry/certificate_registry.h"
#include "examdocs/renderers/layout_catalog.h"
#include "examdocs/service/certificate_request.h"
#include "examdocs/validators/photo_profile.h"

namespace examdocs::cli {

namespace {

int usage() {
    std::cerr
        << "usage: examdocs bulk --layout NAME --input FILE --out FILE [options]\n"
           "  --input FILE        records: .csv (header row of field pointers), .ndjson/.jsonl,\n"
           "                      or .json (an array); --format csv|ndjson|json overrides\n"
           "  --defaults FILE     a JSON object merged under every record (exam, centre, notes)\n"
           "  --out FILE          the merged PDF, or with --zip a ZIP of one PDF per record\n"
           "  --zip               one PDF per record, named by the layout's file name\n"
           "  --nup 1|2|4         pages per printed sheet (2: A5 pair on A4 landscape), with\n"
           "                      cut marks unless --no-cut-marks\n"
           "  --jobs N            worker threads (default: the number of cores)\n"
           "  --errors FILE       refused records as JSON lines (record, line, errors)\n"
           "  --quiet             no progress, no summary\n"
           "  --issue             certificates: each record is a POST /v1/certificates body,\n"
           "                      issued through the registry first (once: a rerun of the\n"
           "                      same record gets the same certificate), then printed\n"
           "  --data-dir DIR      with --issue: the service's data directory (signing keys,\n"
           "                      SQLite registry; default ./var)\n"
           "  --registry-url URL  with --issue: a PostgreSQL registry instead of the SQLite file\n"
           "  --public-base-url U with --issue: the base of the verification URL in the QR\n"
           "  --layouts-dir DIR   layouts beyond the built-in ones\n"
           "  --fixed-time 2026-01-01T00:00:00Z --document-id 32HEX   reproducible output\n"
           "CSV cells \"@name\" in photo columns are files relative to the input's directory.\n";
    return 64;
}

std::string duration_text(double seconds) {
    const auto s = static_cast<long>(seconds + 0.5);
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

    void done() {
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

Poco::JSON::Object::Ptr failure_json(const bulk::RecordFailure& failure) {
    Poco::JSON::Object::Ptr line = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    line->set("record", failure.number);
    if (failure.line) line->set("line", failure.line);
    line->set("errors", field_errors_json(failure.errors));
    return line;
}

}  // namespace

int bulk_command(int argc, char** argv) {
    std::string layout_name, input_path, out_path, errors_path, defaults_path, layouts_dir,
        format_name, document_id;
    bool zip = false, quiet = false, cut_marks = true, issue = false;
    std::string data_dir = "./var", registry_url, public_base_url = "http://127.0.0.1:8080";
    int nup = 1;
    int jobs = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
    std::optional<std::chrono::system_clock::time_point> fixed_time;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
        auto number = [&](int& target) {
            const std::string text = next();
            try {
                std::size_t used = 0;
                target = std::stoi(text, &used);
                return used == text.size();
            } catch (const std::exception&) {
                return false;
            }
        };
        if (arg == "--help" || arg == "-h") {
            usage();
            return 0;
        }
        if (arg == "--layout") {
            layout_name = next();
        } else if (arg == "--input" || arg == "-i") {
            input_path = next();
        } else if (arg == "--out" || arg == "-o") {
            out_path = next();
        } else if (arg == "--errors") {
            errors_path = next();
        } else if (arg == "--defaults") {
            defaults_path = next();
        } else if (arg == "--format") {
            format_name = next();
        } else if (arg == "--layouts-dir") {
            layouts_dir = next();
        } else if (arg == "--issue") {
            issue = true;
        } else if (arg == "--data-dir") {
            data_dir = next();
        } else if (arg == "--registry-url") {
            registry_url = next();
        } else if (arg == "--public-base-url") {
            public_base_url = next();
        } else if (arg == "--zip") {
            zip = true;
        } else if (arg == "--quiet" || arg == "-q") {
            quiet = true;
        } else if (arg == "--no-cut-marks") {
            cut_marks = false;
        } else if (arg == "--nup") {
            if (!number(nup) || !renderers::valid_pages_per_sheet(nup)) return usage();
        } else if (arg == "--jobs" || arg == "-j") {
            if (!number(jobs) || jobs < 1 || jobs > 256) return usage();
        } else if (arg == "--document-id") {
            document_id = next();
        } else if (arg == "--fixed-time") {
            fixed_time = parse_fixed_time(next());
            if (!fixed_time) return usage();
        } else {
            std::cerr << "examdocs bulk: unknown argument '" << arg << "'\n";
            return usage();
        }
    }
    if (layout_name.empty() || input_path.empty() || out_path.empty()) return usage();
    if (zip && nup != 1) {
        std::cerr << "examdocs bulk: --nup applies to a merged PDF, not to --zip\n";
        return 64;
    }

    auto catalog = renderers::LayoutCatalog::bundled();
    const renderers::Layout* layout = find_layout(catalog, layout_name, layouts_dir, "bulk");
    if (!layout) return 64;

    std::optional<bulk::InputFormat> format;
    if (format_name == "csv") format = bulk::InputFormat::csv;
    if (format_name == "ndjson" || format_name == "jsonl") format = bulk::InputFormat::ndjson;
    if (format_name == "json") format = bulk::InputFormat::json_array;
    if (!format_name.empty() && !format) return usage();
    if (!format) format = bulk::format_from_name(input_path);
    if (!format) {
        std::cerr << "examdocs bulk: cannot tell the format of " << input_path
                  << " from its name; say --format csv|ndjson|json\n";
        return 64;
    }
    std::ifstream input(input_path, std::ios::binary);
    if (!input) {
        std::cerr << "examdocs bulk: cannot read " << input_path << '\n';
        return 66;
    }

    bulk::ReadOptions read_options;
    read_options.files_dir = Poco::Path(input_path).makeAbsolute().parent().toString();
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
    if (issue) {
        if (layout->name != "certificate") {
            std::cerr << "examdocs bulk: --issue prints certificates: use --layout certificate\n";
            return 64;
        }
        try {
            registry = std::make_unique<registry::CertificateRegistry>(
                std::make_shared<registry::Database>(
                    registry_url.empty() ? data_dir + "/registry.sqlite" : registry_url),
                registry::SigningKeys::open(data_dir + "/keys"));
        } catch (const std::exception& e) {
            std::cerr << "examdocs bulk: cannot open the registry: " << e.what() << '\n';
            return 74;
        }
    }
    const auto profiles = validators::builtin_photo_profiles();

    bulk::PrintOptions options;
    if (registry) {
        // The idempotency key is the record itself: running the same file again returns the
        // certificates issued the first time, never second ones.
        options.prepare = [&registry, &profiles, public_base_url](
                              const bulk::Record& record,
                              std::vector<FieldError>& errors) -> Poco::Dynamic::Var {
            const auto body = record.data.extract<Poco::JSON::Object::Ptr>();
            registry::Certificate draft =
                service::certificate_draft(body, profiles.at("skill-cert"), errors);
            if (!errors.empty()) return {};
            std::ostringstream text;
            body->stringify(text);
            Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
            sha.update(text.str());
            auto issued = registry->issue(
                draft, "bulk:" + Poco::DigestEngine::digestToHex(sha.digest()), "examdocs bulk");
            if (issued.outcome == registry::IssueOutcome::number_taken) {
                errors.push_back(
                    {"/number", "taken", "证书编号已被使用 / This number is already issued."});
                return {};
            }
            return service::certificate_document_data(issued.certificate, public_base_url);
        };
    }
    options.output = zip ? bulk::OutputKind::zip : bulk::OutputKind::merged_pdf;
    options.sheets.pages_per_sheet = nup;
    options.sheets.cut_marks = cut_marks;
    options.threads = jobs;
    if (fixed_time) options.now = *fixed_time;
    options.document_id = document_id;

    std::ifstream counting(input_path, std::ios::binary);
    ProgressReporter progress(quiet, bulk::count_records(counting, *format));
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

}  // namespace examdocs::cli
