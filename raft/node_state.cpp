#include "raft/node_state.hpp"

namespace raft {

NodeState initial_state(const Config& config) {
    RAFT_ASSERT(config.cluster_size >= 1 && config.cluster_size <= kMaxClusterSize, "cluster size out of range");
    RAFT_ASSERT(config.id.value < config.cluster_size, "node id outside the cluster");
    NodeState s;
    s.config = config;
    return s;
}

PersistentState persistent_part(const NodeState& state) {
    return PersistentState{state.current_term, state.voted_for, state.log, state.snapshot};
}

std::string to_string(Role role) {
    switch (role) {
        case Role::kFollower: return "follower";
        case Role::kCandidate: return "candidate";
        case Role::kLeader: return "leader";
    }
    return "?";
}

std::string describe(const NodeState& s) {
    return to_string(s.config.id) + " " + to_string(s.role) + " term=" + to_string(s.current_term) +
           " vote=" + (s.voted_for ? to_string(*s.voted_for) : "-") + " log=" + to_string(s.log.last_index()) + "/t" +
           to_string(s.log.last_term()) + " commit=" + to_string(s.commit_index) +
           " applied=" + to_string(s.last_applied) +
           (s.snapshot.last_included_index > LogIndex{} ? " snap=" + to_string(s.snapshot.last_included_index) + "/t" +
                                                              to_string(s.snapshot.last_included_term)
                                                        : "");
}

}  // namespace raft
