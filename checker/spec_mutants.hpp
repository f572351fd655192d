#pragma once
// Planted bugs for the explorer: each mutant is the specification plus one extra, buggy
// action, the behaviour a broken implementation would add. The tests check that the explorer
// finds each one and names the invariant it breaks; `raftcheck explore --plant-bug NAME`
// shows it to a user. Nothing here is part of spec/: the specification itself stays clean.

#include <optional>
#include <string>
#include <vector>

#include "checker/spec_model.hpp"

namespace mutants {

enum class Bug {
    kVoteWithoutUpToDateCheck,   // a follower grants its vote whatever the candidate's log
    kCommitEarlierTermByCount,   // a leader commits an earlier term's entry by counting (Figure 8)
    kForgetVoteOnRestart,        // votedFor is not persisted across a restart
    kTruncateOnStaleAppend,      // a follower truncates on a stale or duplicated AppendEntries
    kCountStaleVote,             // a candidate counts a granted vote from an older term
    // A leader tags a new entry with the term before its own (an off-by-one). Breaks no
    // invariant at small bounds (such entries are never committed by counting), but no
    // raft-abstract step appends an entry of another term than the leader's: the refinement
    // check (checker/abstract_refinement.hpp) catches it at once.
    kAppendWithStaleTerm,
    // Snapshots (the raft model with max_snapshots > 0):
    kCompactUncommitted,             // a server snapshots entries it does not know to be committed
    kInstallSnapshotRollsBackCommit,  // a follower takes a snapshot older than its commitIndex
};

inline constexpr Bug kAllBugs[] = {Bug::kVoteWithoutUpToDateCheck, Bug::kCommitEarlierTermByCount, Bug::kForgetVoteOnRestart,
                                    Bug::kTruncateOnStaleAppend, Bug::kCountStaleVote, Bug::kAppendWithStaleTerm,
                                    Bug::kCompactUncommitted, Bug::kInstallSnapshotRollsBackCommit};

inline const char* bug_name(Bug b) {
    switch (b) {
        case Bug::kVoteWithoutUpToDateCheck: return "VoteWithoutUpToDateCheck";
        case Bug::kCommitEarlierTermByCount: return "CommitEarlierTermByCount";
        case Bug::kForgetVoteOnRestart: return "ForgetVoteOnRestart";
        case Bug::kTruncateOnStaleAppend: return "TruncateOnStaleAppend";
        case Bug::kCountStaleVote: return "CountStaleVote";
        case Bug::kAppendWithStaleTerm: return "AppendWithStaleTerm";
        case Bug::kCompactUncommitted: return "CompactUncommitted";
        case Bug::kInstallSnapshotRollsBackCommit: return "InstallSnapshotRollsBackCommit";
    }
    return "?";
}

class MutantModel : public checker::SpecModel {
public:
    // With no bug, exactly the specification.
    MutantModel(spec::Params p, std::optional<Bug> bug, bool symmetry = false) : SpecModel(p, symmetry), bug_(bug) {}

    // Explore from a chosen state instead of Init (to reach a deep scenario quickly).
    void start_from(const State& s) { start_ = s; }
    std::vector<State> initial_states() const { return start_ ? std::vector<State>{*start_} : SpecModel::initial_states(); }

    template <class F>
    void for_each_successor(const State& s, F&& f) const {
        SpecModel::for_each_successor(s, f);
        if (!bug_) return;
        spec::State base = s;
        for (std::uint32_t i = 0; i < params().servers; ++i) spec::set_insert(base.all_logs, s.servers[i].log);
        switch (*bug_) {
            case Bug::kVoteWithoutUpToDateCheck: vote_without_check(s, base, f); break;
            case Bug::kCommitEarlierTermByCount: commit_by_count(s, base, f); break;
            case Bug::kForgetVoteOnRestart: forget_vote(s, base, f); break;
            case Bug::kTruncateOnStaleAppend: truncate_on_stale(s, base, f); break;
            case Bug::kCountStaleVote: count_stale_vote(s, base, f); break;
            case Bug::kAppendWithStaleTerm: append_with_stale_term(s, base, f); break;
            case Bug::kCompactUncommitted: compact_uncommitted(s, base, f); break;
            case Bug::kInstallSnapshotRollsBackCommit: install_rolls_back(s, base, f); break;
        }
    }

private:
    static spec::Action label(spec::ActionKind k, std::uint8_t i, std::uint8_t j = 0, spec::Message m = {}) {
        return spec::Action{k, i, j, 0, m};
    }

    template <class F>
    void vote_without_check(const State& s, const State& base, F& f) const {
        for (const spec::BagItem& item : s.messages) {
            const spec::Message& m = item.m;
            if (m.type != spec::MsgType::kRequestVoteRequest) continue;
            const spec::Server& v = s.servers[m.dest];
            if (m.term != v.current_term || (v.voted_for != spec::kNil && v.voted_for != m.source)) continue;
            State t = base;
            t.servers[m.dest].voted_for = m.source;
            spec::Message r;
            r.type = spec::MsgType::kRequestVoteResponse;
            r.term = v.current_term;
            r.source = m.dest;
            r.dest = m.source;
            r.f1 = 1;
            r.mlog = v.log;
            spec::bag_add(t, r);
            spec::bag_remove(t, m);
            f(label(spec::ActionKind::kHandleRequestVoteRequest, m.dest, m.source, m), t);
        }
    }

    template <class F>
    void commit_by_count(const State& s, const State& base, F& f) const {
        for (std::uint8_t i = 0; i < params().servers; ++i) {
            const spec::Server& v = s.servers[i];
            if (v.role != spec::Role::kLeader) continue;
            for (std::uint32_t index = v.log.len(); index > v.commit_index; --index) {
                std::uint32_t agree = 1;
                for (std::uint32_t k = 0; k < params().servers; ++k) agree += k != i && v.match_index[k] >= index;
                if (agree * 2 <= params().servers) continue;
                State t = base;
                t.servers[i].commit_index = static_cast<std::uint8_t>(index);  // whatever the entry's term
                f(label(spec::ActionKind::kAdvanceCommitIndex, i), t);
                break;
            }
        }
    }

    template <class F>
    void forget_vote(const State& s, const State& base, F& f) const {
        for (std::uint8_t i = 0; i < params().servers; ++i) {
            if (s.servers[i].voted_for == spec::kNil) continue;
            State t = base;
            spec::Server& v = t.servers[i];
            v.role = spec::Role::kFollower;
            v.voted_for = spec::kNil;  // the bug
            v.votes_responded = v.votes_granted = v.voter_log_mask = 0;
            v.voter_log = {};
            v.commit_index = 0;
            for (std::uint32_t j = 0; j < params().servers; ++j) {
                v.next_index[j] = 1;
                v.match_index[j] = 0;
            }
            f(label(spec::ActionKind::kRestart, i), t);
        }
    }

    template <class F>
    void truncate_on_stale(const State& s, const State& base, F& f) const {
        for (const spec::BagItem& item : s.messages) {
            const spec::Message& m = item.m;
            if (m.type != spec::MsgType::kAppendEntriesRequest) continue;
            const spec::Server& v = s.servers[m.dest];
            if (m.term != v.current_term || v.role != spec::Role::kFollower) continue;
            const std::uint32_t prev = m.prev_log_index();
            if (prev > v.log.len() || (prev > 0 && v.log.term(prev) != m.prev_log_term())) continue;
            if (v.log.len() <= prev + m.entries.len()) continue;  // only when it would cut matching entries
            State t = base;
            spec::Log cut = v.log.prefix(prev);
            if (m.entries.len() > 0) cut = cut.append(m.entries.term(1), m.entries.value(1));
            t.servers[m.dest].log = cut;  // the bug: everything after the new entries is gone
            f(label(spec::ActionKind::kHandleAppendEntriesRequest, m.dest, m.source, m), t);
        }
    }

    template <class F>
    void count_stale_vote(const State& s, const State& base, F& f) const {
        for (const spec::BagItem& item : s.messages) {
            const spec::Message& m = item.m;
            if (m.type != spec::MsgType::kRequestVoteResponse || !m.vote_granted()) continue;
            const spec::Server& v = s.servers[m.dest];
            if (m.term >= v.current_term) continue;
            State t = base;
            spec::Server& w = t.servers[m.dest];
            w.votes_responded = static_cast<std::uint8_t>(w.votes_responded | (1u << m.source));
            w.votes_granted = static_cast<std::uint8_t>(w.votes_granted | (1u << m.source));
            spec::bag_remove(t, m);
            f(label(spec::ActionKind::kHandleRequestVoteResponse, m.dest, m.source, m), t);
        }
    }

    // CompactLog whose guard reads the log's length instead of commitIndex.
    template <class F>
    void compact_uncommitted(const State& s, const State& base, F& f) const {
        if (s.snapshots_taken >= params().max_snapshots) return;
        for (std::uint8_t i = 0; i < params().servers; ++i) {
            const spec::Server& v = s.servers[i];
            for (std::uint32_t k = std::max(v.snapshot_index, v.commit_index) + 1u; k <= v.log.len(); ++k) {
                State t = base;
                t.servers[i].snapshot_index = static_cast<std::uint8_t>(k);
                t.snapshots_taken = static_cast<std::uint8_t>(s.snapshots_taken + 1);
                f(spec::Action{spec::ActionKind::kCompactLog, i, 0, static_cast<std::uint8_t>(k), {}}, t);
            }
        }
    }

    // HandleInstallSnapshotRequest without the "lastIncludedIndex > commitIndex" test: a
    // delayed or duplicated snapshot older than what the follower committed is installed.
    template <class F>
    void install_rolls_back(const State& s, const State& base, F& f) const {
        for (const spec::BagItem& item : s.messages) {
            const spec::Message& m = item.m;
            if (m.type != spec::MsgType::kInstallSnapshotRequest) continue;
            const spec::Server& v = s.servers[m.dest];
            const std::uint32_t last = m.last_included_index();
            if (m.term != v.current_term || v.role != spec::Role::kFollower || last >= v.commit_index) continue;
            State t = base;
            spec::Server& w = t.servers[m.dest];
            if (!(last <= v.log.len() && v.log.term(last) == m.last_included_term())) w.log = m.entries;
            w.snapshot_index = static_cast<std::uint8_t>(last);
            w.commit_index = static_cast<std::uint8_t>(last);  // the bug: back below what it committed
            spec::Message r;
            r.type = spec::MsgType::kInstallSnapshotResponse;
            r.term = v.current_term;
            r.source = m.dest;
            r.dest = m.source;
            r.f2 = static_cast<std::uint8_t>(last);
            spec::bag_add(t, r);
            spec::bag_remove(t, m);
            f(label(spec::ActionKind::kHandleInstallSnapshotRequest, m.dest, m.source, m), t);
        }
    }

    template <class F>
    void append_with_stale_term(const State& s, const State& base, F& f) const {
        for (std::uint8_t i = 0; i < params().servers; ++i) {
            const spec::Server& v = s.servers[i];
            if (v.role != spec::Role::kLeader || v.current_term < 2) continue;
            State t = base;
            t.servers[i].log = v.log.append(v.current_term - 1u, 1);  // the bug: not currentTerm
            f(spec::Action{spec::ActionKind::kClientRequest, i, 0, 1, {}}, t);
        }
    }

    std::optional<Bug> bug_;
    std::optional<State> start_;
};

}  // namespace mutants
