// examdocs: the program people run. It links nothing but the C library and hands every
// command to one of two programs in lib/examdocs with execv (same process id, same
// arguments, so signals, exit statuses and systemd see one process):
//   examdocs-documents  render, check-layout, check-photo, normalize-photo: renderers,
//                       fonts and images, ~15 shared libraries;
//   examdocs-all        every command, serve included: the server's ~60 libraries.
// Why: measured whole-process, most of a short command's time was the dynamic loader
// binding and the kernel mapping the server's libraries (Poco Net, NetSSL, Data, libpq
// with Kerberos and LDAP, OpenSSL, prometheus-cpp), which render never uses. The launcher
// answers --version itself. No C++ library here: loading libstdc++ alone costs a
// millisecond of relocations.
#include <unistd.h>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

// Statuses of sysexits.h, as the commands use them (cli_support.h).
constexpr int kExitUnavailable = 69;
constexpr int kExitIoErr = 74;

// The commands examdocs-documents runs; all others, and help, go to examdocs-all.
constexpr const char* kDocumentCommands[] = {"render", "check-layout", "check-photo",
                                             "normalize-photo"};

bool is_document_command(const char* name) {
    for (const char* c : kDocumentCommands) {
        if (std::strcmp(c, name) == 0) return true;
    }
    return false;
}

// Writes "dir/program" into `out`; false when it does not fit.
bool join(char* out, std::size_t size, const char* dir, const char* program) {
    const int n = std::snprintf(out, size, "%s/%s", dir, program);
    return n > 0 && static_cast<std::size_t>(n) < size;
}

// Runs `program` from the first directory that has it: EXAMDOCS_MODULE_DIR (unusual
// layouts); lib/examdocs beside the launcher's bin/ (an installed examdocs, and the build
// tree, whose cli/ and lib/examdocs/ are siblings); the build tree's own directory.
// Returns only when none could be run.
int run(const char* program, char** argv) {
    char path[PATH_MAX + 64];
    int failure = ENOENT;
    const auto attempt = [&](const char* dir) {
        if (dir == nullptr || *dir == '\0' || !join(path, sizeof path, dir, program)) return;
        ::execv(path, argv);
        // Not there: try the next place. There but not runnable: remember why.
        if (errno != ENOENT) failure = errno;
    };
    attempt(std::getenv("EXAMDOCS_MODULE_DIR"));
    char self[PATH_MAX];
    const ssize_t length = ::readlink("/proc/self/exe", self, sizeof self - 1);
    if (length > 0) {
        self[length] = '\0';
        if (char* slash = std::strrchr(self, '/'); slash != nullptr) {
            *slash = '\0';
            char dir[PATH_MAX + 32];
            if (join(dir, sizeof dir, self, "../lib/examdocs")) attempt(dir);
        }
    }
#ifdef EXAMDOCS_BUILD_MODULE_DIR
    attempt(EXAMDOCS_BUILD_MODULE_DIR);
#endif
    std::fprintf(stderr,
                 "examdocs: cannot run lib/examdocs/%s beside the examdocs binary (%s); "
                 "reinstall the examdocs package\n",
                 program, std::strerror(failure));
    return kExitUnavailable;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc >= 2 &&
        (std::strcmp(argv[1], "--version") == 0 || std::strcmp(argv[1], "version") == 0)) {
        std::printf("examdocs %s (%s)\n", EXAMDOCS_VERSION, EXAMDOCS_GIT_COMMIT);
        return std::fflush(stdout) == 0 ? 0 : kExitIoErr;
    }
    const bool documents = argc >= 2 && is_document_command(argv[1]);
    return run(documents ? "examdocs-documents" : "examdocs-all", argv);
}
