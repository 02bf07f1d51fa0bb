#pragma once
// The records of a job split into chunks, so that instances sharing the job can each print
// some (see registry/job_store.h): one JSON line per record that keeps what one run over
// the whole input would have known of it — its number among all records, its input line,
// the defaults merged in, CSV cells already typed, and for a record that could not be
// read, its errors. A chunk then prints on any instance exactly as in one run.
#include <istream>
#include <memory>
#include <string>

#include "examdocs/bulk/records.h"

namespace examdocs::bulk {

// One line, ending in '\n'.
std::string encode_record(const Record& record);

// Reads lines made by encode_record. A line that is not one throws InputError (a chunk is
// written by examdocs; a broken one is a fault, not a refused record).
std::unique_ptr<RecordReader> open_encoded_records(std::istream& in);

}  // namespace examdocs::bulk
