#include <CLI/CLI.hpp>

#include "control/cli/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"taktctl: plan, verify and install IEEE 802.1Qbv schedules for factory networks"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "taktctl 0.1.0");
  takt::cli::ExitCode exit_code;
  takt::cli::add_check_command(app, exit_code);
  takt::cli::add_plan_command(app, exit_code);
  takt::cli::add_apply_command(app, exit_code);
  takt::cli::add_status_command(app, exit_code);
  takt::cli::add_simulate_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    // CLI11 returns 0 for --help/--version; every real usage error is exit 2.
    return rc == 0 ? 0 : 2;
  }
  return exit_code.value;
}
