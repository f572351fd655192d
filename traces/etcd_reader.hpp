#pragma once
// Reads the traces that etcd-io/raft writes for its own TLA+ trace validation (its
// `with_tla` trace logger): one JSON object a line, either the event itself or a log
// envelope whose `event` field holds it. See ../shared/data/etcd-raft/README.md for the
// fields. This is only the syntax; traces/etcd_translator.hpp gives the events meaning.

#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace traces {

struct EtcdMessage {
    std::string type;  // MsgApp, MsgAppResp, MsgVote, ...
    std::uint64_t term = 0;
    std::uint64_t from = 0;
    std::uint64_t to = 0;
    std::uint64_t entries = 0;  // how many; etcd's trace does not show them
    std::uint64_t log_term = 0;
    std::uint64_t index = 0;
    std::uint64_t commit = 0;
    bool reject = false;
    std::uint64_t reject_hint = 0;
};

struct EtcdEvent {
    std::uint64_t line = 0;
    std::string name;  // InitState, BecomeLeader, SendAppendEntriesRequest, ...
    std::uint64_t nid = 0;
    // The node's variables as the logger saw them (before or after the step: the event
    // decides, see the translator).
    std::uint64_t term = 0;
    std::uint64_t vote = 0;  // 0: none
    std::uint64_t commit = 0;
    std::string role;         // StateFollower, StateCandidate, StateLeader, ...
    std::uint64_t log = 0;    // last log index
    std::vector<std::uint64_t> voters;           // conf[0]
    std::vector<std::uint64_t> outgoing_voters;  // conf[1]: non-empty during a joint change
    std::optional<EtcdMessage> msg;
    // ApplyConfChange: prop.cc.newconf, the voters once it is applied (absent: unchanged).
    std::optional<std::vector<std::uint64_t>> new_conf;
    // ChangeConf: a short description of prop.cc.changes ("RemoveServer 1").
    std::string changes;
};

// Streams an etcd trace file. Throws TraceError (traces/ndjson.hpp) naming file and line for
// anything unreadable: bad JSON, a missing or mistyped field, a node id that is not a
// positive integer.
class EtcdReader {
public:
    explicit EtcdReader(const std::string& path);
    ~EtcdReader();
    EtcdReader(const EtcdReader&) = delete;
    EtcdReader& operator=(const EtcdReader&) = delete;

    std::optional<EtcdEvent> next();
    const std::string& path() const { return path_; }

private:
    struct Impl;
    std::string path_;
    std::ifstream in_;
    std::uint64_t line_no_ = 0;
    std::unique_ptr<Impl> impl_;
};

}  // namespace traces
