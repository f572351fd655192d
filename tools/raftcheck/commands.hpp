#pragma once
// The subcommands of the raftcheck binary. Each registers its flags on the CLI11 app and
// returns the process exit code when run: 0 all checks passed, 1 a check failed (a safety
// violation or a failed scenario), 2 bad input.

#include <CLI/CLI.hpp>
#include <functional>

namespace raftcheck {

inline constexpr int kExitOk = 0;
inline constexpr int kExitViolation = 1;
inline constexpr int kExitUsage = 2;

using Runner = std::function<int()>;

// Adds `simulate` to `app`; the returned runner is valid once `app` has parsed.
Runner add_simulate_command(CLI::App& app);
// Adds `explore`.
Runner add_explore_command(CLI::App& app);
// Adds `replay`.
Runner add_replay_command(CLI::App& app);
// Adds `validate`.
Runner add_validate_command(CLI::App& app);
// Adds `kv-sim`.
Runner add_kv_sim_command(CLI::App& app);
// Adds `prove` (Z3: inductive invariant of raft-abstract).
Runner add_prove_command(CLI::App& app);
// Adds `bmc` (Z3: bounded model checking and k-induction of raft-abstract).
Runner add_bmc_command(CLI::App& app);
// Adds `lincheck`.
Runner add_lincheck_command(CLI::App& app);

}  // namespace raftcheck
