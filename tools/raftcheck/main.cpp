// raftcheck: one binary, one subcommand per tool. User errors (a bad flag, a bad number, a
// missing file) end with a message and exit code 2, never with a crash.

#include <cstdio>
#include <exception>

#include "tools/raftcheck/commands.hpp"

int main(int argc, char** argv) {
    CLI::App app{"raftcheck: a Raft implementation built to be verified, and the tools that verify it"};
    app.require_subcommand(1);
    app.fallthrough(false);
    raftcheck::Runner simulate = raftcheck::add_simulate_command(app);
    raftcheck::Runner explore = raftcheck::add_explore_command(app);
    raftcheck::Runner replay = raftcheck::add_replay_command(app);
    raftcheck::Runner validate = raftcheck::add_validate_command(app);
    raftcheck::Runner kv_sim = raftcheck::add_kv_sim_command(app);
    raftcheck::Runner prove = raftcheck::add_prove_command(app);
    raftcheck::Runner bmc = raftcheck::add_bmc_command(app);
    raftcheck::Runner lincheck = raftcheck::add_lincheck_command(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "raftcheck: %s\nRun 'raftcheck --help' for usage.\n", e.what());
        return raftcheck::kExitUsage;
    }
    try {
        if (app.got_subcommand("simulate")) return simulate();
        if (app.got_subcommand("explore")) return explore();
        if (app.got_subcommand("replay")) return replay();
        if (app.got_subcommand("validate")) return validate();
        if (app.got_subcommand("kv-sim")) return kv_sim();
        if (app.got_subcommand("prove")) return prove();
        if (app.got_subcommand("bmc")) return bmc();
        if (app.got_subcommand("lincheck")) return lincheck();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "raftcheck: %s\n", e.what());
        return raftcheck::kExitUsage;
    }
    return raftcheck::kExitUsage;
}
