// Writing one trace line by hand: a recorder writes millions, so this appends straight into
// one reused string, with no intermediate JSON tree. Field order follows traces/FORMAT.md.

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "traces/action_rules.hpp"
#include "traces/event_names.hpp"
#include "traces/ndjson.hpp"

namespace traces {
namespace {

void append_uint(std::string& out, std::uint64_t x) {
    char buf[20];
    const auto r = std::to_chars(buf, buf + sizeof buf, x);
    out.append(buf, r.ptr);
}

// The length of the well-formed UTF-8 sequence at s[i] (RFC 3629: shortest form, no
// surrogates, at most U+10FFFF), or 0 if there is none.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
    const auto lead = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t code_point = 0;
    std::uint32_t smallest = 0;
    if (lead < 0x80) return 1;
    if ((lead & 0xE0) == 0xC0) {
        n = 2, code_point = lead & 0x1Fu, smallest = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
        n = 3, code_point = lead & 0x0Fu, smallest = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
        n = 4, code_point = lead & 0x07u, smallest = 0x10000;
    } else {
        return 0;
    }
    if (s.size() - i < n) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        const auto next = static_cast<unsigned char>(s[i + k]);
        if ((next & 0xC0) != 0x80) return 0;
        code_point = (code_point << 6) | (next & 0x3Fu);
    }
    if (code_point < smallest || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) return 0;
    return n;
}

// A JSON string: quotes, backslashes and control characters escaped, other ASCII and valid
// UTF-8 copied in runs, each byte of an invalid sequence replaced by U+FFFD so that the line
// stays valid JSON (which must be UTF-8).
void append_string(std::string& out, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    std::size_t run = 0;  // start of the bytes not yet copied
    std::size_t i = 0;
    while (i < s.size()) {
        const auto byte = static_cast<unsigned char>(s[i]);
        if (byte >= 0x20 && byte != '"' && byte != '\\' && byte < 0x80) {
            ++i;
            continue;
        }
        if (byte >= 0x80) {
            const std::size_t n = utf8_sequence_length(s, i);
            if (n > 0) {
                i += n;
                continue;
            }
        }
        out.append(s.data() + run, i - run);
        switch (byte) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            case '\r': out += "\\r"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                if (byte < 0x20) {
                    out += "\\u00";
                    out += kHex[byte >> 4];
                    out += kHex[byte & 0xF];
                } else {
                    out += "\xEF\xBF\xBD";  // U+FFFD for a byte of broken UTF-8
                }
        }
        run = ++i;
    }
    out.append(s.data() + run, s.size() - run);
    out += '"';
}

// ,"key":
void append_key(std::string& out, std::string_view key) {
    out += ",\"";
    out += key;
    out += "\":";
}

void append_uint_field(std::string& out, std::string_view key, std::uint64_t x) {
    append_key(out, key);
    append_uint(out, x);
}

void append_bool_field(std::string& out, std::string_view key, bool b) {
    append_key(out, key);
    out += b ? "true" : "false";
}

void append_entries(std::string& out, const std::vector<Entry>& entries) {
    out += '[';
    for (std::size_t k = 0; k < entries.size(); ++k) {
        if (k > 0) out += ',';
        out += '[';
        append_uint(out, entries[k].term);
        out += ',';
        append_string(out, entries[k].value);
        out += ']';
    }
    out += ']';
}

void append_message(std::string& out, const Message& m) {
    out += "{\"type\":\"";
    out += msg_type_name_view(m.type);
    out += '"';
    append_uint_field(out, "from", m.from);
    append_uint_field(out, "to", m.to);
    append_uint_field(out, "term", m.term);
    switch (m.type) {
        case MsgType::kRequestVoteRequest:
            append_uint_field(out, "lastLogTerm", m.last_log_term);
            append_uint_field(out, "lastLogIndex", m.last_log_index);
            break;
        case MsgType::kRequestVoteResponse:
            append_bool_field(out, "voteGranted", m.vote_granted);
            break;
        case MsgType::kAppendEntriesRequest:
            append_uint_field(out, "prevLogIndex", m.prev_log_index);
            append_uint_field(out, "prevLogTerm", m.prev_log_term);
            append_key(out, "entries");
            append_entries(out, m.entries);
            append_uint_field(out, "commitIndex", m.commit_index);
            break;
        case MsgType::kAppendEntriesResponse:
            append_bool_field(out, "success", m.success);
            if (m.success) {
                append_uint_field(out, "matchIndex", m.match_index);
            } else {
                append_uint_field(out, "xLen", m.x_len);
                append_uint_field(out, "xTerm", m.x_term);
                append_uint_field(out, "xIndex", m.x_index);
            }
            break;
        case MsgType::kInstallSnapshotRequest:
            append_uint_field(out, "lastIncludedIndex", m.last_included_index);
            append_uint_field(out, "lastIncludedTerm", m.last_included_term);
            if (!(m.unknown & kUnknownEntries)) {
                append_key(out, "data");
                append_entries(out, m.entries);
            }
            break;
        case MsgType::kInstallSnapshotResponse:
            append_uint_field(out, "matchIndex", m.match_index);
            break;
    }
    out += '}';
}

void append_observed(std::string& out, const Observed& o) {
    const std::size_t open = out.size();
    out += '{';
    // Each field starts with a comma; the first one's is dropped at the end.
    if (o.term) append_uint_field(out, "term", *o.term);
    if (o.role) {
        append_key(out, "role");
        out += '"';
        out += role_name_view(*o.role);
        out += '"';
    }
    if (o.voted_for) {
        append_key(out, "votedFor");
        if (*o.voted_for) {
            append_uint(out, **o.voted_for);
        } else {
            out += "null";
        }
    }
    if (o.commit_index) append_uint_field(out, "commitIndex", *o.commit_index);
    if (o.snapshot_index) append_uint_field(out, "snapshotIndex", *o.snapshot_index);
    if (o.log_length) append_uint_field(out, "logLength", *o.log_length);
    if (o.last_log_term) append_uint_field(out, "lastLogTerm", *o.last_log_term);
    if (o.log) {
        append_key(out, "log");
        append_entries(out, *o.log);
    }
    if (out.size() > open + 1) out.erase(open + 1, 1);
    out += '}';
}

bool observed_anything(const Observed& o) {
    return o.term || o.role || o.voted_for || o.commit_index || o.snapshot_index || o.log_length || o.last_log_term || o.log;
}

}  // namespace

void append_event(const Event& e, std::string& out) {
    const ActionRule rule = rule_of(e.action);
    const auto allows = [&](Field f) { return (rule.allowed & bit(f)) != 0; };
    out += '{';
    // "action" is never omitted, so it anchors the commas: what comes before it is written
    // with a trailing comma, what comes after with a leading one.
    if (e.clock) {
        out += "\"clock\":";
        append_uint(out, *e.clock);
        out += ',';
    }
    if (allows(Field::kNode)) {
        out += "\"node\":";
        append_uint(out, e.node);
        out += ',';
    }
    out += "\"action\":\"";
    out += action_name_view(e.action);
    out += '"';
    if (allows(Field::kMsg) && e.message) {
        append_key(out, "msg");
        append_message(out, *e.message);
    }
    if (allows(Field::kReply) && e.reply) {
        append_key(out, "reply");
        append_message(out, *e.reply);
    }
    if (allows(Field::kPeer) && e.peer) append_uint_field(out, "peer", *e.peer);
    if (allows(Field::kValue) && e.value) {
        append_key(out, "value");
        append_string(out, *e.value);
    }
    if (allows(Field::kIndex) && e.index) append_uint_field(out, "index", *e.index);
    if (allows(Field::kServers)) append_uint_field(out, "servers", e.servers);
    if (allows(Field::kConfig) && (e.action == ActionKind::kChangeConfig || !e.voters.empty())) {
        append_key(out, "config");
        out += '[';
        for (std::size_t k = 0; k < e.voters.size(); ++k) {
            if (k > 0) out += ',';
            append_uint(out, e.voters[k]);
        }
        out += ']';
    }
    if (allows(Field::kState) && observed_anything(e.observed)) {
        append_key(out, "state");
        append_observed(out, e.observed);
    }
    out += '}';
}

std::string format_event(const Event& e) {
    std::string out;
    out.reserve(256);
    append_event(e, out);
    return out;
}

}  // namespace traces
