#include "kv/clerk.hpp"

namespace kv {

Clerk::Clerk(ClientId id, std::uint32_t servers) : id_(id), servers_(servers) {
    RAFT_ASSERT(servers >= 1, "a clerk needs a server");
}

Clerk::Send Clerk::begin(OpKind kind, std::string key, std::string value) {
    RAFT_ASSERT(idle(), "one operation at a time");
    RAFT_ASSERT(kind != OpKind::kGet || value.empty(), "a Get carries no value");
    current_ = Op{kind, id_, ++seq_, std::move(key), std::move(value)};
    return send_current();
}

Clerk::Send Clerk::send_current() {
    RAFT_ASSERT(current_.has_value(), "an attempt belongs to an operation");
    attempt_server_ = leader_hint_;
    return Send{leader_hint_, Request{*current_, ++attempt_}};
}

Clerk::Result Clerk::on_reply(std::uint32_t server, const Reply& reply) {
    RAFT_ASSERT(server < servers_, "reply from a known server");
    Result r;
    if (!current_ || reply.client != id_ || reply.seq != current_->seq) return r;  // an old or foreign reply
    RAFT_ASSERT(reply.attempt <= attempt_, "replies answer attempts that were made");
    if (reply.err == Err::kOk) {
        leader_hint_ = server;
        current_.reset();
        r.answer = reply.value;
        return r;
    }
    if (reply.attempt != attempt_) return r;  // an earlier attempt's refusal: already moved on
    leader_hint_ = (attempt_server_ + 1) % servers_;
    r.send = send_current();
    return r;
}

Clerk::Result Clerk::on_no_reply(std::uint64_t attempt) {
    Result r;
    if (!current_ || attempt != attempt_) return r;  // that attempt was answered or superseded
    leader_hint_ = (attempt_server_ + 1) % servers_;
    r.send = send_current();
    return r;
}

}  // namespace kv
