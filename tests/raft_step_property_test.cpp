// RapidCheck properties of raft::step under random inputs: node 0 of a 3-node cluster is fed
// random sequences of messages (all six kinds, from its two peers), timeouts, proposals,
// restarts and log compactions (a CompactLog at a random index, mostly a committed one, with
// the service's state as the snapshot).
//
// Each input is generated inside the property, knowing the node's current state, so that
// terms and log positions land near the node's own often enough: with terms drawn blindly,
// almost every message would be stale or from the future and the node would hardly ever be
// elected or commit. RapidCheck still shrinks such interactively drawn values.
//
// Messages are not consistent with each other (two "leaders" of a term may disagree, a
// "leader" may lack committed entries), and a quarter of the AppendEntries are malformed
// (entries from the future or with terms running backwards): step() must refuse what no
// correct peer sends, raising Outputs::alarm, and keep its invariants whatever arrives.

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "raft/step.hpp"

namespace raft {

// How RapidCheck prints inputs in counterexamples (found by argument-dependent lookup).
void showValue(const Input& input, std::ostream& os) { os << describe(input); }

namespace {

constexpr NodeId kSelf{0};
constexpr std::uint32_t kClusterSize = 3;
constexpr std::uint64_t kMaxTerm = 5;
constexpr std::uint64_t kMaxIndex = 6;
constexpr int kMaxInputs = 50;

using rc::Gen;
namespace gen = rc::gen;

// ---- Generators ----

Gen<std::uint64_t> gen_upto(std::uint64_t lo, std::uint64_t hi) { return gen::inRange<std::uint64_t>(lo, hi + 1); }

Gen<LogIndex> gen_index(std::uint64_t hi = kMaxIndex) {
    return gen::map(gen_upto(0, hi), [](std::uint64_t i) { return LogIndex{i}; });
}

// Short commands from a small alphabet: enough to tell entries apart.
Gen<Command> gen_command() { return gen::element<Command>("a", "b", "c", "xy"); }

// A valid peer of node 0: never itself, never outside the cluster.
Gen<NodeId> gen_peer() {
    return gen::map(gen::inRange<std::uint32_t>(1, kClusterSize), [](std::uint32_t i) { return NodeId{i}; });
}

// A small term (0..5), or the receiver's own term, or the next one.
Gen<Term> gen_term(Term current) {
    const Gen<std::uint64_t> value = gen::weightedOneOf<std::uint64_t>({
        {2, gen_upto(0, kMaxTerm)},
        {3, gen::just(current.value)},
        {1, gen::just(current.value + 1)},
    });
    return gen::map(value, [](std::uint64_t t) { return Term{t}; });
}

// 0..3 entries with non-decreasing terms in [lo, hi].
Gen<std::vector<Entry>> gen_entries(std::uint64_t lo, std::uint64_t hi) {
    return gen::mapcat(gen::inRange(0, 4), [lo, hi](int n) {
        return gen::map(gen::pair(gen::container<std::vector<std::uint64_t>>(n, gen_upto(lo, hi)),
                                  gen::container<std::vector<Command>>(n, gen_command())),
                        [](std::pair<std::vector<std::uint64_t>, std::vector<Command>> p) {
                            std::sort(p.first.begin(), p.first.end());
                            std::vector<Entry> entries;
                            for (std::size_t k = 0; k < p.first.size(); ++k) {
                                entries.push_back(Entry{Term{p.first[k]}, EntryKind::kCommand, std::move(p.second[k])});
                            }
                            return entries;
                        });
    });
}

Gen<MessageBody> gen_request_vote(Term term) {
    return gen::map(gen::pair(gen_index(), gen_upto(0, term.value)), [](std::pair<LogIndex, std::uint64_t> p) {
        return MessageBody{RequestVote{p.first, Term{p.second}}};
    });
}

Gen<MessageBody> gen_request_vote_reply() {
    const Gen<bool> granted = gen::weightedElement<bool>({{2, true}, {1, false}});
    return gen::map(granted, [](bool g) { return MessageBody{RequestVoteReply{g}}; });
}

// The (prevLogIndex, prevLogTerm) of an AppendEntries of term `t` to a node holding `log`:
// half of the time a point where that log matches (so entries get appended), otherwise
// anywhere (including the malformed prevLogIndex 0 with a non-zero prevLogTerm).
Gen<std::pair<std::uint64_t, std::uint64_t>> gen_prev(const Log& log, std::uint64_t t) {
    using Prev = std::pair<std::uint64_t, std::uint64_t>;
    if (t == 0) return gen::just(Prev{0, 0});  // no leader exists in term 0: nothing before
    const Gen<Prev> matching = gen::map(gen_upto(log.base_index().value, log.last_index().value), [log, t](std::uint64_t i) {
        return Prev{i, std::min(log.term_at(LogIndex{i})->value, t)};
    });
    const Gen<Prev> anywhere = gen::oneOf(gen::just(Prev{0, 0}), gen::pair(gen_upto(0, kMaxIndex - 1), gen_upto(1, t)));
    return gen::oneOf(matching, anywhere);
}

// 0..3 entries of any small terms, in any order: what no correct leader sends.
Gen<std::vector<Entry>> gen_any_entries() {
    const Gen<Entry> any_entry = gen::map(gen::pair(gen_upto(1, kMaxTerm), gen_command()), [](std::pair<std::uint64_t, Command> p) {
        return Entry{Term{p.first}, EntryKind::kCommand, std::move(p.second)};
    });
    return gen::mapcat(gen::inRange(0, 4), [any_entry](int n) { return gen::container<std::vector<Entry>>(n, any_entry); });
}

// Entries a correct leader of term `t` could send after prevLogTerm `prev_term` (terms
// non-decreasing, between the two; none in term 0, which has no leader), or, a quarter of
// the time, any entries at all.
Gen<std::vector<Entry>> gen_entries_after(std::uint64_t prev_term, std::uint64_t t) {
    const Gen<std::vector<Entry>> correct =
        t == 0 ? gen::just(std::vector<Entry>{}) : gen_entries(std::max<std::uint64_t>(prev_term, 1), t);
    return gen::weightedOneOf<std::vector<Entry>>({{3, correct}, {1, gen_any_entries()}});
}

Gen<MessageBody> gen_append_entries(const Log& log, Term term) {
    const std::uint64_t t = term.value;
    return gen::mapcat(gen_prev(log, t), [t](std::pair<std::uint64_t, std::uint64_t> prev) {
        return gen::map(gen::pair(gen_entries_after(prev.second, t), gen_index()),
                        [prev](std::pair<std::vector<Entry>, LogIndex> e) {
                            return MessageBody{AppendEntries{LogIndex{prev.first}, Term{prev.second}, std::move(e.first), e.second}};
                        });
    });
}

// Replies about positions up to just past the receiver's log, where a leader's bookkeeping is.
Gen<MessageBody> gen_append_entries_reply(const Log& log, Term term) {
    const std::uint64_t hi = log.last_index().value + 1;
    const auto reply = gen::build<AppendEntriesReply>(
        gen::set(&AppendEntriesReply::success), gen::set(&AppendEntriesReply::match_index, gen_index(hi)),
        gen::set(&AppendEntriesReply::conflict_term, gen::map(gen_upto(0, term.value), [](std::uint64_t v) { return Term{v}; })),
        gen::set(&AppendEntriesReply::conflict_index, gen_index(hi)),
        gen::set(&AppendEntriesReply::log_length, gen_index(hi)));
    return gen::map(reply, [](AppendEntriesReply r) { return MessageBody{r}; });
}

// A snapshot from a "leader" of term `term`: half of the time ending at an entry of the
// receiver's log (so the suffix after it is kept), otherwise anywhere (the log is discarded).
Gen<MessageBody> gen_install_snapshot(const Log& log, Term term) {
    using Point = std::pair<std::uint64_t, std::uint64_t>;
    const std::uint64_t t = term.value;
    const Gen<Point> in_log = gen::map(gen_upto(log.base_index().value, log.last_index().value), [log, t](std::uint64_t i) {
        return Point{i, std::min(log.term_at(LogIndex{i})->value, t)};
    });
    const Gen<Point> anywhere = gen::pair(gen_upto(1, kMaxIndex + 2), gen_upto(1, std::max<std::uint64_t>(t, 1)));
    return gen::map(gen::oneOf(in_log, anywhere), [](Point p) {
        return MessageBody{InstallSnapshot{LogIndex{p.first}, Term{p.second}, "peer"}};
    });
}

Gen<MessageBody> gen_install_snapshot_reply(const Log& log) {
    return gen::map(gen_index(log.last_index().value + 1), [](LogIndex i) { return MessageBody{InstallSnapshotReply{i}}; });
}

// All six kinds always, but mostly the replies to what the node's role asks for: otherwise a
// candidate is deposed long before it collects a quorum, and leaders are rare.
Gen<Message> gen_message(const NodeState& s) {
    const std::size_t vote_replies = s.role == Role::kCandidate ? 6 : 1;
    const std::size_t append_replies = s.role == Role::kLeader ? 6 : 1;
    return gen::mapcat(gen::pair(gen_peer(), gen_term(s.current_term)),
                       [log = s.log, vote_replies, append_replies](std::pair<NodeId, Term> p) {
                           const Term term = p.second;
                           const Gen<MessageBody> body = gen::weightedOneOf<MessageBody>({
                               {1, gen_request_vote(term)},
                               {vote_replies, gen_request_vote_reply()},
                               {2, gen_append_entries(log, term)},
                               {append_replies, gen_append_entries_reply(log, term)},
                               {1, gen_install_snapshot(log, term)},
                               {1, gen_install_snapshot_reply(log)},
                           });
                           return gen::map(body, [p](MessageBody b) { return Message{p.first, kSelf, p.second, std::move(b)}; });
                       });
}

// The service's snapshot: every command it applied, one per line. A peer's snapshot is
// opaque ("peer"): the commands it covers are unknown to this node's service.
std::string encode_service(const std::vector<std::string>& applied, std::uint64_t upto) {
    std::string data = "svc";
    for (std::uint64_t k = 0; k < upto && k < applied.size(); ++k) data += "\n" + applied[k];
    return data;
}

std::vector<std::string> decode_service(const Snapshot& snap) {
    std::vector<std::string> applied;
    if (snap.data.rfind("svc", 0) != 0) return std::vector<std::string>(snap.last_included_index.value, "?");
    std::size_t at = 3;
    while (at < snap.data.size()) {
        const std::size_t end = std::min(snap.data.find('\n', at + 1), snap.data.size());
        applied.push_back(snap.data.substr(at + 1, end - at - 1));
        at = end;
    }
    return applied;
}

// Node 0 with its stable storage, kept up to date from every step's persist output as the
// ordering contract of raft/io.hpp demands, and the state of its service (what was applied,
// by index; restored from snapshots).
struct DurableNode {
    NodeState state = initial_state(Config{kSelf, kClusterSize, false});
    PersistentState storage = persistent_part(state);
    std::vector<std::string> service;

    StepResult deliver(const Input& in) {
        StepResult r = step(state, in);
        state = r.state;
        apply_persist(storage, r.outputs.persist);
        if (std::holds_alternative<Restart>(in)) service.clear();  // the service restarts too
        if (r.outputs.apply_snapshot) service = decode_service(*r.outputs.apply_snapshot);
        for (const Applied& a : r.outputs.apply) service.push_back(describe(a.entry));
        return r;
    }
};

// A compaction at a random index: mostly one the node accepts (committed, past its snapshot),
// with the service's state up to there as the snapshot.
Gen<Input> gen_compact(const DurableNode& node) {
    const std::uint64_t snap = node.state.snapshot.last_included_index.value;
    const std::uint64_t commit = node.state.commit_index.value;
    const Gen<std::uint64_t> index =
        commit > snap ? gen::weightedOneOf<std::uint64_t>({{3, gen_upto(snap + 1, commit)}, {1, gen_upto(0, kMaxIndex)}})
                      : gen_upto(0, kMaxIndex);
    return gen::map(index, [service = node.service](std::uint64_t i) {
        return Input{CompactLog{LogIndex{i}, encode_service(service, i)}};
    });
}

// Any input for `node`. A restart comes back with what stable storage holds: the only thing a
// real restart can come back with.
Gen<Input> gen_input(const DurableNode& node) {
    return gen::weightedOneOf<Input>({
        {10, gen::map(gen_message(node.state), [](Message m) { return Input{std::move(m)}; })},
        {2, gen::just(Input{ElectionTimeout{}})},
        {1, gen::just(Input{HeartbeatTimeout{}})},
        {2, gen::map(gen_command(), [](Command c) { return Input{Propose{std::move(c)}}; })},
        {1, gen::just(Input{Restart{node.storage}})},
        {1, gen_compact(node)},
    });
}

// Feeds `node` a random number (up to kMaxInputs) of random inputs, calling `check(input,
// before, result)` after each.
template <class Check>
void run_random_inputs(DurableNode& node, Check check) {
    const int count = *gen::inRange(0, kMaxInputs + 1);
    for (int i = 0; i < count; ++i) {
        const Input in = *gen_input(node);
        const NodeState before = node.state;
        const StepResult r = node.deliver(in);
        check(in, before, r);
    }
}

std::string kind_of(const Input& in) {
    if (const auto* m = std::get_if<Message>(&in)) {
        constexpr const char* kNames[] = {"RequestVote",        "RequestVoteReply", "AppendEntries",
                                          "AppendEntriesReply", "InstallSnapshot",  "InstallSnapshotReply"};
        return kNames[m->body.index()];
    }
    constexpr const char* kNames[] = {"Message", "ElectionTimeout", "HeartbeatTimeout", "Propose", "Restart", "CompactLog"};
    return kNames[in.index()];
}

// ---- Properties ----

RC_GTEST_PROP(StepProperties, StepIsDeterministic, ()) {
    DurableNode node;
    run_random_inputs(node, [](const Input&, const NodeState&, const StepResult&) {});
    const Input input = *gen_input(node);
    // The distribution of what is tested: which input, in which role.
    RC_TAG(kind_of(input), to_string(node.state.role));

    const StepResult first = step(node.state, input);
    const StepResult second = step(node.state, input);
    RC_ASSERT(first.state == second.state);
    RC_ASSERT(first.outputs == second.outputs);
}

RC_GTEST_PROP(StepProperties, InvariantsHoldUnderRandomInputs, ()) {
    DurableNode node;
    bool led = false;
    bool committed = false;
    bool alarmed = false;
    run_random_inputs(node, [&](const Input& in, const NodeState& before, const StepResult& r) {
        const NodeState& s = r.state;
        const bool restart = std::holds_alternative<Restart>(in);
        if (restart) {
            // Only what was persisted comes back; everything volatile starts over.
            RC_ASSERT(s.current_term == std::get<Restart>(in).persisted.current_term);
            RC_ASSERT(s.commit_index == s.snapshot.last_included_index);
        } else {
            RC_ASSERT(s.current_term >= before.current_term);
            RC_ASSERT(s.commit_index >= before.commit_index);
            RC_ASSERT(s.last_applied >= before.last_applied);
            RC_ASSERT(s.snapshot.last_included_index >= before.snapshot.last_included_index);
        }
        RC_ASSERT(s.commit_index <= s.log.last_index());
        RC_ASSERT(s.last_applied == s.commit_index);
        RC_ASSERT(s.snapshot.last_included_index <= s.commit_index);
        RC_ASSERT(s.log.base_index() == s.snapshot.last_included_index);
        RC_ASSERT(s.log.base_term() == s.snapshot.last_included_term);
        // Applied entries: consecutive indexes right after what was applied before (or after
        // the snapshot handed over first), each the entry the log holds there.
        LogIndex expected = restart ? LogIndex{0} : before.last_applied;
        if (r.outputs.apply_snapshot) {
            RC_ASSERT(restart || r.outputs.apply_snapshot->last_included_index > before.last_applied);
            RC_ASSERT(*r.outputs.apply_snapshot == s.snapshot);
            expected = s.snapshot.last_included_index;
        }
        for (const Applied& a : r.outputs.apply) {
            expected = expected.next();
            RC_ASSERT(a.index == expected);
            RC_ASSERT(a.entry == s.log.at(a.index));
        }
        RC_ASSERT(expected == s.last_applied);
        // An input refused with an alarm changes neither the log nor what is committed.
        if (r.outputs.alarm) {
            RC_ASSERT(s.log == before.log);
            RC_ASSERT(s.snapshot == before.snapshot);
            RC_ASSERT(s.commit_index == before.commit_index);
            RC_ASSERT(!r.outputs.persist.log.has_value());
            RC_ASSERT(!r.outputs.persist.snapshot.has_value());
        }
        led = led || s.role == Role::kLeader;
        committed = committed || s.commit_index > LogIndex{0};
        alarmed = alarmed || r.outputs.alarm.has_value();
    });
    // How much of the state space the random sequences reach.
    RC_CLASSIFY(led, "became leader");
    RC_CLASSIFY(committed, "committed an entry");
    RC_CLASSIFY(alarmed, "raised an alarm");
}

// A compaction is accepted exactly when its index is committed and past the snapshot; a
// refused one changes nothing and writes nothing.
RC_GTEST_PROP(StepProperties, CompactLogAcceptedExactlyAtCommittedIndexesPastTheSnapshot, ()) {
    DurableNode node;
    bool accepted = false;
    bool refused = false;
    run_random_inputs(node, [&](const Input& in, const NodeState& before, const StepResult& r) {
        const auto* compact = std::get_if<CompactLog>(&in);
        if (!compact) return;
        const bool allowed = compact->index > before.snapshot.last_included_index && compact->index <= before.commit_index;
        RC_ASSERT(r.outputs.refused.has_value() == !allowed);
        if (allowed) {
            RC_ASSERT(r.state.snapshot == (Snapshot{compact->index, *before.log.term_at(compact->index), compact->snapshot}));
            RC_ASSERT(r.outputs.persist.snapshot == r.state.snapshot);
            RC_ASSERT(r.state.log.last_index() == before.log.last_index());
        } else {
            RC_ASSERT(r.state == before);
            RC_ASSERT(r.outputs.persist.empty());
        }
        accepted = accepted || allowed;
        refused = refused || !allowed;
    });
    RC_CLASSIFY(accepted, "compacted");
    RC_CLASSIFY(refused, "refused a compaction");
}

// State machine safety for one node, as far as one node can see it: while it runs, no index
// is ever applied with two different commands, a snapshot counting as applying its whole
// prefix (its own snapshots carry the commands; a peer's are opaque and trusted), and the
// service applies every index once, in order, after what its snapshot restored; a restart
// restores from its own snapshot exactly what had been applied up to there. (After a restart
// the node re-applies its log as commitIndex moves again; the random peers, who need not agree
// with each other, may by then have replaced entries it had committed, so the history starts
// over from the snapshot.)
RC_GTEST_PROP(StepProperties, AppliedHistoryNeverChangesAndSnapshotsRestoreIt, ()) {
    DurableNode node;
    std::vector<std::string> history;  // history[k]: what index k+1 was applied as ("?": unknown)
    bool restored = false;
    run_random_inputs(node, [&](const Input& in, const NodeState&, const StepResult& r) {
        RC_ASSERT(node.service.size() == node.state.last_applied.value);
        if (std::holds_alternative<Restart>(in)) {
            for (std::size_t k = 0; k < node.service.size() && k < history.size(); ++k) {
                RC_ASSERT(node.service[k] == "?" || history[k] == "?" || node.service[k] == history[k]);
            }
            restored = restored || r.outputs.apply_snapshot.has_value();
            history = node.service;
            return;
        }
        for (std::size_t k = 0; k < node.service.size(); ++k) {
            if (k >= history.size()) {
                history.push_back(node.service[k]);
            } else if (node.service[k] != "?") {
                RC_ASSERT(history[k] == "?" || history[k] == node.service[k]);
                history[k] = node.service[k];
            }
        }
    });
    RC_CLASSIFY(restored, "restored from a snapshot");
}

RC_GTEST_PROP(StepProperties, PersistOutputsReproduceTheState, ()) {
    DurableNode node;
    run_random_inputs(node, [&node](const Input&, const NodeState&, const StepResult&) {
        RC_ASSERT(node.storage == persistent_part(node.state));
    });
}

}  // namespace
}  // namespace raft
