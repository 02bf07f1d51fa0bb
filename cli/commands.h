#pragma once
// The subcommands of the examdocs program. Each takes the arguments after its name and
// returns the process exit status; each declares its options in a CommandSpec, which
// gives its --help, the command list of `examdocs --help` and the bash completion.
#include <string_view>
#include <vector>

#include "cli_support.h"

namespace examdocs::cli {

struct Command {
    const CommandSpec& (*spec)();
    int (*run)(int argc, char** argv);
};

// Every command, in the order `examdocs --help` lists them.
const std::vector<Command>& commands();

const CommandSpec& serve_spec();
int serve_command(int argc, char** argv);
const CommandSpec& render_spec();
int render_command(int argc, char** argv);
const CommandSpec& check_layout_spec();
int check_layout_command(int argc, char** argv);
const CommandSpec& bulk_spec();
int bulk_command(int argc, char** argv);
const CommandSpec& verify_spec();
int verify_command(int argc, char** argv);
const CommandSpec& check_photo_spec();
int check_photo_command(int argc, char** argv);
const CommandSpec& normalize_photo_spec();
int normalize_photo_command(int argc, char** argv);
const CommandSpec& config_spec();
int config_command(int argc, char** argv);
const CommandSpec& api_key_spec();
int api_key_command(int argc, char** argv);
const CommandSpec& backup_spec();
int backup_command(int argc, char** argv);
const CommandSpec& restore_spec();
int restore_command(int argc, char** argv);
const CommandSpec& signing_key_spec();
int signing_key_command(int argc, char** argv);
const CommandSpec& doctor_spec();
int doctor_command(int argc, char** argv);
const CommandSpec& completion_spec();
int completion_command(int argc, char** argv);

}  // namespace examdocs::cli
