#pragma once
// The subcommands of the examdocs program. Each takes the arguments after its name and
// returns the process exit status.
#include <string>
#include <vector>

namespace examdocs::cli {

int serve_command(int argc, char** argv);
int render_command(int argc, char** argv);
int bulk_command(int argc, char** argv);
int verify_command(int argc, char** argv);
int check_photo_command(int argc, char** argv);
int normalize_photo_command(int argc, char** argv);

}  // namespace examdocs::cli
