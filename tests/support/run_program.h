#pragma once
// Runs a program to its end and returns its exit status and what it wrote. Started with
// posix_spawn, not Poco::Process::launch: Poco forks, and a fork of an ASan test program
// copies the page tables of its terabytes of reserved shadow memory, then its child closes
// every descriptor up to the limit one by one (20,000 intercepted close() calls) before it
// execs: ~40-70 ms of CPU a run, for tests that run qpdf, openssl, pdftotext or examdocs
// dozens or hundreds of times. posix_spawn shares the parent's memory until the exec and
// closes the inherited descriptors with one close_range().
// Throws std::system_error (a std::runtime_error) when the program cannot be started.
#include <map>
#include <string>
#include <vector>

namespace examdocs::test {

struct ProgramRun {
    int status = -1;     // the exit status; 128 + the signal's number when killed by one
    std::string output;  // stdout, and stderr too unless RunOptions::errors_apart
    std::string errors;  // stderr, with RunOptions::errors_apart
};

struct RunOptions {
    // Laid over this process's environment (a name given here replaces the inherited one).
    std::map<std::string, std::string> env;
    bool errors_apart = false;   // stderr into ProgramRun::errors instead of with output
    bool inherit_stdin = false;  // else the program reads /dev/null
};

// `program` is looked up in PATH when it has no slash.
ProgramRun run_program(const std::string& program, const std::vector<std::string>& args,
                       const RunOptions& options = {});

}  // namespace examdocs::test
