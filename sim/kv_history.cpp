#include "sim/kv_history.hpp"

#include <cstdio>

namespace sim {
namespace {

void write_string(std::ostream& out, const std::string& s) {
    out << '"';
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            out << '\\' << ch;
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out << buf;
        } else {
            out << ch;
        }
    }
    out << '"';
}

}  // namespace

std::int64_t KvHistory::stamp(Millis now) {
    RAFT_ASSERT(now >= stamp_ms_, "history times never run backwards");
    if (now != stamp_ms_) {
        stamp_ms_ = now;
        stamps_in_ms_ = 0;
    }
    // Each clerk makes at most a return and a call per millisecond, and the harness caps
    // the clerks well below 500.
    RAFT_ASSERT(stamps_in_ms_ < 1000, "at most 1000 history events in one millisecond");
    return now * 1000 + stamps_in_ms_++;
}

std::size_t KvHistory::call(std::uint64_t client, kv::OpKind kind, const std::string& key, const std::string& value,
                            Millis now) {
    operations_.push_back(Operation{client, kind, key, value, std::nullopt, stamp(now), std::nullopt});
    return operations_.size() - 1;
}

void KvHistory::returned(std::size_t op, const std::string& answer, Millis now) {
    Operation& o = operations_.at(op);
    RAFT_ASSERT(!o.return_us, "an operation returns once");
    o.return_us = stamp(now);
    if (o.kind == kv::OpKind::kGet) o.output = answer;
    ++completed_;
}

void KvHistory::write_json(std::ostream& out) const {
    out << "{\"format\":\"raftcheck-history\",\"version\":1,\"operations\":[";
    for (std::size_t k = 0; k < operations_.size(); ++k) {
        const Operation& o = operations_[k];
        out << (k == 0 ? "\n" : ",\n") << "{\"client\":" << o.client << ",\"kind\":\"" << kv::to_string(o.kind)
            << "\",\"key\":";
        write_string(out, o.key);
        if (o.kind != kv::OpKind::kGet) {
            out << ",\"value\":";
            write_string(out, o.value);
        }
        if (o.output) {
            out << ",\"output\":";
            write_string(out, *o.output);
        }
        out << ",\"call\":" << o.call_us << ",\"return\":";
        if (o.return_us) {
            out << *o.return_us;
        } else {
            out << "null";
        }
        out << '}';
    }
    out << "\n]}\n";
}

}  // namespace sim
