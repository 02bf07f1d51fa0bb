#pragma once
// Where the bytes of jobs shared between instances live: each job's input, the parts its
// chunks print into and the assembled result. Every instance sharing jobs reaches the same
// store, so the database carries only rows that say where things are and who does what
// (jobs/job_store.h), never the tickets themselves.
//
// Payloads are named by keys: segments of [a-z0-9._-] joined by '/', none empty, none "."
// or "..", none ending in ".tmp" (the store's own), at most 200 characters. Keys are made
// by examdocs from job ids and chunk numbers; nothing an uploader sends becomes a path.
// A payload is written whole or not at all: a writer's bytes are visible under the key only
// once committed, and a writer dropped before that leaves nothing behind (a process killed
// meanwhile leaves a temporary file that the job's removal takes with it).
//
// Errors: writing or reading a store that fails throws std::runtime_error (or
// std::ios_base::failure) naming the key; a key that breaks the rule throws
// std::invalid_argument. Implementations are thread-safe.
#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace examdocs::jobs {

// The payloads under one first key segment (for jobs: a job id), and when the newest of
// them (or a writer's temporary file among them) was last written, in epoch seconds.
struct PayloadGroup {
    std::string name;
    std::int64_t last_written = 0;
};

// Bytes on their way into the store under one key.
class PayloadWriter {
  public:
    virtual ~PayloadWriter() = default;
    virtual std::ostream& stream() = 0;
    // Makes the bytes written so far the payload of the key (replacing what was there) and
    // returns their count. The writer is spent afterwards.
    virtual std::uint64_t commit() = 0;
};

class PayloadStore {
  public:
    virtual ~PayloadStore() = default;

    virtual std::unique_ptr<PayloadWriter> write(const std::string& key) = 0;
    void put(const std::string& key, std::string_view bytes);
    // Moves a file of this machine into the store under `key` (a rename when the store is on
    // the same file system, a copy otherwise); the file is gone afterwards.
    virtual void adopt(const std::string& key, const std::string& file) = 0;

    // The payload's size; nullopt when there is none under the key.
    virtual std::optional<std::uint64_t> size(const std::string& key) = 0;
    // `length` bytes from `offset`; throws when the payload is missing or shorter.
    virtual std::string read(const std::string& key, std::uint64_t offset,
                             std::uint64_t length) = 0;
    std::string read_all(const std::string& key);
    // The whole payload into `buffer`, which grows as needed and is kept by the caller
    // between reads; returns the payload's bytes, a view of `buffer`. A caller reading many
    // payloads one after the other (the parts of a job) touches the same memory each time.
    // This default reads through read_all.
    virtual std::string_view read_all_into(const std::string& key, std::string& buffer);
    // `length` bytes from `offset` as a stream, read as it is consumed (a chunk's input:
    // megabytes that need not be in memory at once). Throws at once when the payload is
    // missing or shorter; a read that fails later throws from the stream's buffer (an
    // istream reading it sets badbit), so a reader counts the bytes it got. This default
    // reads the range through read().
    virtual std::unique_ptr<std::istream> open_range(const std::string& key, std::uint64_t offset,
                                                     std::uint64_t length);
    // The payload as a stream, read as it is consumed; null when missing.
    virtual std::unique_ptr<std::istream> open(const std::string& key) = 0;
    // A file of this machine holding the payload, for handing to the HTTP server (which
    // sends ranges of it); nullopt when missing or when the store has no files.
    virtual std::optional<std::string> local_file(const std::string& key) = 0;

    // Removes every payload whose key is `prefix` or starts with `prefix` + "/".
    virtual void remove_all(const std::string& prefix) = 0;
    // Every first key segment in the store, for sweeping what no job leads to any more.
    virtual std::vector<PayloadGroup> groups() = 0;

    // What the store is, for the log: "dir:/srv/examdocs/job-store".
    virtual std::string describe() const = 0;
};

// Whether `key` follows the rule above.
bool valid_payload_key(std::string_view key);

// A directory (a local one, or a shared volume such as NFS or CephFS mounted at the same
// path on every instance): a payload is a file at root/key, written to a temporary file
// beside it, flushed to the disk and renamed into place. Creates the root when missing and
// checks that a file can be made in it: throws std::runtime_error when not.
std::unique_ptr<PayloadStore> open_directory_store(const std::string& root);

// The store named by `jobs.store`: "dir:PATH". Throws std::invalid_argument for any other
// form (saying what is supported) and std::runtime_error for a store that cannot be used.
std::unique_ptr<PayloadStore> open_payload_store(const std::string& spec);

// Keys of a job's payloads.
std::string input_key(const std::string& job_id);    // the input as uploaded (CSV, NDJSON)
std::string records_key(const std::string& job_id);  // the input normalised to records
std::string part_key(const std::string& job_id, std::int64_t chunk);
std::string manifest_key(const std::string& job_id, std::int64_t chunk);
std::string parts_prefix(const std::string& job_id);
std::string result_key(const std::string& job_id, bool zip);

}  // namespace examdocs::jobs
