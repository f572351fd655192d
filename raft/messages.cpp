#include "raft/messages.hpp"

namespace raft {
namespace {

// A fixed per-message and per-entry overhead stands in for headers and framing; only the
// commands' bytes grow with the payload, which is what RPC byte budgets are about.
constexpr std::size_t kHeaderBytes = 32;
constexpr std::size_t kEntryHeaderBytes = 16;

template <class... F>
struct Overloaded : F... {
    using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

std::string entries_summary(const std::vector<Entry>& entries) {
    if (entries.empty()) return "[]";
    std::string s = "[";
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (i == 4 && entries.size() > 5) {
            s += ", ... " + std::to_string(entries.size() - 4) + " more";
            break;
        }
        if (i > 0) s += ", ";
        s += describe(entries[i]);
    }
    return s + "]";
}

}  // namespace

bool is_request(const Message& m) {
    return std::holds_alternative<RequestVote>(m.body) || std::holds_alternative<AppendEntries>(m.body) ||
           std::holds_alternative<InstallSnapshot>(m.body);
}

std::size_t wire_size(const Message& m) {
    std::size_t size = kHeaderBytes;
    if (const auto* ae = std::get_if<AppendEntries>(&m.body)) {
        for (const Entry& e : ae->entries) size += kEntryHeaderBytes + e.command.size();
    }
    if (const auto* is = std::get_if<InstallSnapshot>(&m.body)) size += is->data.size();
    return size;
}

std::string describe(const Entry& e) {
    if (e.kind == EntryKind::kNoop) return "t" + to_string(e.term) + ":noop";
    constexpr std::size_t kShown = 12;
    std::string cmd = e.command.size() <= kShown ? e.command : e.command.substr(0, kShown) + "...";
    return "t" + to_string(e.term) + ":" + cmd;
}

std::string describe(const Message& m) {
    const std::string head = to_string(m.from) + "->" + to_string(m.to) + " ";
    const std::string term = " term=" + to_string(m.term);
    return head + std::visit(Overloaded{
                                 [&](const RequestVote& r) {
                                     return "RequestVote" + term + " lastLogIndex=" + to_string(r.last_log_index) +
                                            " lastLogTerm=" + to_string(r.last_log_term);
                                 },
                                 [&](const RequestVoteReply& r) {
                                     return "RequestVoteReply" + term + " granted=" + (r.vote_granted ? "yes" : "no");
                                 },
                                 [&](const AppendEntries& a) {
                                     return "AppendEntries" + term + " prev=" + to_string(a.prev_log_index) + "/t" +
                                            to_string(a.prev_log_term) + " entries=" + entries_summary(a.entries) +
                                            " commit=" + to_string(a.leader_commit);
                                 },
                                 [&](const AppendEntriesReply& r) {
                                     if (r.success) {
                                         return "AppendEntriesReply" + term + " ok match=" + to_string(r.match_index);
                                     }
                                     return "AppendEntriesReply" + term + " reject xterm=" + to_string(r.conflict_term) +
                                            " xindex=" + to_string(r.conflict_index) +
                                            " xlen=" + to_string(r.log_length);
                                 },
                                 [&](const InstallSnapshot& i) {
                                     return "InstallSnapshot" + term + " last=" + to_string(i.last_included_index) + "/t" +
                                            to_string(i.last_included_term) + " data=" + std::to_string(i.data.size()) + "B";
                                 },
                                 [&](const InstallSnapshotReply& r) {
                                     return "InstallSnapshotReply" + term + " last=" + to_string(r.last_included_index);
                                 },
                             },
                             m.body);
}

}  // namespace raft
