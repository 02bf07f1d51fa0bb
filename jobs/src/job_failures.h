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

// Why a job that printed nothing failed: no records at all, or every one refused. A file
// without a page is not a document (pdfinfo refuses it), so such a job has no result.
std::string nothing_printed(std::int64_t records);

}  // namespace examdocs::jobs
