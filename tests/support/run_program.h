#pragma once
// Runs a program to its end and returns its exit status and what it wrote (stdout and
// stderr together). Started with posix_spawn, not Poco::Process::launch: Poco forks, and
// a fork of an ASan test program copies the page tables of its terabytes of reserved
// shadow memory, then its child closes every descriptor up to the limit one by one
// (20,000 intercepted close() calls) before it execs: ~70 ms of CPU a run, for tests that
// run qpdf, openssl or pdftotext dozens of times. posix_spawn shares the parent's memory
// until the exec and closes the inherited descriptors with one close_range().
// Throws std::system_error (a std::runtime_error) when the program cannot be started.
#include <string>
#include <vector>

namespace examdocs::test {

struct ProgramRun {
    int status = -1;  // the exit status; 128 + the signal's number when killed by one
    std::string output;
};

// `program` is looked up in PATH when it has no slash.
ProgramRun run_program(const std::string& program, const std::vector<std::string>& args);

}  // namespace examdocs::test
