#include "examdocs/jobs/job_store.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <stdexcept>

using namespace Poco::Data::Keywords;

namespace examdocs::jobs {

using registry::Dialect;
using registry::TransactionLock;
using registry::WriteTransaction;

namespace {

std::string now_iso() {
    return Poco::DateTimeFormatter::format(Poco::Timestamp(), Poco::DateTimeFormat::ISO8601_FORMAT);
}

// The job tables' own migrations, numbered in job_schema_version apart from the registry's
// schema_version: the registry's sequence (registry/src/database.cpp, up to 7 when these
// began) stays the certificate registry's to extend. Each entry moves the job schema one
// version up; applied in order, in one transaction, under the database-wide write lock (two
// instances starting together migrate one after the other).
const std::vector<std::string>& job_migrations() {
    static const std::vector<std::string> list = {
        // 1: chunks are byte ranges of the job's input in the payload store, and their parts
        // are written there too: the records and parts no longer travel through the
        // database. Jobs split the old way are split again (from the input the accepting
        // instance still holds); finished jobs' parts go with their tables.
        "ALTER TABLE job_chunks ADD COLUMN kind TEXT NOT NULL DEFAULT '';"
        "ALTER TABLE job_chunks ADD COLUMN input_offset BIGINT NOT NULL DEFAULT 0;"
        "ALTER TABLE job_chunks ADD COLUMN input_bytes BIGINT NOT NULL DEFAULT 0;"
        "ALTER TABLE job_chunks ADD COLUMN header_bytes BIGINT NOT NULL DEFAULT 0;"
        "ALTER TABLE job_chunks ADD COLUMN line_offset BIGINT NOT NULL DEFAULT 0;"
        "DELETE FROM job_chunks;"
        "UPDATE jobs SET chunks = -1 WHERE state IN ('queued', 'running');"
        "DROP TABLE job_chunk_inputs;"
        "DROP TABLE job_chunk_parts;"
        // An assembler asks for the done chunks of one job in order.
        "CREATE INDEX job_chunks_by_job_state ON job_chunks (job_id, state, chunk);",
    };
    return list;
}

}  // namespace

JobStore::JobStore(std::shared_ptr<registry::Database> database) : database_(std::move(database)) {
    Poco::Data::Session s = database_->session();
    WriteTransaction tx(*database_, s);
    s << "CREATE TABLE IF NOT EXISTS job_schema_version (version INTEGER NOT NULL)", now;
    int version = 0;
    std::size_t rows = 0;
    {
        Poco::Data::Statement st(s);
        st << "SELECT version FROM job_schema_version", into(version), limit(1);
        rows = st.execute();
    }
    if (rows == 0) s << "INSERT INTO job_schema_version (version) VALUES (0)", now;
    const auto& list = job_migrations();
    for (std::size_t i = static_cast<std::size_t>(version); i < list.size(); ++i) {
        // One statement per call, as Poco runs them.
        std::size_t start = 0;
        while (start < list[i].size()) {
            const auto end = list[i].find(';', start);
            const std::string text = list[i].substr(start, end - start);
            if (text.find_first_not_of(" \n") != std::string::npos) s << text, now;
            if (end == std::string::npos) break;
            start = end + 1;
        }
        int next = static_cast<int>(i + 1);
        s << database_->sql("UPDATE job_schema_version SET version = ?"), use(next), now;
    }
    tx.commit();
}

int JobStore::schema_version() {
    Poco::Data::Session s = database_->session();
    int version = 0;
    s << "SELECT version FROM job_schema_version", into(version), now;
    return version;
}

void JobStore::create(const JobRow& job) {
    Poco::Data::Session s = database_->session();
    JobRow j = job;
    j.created_at = now_iso();
    std::string state(to_string(j.state)), options = to_json(j.options),
                                           callback(to_string(j.callback));
    s << database_->sql(
        "INSERT INTO jobs (id, layout, state, options, total, done, printed, refused, pages,"
        " bytes, error, attempts, created_at, started_at, finished_at, callback)"
        " VALUES (?, ?, ?, ?, ?, 0, 0, 0, 0, 0, '', 0, ?, '', '', ?)"),
        use(j.id), use(j.layout), use(state), use(options), use(j.total), use(j.created_at),
        use(callback), now;
}

std::optional<JobRow> JobStore::find(const std::string& id) {
    Poco::Data::Session s = database_->session();
    JobRow j;
    std::string key = id, state, options, callback;
    Poco::Data::Statement st(s);
    st << database_->sql(
        "SELECT id, layout, state, options, total, done, printed, refused, pages, bytes, error,"
        " attempts, created_at, started_at, finished_at, chunks, callback, callback_attempts"
        " FROM jobs WHERE id = ?"),
        into(j.id), into(j.layout), into(state), into(options), into(j.total), into(j.done),
        into(j.printed), into(j.refused), into(j.pages), into(j.bytes), into(j.error),
        into(j.attempts), into(j.created_at), into(j.started_at), into(j.finished_at),
        into(j.chunks), into(callback), into(j.callback_attempts), use(key), limit(1);
    if (st.execute() == 0) return std::nullopt;
    const auto known = job_state_named(state);
    if (!known) throw std::runtime_error("job " + id + " is in an unknown state: " + state);
    j.state = *known;
    const auto callback_state = callback_state_named(callback);
    if (!callback_state) {
        throw std::runtime_error("job " + id + "'s callback is in an unknown state: " + callback);
    }
    j.callback = *callback_state;
    j.options = job_options_from_json(options);
    return j;
}

std::vector<JobRow> JobStore::list(const ListQuery& query) {
    std::vector<std::string> ids;
    {
        Poco::Data::Session s = database_->session();
        std::string state = query.state ? std::string(to_string(*query.state)) : std::string();
        std::string layout = query.layout, created = query.after_created_at, id = query.after_id;
        // Keyset pagination: pages stay stable while jobs are added in front of them.
        Poco::Data::Statement st(s);
        st << database_->sql(
            "SELECT id FROM jobs WHERE (? = '' OR state = ?)"
            " AND (? = '' OR layout = ?)"
            " AND (? = '' OR created_at < ? OR (created_at = ? AND id < ?))"
            " ORDER BY created_at DESC, id DESC LIMIT " +
            std::to_string(std::clamp(query.limit, 1, 500))),
            into(ids), use(state), use(state), use(layout), use(layout), use(created), use(created),
            use(created), use(id);
        st.execute();
    }
    std::vector<JobRow> rows;
    for (const auto& id : ids) {
        if (auto row = find(id)) rows.push_back(std::move(*row));
    }
    return rows;
}

bool JobStore::start(const std::string& id) {
    Poco::Data::Session s = database_->session();
    WriteTransaction tx(*database_, s);
    std::string key = id;
    std::string started = now_iso();
    Poco::Data::Statement update(s);
    update << database_->sql(
        "UPDATE jobs SET state = 'running', attempts = attempts + 1, started_at = ?,"
        " done = 0, printed = 0, refused = 0 WHERE id = ? AND state IN ('queued', 'running')"),
        use(started), use(key);
    const std::size_t changed = update.execute();
    if (changed == 0) return false;
    s << database_->sql("DELETE FROM job_failures WHERE job_id = ?"), use(key), now;
    tx.commit();
    return true;
}

// A record refused again (its chunk or the job ran again) keeps one row: the latest.
void JobStore::add_failures(Poco::Data::Session& s, const std::string& id,
                            const std::vector<JobFailureRow>& failures) {
    std::string key = id;
    for (const auto& f : failures) {
        std::int64_t record = f.record, line = f.line;
        std::string errors = f.errors;
        s << database_->sql(
            "INSERT INTO job_failures (job_id, record, line, errors) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (job_id, record) DO UPDATE SET line = excluded.line,"
            " errors = excluded.errors"),
            use(key), use(record), use(line), use(errors), now;
    }
}

std::int64_t JobStore::clock() {
    Poco::Data::Session s = database_->session();
    std::int64_t seconds = 0;
    s << (database_->dialect() == Dialect::postgresql
              ? "SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) AS BIGINT)"
              : "SELECT CAST(strftime('%s', 'now') AS INTEGER)"),
        into(seconds), now;
    return seconds;
}

void JobStore::delete_chunks(Poco::Data::Session& s, const std::string& id) {
    std::string key = id;
    s << database_->sql("DELETE FROM job_chunks WHERE job_id = ?"), use(key), now;
}

bool JobStore::start_split(const std::string& id) {
    Poco::Data::Session s = database_->session();
    std::string key = id, started = now_iso();
    Poco::Data::Statement update(s);
    update << database_->sql(
        "UPDATE jobs SET state = 'running', attempts = attempts + 1,"
        " started_at = CASE WHEN started_at = '' THEN ? ELSE started_at END"
        " WHERE id = ? AND state IN ('queued', 'running')"),
        use(started), use(key);
    return update.execute() > 0;
}

void JobStore::add_chunks(const std::string& id, const std::vector<ChunkRange>& chunks) {
    if (chunks.empty()) return;
    // One statement for the batch, its numbers written into the text (they are integers we
    // made, and the kind one of three names): a multi-row insert is one round trip and one
    // commit, where a statement per chunk was one of each per chunk. No WriteTransaction:
    // the statement is its own transaction and locks only the rows it inserts, so claims
    // and completions of other chunks go on meanwhile.
    std::string values;
    for (const auto& c : chunks) {
        if (c.kind != "csv" && c.kind != "ndjson" && c.kind != "records") {
            throw std::invalid_argument("a chunk of an unknown kind: " + c.kind);
        }
        if (!values.empty()) values += ", ";
        values += "(" + std::to_string(c.chunk) + ", " + std::to_string(c.first_record) + ", " +
                  std::to_string(c.records) + ", '" + c.kind + "', " +
                  std::to_string(c.input_offset) + ", " + std::to_string(c.input_bytes) + ", " +
                  std::to_string(c.header_bytes) + ", " + std::to_string(c.line_offset) + ")";
    }
    Poco::Data::Session s = database_->session();
    std::string key = id;
    // "WHERE 1 = 1": SQLite reads ON CONFLICT after a SELECT's FROM as a join's ON without it.
    s << database_->sql(
        "INSERT INTO job_chunks (job_id, chunk, first_record, records, kind, input_offset,"
        " input_bytes, header_bytes, line_offset, state, claimed_by, claimed_at, attempts,"
        " printed, refused, pages, finished_at)"
        " SELECT ?, v.column1, v.column2, v.column3, v.column4, v.column5, v.column6,"
        " v.column7, v.column8, 'queued', '', 0, 0, 0, 0, 0, 0 FROM (VALUES " +
        values + ") AS v WHERE 1 = 1 ON CONFLICT (job_id, chunk) DO NOTHING"),
        use(key), now;
    notify(s, kChunksQueued);
}

void JobStore::split_done(const std::string& id, std::int64_t chunks) {
    Poco::Data::Session s = database_->session();
    std::string key = id;
    std::int64_t count = chunks;
    s << database_->sql("UPDATE jobs SET chunks = ? WHERE id = ?"), use(count), use(key), now;
}

std::optional<ChunkClaim> JobStore::claim_chunk(const std::string& instance, std::int64_t now_s,
                                                std::int64_t lease_seconds) {
    Poco::Data::Session s = database_->session();
    ChunkClaim claim;
    ChunkRange& r = claim.range;
    std::string owner = instance;
    std::int64_t at = now_s, expired = now_s - lease_seconds;
    if (database_->dialect() == Dialect::postgresql) {
        // One statement, its own transaction: the subquery locks the chosen row (instances
        // claiming at once skip each other's rows instead of waiting), the update claims it
        // and RETURNING reads it. An idle instance's look for work costs one round trip,
        // where BEGIN, SELECT … FOR UPDATE, UPDATE, SELECT and COMMIT were five.
        Poco::Data::Statement claim_row(s);
        claim_row << database_->sql(
            "UPDATE job_chunks SET state = 'running', claimed_by = ?, claimed_at = ?,"
            " attempts = attempts + 1 WHERE (job_id, chunk) = ("
            "SELECT c.job_id, c.chunk FROM job_chunks c JOIN jobs j ON j.id = c.job_id"
            " WHERE j.state = 'running' AND (c.state = 'queued' OR"
            " (c.state = 'running' AND c.claimed_at < ?))"
            " ORDER BY j.created_at, c.job_id, c.chunk LIMIT 1 FOR UPDATE OF c SKIP LOCKED)"
            " RETURNING job_id, chunk, first_record, records, kind, input_offset, input_bytes,"
            " header_bytes, line_offset, attempts"),
            use(owner), use(at), use(expired), into(claim.job_id), into(r.chunk),
            into(r.first_record), into(r.records), into(r.kind), into(r.input_offset),
            into(r.input_bytes), into(r.header_bytes), into(r.line_offset), into(claim.attempts);
        if (claim_row.execute() == 0 || claim.job_id.empty()) return std::nullopt;
        return claim;
    }
    // SQLite: one writer at a time anyway (and no row locks to skip).
    WriteTransaction tx(*database_, s, TransactionLock::rows);
    Poco::Data::Statement pick(s);
    pick << database_->sql(
        "SELECT c.job_id, c.chunk FROM job_chunks c JOIN jobs j ON j.id = c.job_id"
        " WHERE j.state = 'running' AND (c.state = 'queued' OR"
        " (c.state = 'running' AND c.claimed_at < ?))"
        " ORDER BY j.created_at, c.job_id, c.chunk LIMIT 1"),
        into(claim.job_id), into(r.chunk), use(expired);
    if (pick.execute() == 0) return std::nullopt;
    s << database_->sql(
        "UPDATE job_chunks SET state = 'running', claimed_by = ?, claimed_at = ?,"
        " attempts = attempts + 1 WHERE job_id = ? AND chunk = ?"),
        use(owner), use(at), use(claim.job_id), use(r.chunk), now;
    s << database_->sql(
        "SELECT first_record, records, kind, input_offset, input_bytes, header_bytes,"
        " line_offset, attempts FROM job_chunks WHERE job_id = ? AND chunk = ?"),
        into(r.first_record), into(r.records), into(r.kind), into(r.input_offset),
        into(r.input_bytes), into(r.header_bytes), into(r.line_offset), into(claim.attempts),
        use(claim.job_id), use(r.chunk), now;
    tx.commit();
    return claim;
}

bool JobStore::renew_chunk(const std::string& id, std::int64_t chunk, const std::string& instance,
                           std::int64_t now_s) {
    Poco::Data::Session s = database_->session();
    std::string key = id, owner = instance;
    std::int64_t number = chunk, at = now_s;
    Poco::Data::Statement update(s);
    update << database_->sql(
        "UPDATE job_chunks SET claimed_at = ? WHERE job_id = ? AND chunk = ?"
        " AND state = 'running' AND claimed_by = ?"),
        use(at), use(key), use(number), use(owner);
    return update.execute() > 0;
}

bool JobStore::complete_chunk(const std::string& id, std::int64_t chunk,
                              const std::string& instance, const ChunkResult& result,
                              std::int64_t now_s) {
    Poco::Data::Session s = database_->session();
    // Row locks only (the chunk's, then the job's counters): instances completing chunks
    // at once wait for each other on the job's row for the length of two updates, not for
    // every other writer of the database.
    WriteTransaction tx(*database_, s, TransactionLock::rows);
    std::string key = id, owner = instance;
    std::int64_t number = chunk, printed = result.printed, refused = result.refused,
                 pages = result.pages, at = now_s;
    Poco::Data::Statement update(s);
    update << database_->sql(
        "UPDATE job_chunks SET state = 'done', printed = ?, refused = ?, pages = ?,"
        " finished_at = ? WHERE job_id = ? AND chunk = ? AND state = 'running'"
        " AND claimed_by = ?"),
        use(printed), use(refused), use(pages), use(at), use(key), use(number), use(owner);
    if (update.execute() == 0) return false;
    s << database_->sql(
        "UPDATE jobs SET done = done + (SELECT records FROM job_chunks WHERE job_id = ?"
        " AND chunk = ?), printed = printed + ?, refused = refused + ? WHERE id = ?"),
        use(key), use(number), use(printed), use(refused), use(key), now;
    add_failures(s, key, result.failures);
    notify(s, kPartDone);  // sent at the commit
    tx.commit();
    return true;
}

void JobStore::release_chunks(const std::string& instance) {
    Poco::Data::Session s = database_->session();
    std::string owner = instance;
    Poco::Data::Statement update(s);
    update << database_->sql(
        "UPDATE job_chunks SET state = 'queued', claimed_by = ''"
        " WHERE state = 'running' AND claimed_by = ?"),
        use(owner);
    if (update.execute() > 0) notify(s, kChunksQueued);
}

void JobStore::notify(Poco::Data::Session& s, std::string_view what) {
    if (database_->dialect() != Dialect::postgresql) return;
    s << "SELECT pg_notify('" + std::string(kChannel) + "', '" + std::string(what) + "')", now;
}

std::unique_ptr<registry::NotificationListener> JobStore::listen(
    registry::NotificationListener::Handler handler) {
    if (database_->dialect() != Dialect::postgresql) return nullptr;
    return std::make_unique<registry::NotificationListener>(
        database_->postgresql_connection(), std::string(kChannel), std::move(handler));
}

std::vector<std::string> JobStore::assemblable(std::int64_t now_s, std::int64_t quiet_seconds) {
    Poco::Data::Session s = database_->session();
    std::vector<std::string> ids;
    std::int64_t before = now_s - quiet_seconds;
    s << database_->sql(
        "SELECT j.id FROM jobs j WHERE j.state = 'running' AND j.chunks >= 0"
        " AND j.chunks = (SELECT COUNT(*) FROM job_chunks c WHERE c.job_id = j.id"
        " AND c.state = 'done')"
        " AND NOT EXISTS (SELECT 1 FROM job_chunks c WHERE c.job_id = j.id"
        " AND c.finished_at > ?) ORDER BY j.created_at, j.id"),
        into(ids), use(before), now;
    return ids;
}

std::vector<DoneChunk> JobStore::done_chunks(const std::string& id, std::int64_t from) {
    Poco::Data::Session s = database_->session();
    std::string key = id;
    std::int64_t first = from;
    std::vector<std::int64_t> chunks, pages;
    s << database_->sql(
        "SELECT chunk, pages FROM job_chunks WHERE job_id = ? AND state = 'done'"
        " AND chunk >= ? ORDER BY chunk"),
        into(chunks), into(pages), use(key), use(first), now;
    std::vector<DoneChunk> out;
    for (std::size_t i = 0; i < chunks.size() && i < pages.size(); ++i) {
        out.push_back({chunks[i], pages[i]});
    }
    return out;
}

bool JobStore::complete(const std::string& id, const JobRow& counts) {
    Poco::Data::Session s = database_->session();
    std::string key = id, finished = now_iso();
    std::int64_t pages = counts.pages, bytes = counts.bytes;
    Poco::Data::Statement update(s);
    update << database_->sql(
        "UPDATE jobs SET state = 'done', pages = ?, bytes = ?, finished_at = ?"
        " WHERE id = ? AND state = 'running'"),
        use(pages), use(bytes), use(finished), use(key);
    return update.execute() > 0;
}

std::optional<std::pair<std::string, int>> JobStore::claim_callback(std::int64_t now_s,
                                                                    std::int64_t lease_seconds) {
    Poco::Data::Session s = database_->session();
    std::string id;
    std::int64_t due = now_s, until = now_s + lease_seconds;
    int attempts = 0;
    if (database_->dialect() == Dialect::postgresql) {
        // One statement, as claim_chunk: the look that usually finds nothing is one round trip.
        Poco::Data::Statement claim(s);
        claim << database_->sql(
            "UPDATE jobs SET callback_due = ?, callback_attempts = callback_attempts + 1"
            " WHERE id = (SELECT id FROM jobs WHERE callback = 'waiting'"
            " AND state IN ('done', 'failed', 'cancelled') AND callback_due <= ?"
            " ORDER BY finished_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)"
            " RETURNING id, callback_attempts"),
            use(until), use(due), into(id), into(attempts);
        if (claim.execute() == 0 || id.empty()) return std::nullopt;
        return std::make_pair(id, attempts);
    }
    WriteTransaction tx(*database_, s, TransactionLock::rows);
    Poco::Data::Statement pick(s);
    pick << database_->sql(
        "SELECT id FROM jobs WHERE callback = 'waiting'"
        " AND state IN ('done', 'failed', 'cancelled') AND callback_due <= ?"
        " ORDER BY finished_at, id LIMIT 1"),
        into(id), use(due);
    if (pick.execute() == 0) return std::nullopt;
    s << database_->sql(
        "UPDATE jobs SET callback_due = ?, callback_attempts = callback_attempts + 1"
        " WHERE id = ?"),
        use(until), use(id), now;
    s << database_->sql("SELECT callback_attempts FROM jobs WHERE id = ?"), into(attempts), use(id),
        now;
    tx.commit();
    return std::make_pair(id, attempts);
}

void JobStore::callback_sent(const std::string& id, bool delivered, std::int64_t retry_at) {
    Poco::Data::Session s = database_->session();
    std::string key = id;
    std::string state(to_string(delivered      ? CallbackState::delivered
                                : retry_at > 0 ? CallbackState::waiting
                                               : CallbackState::undeliverable));
    std::int64_t due = retry_at;
    s << database_->sql("UPDATE jobs SET callback = ?, callback_due = ? WHERE id = ?"), use(state),
        use(due), use(key), now;
}

std::vector<std::string> JobStore::ended_before(const std::string& cutoff) {
    Poco::Data::Session s = database_->session();
    std::vector<std::string> ids;
    std::string before = cutoff;
    // The callback is not waiting: a job is kept while its callback may still go out.
    s << database_->sql(
        "SELECT id FROM jobs WHERE state IN ('done', 'failed', 'cancelled')"
        " AND finished_at < ? AND callback <> 'waiting' ORDER BY finished_at, id"),
        into(ids), use(before), now;
    return ids;
}

void JobStore::remove(const std::string& id) {
    Poco::Data::Session s = database_->session();
    WriteTransaction tx(*database_, s);
    delete_chunks(s, id);
    for (const char* statement :
         {"DELETE FROM job_failures WHERE job_id = ?", "DELETE FROM jobs WHERE id = ?"}) {
        std::string key = id;
        s << database_->sql(statement), use(key), now;
    }
    tx.commit();
}

void JobStore::progress(const std::string& id, std::int64_t done, std::int64_t printed,
                        std::int64_t refused, const std::vector<JobFailureRow>& new_failures) {
    Poco::Data::Session s = database_->session();
    WriteTransaction tx(*database_, s);
    std::string key = id;
    s << database_->sql("UPDATE jobs SET done = ?, printed = ?, refused = ? WHERE id = ?"),
        use(done), use(printed), use(refused), use(key), now;
    add_failures(s, key, new_failures);
    tx.commit();
}

void JobStore::finish(const std::string& id, JobState state, const JobRow& counts,
                      const std::string& error) {
    Poco::Data::Session s = database_->session();
    if (state != JobState::done) {
        // A job that failed or was cancelled will not be assembled: its chunks go.
        delete_chunks(s, id);
    }
    std::string key = id, new_state(to_string(state)), message = error, finished = now_iso();
    std::int64_t total = counts.total, done = counts.done, printed = counts.printed,
                 refused = counts.refused, pages = counts.pages, bytes = counts.bytes;
    s << database_->sql(
        "UPDATE jobs SET state = ?, total = ?, done = ?, printed = ?, refused = ?, pages = ?,"
        " bytes = ?, error = ?, finished_at = ? WHERE id = ?"),
        use(new_state), use(total), use(done), use(printed), use(refused), use(pages), use(bytes),
        use(message), use(finished), use(key), now;
}

bool JobStore::cancel(const std::string& id) {
    Poco::Data::Session s = database_->session();
    WriteTransaction tx(*database_, s);
    std::string key = id, finished = now_iso();
    Poco::Data::Statement update(s);
    update << database_->sql(
        "UPDATE jobs SET state = 'cancelled', finished_at = ?"
        " WHERE id = ? AND state IN ('queued', 'running')"),
        use(finished), use(key);
    if (update.execute() == 0) return false;
    // Its chunks will not be printed or assembled: their records and parts go.
    delete_chunks(s, key);
    tx.commit();
    return true;
}

std::vector<JobFailureRow> JobStore::failures(const std::string& id, int limit_rows) {
    Poco::Data::Session s = database_->session();
    std::string key = id;
    std::vector<std::int64_t> records, lines;
    std::vector<std::string> errors;
    s << database_->sql(
        "SELECT record, line, errors FROM job_failures WHERE job_id = ? ORDER BY record LIMIT ?"),
        into(records), into(lines), into(errors), use(key), use(limit_rows), now;
    std::vector<JobFailureRow> out;
    for (std::size_t i = 0; i < records.size(); ++i)
        out.push_back({records[i], lines[i], errors[i]});
    return out;
}

std::vector<std::string> JobStore::unfinished() {
    Poco::Data::Session s = database_->session();
    std::vector<std::string> ids;
    s << database_->sql(
        "SELECT id FROM jobs WHERE state IN ('queued', 'running') ORDER BY created_at, id"),
        into(ids), now;
    return ids;
}

int JobStore::active_count() {
    Poco::Data::Session s = database_->session();
    Poco::Int64 count = 0;
    s << database_->sql("SELECT COUNT(*) FROM jobs WHERE state IN ('queued', 'running')"),
        into(count), now;
    return static_cast<int>(count);
}

std::map<std::string, long long> JobStore::count_by_state() {
    Poco::Data::Session s = database_->session();
    std::vector<std::string> states;
    std::vector<Poco::Int64> counts;
    s << "SELECT state, COUNT(*) FROM jobs GROUP BY state", into(states), into(counts), now;
    std::map<std::string, long long> by_state;
    for (std::size_t i = 0; i < states.size() && i < counts.size(); ++i) {
        by_state[states[i]] = counts[i];
    }
    return by_state;
}

}  // namespace examdocs::jobs
