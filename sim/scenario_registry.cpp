#include "sim/scenarios.hpp"

namespace sim {

const std::vector<Scenario>& all_scenarios() {
    static const std::vector<Scenario> scenarios = {
        {"InitialElection", "2A", initial_election},
        {"ReElection", "2A", re_election},
        {"ManyElections", "2A", many_elections},
        {"BasicAgree", "2B", basic_agree},
        {"RPCBytes", "2B", rpc_bytes},
        {"FollowerFailure", "2B", follower_failure},
        {"LeaderFailure", "2B", leader_failure},
        {"FailAgree", "2B", fail_agree},
        {"FailNoAgree", "2B", fail_no_agree},
        {"ConcurrentStarts", "2B", concurrent_starts},
        {"Rejoin", "2B", rejoin},
        {"Backup", "2B", backup},
        {"Count", "2B", count},
        {"Persist1", "2C", persist1},
        {"Persist2", "2C", persist2},
        {"Persist3", "2C", persist3},
        {"Figure8", "2C", figure8},
        {"UnreliableAgree", "2C", unreliable_agree},
        {"Figure8Unreliable", "2C", figure8_unreliable},
        {"ReliableChurn", "2C", reliable_churn},
        {"UnreliableChurn", "2C", unreliable_churn},
        {"SnapshotBasic", "2D", snapshot_basic},
        {"SnapshotInstall", "2D", snapshot_install},
        {"SnapshotInstallUnreliable", "2D", snapshot_install_unreliable},
        {"SnapshotInstallCrash", "2D", snapshot_install_crash},
        {"SnapshotInstallUnCrash", "2D", snapshot_install_uncrash},
        {"SnapshotAllCrash", "2D", snapshot_all_crash},
        {"SnapshotInit", "2D", snapshot_init},
    };
    return scenarios;
}

const Scenario* find_scenario(std::string_view name) {
    for (const Scenario& s : all_scenarios()) {
        if (name == s.name) return &s;
    }
    return nullptr;
}

}  // namespace sim
