#pragma once
// Private to cli/: what every subcommand parses and prints the same way.
//
// Each command declares its options once (CommandSpec); parse_arguments() reads argv by
// that declaration, and run_command() turns the outcome into what people expect of a
// command line: --help prints the command's help on stdout (exit 0), --version the
// version, and a usage error one line on stderr naming what is wrong (exit 64).
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "examdocs/core/problem.h"
#include "examdocs/renderers/layout_catalog.h"

namespace examdocs::cli {

// sysexits.h, the statuses every command uses.
inline constexpr int kExitUsage = 64;
inline constexpr int kExitDataErr = 65;
inline constexpr int kExitNoInput = 66;
inline constexpr int kExitUnavailable = 69;
inline constexpr int kExitSoftware = 70;
inline constexpr int kExitCantCreate = 73;
inline constexpr int kExitIoErr = 74;
inline constexpr int kExitConfig = 78;

struct OptionSpec {
    std::string_view name;        // "out", used as --out
    char short_name = 0;          // 'o', used as -o; 0 for none
    std::string_view value_name;  // "FILE"; empty for a flag
    std::string_view help;
    bool repeatable = false;
};

struct CommandSpec {
    std::string_view name;      // "render"
    std::string_view operands;  // "LAYOUT DATA.json"
    std::string_view summary;   // one line, for `examdocs --help`
    std::string_view description;
    std::vector<OptionSpec> options;
    std::string_view exit_statuses;  // "0 rendered, 64 usage, …"
    std::size_t min_operands = 0;
    std::size_t max_operands = 0;          // SIZE_MAX for any number
    std::string (*more_help)() = nullptr;  // appended to --help (serve: the keys)
};

// A usage error: the message names what is wrong, in one line.
class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class ParsedArguments {
  public:
    bool has(std::string_view option) const { return values_.count(std::string(option)) > 0; }
    // The option's (last) value, or `fallback` when it was not given.
    std::string value(std::string_view option, const std::string& fallback = "") const;
    const std::vector<std::string>& values(std::string_view option) const;
    // The option's value as a whole number in [min, max]; throws UsageError otherwise.
    std::optional<long long> number(std::string_view option, long long min, long long max) const;
    const std::vector<std::string>& operands() const { return operands_; }

  private:
    friend ParsedArguments parse_arguments(const CommandSpec&, int, char**);
    std::map<std::string, std::vector<std::string>> values_;
    std::vector<std::string> operands_;
};

// argv[0] is the command's name. Accepts --name VALUE, --name=VALUE, -n VALUE, -nVALUE and
// "--" before operands that start with '-'. Throws UsageError. --help and --version are
// recorded as the flags "help" and "version" whatever the spec says.
ParsedArguments parse_arguments(const CommandSpec& spec, int argc, char** argv);

// The command's help text: usage, description, options, exit statuses.
std::string command_help(const CommandSpec& spec);

// Parses, answers --help and --version, runs `body`, and maps a UsageError from the
// parser or from `body` to one line on stderr and status 64.
int run_command(const CommandSpec& spec, int argc, char** argv,
                const std::function<int(const ParsedArguments&)>& body);

// Whether the fonts and the colour profile match the manifest, trusting the hash cache for
// files it knows (fonts::HashCheck::cached: a stat each, not ~60 MB of hashing); prints
// what is wrong, as "examdocs COMMAND: …", when they do not.
bool fonts_ready(std::string_view command);

// glibc's heap set for many documents made on worker threads, by serve and bulk alike;
// called before any worker thread starts (mallopt is not thread-safe). Buffers of a
// megabyte and more (a shared job's chunk of records, its part of the output) are mapped
// and unmapped on their own rather than carved from the heap: glibc's adaptive threshold
// otherwise rises past them after the first few are freed, and heaps fragmented by the
// workers kept growing over a long job (bench/bulk: peak RSS 152 MB for 1,000 tickets and
// 202 MB for 10,000 before, 140 and 139 MB after). And a document's few megabytes, once
// freed, stay with its thread's heap for the next one: at the default 128 KB trim threshold
// glibc gave them back (madvise) and the next document faulted them in again — 12 % of the
// time of POST /v1/documents/admission-ticket and 7.4 % of a bulk run in perf's call graphs.
void keep_freed_memory_for_workers();

// The line `examdocs --version` prints.
std::string version_line();

// A problem (a refused document, a failed lookup) as sentences for stderr: the detail,
// then each field's pointer and message on a line of its own.
std::string problem_text(const Problem& problem);

// "2026-11-18T11:06:40Z" (for reproducible output), or nullopt when it is not that form.
std::optional<std::chrono::system_clock::time_point> parse_fixed_time(const std::string& text);

// The layout named `name` from `catalog` (the built-in ones, or only that one) and
// `layouts_dir`; throws UsageError naming the layouts there are.
const renderers::Layout& find_layout(renderers::LayoutCatalog& catalog, const std::string& name,
                                     const std::string& layouts_dir);

}  // namespace examdocs::cli
