#include "job_failures.h"

#include <sstream>

#include "examdocs/core/problem.h"

namespace examdocs::jobs {

JobFailureRow failure_row(const bulk::RecordFailure& failure) {
    std::ostringstream text;
    field_errors_json(failure.errors)->stringify(text);
    return {static_cast<std::int64_t>(failure.number), static_cast<std::int64_t>(failure.line),
            text.str()};
}

std::string unreadable_input(const bulk::InputError& error) {
    return std::string("the input cannot be read") +
           (error.line() ? " at line " + std::to_string(error.line()) : "") + ": " + error.what();
}

std::string nothing_printed(std::int64_t records) {
    return records == 0 ? "nothing printed: the input holds no records"
                        : "nothing printed: every one of the " + std::to_string(records) +
                              " records was refused (see failures)";
}

}  // namespace examdocs::jobs
