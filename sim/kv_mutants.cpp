#include "sim/kv_mutants.hpp"

namespace sim {

const std::vector<KvBugInfo>& all_kv_bugs() {
    static const std::vector<KvBugInfo> bugs = {
        {KvBug::kNoDedup, "NoDedup", "a retried Append is applied twice (no (clientId, seq) de-duplication)"},
        {KvBug::kLocalReadByLeader, "LocalReadByLeader",
         "a Get is answered from the local store by any server that believes it leads (no log)"},
    };
    return bugs;
}

std::optional<KvBug> find_kv_bug(std::string_view name) {
    for (const KvBugInfo& b : all_kv_bugs()) {
        if (name == b.name) return b.bug;
    }
    return std::nullopt;
}

void plant_kv_bug(KvBug bug, KvLabOptions& options) {
    switch (bug) {
        case KvBug::kNoDedup:
            options.apply = [](kv::StateMachine& sm, const kv::Op& op) -> std::optional<std::string> {
                return sm.store_for_testing().execute(op);
            };
            return;
        case KvBug::kLocalReadByLeader:
            options.request_hook = [](KvLab& lab, std::uint32_t s, const kv::Request& r) -> std::optional<kv::Reply> {
                if (r.op.kind != kv::OpKind::kGet || lab.cluster().state(s).role != raft::Role::kLeader) return std::nullopt;
                return kv::Reply{r.op.client, r.op.seq, r.attempt, kv::Err::kOk, lab.server(s)->state_machine().store().get(r.op.key)};
            };
            return;
    }
}

}  // namespace sim
