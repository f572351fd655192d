#include "kv/state_machine.hpp"

namespace kv {

std::string Store::execute(const Op& op) {
    switch (op.kind) {
        case OpKind::kGet:
            return get(op.key);
        case OpKind::kPut:
            values_[op.key] = op.value;
            return {};
        case OpKind::kAppend:
            values_[op.key] += op.value;
            return {};
    }
    RAFT_ASSERT(false, "unknown OpKind");
}

std::string Store::get(const std::string& key) const {
    const auto it = values_.find(key);
    return it == values_.end() ? std::string() : it->second;
}

StateMachine::StateMachine(Store store, std::map<ClientId, Session> sessions, std::uint64_t executed)
    : store_(std::move(store)), sessions_(std::move(sessions)), executed_(executed) {
    for (const auto& [client, session] : sessions_) RAFT_ASSERT(session.last_seq >= 1, "a session exists once it executed");
}

std::optional<std::string> StateMachine::apply(const Op& op) {
    RAFT_ASSERT(op.seq > 0, "clerks number operations from 1");
    Session& session = sessions_[op.client];
    if (op.seq < session.last_seq) return std::nullopt;
    if (op.seq == session.last_seq) return session.last_result;
    session.last_seq = op.seq;
    session.last_result = store_.execute(op);
    ++executed_;
    return session.last_result;
}

}  // namespace kv
