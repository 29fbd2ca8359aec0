#pragma once
// Each taktctl subcommand registers itself on the CLI11 app and returns the exit code through
// the shared slot: 0 success, 1 the input is invalid or cannot be planned, 2 usage.
#include <CLI/CLI.hpp>

namespace takt::cli {

struct ExitCode {
  int value = 0;
};

void add_check_command(CLI::App& app, ExitCode& exit_code);
void add_plan_command(CLI::App& app, ExitCode& exit_code);
void add_apply_command(CLI::App& app, ExitCode& exit_code);
void add_status_command(CLI::App& app, ExitCode& exit_code);
void add_simulate_command(CLI::App& app, ExitCode& exit_code);

}  // namespace takt::cli
