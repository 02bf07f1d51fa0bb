#include "examdocs/jobs/job_options.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <array>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace examdocs::jobs {

namespace {

constexpr std::array<std::pair<JobState, std::string_view>, 5> kStates{{
    {JobState::queued, "queued"},
    {JobState::running, "running"},
    {JobState::done, "done"},
    {JobState::failed, "failed"},
    {JobState::cancelled, "cancelled"},
}};

constexpr std::array<std::pair<CallbackState, std::string_view>, 4> kCallbackStates{{
    {CallbackState::none, ""},
    {CallbackState::waiting, "waiting"},
    {CallbackState::delivered, "delivered"},
    {CallbackState::undeliverable, "undeliverable"},
}};

constexpr std::array<std::pair<bulk::InputFormat, std::string_view>, 4> kFormats{{
    {bulk::InputFormat::csv, "csv"},
    {bulk::InputFormat::ndjson, "ndjson"},
    {bulk::InputFormat::json_array, "json"},
    {bulk::InputFormat::xlsx, "xlsx"},
}};

// The stored name of a value of one of the tables above, and back.
template <typename Value, std::size_t N>
std::string_view name_in(const std::array<std::pair<Value, std::string_view>, N>& names,
                         Value value) {
    for (const auto& [v, name] : names) {
        if (v == value) return name;
    }
    return "unknown";
}

template <typename Value, std::size_t N>
std::optional<Value> value_in(const std::array<std::pair<Value, std::string_view>, N>& names,
                              std::string_view name) {
    for (const auto& [v, n] : names) {
        if (n == name) return v;
    }
    return std::nullopt;
}

std::int64_t epoch_seconds(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

std::string_view to_string(JobState state) { return name_in(kStates, state); }

std::optional<JobState> job_state_named(std::string_view name) { return value_in(kStates, name); }

std::string_view to_string(CallbackState state) { return name_in(kCallbackStates, state); }

std::optional<CallbackState> callback_state_named(std::string_view name) {
    return value_in(kCallbackStates, name);
}

std::string to_json(const JobOptions& options) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    // Every format has a name; a job whose stored format was unknown is written as ndjson,
    // as it always was.
    const std::string_view format =
        options.format ? name_in(kFormats, *options.format) : std::string_view("ndjson");
    o.set("format", std::string(format));
    o.set("output", options.output == bulk::OutputKind::zip ? "zip" : "pdf");
    o.set("nup", options.pages_per_sheet);
    o.set("cutMarks", options.cut_marks);
    o.set("hasDefaults", options.has_defaults);
    if (!options.sheet.empty()) o.set("sheet", options.sheet);
    if (options.has_photos) o.set("photos", true);
    if (options.issue) o.set("issue", true);
    if (!options.callback_url.empty()) o.set("callbackUrl", options.callback_url);
    o.set("submittedBy", options.submitted_by);
    if (options.chunk_records > 0) {
        o.set("chunkRecords", options.chunk_records);
        if (!options.defaults.isEmpty()) o.set("defaults", options.defaults);
    }
    o.set("createdAt", static_cast<Poco::Int64>(epoch_seconds(options.created_at)));
    std::ostringstream text;
    o.stringify(text);
    return text.str();
}

JobOptions job_options_from_json(const std::string& text) {
    Poco::JSON::Parser parser;
    const Poco::Dynamic::Var parsed = parser.parse(text);
    if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) {
        throw std::runtime_error("a job's options are not a JSON object");
    }
    const auto& o = parsed.extract<Poco::JSON::Object::Ptr>();
    JobOptions options;
    const auto format = o->optValue<std::string>("format", "");
    options.format = value_in(kFormats, format);
    options.output = o->optValue<std::string>("output", "pdf") == "zip"
                         ? bulk::OutputKind::zip
                         : bulk::OutputKind::merged_pdf;
    options.pages_per_sheet = o->optValue<int>("nup", 1);
    options.cut_marks = o->optValue<bool>("cutMarks", true);
    options.has_defaults = o->optValue<bool>("hasDefaults", false);
    if (o->has("defaults")) options.defaults = o->get("defaults");
    options.sheet = o->optValue<std::string>("sheet", "");
    options.has_photos = o->optValue<bool>("photos", false);
    options.issue = o->optValue<bool>("issue", false);
    options.callback_url = o->optValue<std::string>("callbackUrl", "");
    options.submitted_by = o->optValue<std::string>("submittedBy", "");
    options.chunk_records = o->optValue<int>("chunkRecords", 0);
    options.created_at = std::chrono::system_clock::time_point(
        std::chrono::seconds(o->optValue<Poco::Int64>("createdAt", 0)));
    return options;
}

bulk::ReadOptions read_options_of(const JobOptions& options, const std::string& dir) {
    bulk::ReadOptions read;
    read.sheet = options.sheet;
    if (options.has_photos) read.files_zip = dir + "/photos.zip";
    if (!options.defaults.isEmpty()) read.defaults = options.defaults;
    return read;
}

}  // namespace examdocs::jobs
