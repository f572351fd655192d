#pragma once
// Turns steps of raft::step into trace events in the spec's vocabulary.
//
// One step of the implementation is often several steps of the spec: a timeout makes a node
// a candidate, votes for itself and asks every peer for a vote at once, where the spec takes
// Timeout, then RequestVote and the handling of the node's own vote, then one RequestVote
// per peer. The recorder writes that sequence, in an order the spec allows, from the step's
// input, the node's role, term and commitIndex before it, and the step's outputs. The
// node's variables after the step go on the last event of the sequence (the states in
// between are the spec's, which the implementation never holds).

#include <cstdint>
#include <functional>

#include "raft/step.hpp"
#include "traces/event.hpp"

namespace traces {

struct RecorderOptions {
    bool full_log = false;  // also record every node's whole log (large traces)
};

class Recorder {
public:
    using Sink = std::function<void(const Event&)>;
    // Init, with the cluster size, is written before the first step.
    explicit Recorder(Sink sink, RecorderOptions options = {});
    // `before` needs only role, current_term and commit_index. A refused CompactLog is no step;
    // an InstallSnapshot's data (the service's state, not a log) is left unseen, and so is the
    // whole log (RecorderOptions::full_log) once part of it is compacted.
    void step(const raft::NodeState& before, const raft::Input& input, const raft::StepResult& result);
    // The network lost `m` (or could not deliver it): the spec's DropMessage.
    void dropped(const raft::Message& m);

    std::uint64_t events() const { return clock_; }

private:
    Event event(ActionKind action, std::uint32_t node);
    void emit(Event& e);
    void sends(std::uint32_t node, const raft::Outputs& out, bool requests_only);
    void observe(Event& e, const raft::NodeState& s) const;

    Sink sink_;
    RecorderOptions options_;
    std::uint64_t clock_ = 0;
};

Message to_trace(const raft::Message& m);
Role to_trace(raft::Role r);

}  // namespace traces
