#pragma once
// Private to jobs/: refused records and unreadable input as the store and the log keep them.
#include <string>

#include "examdocs/bulk/bulk_print.h"
#include "examdocs/bulk/records.h"
#include "examdocs/jobs/job_store.h"

namespace examdocs::jobs {

// A refused record as the job's failure row.
JobFailureRow failure_row(const bulk::RecordFailure& failure);

std::string unreadable_input(const bulk::InputError& error);

}  // namespace examdocs::jobs
