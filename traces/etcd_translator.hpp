#pragma once
// etcd-io/raft's trace events -> events of the spec's vocabulary (traces/event.hpp), which the
// validator then checks against the raft model with the etcd options of
// spec::unbounded::Options. README ("etcd's traces") gives the mapping in full; in short:
//
//   - bootstrap (InitState, ApplyConfChange, BecomeFollower before anything else) is the
//     initial state: N voters that all hold the same committed log;
//   - Receive* logs the state before handling: it becomes an Observe, and the handling is
//     emitted when the node's next event shows what it did (BecomeFollower: UpdateTerm, or a
//     candidate stepping down; Send*Response: the Handle action with its reply; anything
//     else: the Handle action with its reply unseen, or a drop if the message is stale,
//     which etcd ignores);
//   - a candidate's vote for itself (a MsgVoteResp to itself) is RequestVote to itself and
//     its grant; a leader's acknowledgement of its own append (a MsgAppResp to itself) is
//     implicit in the spec, which always counts the leader, and is skipped;
//   - Replicate and ChangeConf (the entry appended) are ClientRequest; Commit is
//     AdvanceCommitIndex; MsgHeartbeat is an AppendEntries heartbeat; Ready is Observe.
//
//   - ApplyConfChange is ChangeConfig (the spec's membership option): the node adopts the new
//     voters; a node's first InitState after the bootstrap is a node joining, from nothing.
//
// What the spec does not model stops the translation, with the reason: joint configurations,
// pre-vote, and message types the spec has no action for (snapshots, read index, ...).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "traces/etcd_reader.hpp"
#include "traces/event.hpp"

namespace traces {

class EtcdTranslator {
public:
    // `nodes`: every node id the trace names (a first pass over the file finds them), so
    // that nodes added later have their place in the spec's cluster from the start.
    EtcdTranslator(std::string file, std::vector<std::uint64_t> nodes);

    // Appends to `out` the events `e` stands for (often none yet: a received message waits
    // for the node's next event). Returns false, with beyond() saying why, when `e` goes
    // beyond what the spec models; nothing after it can be checked. Throws TraceError for
    // an event that breaks etcd's own trace rules (an unknown event name, a role etcd does
    // not have).
    bool translate(const EtcdEvent& e, std::vector<Event>& out);
    // At the end of the trace: emits what is still pending.
    void finish(std::vector<Event>& out);

    const std::string& beyond() const { return beyond_; }
    std::uint32_t servers() const { return static_cast<std::uint32_t>(index_.size()); }

private:
    struct Pending {
        EtcdEvent received;  // the Receive* event, with the state before handling
        Message message;
        std::uint64_t term_before = 0;
    };
    struct Node {
        bool seen = false;
        EtcdEvent last;  // the latest event, for the bootstrap state
        std::optional<Pending> pending;
    };

    bool start(const EtcdEvent& first, std::vector<Event>& out);
    bool stop(const EtcdEvent& e, std::string why);
    // The node's index in the spec (1-based), or 0 if not a voter of the first configuration.
    std::uint32_t index_of(std::uint64_t nid) const;
    std::optional<Message> message_of(const EtcdMessage& m, const EtcdEvent& e);
    Observed observed_of(const EtcdEvent& e) const;
    Event event(ActionKind kind, const EtcdEvent& e) const;
    void flush(Node& n, std::vector<Event>& out);

    std::string file_;
    FileName file_name_{file_};  // what each event carries
    bool started_ = false;
    std::vector<std::uint64_t> voters_;              // the first configuration, sorted
    std::map<std::uint64_t, std::uint32_t> index_;  // etcd id -> spec node
    std::map<std::uint64_t, Node> nodes_;
    std::string beyond_;
};

}  // namespace traces
