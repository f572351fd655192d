// raft-abstract's parameters, names, description and encoding.

#include <stdexcept>

#include "spec/abstract.hpp"

namespace spec::abstract {

std::string validate(const Params& p) {
    if (p.servers < 1 || p.servers > kMaxServers) return "raft-abstract: servers must be in 1.." + std::to_string(kMaxServers);
    if (p.max_term < 1 || p.max_term > kMaxTerm) return "raft-abstract: max-term must be in 1.." + std::to_string(kMaxTerm);
    if (p.max_log < 1 || p.max_log > kMaxLog) return "raft-abstract: max-log must be in 1.." + std::to_string(kMaxLog);
    return "";
}

std::string action_name(ActionKind k) {
    switch (k) {
        case ActionKind::kClientRequest: return "ClientRequest";
        case ActionKind::kGetEntries: return "GetEntries";
        case ActionKind::kRollbackEntries: return "RollbackEntries";
        case ActionKind::kBecomeLeader: return "BecomeLeader";
        case ActionKind::kCommitEntry: return "CommitEntry";
        case ActionKind::kUpdateTerms: return "UpdateTerms";
        case ActionKind::kStepDown: return "StepDown";
        case ActionKind::kBecomeLeaderLate: return "BecomeLeaderLate";
        case ActionKind::kCommitEntryLate: return "CommitEntryLate";
    }
    return "?";
}

namespace {
std::string server(std::uint32_t i) { return "s" + std::to_string(i + 1); }
}  // namespace

std::string describe(const Action& a) {
    std::string out = action_name(a.kind) + "(" + server(a.i);
    switch (a.kind) {
        case ActionKind::kGetEntries: out += ", " + server(a.j) + ", " + std::to_string(a.n); break;
        case ActionKind::kUpdateTerms: out += ", " + server(a.j); break;
        case ActionKind::kBecomeLeader:
        case ActionKind::kBecomeLeaderLate:
        case ActionKind::kCommitEntry:
        case ActionKind::kCommitEntryLate: {
            out += ", {";
            bool first = true;
            for (std::uint32_t v = 0; v < 8; ++v) {
                if ((a.quorum >> v & 1) == 0) continue;
                out += (first ? "" : ",") + server(v);
                first = false;
            }
            out += "}";
            const bool commit = a.kind == ActionKind::kCommitEntry || a.kind == ActionKind::kCommitEntryLate;
            out += commit ? ", " + std::to_string(a.n) : ", t" + std::to_string(a.n);
            break;
        }
        case ActionKind::kClientRequest:
        case ActionKind::kRollbackEntries:
        case ActionKind::kStepDown: break;
    }
    return out + ")";
}

std::string describe(const State& s, const Params& p) {
    std::string terms, roles, logs, committed;
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        const std::string sep = i == 0 ? "" : ", ";
        terms += sep + server(i) + ":" + std::to_string(s.term[i]);
        roles += sep + server(i) + ":" + (s.leader[i] ? "Primary" : "Secondary");
        logs += sep + server(i) + ":<<";
        for (std::uint32_t k = 0; k < s.len[i]; ++k) logs += (k == 0 ? "" : ",") + std::to_string(s.log[i][k]);
        logs += ">>";
    }
    for (std::uint32_t k = 1; k <= p.max_log; ++k) {
        for (std::uint32_t t = 1; t <= p.max_term; ++t) {
            if (!s.is_committed(k, t)) continue;
            committed += std::string(committed.empty() ? "" : ", ") + "<<" + std::to_string(k) + "," + std::to_string(t) + ">>";
        }
    }
    return "currentTerm = (" + terms + ")\nstate = (" + roles + ")\nlog = (" + logs + ")\ncommitted = {" + committed + "}";
}

void encode(const State& s, const Params& p, std::string& out) {
    out.clear();
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        out += static_cast<char>(s.term[i] | (s.leader[i] ? 0x80 : 0));
        out += static_cast<char>(s.len[i]);
        for (std::uint32_t k = 0; k < p.max_log; ++k) out += static_cast<char>(s.log[i][k]);
    }
    for (std::uint32_t k = 0; k < p.max_log; ++k) out += static_cast<char>(s.committed[k]);
}

State decode(std::string_view bytes, const Params& p) {
    if (bytes.size() != p.servers * (2 + p.max_log) + p.max_log) throw std::invalid_argument("raft-abstract: bad state encoding");
    State s;
    std::size_t at = 0;
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        const auto b = static_cast<std::uint8_t>(bytes[at++]);
        s.term[i] = b & 0x7F;
        s.leader[i] = (b & 0x80) != 0;
        s.len[i] = static_cast<std::uint8_t>(bytes[at++]);
        for (std::uint32_t k = 0; k < p.max_log; ++k) s.log[i][k] = static_cast<std::uint8_t>(bytes[at++]);
    }
    for (std::uint32_t k = 0; k < p.max_log; ++k) s.committed[k] = static_cast<std::uint8_t>(bytes[at++]);
    return s;
}

}  // namespace spec::abstract
