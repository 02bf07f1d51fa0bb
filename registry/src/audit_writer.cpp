#include "examdocs/registry/audit_writer.h"

#include <Poco/Data/Session.h>

#include <algorithm>

using namespace Poco::Data::Keywords;

namespace examdocs::registry {

void write_audit_lines(Database& db, Poco::Data::Session& s,
                       const std::vector<AuditEntry>& entries) {
    // One statement a line, inside the caller's transaction: cheap on both databases, and
    // the plainest binding Poco offers for SQLite and PostgreSQL alike.
    const std::string insert =
        db.sql("INSERT INTO audit_log (at, actor, action, number, detail) VALUES (?, ?, ?, ?, ?)");
    for (const auto& e : entries) {
        std::string at = e.at, actor = e.actor.empty() ? "-" : e.actor, action = e.action,
                    number = e.number, detail = e.detail;
        s << insert, use(at), use(actor), use(action), use(number), use(detail), now;
    }
}

AuditWriter::AuditWriter(std::shared_ptr<Database> database, AuditWriterOptions options,
                         FailureReport on_failure)
    : database_(std::move(database)), options_(options), on_failure_(std::move(on_failure)) {
    thread_ = std::thread([this] { run(); });
}

AuditWriter::~AuditWriter() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void AuditWriter::set_failure_report(FailureReport on_failure) {
    std::lock_guard lock(mutex_);
    on_failure_ = std::move(on_failure);
}

void AuditWriter::add(AuditEntry entry) {
    bool full_batch = false;
    {
        std::lock_guard lock(mutex_);
        if (waiting_.size() >= options_.max_waiting) {
            waiting_.pop_front();
            ++dropped_;
        }
        waiting_.push_back(std::move(entry));
        full_batch = waiting_.size() >= options_.batch;
    }
    if (full_batch) wake_.notify_one();
}

std::size_t AuditWriter::waiting() const {
    std::lock_guard lock(mutex_);
    return waiting_.size();
}

std::size_t AuditWriter::dropped() const {
    std::lock_guard lock(mutex_);
    return dropped_;
}

std::vector<AuditEntry> AuditWriter::waiting_for(const std::string& number) const {
    std::lock_guard lock(mutex_);
    std::vector<AuditEntry> out;
    for (const auto& e : waiting_) {
        if (e.number == number) out.push_back(e);
    }
    return out;
}

// Takes one batch out of the queue, commits it without holding the lock, and puts it
// back in front if the database refused it. Called with the lock held and `writing_`
// false; returns with the lock held.
bool AuditWriter::write_waiting(std::unique_lock<std::mutex>& lock) {
    const auto count = std::min(options_.batch, waiting_.size());
    std::vector<AuditEntry> batch(
        std::make_move_iterator(waiting_.begin()),
        std::make_move_iterator(waiting_.begin() + static_cast<long>(count)));
    waiting_.erase(waiting_.begin(), waiting_.begin() + static_cast<long>(count));
    writing_ = true;
    lock.unlock();
    std::string failure;
    try {
        Poco::Data::Session s = database_->session();
        WriteTransaction tx(*database_, s);
        write_audit_lines(*database_, s, batch);
        tx.commit();
    } catch (const Poco::Exception& e) {
        failure = e.displayText();
    } catch (const std::exception& e) {
        failure = e.what();
    }
    lock.lock();
    writing_ = false;
    if (!failure.empty()) {
        waiting_.insert(waiting_.begin(), std::make_move_iterator(batch.begin()),
                        std::make_move_iterator(batch.end()));
        while (waiting_.size() > options_.max_waiting) {
            waiting_.pop_front();
            ++dropped_;
        }
        back_off_ = std::clamp(back_off_ * 2, std::chrono::milliseconds(200),
                               std::chrono::milliseconds(5000));
        retry_at_ = std::chrono::steady_clock::now() + back_off_;
        if (on_failure_) {
            const auto report = on_failure_;
            const auto waiting = waiting_.size();
            lock.unlock();
            report(failure, waiting);
            lock.lock();
        }
    } else {
        back_off_ = std::chrono::milliseconds(0);
    }
    written_.notify_all();
    wake_.notify_one();  // the writer thread may be waiting for this batch to be out
    return failure.empty();
}

bool AuditWriter::flush() {
    std::unique_lock lock(mutex_);
    // The batches queued now; lines added meanwhile are the writer thread's business.
    std::size_t batches = waiting_.size() / options_.batch + 1;
    while (batches-- > 0) {
        written_.wait(lock, [this] { return !writing_; });
        if (waiting_.empty()) return true;
        if (!write_waiting(lock)) return false;
    }
    return true;
}

void AuditWriter::run() {
    std::unique_lock lock(mutex_);
    while (true) {
        // Not while a flush() on another thread is writing: the batch it took may leave
        // a full batch waiting, and waking for it then would spin.
        wake_.wait_for(lock, options_.interval, [this] {
            return stopping_ || (!writing_ && waiting_.size() >= options_.batch);
        });
        if (stopping_) break;
        // Write what waits, a batch at a time, unless the database just refused.
        while (!waiting_.empty() && !writing_ && !stopping_ &&
               std::chrono::steady_clock::now() >= retry_at_) {
            if (!write_waiting(lock)) break;
        }
    }
    // Last chance for what is still queued (SIGTERM drains here).
    while (!waiting_.empty()) {
        written_.wait(lock, [this] { return !writing_; });
        if (waiting_.empty() || !write_waiting(lock)) break;
    }
}

}  // namespace examdocs::registry
