// Bulk job rows on both databases the registry runs on — a real SQLite file and a real
// PostgreSQL server this test starts itself: progress, failures, the end of a job,
// chunks claimed, leased, taken over and completed once; and the job's options and
// states as they are stored.
#include "examdocs/jobs/job_store.h"

#include <Poco/DirectoryIterator.h>
#include <fstream>
#include <sstream>

#include "examdocs/jobs/job_queue.h"
#include "examdocs/jobs/payload_store.h"

#include <Poco/File.h>
#include <Poco/JSON/Object.h>
#include <Poco/Path.h>
#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "support/postgres_server.h"

namespace {

using namespace examdocs::jobs;

JobOptions pdf_job() {
    JobOptions options;
    options.output = examdocs::bulk::OutputKind::merged_pdf;
    return options;
}

// A job as POST /v1/jobs stores it: queued, for the admission ticket.
JobRow queued_job(const std::string& id, const JobOptions& options, std::int64_t total) {
    JobRow row;
    row.id = id;
    row.layout = "admission-ticket";
    row.state = JobState::queued;
    row.options = options;
    row.total = total;
    return row;
}

class JobStoreOn : public ::testing::TestWithParam<std::string> {
  protected:
    // The database of this test: a SQLite file, or a fresh database on the test server.
    std::shared_ptr<examdocs::registry::Database> open() {
        Poco::File(dir_.path()).createDirectories();
        const std::string url = GetParam() == "sqlite"
                                    ? Poco::Path(dir_.path(), "registry.sqlite").toString()
                                    : examdocs::test::PostgresServer::shared().fresh_database(
                                          GetParam() == "postgresql_url");
        return std::make_shared<examdocs::registry::Database>(url);
    }
    Poco::TemporaryFile dir_;
};

TEST_P(JobStoreOn, JobRowsRecordProgressFailuresAndTheEnd) {
    JobStore jobs(open());
    jobs.create(queued_job("job-1", pdf_job(), 3));
    jobs.create(queued_job("job-2", pdf_job(), 3));
    EXPECT_EQ(jobs.active_count(), 2);
    EXPECT_EQ(jobs.unfinished(), (std::vector<std::string>{"job-1", "job-2"}));

    ASSERT_TRUE(jobs.start("job-1"));
    jobs.progress("job-1", 2, 1, 1, {{2, 3, R"([{"pointer":"/a"}])"}});
    jobs.progress("job-1", 3, 2, 1, {{2, 3, R"([{"pointer":"/b"}])"}});  // the same record again
    auto failures = jobs.failures("job-1", 10);
    ASSERT_EQ(failures.size(), 1U);
    EXPECT_EQ(failures[0].errors, R"([{"pointer":"/b"}])");

    // A second start (after a crash) begins again: counts and failures are cleared.
    ASSERT_TRUE(jobs.start("job-1"));
    auto restarted = jobs.find("job-1");
    EXPECT_EQ(restarted->attempts, 2);
    EXPECT_EQ(restarted->done, 0);
    EXPECT_TRUE(jobs.failures("job-1", 10).empty());

    JobRow counts = *restarted;
    counts.done = 3;
    counts.printed = 3;
    counts.pages = 3;
    counts.bytes = 5'000'000'000LL;  // more than 32 bits
    jobs.finish("job-1", JobState::done, counts);
    auto done = jobs.find("job-1");
    EXPECT_EQ(done->state, JobState::done);
    EXPECT_EQ(done->bytes, 5'000'000'000LL);
    EXPECT_FALSE(done->finished_at.empty());
    EXPECT_FALSE(jobs.cancel("job-1")) << "an ended job cannot be cancelled";

    EXPECT_TRUE(jobs.cancel("job-2"));
    EXPECT_FALSE(jobs.start("job-2")) << "a cancelled job is not started";
    EXPECT_EQ(jobs.active_count(), 0);
    EXPECT_FALSE(jobs.find("job-3"));
}

// A chunk row as a split writes it: which bytes of the stored input hold which records.
ChunkRange chunk_row(std::int64_t chunk, std::int64_t first, std::int64_t records) {
    ChunkRange row;
    row.chunk = chunk;
    row.first_record = first;
    row.records = records;
    row.kind = "csv";
    row.input_offset = 40 + 1000 * chunk;
    row.input_bytes = 1000;
    row.header_bytes = 40;
    row.line_offset = first - 1;
    return row;
}

TEST_P(JobStoreOn, ChunksAreClaimedOnceCompletedOnceAndTakenOverAfterTheLease) {
    JobStore jobs(open());
    jobs.create(queued_job("job-c", {}, 40));
    ASSERT_TRUE(jobs.start_split("job-c"));
    // Rows in batches, one statement each; offsets past 4 GB stay whole.
    std::vector<ChunkRange> rows;
    for (int c = 0; c < 8; ++c) rows.push_back(chunk_row(c, 1 + 5 * c, 5));
    rows[7].input_offset = 5'000'000'000;
    jobs.add_chunks("job-c", {rows.begin(), rows.begin() + 1});
    jobs.add_chunks("job-c", {rows.begin() + 1, rows.end()});
    auto changed = rows[0];
    changed.records = 99;
    jobs.add_chunks("job-c", {changed});  // a restarted split keeps what it stored
    EXPECT_THROW(jobs.add_chunks("job-c", {[] {
                                     auto bad = chunk_row(9, 46, 1);
                                     bad.kind = "x', 0); DROP TABLE jobs; --";
                                     return bad;
                                 }()}),
                 std::invalid_argument);
    EXPECT_TRUE(jobs.assemblable(1000, 0).empty()) << "not split to the end yet";
    jobs.split_done("job-c", 8);

    // Four claimers at once (instances' workers): every chunk goes to exactly one.
    std::mutex mutex;
    std::vector<std::pair<ChunkClaim, std::string>> claims;  // and who claimed it
    std::vector<std::thread> claimers;
    for (int t = 0; t < 4; ++t) {
        claimers.emplace_back([&, t] {
            while (auto claim = jobs.claim_chunk("instance-" + std::to_string(t), 1000, 60)) {
                std::lock_guard lock(mutex);
                claims.emplace_back(*claim, "instance-" + std::to_string(t));
            }
        });
    }
    for (auto& t : claimers) t.join();
    ASSERT_EQ(claims.size(), 8U);
    std::set<std::int64_t> chunks;
    for (const auto& [c, owner] : claims) chunks.insert(c.range.chunk);
    EXPECT_EQ(chunks.size(), 8U);
    for (const auto& [c, owner] : claims) {
        const auto& expected = rows[static_cast<std::size_t>(c.range.chunk)];
        EXPECT_EQ(c.range.first_record, expected.first_record);
        EXPECT_EQ(c.range.records, 5);
        EXPECT_EQ(c.range.kind, "csv");
        EXPECT_EQ(c.range.input_offset, expected.input_offset);
        EXPECT_EQ(c.range.input_bytes, 1000);
        EXPECT_EQ(c.range.header_bytes, 40);
        EXPECT_EQ(c.range.line_offset, expected.line_offset);
    }
    EXPECT_FALSE(jobs.claim_chunk("instance-9", 1030, 60)) << "claims are leased for 60 s";

    // Chunk 3's claimer goes quiet; after the lease another instance takes it over, and
    // the first one's late completion is refused.
    for (const auto& [c, owner] : claims) {
        if (c.range.chunk != 3) {
            EXPECT_TRUE(jobs.renew_chunk("job-c", c.range.chunk, owner, 1050));
        }
    }
    const auto taken = jobs.claim_chunk("instance-9", 1061, 60);
    ASSERT_TRUE(taken);
    EXPECT_EQ(taken->range.chunk, 3);
    EXPECT_EQ(taken->attempts, 2);
    std::string stale_owner;
    for (const auto& [c, owner] : claims) {
        if (c.range.chunk == 3) stale_owner = owner;
    }
    ChunkResult result;
    result.printed = 4;
    result.refused = 1;
    result.pages = 4;
    result.failures = {{5 * taken->range.chunk + 2, 0, R"([{"pointer":"/a"}])"}};
    EXPECT_FALSE(jobs.renew_chunk("job-c", 3, stale_owner, 1062)) << "the claim moved on";
    EXPECT_FALSE(jobs.complete_chunk("job-c", 3, stale_owner, result, 1062));
    EXPECT_TRUE(jobs.complete_chunk("job-c", taken->range.chunk, "instance-9", result, 1062));
    EXPECT_FALSE(jobs.complete_chunk("job-c", taken->range.chunk, "instance-9", result, 1063))
        << "a chunk completes once";

    // The others complete with their claimers; the counts add up once per chunk.
    for (const auto& [c, owner] : claims) {
        if (c.range.chunk == 3) continue;
        ChunkResult r;
        r.printed = 5;
        r.pages = 5;
        EXPECT_TRUE(jobs.complete_chunk("job-c", c.range.chunk, owner, r, 1065));
    }
    auto job = jobs.find("job-c");
    EXPECT_EQ(job->done, 40);
    EXPECT_EQ(job->printed, 39);
    EXPECT_EQ(job->refused, 1);
    EXPECT_EQ(job->chunks, 8);
    EXPECT_EQ(jobs.failures("job-c", 10).size(), 1U);
    const auto done = jobs.done_chunks("job-c", 2);
    ASSERT_EQ(done.size(), 6U) << "chunks 2 to 7, in order";
    for (std::size_t i = 0; i < done.size(); ++i) {
        EXPECT_EQ(done[i].chunk, static_cast<std::int64_t>(2 + i));
        EXPECT_EQ(done[i].pages, done[i].chunk == 3 ? 4 : 5);
    }

    EXPECT_TRUE(jobs.assemblable(1065, 30).empty()) << "its assembler may still be at work";
    EXPECT_EQ(jobs.assemblable(1200, 30), (std::vector<std::string>{"job-c"}));
    JobRow counts = *job;
    counts.pages = 39;
    counts.bytes = 1234;
    EXPECT_TRUE(jobs.complete("job-c", counts));
    EXPECT_FALSE(jobs.complete("job-c", counts)) << "done once";
    EXPECT_EQ(jobs.find("job-c")->state, JobState::done);
    EXPECT_TRUE(jobs.assemblable(1200, 0).empty());
}

// The job tables migrate in a sequence of their own, once, whichever instance starts first.
TEST_P(JobStoreOn, TheJobSchemaHasItsOwnVersionAndMigratesOnce) {
    auto database = open();
    const int registry_version = database->schema_version();
    JobStore first(database);
    EXPECT_EQ(first.schema_version(), 1);
    JobStore again(database);  // a second instance on the same database
    EXPECT_EQ(again.schema_version(), 1);
    EXPECT_EQ(database->schema_version(), registry_version) << "the registry's own sequence";
    // Parts and records no longer have tables of their own.
    Poco::Data::Session s = database->session();
    EXPECT_THROW((s << "SELECT COUNT(*) FROM job_chunk_parts", Poco::Data::Keywords::now),
                 Poco::Exception);
}

TEST_P(JobStoreOn, TheSharedClockIsTheDatabasesAndNearOurs) {
    JobStore jobs(open());
    const auto ours = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
    EXPECT_NEAR(static_cast<double>(jobs.clock()), static_cast<double>(ours), 5);
}

TEST_P(JobStoreOn, ReleasedAndCancelledChunks) {
    JobStore jobs(open());
    for (const char* id : {"job-a", "job-b"}) {
        jobs.create(queued_job(id, {}, 1));
        ASSERT_TRUE(jobs.start_split(id));
        jobs.add_chunks(id, {chunk_row(0, 1, 1)});
        jobs.split_done(id, 1);
    }
    const auto first = jobs.claim_chunk("me", 100, 60);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->job_id, "job-a") << "oldest job first";
    jobs.release_chunks("me");  // a restart gives back what it held
    const auto again = jobs.claim_chunk("other", 101, 60);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->job_id, "job-a");
    ChunkResult nothing;  // every record refused: an empty part
    nothing.refused = 1;
    ASSERT_TRUE(jobs.complete_chunk("job-a", 0, "other", nothing, 101));
    ASSERT_EQ(jobs.done_chunks("job-a", 0).size(), 1U);
    EXPECT_EQ(jobs.done_chunks("job-a", 0)[0].pages, 0);
    EXPECT_TRUE(jobs.cancel("job-b"));
    EXPECT_FALSE(jobs.claim_chunk("other", 102, 60)) << "a cancelled job's chunks are gone";
}

TEST_P(JobStoreOn, OptionsComeBackAsTheyWereStored) {
    JobStore jobs(open());
    JobOptions options;
    options.format = examdocs::bulk::InputFormat::csv;
    options.output = examdocs::bulk::OutputKind::zip;
    options.cut_marks = false;
    options.has_defaults = true;
    options.issue = true;
    options.callback_url = "https://backend.example/jobs";
    options.submitted_by = "backend";
    options.chunk_records = 250;
    Poco::JSON::Object::Ptr defaults = new Poco::JSON::Object;
    defaults->set("exam", "2026");
    options.defaults = defaults;
    options.created_at = std::chrono::system_clock::time_point(std::chrono::seconds(1'790'000'000));
    jobs.create(queued_job("job-o", options, 2));
    const auto row = jobs.find("job-o");
    ASSERT_TRUE(row);
    EXPECT_EQ(row->state, JobState::queued);
    EXPECT_EQ(row->options.format, examdocs::bulk::InputFormat::csv);
    EXPECT_EQ(row->options.output, examdocs::bulk::OutputKind::zip);
    EXPECT_EQ(row->options.pages_per_sheet, 1);
    EXPECT_FALSE(row->options.cut_marks);
    EXPECT_TRUE(row->options.has_defaults);
    EXPECT_TRUE(row->options.issue);
    EXPECT_EQ(row->options.callback_url, "https://backend.example/jobs");
    EXPECT_EQ(row->options.submitted_by, "backend");
    EXPECT_EQ(row->options.chunk_records, 250);
    EXPECT_EQ(row->options.created_at, options.created_at);
    ASSERT_FALSE(row->options.defaults.isEmpty());
    EXPECT_EQ(
        row->options.defaults.extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("exam"),
        "2026");
}

// Instances wake each other through PostgreSQL's notifications: chunks queued (a split,
// claims handed back) and a part done reach every listener, the sender's own included.
// SQLite has no other instance to hear: no listener.
TEST_P(JobStoreOn, ChunksQueuedAndPartsDoneAreHeardByListeners) {
    JobStore jobs(open());
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<std::string> heard;
    auto listener = jobs.listen([&](std::string_view what) {
        std::lock_guard lock(mutex);
        heard.emplace_back(what);
        changed.notify_all();
    });
    if (GetParam() == "sqlite") {
        EXPECT_EQ(listener, nullptr);
        return;
    }
    ASSERT_NE(listener, nullptr);
    // Waits for `what` to be heard (the bound is for a broken build, not a speed target).
    auto hears = [&](const std::string& what) {
        std::unique_lock lock(mutex);
        const bool got = changed.wait_for(lock, std::chrono::seconds(30), [&] {
            return std::find(heard.begin(), heard.end(), what) != heard.end();
        });
        heard.clear();
        return got;
    };
    EXPECT_TRUE(hears("")) << "connected: look once, something may have been missed";
    EXPECT_TRUE(listener->connected());

    jobs.create(queued_job("job-n", {}, 10));
    ASSERT_TRUE(jobs.start_split("job-n"));
    jobs.add_chunks("job-n", {chunk_row(0, 1, 5), chunk_row(1, 6, 5)});
    EXPECT_TRUE(hears(std::string(JobStore::kChunksQueued)));
    jobs.split_done("job-n", 2);
    const auto claim = jobs.claim_chunk("instance-1", 1000, 60);
    ASSERT_TRUE(claim);
    EXPECT_EQ(claim->job_id, "job-n");
    EXPECT_EQ(claim->range.chunk, 0);
    EXPECT_EQ(claim->range.records, 5);
    EXPECT_EQ(claim->attempts, 1);
    ASSERT_TRUE(jobs.complete_chunk("job-n", 0, "instance-1", {5, 0, 5, {}}, 1001));
    EXPECT_TRUE(hears(std::string(JobStore::kPartDone)));
    ASSERT_TRUE(jobs.claim_chunk("instance-1", 1002, 60));
    jobs.release_chunks("instance-1");
    EXPECT_TRUE(hears(std::string(JobStore::kChunksQueued))) << "a stopping instance's chunk";
    EXPECT_EQ(jobs.claim_chunk("instance-2", 1003, 60)->attempts, 2);
}

// Sets the modification time of `path` and of everything under it (a directory's own
// time does not follow its files').
void set_written(const Poco::File& path, const Poco::Timestamp& when) {
    if (path.isDirectory()) {
        for (Poco::DirectoryIterator it(path), end; it != end; ++it) set_written(*it, when);
    }
    Poco::File(path).setLastModified(when);
}

// The retention sweep's part in the store: payloads whose job row is gone go once nothing
// has been written to them for the grace period; a job's own payloads stay however old,
// and so do payloads without a job written lately.
TEST_P(JobStoreOn, PayloadsNoJobLeadsToAreSweptAfterTheGrace) {
    JobStore jobs(open());
    Poco::TemporaryFile root;
    auto payloads = open_payload_store("dir:" + root.path());
    jobs.create(queued_job("a1", pdf_job(), 3));
    payloads->put("a1/input", "its job is there");
    payloads->put("b2/input", "no job");
    payloads->put("b2/parts/0.part", "no job either");
    payloads->put("c3/input", "no job, written lately");
    const Poco::Timestamp two_hours_ago = Poco::Timestamp() - Poco::Timespan(2 * 3600, 0);
    set_written(Poco::File(root.path() + "/a1"), two_hours_ago);
    set_written(Poco::File(root.path() + "/b2"), two_hours_ago);
    // Old but for one part written a moment ago, deep inside.
    set_written(Poco::File(root.path() + "/c3"), two_hours_ago);
    payloads->put("c3/parts/1.part", "a part just printed");
    Poco::File(root.path() + "/c3/parts").setLastModified(two_hours_ago);

    EXPECT_EQ(remove_orphan_payloads(jobs, *payloads, std::chrono::hours(1)),
              std::vector<std::string>{"b2"});
    EXPECT_FALSE(Poco::File(root.path() + "/b2").exists());
    EXPECT_EQ(payloads->read_all("a1/input"), "its job is there");
    EXPECT_EQ(payloads->read_all("c3/input"), "no job, written lately");

    set_written(Poco::File(root.path() + "/c3"), two_hours_ago);
    EXPECT_EQ(remove_orphan_payloads(jobs, *payloads, std::chrono::hours(3)),
              std::vector<std::string>{})
        << "younger than a longer grace";
    EXPECT_EQ(remove_orphan_payloads(jobs, *payloads, std::chrono::hours(1)),
              std::vector<std::string>{"c3"});
    EXPECT_EQ(payloads->read_all("a1/input"), "its job is there");
    jobs.remove("a1");
    EXPECT_EQ(remove_orphan_payloads(jobs, *payloads, std::chrono::hours(1)),
              std::vector<std::string>{"a1"})
        << "once its row is gone";
}

TEST_P(JobStoreOn, ACallbackStateIsStoredAndReadBack) {
    JobStore jobs(open());
    JobOptions options = pdf_job();
    options.callback_url = "https://backend.example/jobs";
    JobRow waiting = queued_job("job-c", options, 1);
    waiting.callback = CallbackState::waiting;
    jobs.create(waiting);
    jobs.create(queued_job("job-n", pdf_job(), 1));
    EXPECT_EQ(jobs.find("job-c")->callback, CallbackState::waiting);
    EXPECT_EQ(jobs.find("job-n")->callback, CallbackState::none);

    jobs.callback_sent("job-c", false, 0);
    EXPECT_EQ(jobs.find("job-c")->callback, CallbackState::undeliverable);
    jobs.callback_sent("job-c", true, 0);
    EXPECT_EQ(jobs.find("job-c")->callback, CallbackState::delivered);
}

INSTANTIATE_TEST_SUITE_P(Databases, JobStoreOn,
                         ::testing::Values("sqlite", "postgresql", "postgresql_url"));

// The options as rows written before they were typed hold them: read the same.
TEST(JobOptions, ReadTheJsonEarlierVersionsStored) {
    const auto options = job_options_from_json(
        R"({"format":"ndjson","output":"pdf","nup":2,"cutMarks":true,"hasDefaults":false,)"
        R"("callbackUrl":"http://127.0.0.1:9/cb","submittedBy":"printer","createdAt":1790000000})");
    EXPECT_EQ(options.format, examdocs::bulk::InputFormat::ndjson);
    EXPECT_EQ(options.output, examdocs::bulk::OutputKind::merged_pdf);
    EXPECT_EQ(options.pages_per_sheet, 2);
    EXPECT_FALSE(options.issue);
    EXPECT_EQ(options.chunk_records, 0);
    EXPECT_EQ(options.callback_url, "http://127.0.0.1:9/cb");
    EXPECT_EQ(options.created_at.time_since_epoch(), std::chrono::seconds(1'790'000'000));
    // And written back, the same text.
    EXPECT_EQ(to_json(options),
              R"({"format":"ndjson","output":"pdf","nup":2,"cutMarks":true,"hasDefaults":false,)"
              R"("callbackUrl":"http://127.0.0.1:9/cb","submittedBy":"printer",)"
              R"("createdAt":1790000000})");
    EXPECT_FALSE(job_options_from_json(R"({"format":"ods"})").format)
        << "a format this version does not know";
    const auto workbook =
        job_options_from_json(R"({"format":"xlsx","sheet":"补考","photos":true})");
    EXPECT_EQ(workbook.format, examdocs::bulk::InputFormat::xlsx);
    EXPECT_EQ(workbook.sheet, "补考");
    EXPECT_TRUE(workbook.has_photos);
    EXPECT_EQ(job_options_from_json(to_json(workbook)).sheet, "补考") << "and back";
    EXPECT_THROW(job_options_from_json("[]"), std::runtime_error);
}

// The directory store: payloads whole or not at all, ranges read back as written, keys
// that cannot leave the directory.
TEST(DirectoryPayloadStore, WritesWholeReadsRangesAndKeepsToItsDirectory) {
    Poco::TemporaryFile root;
    auto store = open_payload_store("dir:" + root.path());
    EXPECT_EQ(store->describe(), "dir:" + root.path());
    std::string bytes;
    for (int i = 0; i < 100000; ++i) bytes += static_cast<char>(i * 7);
    store->put("job1/input", bytes);
    EXPECT_EQ(store->size("job1/input"), bytes.size());
    EXPECT_EQ(store->read("job1/input", 1234, 5000), bytes.substr(1234, 5000));
    EXPECT_EQ(store->read_all("job1/input"), bytes);
    EXPECT_THROW(store->read("job1/input", 99990, 11), std::runtime_error) << "past the end";
    EXPECT_FALSE(store->size("job1/missing"));
    EXPECT_FALSE(store->open("job1/missing"));
    // A range as a stream (a chunk's rows), longer than the stream's buffer.
    std::ostringstream ranged;
    ranged << store->open_range("job1/input", 777, 98000)->rdbuf();
    EXPECT_TRUE(ranged.str() == bytes.substr(777, 98000));
    EXPECT_THROW(store->open_range("job1/input", 99990, 11), std::runtime_error) << "past the end";
    EXPECT_THROW(store->open_range("job1/missing", 0, 1), std::runtime_error);
    // Whole payloads into one buffer, grown for the larger and reused for the smaller.
    store->put("job1/small", "a small part");
    std::string buffer;
    EXPECT_TRUE(store->read_all_into("job1/input", buffer) == bytes);
    const char* const memory = buffer.data();
    EXPECT_EQ(store->read_all_into("job1/small", buffer), "a small part");
    EXPECT_EQ(buffer.data(), memory);
    EXPECT_THROW(store->read_all_into("job1/missing", buffer), std::runtime_error);

    {
        // Not committed: nothing under the key, no temporary file left.
        auto writer = store->write("job1/parts/0.part");
        writer->stream() << "half a part";
    }
    EXPECT_FALSE(store->size("job1/parts/0.part"));
    int files = 0;
    for (Poco::DirectoryIterator it(root.path() + "/job1/parts"), end; it != end; ++it) ++files;
    EXPECT_EQ(files, 0);
    auto writer = store->write("job1/parts/0.part");
    writer->stream() << "a part";
    EXPECT_FALSE(store->size("job1/parts/0.part")) << "visible only once committed";
    EXPECT_EQ(writer->commit(), 6U);
    EXPECT_EQ(store->read_all("job1/parts/0.part"), "a part");
    std::ostringstream streamed;
    streamed << store->open("job1/parts/0.part")->rdbuf();
    EXPECT_EQ(streamed.str(), "a part");
    EXPECT_EQ(store->local_file("job1/parts/0.part"), root.path() + "/job1/parts/0.part");

    // A file of this machine moved in.
    const std::string upload = root.path() + "-upload";
    std::ofstream(upload) << "records";
    store->adopt("job1/records.ndjson", upload);
    EXPECT_FALSE(Poco::File(upload).exists());
    EXPECT_EQ(store->read_all("job1/records.ndjson"), "records");

    for (const char* bad : {"", "/etc/passwd", "../x", "job1/../../x", "a//b", "A", "job1/x.tmp",
                            "job1/.", "a b", "job1/input/"}) {
        EXPECT_FALSE(valid_payload_key(bad)) << bad;
        EXPECT_THROW(store->put(bad, "x"), std::invalid_argument) << bad;
    }
    EXPECT_TRUE(valid_payload_key("0f3a/parts/12.manifest"));

    store->remove_all("job1");
    EXPECT_FALSE(store->size("job1/input"));
    EXPECT_FALSE(Poco::File(root.path() + "/job1").exists());

    EXPECT_THROW(open_payload_store("s3://bucket/prefix"), std::invalid_argument);
    EXPECT_THROW(open_payload_store("/var/lib/x"), std::invalid_argument);
    EXPECT_THROW(open_payload_store("dir:/proc/examdocs-cannot-be-here"), std::runtime_error);
}

TEST(JobState, NamesGoBothWays) {
    for (const auto state : {JobState::queued, JobState::running, JobState::done, JobState::failed,
                             JobState::cancelled}) {
        EXPECT_EQ(job_state_named(to_string(state)), state);
    }
    EXPECT_FALSE(job_state_named("paused"));
    EXPECT_FALSE(job_state_named("Done"));
}

TEST(CallbackState, NamesGoBothWaysAndNoneIsStoredEmpty) {
    for (const auto state : {CallbackState::none, CallbackState::waiting, CallbackState::delivered,
                             CallbackState::undeliverable}) {
        EXPECT_EQ(callback_state_named(to_string(state)), state);
    }
    EXPECT_EQ(to_string(CallbackState::none), "");
    EXPECT_FALSE(callback_state_named("sent"));
}

}  // namespace
