#pragma once
// What a bulk job was asked to do and where it stands, as values. The options are written
// once, when the job is accepted, and read by every instance that prints a part of it;
// in the database they are JSON, converted here and nowhere else.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <Poco/Dynamic/Var.h>

#include "examdocs/bulk/bulk_print.h"
#include "examdocs/bulk/records.h"

namespace examdocs::jobs {

enum class JobState { queued, running, done, failed, cancelled };

std::string_view to_string(JobState state);
// Nullopt for a name that is none of the states.
std::optional<JobState> job_state_named(std::string_view name);

// Where a job's callback stands: none asked for; waiting to be sent (or sent again);
// delivered; undeliverable after its last attempt.
enum class CallbackState { none, waiting, delivered, undeliverable };

// "" for none, as the jobs table stores it.
std::string_view to_string(CallbackState state);
// Nullopt for a name that is none of the states.
std::optional<CallbackState> callback_state_named(std::string_view name);

struct JobOptions {
    // How the input in the job's directory is written; nullopt when the stored name is not
    // one this version knows (the job then fails, saying so).
    std::optional<bulk::InputFormat> format = bulk::InputFormat::ndjson;
    bulk::OutputKind output = bulk::OutputKind::merged_pdf;
    int pages_per_sheet = 1;
    bool cut_marks = true;
    // A whole job's defaults are in defaults.json in its directory; a shared job's travel
    // in `defaults`, since every instance printing a chunk needs them.
    bool has_defaults = false;
    Poco::Dynamic::Var defaults;
    // An .xlsx input: the sheet to read (empty: the first).
    std::string sheet;
    // The photos "@name" cells refer to came as a ZIP: photos.zip in the job's directory.
    bool has_photos = false;
    // Each record is a certificate request, issued through the registry before printing.
    bool issue = false;
    std::string callback_url;  // empty: no callback
    std::string submitted_by;  // the API key's name
    // Records per chunk of a job shared between instances (fixed at submission, so a
    // split that runs again makes the same chunks); 0: printed whole.
    int chunk_records = 0;
    // The job's creation time: with its id, the PDF's date and /ID, so that every run
    // of a job makes the same bytes.
    std::chrono::system_clock::time_point created_at;
};

// The options as the jobs table stores them. The keys are the ones stored since jobs
// began; a row written by an earlier version reads the same.
std::string to_json(const JobOptions& options);

// How the job's records are read: its sheet, its photos (in `dir`, the job's directory),
// the defaults when they travel in the options. A whole job's defaults.json is read by
// the caller.
bulk::ReadOptions read_options_of(const JobOptions& options, const std::string& dir);
// Throws std::runtime_error for text that is not a JSON object. Missing keys take their
// defaults.
JobOptions job_options_from_json(const std::string& text);

}  // namespace examdocs::jobs
