#include "cli_support.h"

#include <malloc.h>

#include <charconv>
#include <ctime>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "examdocs/core/build_info.h"
#include "examdocs/fonts/font_manifest.h"

namespace examdocs::cli {

namespace {

const OptionSpec* find_long(const CommandSpec& spec, std::string_view name) {
    for (const auto& o : spec.options) {
        if (o.name == name) return &o;
    }
    return nullptr;
}

const OptionSpec* find_short(const CommandSpec& spec, char name) {
    for (const auto& o : spec.options) {
        if (o.short_name != 0 && o.short_name == name) return &o;
    }
    return nullptr;
}

// `text` in lines of at most `width` characters, broken at spaces.
std::string wrapped(std::string_view text, std::size_t width) {
    std::string out, line;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find(' ', start);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view word = text.substr(start, end - start);
        if (!line.empty() && line.size() + 1 + word.size() > width) {
            out += line + '\n';
            line.clear();
        }
        line += (line.empty() ? "" : " ") + std::string(word);
        start = end + 1;
    }
    return out + line;
}

std::string option_label(const OptionSpec& o) {
    std::string label = o.short_name ? std::string("-") + o.short_name + ", " : "    ";
    label += "--" + std::string(o.name);
    if (!o.value_name.empty()) label += " " + std::string(o.value_name);
    return label;
}

}  // namespace

std::string ParsedArguments::value(std::string_view option, const std::string& fallback) const {
    auto it = values_.find(std::string(option));
    return it == values_.end() || it->second.empty() ? fallback : it->second.back();
}

const std::vector<std::string>& ParsedArguments::values(std::string_view option) const {
    static const std::vector<std::string> none;
    auto it = values_.find(std::string(option));
    return it == values_.end() ? none : it->second;
}

std::optional<long long> ParsedArguments::number(std::string_view option, long long min,
                                                 long long max) const {
    if (!has(option)) return std::nullopt;
    const std::string text = value(option);
    long long n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size() || n < min || n > max) {
        throw UsageError("--" + std::string(option) + " takes a whole number from " +
                         std::to_string(min) + " to " + std::to_string(max) + ", not '" + text +
                         "'");
    }
    return n;
}

ParsedArguments parse_arguments(const CommandSpec& spec, int argc, char** argv) {
    ParsedArguments parsed;
    auto record = [&](const OptionSpec& o, std::string value) {
        auto& list = parsed.values_[std::string(o.name)];
        if (!list.empty() && !o.repeatable && !o.value_name.empty()) {
            throw UsageError("--" + std::string(o.name) + " is given twice");
        }
        list.push_back(std::move(value));
    };
    bool options_ended = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (options_ended || arg.size() < 2 || arg[0] != '-') {
            parsed.operands_.push_back(arg);
            continue;
        }
        if (arg == "--") {
            options_ended = true;
            continue;
        }
        if (arg == "--help" || arg == "-h") {
            parsed.values_["help"].push_back("");
            return parsed;  // nothing else matters once help is asked for
        }
        if (arg == "--version") {
            parsed.values_["version"].push_back("");
            return parsed;
        }
        const OptionSpec* option = nullptr;
        std::optional<std::string> attached;
        std::string shown;  // the option as written, for messages
        if (arg.rfind("--", 0) == 0) {
            const auto eq = arg.find('=');
            const std::string name = arg.substr(2, eq == std::string::npos ? eq : eq - 2);
            option = find_long(spec, name);
            shown = "--" + name;
            if (eq != std::string::npos) attached = arg.substr(eq + 1);
        } else {
            option = find_short(spec, arg[1]);
            shown = arg.substr(0, 2);
            if (arg.size() > 2) attached = arg.substr(2);
        }
        if (!option) throw UsageError("unknown option '" + shown + "'");
        if (option->value_name.empty()) {
            if (attached) throw UsageError(shown + " takes no value");
            record(*option, "");
            continue;
        }
        if (attached) {
            record(*option, *attached);
        } else if (i + 1 < argc) {
            record(*option, argv[++i]);
        } else {
            throw UsageError(shown + " needs a value (" + std::string(option->value_name) + ")");
        }
    }
    const auto n = parsed.operands_.size();
    if (n > spec.max_operands) {
        throw UsageError(spec.max_operands == 0
                             ? "unexpected argument '" + parsed.operands_.front() + "'"
                             : "unexpected argument '" + parsed.operands_[spec.max_operands] +
                                   "' (takes " + std::string(spec.operands) + ")");
    }
    if (n < spec.min_operands) {
        throw UsageError("missing " + std::string(spec.operands));
    }
    return parsed;
}

std::string command_help(const CommandSpec& spec) {
    std::ostringstream out;
    out << "Usage: examdocs " << spec.name;
    if (!spec.options.empty()) out << " [options]";
    if (!spec.operands.empty()) out << ' ' << spec.operands;
    out << "\n\n" << spec.summary << "\n";
    if (!spec.description.empty()) out << '\n' << spec.description << '\n';
    out << "\nOptions:\n";
    std::size_t width = 0;
    for (const auto& o : spec.options) width = std::max(width, option_label(o).size());
    width = std::max<std::size_t>(width, 14);
    auto line = [&](const std::string& label, std::string_view help) {
        out << "  " << label << std::string(width - label.size() + 2, ' ');
        // Continuation lines of a long help text line up under its first line.
        for (char c : help) {
            out << c;
            if (c == '\n') out << std::string(width + 4, ' ');
        }
        out << '\n';
    };
    for (const auto& o : spec.options) line(option_label(o), o.help);
    line("-h, --help", "print this help");
    line("    --version", "print the version");
    if (!spec.exit_statuses.empty()) {
        out << '\n' << wrapped("Exit status: " + std::string(spec.exit_statuses), 78) << '\n';
    }
    if (spec.more_help) out << '\n' << spec.more_help();
    return out.str();
}

bool fonts_ready(std::string_view command) {
    auto checks = fonts::verify_fonts(fonts::bundled_fonts(), fonts::HashCheck::cached);
    checks.push_back(
        fonts::verify_output_intent(fonts::bundled_output_intent(), fonts::HashCheck::cached));
    bool ready = true;
    for (const auto& c : checks) {
        if (c.ok) continue;
        std::cerr << "examdocs " << command << ": the font " << c.id << " is " << c.detail
                  << " ('examdocs doctor' checks everything)\n";
        ready = false;
    }
    return ready;
}

void keep_freed_memory_for_workers() {
    // NOLINTNEXTLINE(concurrency-mt-unsafe): called before any worker thread starts
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
    // NOLINTNEXTLINE(concurrency-mt-unsafe): called before any worker thread starts
    mallopt(M_TRIM_THRESHOLD, 8 << 20);
}

std::string version_line() {
    return "examdocs " + std::string(project_version()) + " (" + std::string(git_commit()) + ")";
}

int run_command(const CommandSpec& spec, int argc, char** argv,
                const std::function<int(const ParsedArguments&)>& body) {
    try {
        const ParsedArguments parsed = parse_arguments(spec, argc, argv);
        if (parsed.has("help")) {
            std::cout << command_help(spec);
            return 0;
        }
        if (parsed.has("version")) {
            std::cout << version_line() << '\n';
            return 0;
        }
        return body(parsed);
    } catch (const UsageError& e) {
        std::cerr << "examdocs " << spec.name << ": " << e.what() << " (see 'examdocs " << spec.name
                  << " --help')\n";
        return kExitUsage;
    }
}

std::string problem_text(const Problem& problem) {
    std::string text = problem.detail.empty() ? problem.title : problem.detail;
    for (const auto& e : problem.errors) {
        text += "\n  " + (e.pointer.empty() ? std::string("(document)") : e.pointer) + ": " +
                e.message + " [" + e.code + "]";
    }
    return text;
}

std::optional<std::chrono::system_clock::time_point> parse_fixed_time(const std::string& text) {
    std::tm tm{};
    std::istringstream in(text);
    in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
    if (in.fail()) return std::nullopt;
    return std::chrono::system_clock::from_time_t(timegm(&tm));
}

const renderers::Layout& find_layout(renderers::LayoutCatalog& catalog, const std::string& name,
                                     const std::string& layouts_dir) {
    if (!layouts_dir.empty()) catalog.add_directory(layouts_dir);
    const auto layout = catalog.find(name);
    if (!layout) {
        // The catalog may hold only the layout asked for (LayoutCatalog::bundled(name)):
        // the list of the others comes from all of them.
        auto every = renderers::LayoutCatalog::bundled();
        if (!layouts_dir.empty()) every.add_directory(layouts_dir);
        std::string known;
        for (const auto& l : every.all()) known += (known.empty() ? "" : ", ") + l->name;
        throw UsageError("no layout '" + name + "'; the layouts are " + known);
    }
    return *layout;
}

}  // namespace examdocs::cli
