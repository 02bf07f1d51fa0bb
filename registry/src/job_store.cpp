#include "examdocs/registry/job_store.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

using namespace Poco::Data::Keywords;

namespace examdocs::registry {

namespace {

std::string now_iso() {
    return Poco::DateTimeFormatter::format(Poco::Timestamp(), Poco::DateTimeFormat::ISO8601_FORMAT);
}

}  // namespace

void JobStore::create(const JobRow& job) {
    Poco::Data::Session s = database_->session();
    JobRow j = job;
    j.created_at = now_iso();
    s << database_->sql(
        "INSERT INTO jobs (id, layout, state, options, total, done, printed, refused, pages,"
        " bytes, error, attempts, created_at, started_at, finished_at)"
        " VALUES (?, ?, ?, ?, ?, 0, 0, 0, 0, 0, '', 0, ?, '', '')"),
        use(j.id), use(j.layout), use(j.state), use(j.options), use(j.total), use(j.created_at),
        now;
}

std::optional<JobRow> JobStore::find(const std::string& id) {
    Poco::Data::Session s = database_->session();
    JobRow j;
    std::string key = id;
    Poco::Data::Statement st(s);
    st << database_->sql(
        "SELECT id, layout, state, options, total, done, printed, refused, pages, bytes, error,"
        " attempts, created_at, started_at, finished_at FROM jobs WHERE id = ?"),
        into(j.id), into(j.layout), into(j.state), into(j.options), into(j.total), into(j.done),
        into(j.printed), into(j.refused), into(j.pages), into(j.bytes), into(j.error),
        into(j.attempts), into(j.created_at), into(j.started_at), into(j.finished_at), use(key),
        limit(1);
    if (st.execute() == 0) return std::nullopt;
    return j;
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

void JobStore::progress(const std::string& id, std::int64_t done, std::int64_t printed,
                        std::int64_t refused, const std::vector<JobFailureRow>& new_failures) {
    Poco::Data::Session s = database_->session();
    WriteTransaction tx(*database_, s);
    std::string key = id;
    s << database_->sql("UPDATE jobs SET done = ?, printed = ?, refused = ? WHERE id = ?"),
        use(done), use(printed), use(refused), use(key), now;
    for (const auto& f : new_failures) {
        std::int64_t record = f.record, line = f.line;
        std::string errors = f.errors;
        s << database_->sql(
            "INSERT INTO job_failures (job_id, record, line, errors) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (job_id, record) DO UPDATE SET line = excluded.line,"
            " errors = excluded.errors"),
            use(key), use(record), use(line), use(errors), now;
    }
    tx.commit();
}

void JobStore::finish(const std::string& id, const std::string& state, const JobRow& counts,
                      const std::string& error) {
    Poco::Data::Session s = database_->session();
    std::string key = id, new_state = state, message = error, finished = now_iso();
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
    std::string key = id, finished = now_iso();
    Poco::Data::Statement update(s);
    update << database_->sql(
        "UPDATE jobs SET state = 'cancelled', finished_at = ?"
        " WHERE id = ? AND state IN ('queued', 'running')"),
        use(finished), use(key);
    return update.execute() > 0;
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

}  // namespace examdocs::registry
