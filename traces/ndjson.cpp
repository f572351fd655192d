// Parsing one trace line with simdjson's DOM API. The DOM parser validates the whole line
// (syntax, UTF-8, nesting depth) before we look at it, so malformed JSON is rejected even
// inside fields we ignore; we then walk each object once, dispatching on its keys, which
// accepts the fields in any order and skips unknown ones.
//
// Every helper fails by throwing TraceError through LineContext::fail; field paths for
// messages ("msg.entries[2]") are only built when a line is rejected.

#include "traces/ndjson.hpp"

#include <simdjson.h>

#include <array>
#include <charconv>
#include <cstring>
#include <utility>
#include <vector>

#include "traces/action_rules.hpp"
#include "traces/event_names.hpp"

namespace traces {

TraceError::TraceError(std::string file_name, std::uint64_t line_no, std::string what_went_wrong)
    : std::runtime_error(file_name + ":" + std::to_string(line_no) + ": " + what_went_wrong),
      file(std::move(file_name)),
      line(line_no),
      message(std::move(what_went_wrong)) {}

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

// Where the line came from, for error messages, and the node ids it may name.
struct LineContext {
    const FileName& file;
    std::uint64_t line;
    std::uint32_t max_node;
    // Entry lists of used events (EventParser::recycle), for the fast path to fill in place.
    std::vector<std::vector<Entry>>* spare_entries = nullptr;
    [[noreturn]] void fail(std::string message) const { throw TraceError(file, line, std::move(message)); }
};

constexpr std::size_t kNoIndex = static_cast<std::size_t>(-1);

// A field's place in the line, spelled out only for an error message: "msg.entries[2]".
struct FieldPath {
    std::string_view parent;  // "" at the top level, else "msg", "reply" or "state"
    std::string_view key;
    std::size_t index = kNoIndex;

    std::string str() const {
        std::string s;
        if (!parent.empty()) {
            s.append(parent);
            if (!key.empty()) s += '.';
        }
        s.append(key);
        if (index != kNoIndex) s += "[" + std::to_string(index) + "]";
        return s;
    }
    FieldPath at(std::size_t i) const { return {parent, key, i}; }
};

std::string quoted(std::string_view s) {
    std::string out = "\"";
    // Enough of the name to recognize it; a key may be any length and any bytes.
    constexpr std::size_t kMaxShown = 60;
    for (char ch : s.substr(0, kMaxShown)) {
        const auto byte = static_cast<unsigned char>(ch);
        if (byte < 0x20 || byte == 0x7F) {
            out += '?';
        } else {
            out += ch;
        }
    }
    if (s.size() > kMaxShown) out += "...";
    return out + "\"";
}

// What a value is, for "expected X, got Y".
std::string kind_of(element v) {
    switch (v.type()) {
        case element_type::ARRAY: return "an array";
        case element_type::OBJECT: return "an object";
        case element_type::INT64: {
            std::int64_t x = 0;
            return (v.get_int64().get(x) == simdjson::SUCCESS && x < 0) ? "a negative number" : "a number";
        }
        case element_type::UINT64: return "a number";
        case element_type::DOUBLE: return "a non-integer number";
        case element_type::STRING: return "a string";
        case element_type::BOOL: return "a boolean";
        case element_type::NULL_VALUE: return "null";
    }
    return "a value";
}

[[noreturn]] void fail_expected(const LineContext& c, const FieldPath& where, std::string_view expected, element got) {
    c.fail(where.str() + ": expected " + std::string(expected) + ", got " + kind_of(got));
}

std::uint64_t read_uint(const LineContext& c, element v, const FieldPath& where) {
    std::uint64_t x = 0;
    if (v.get_uint64().get(x) != simdjson::SUCCESS) fail_expected(c, where, "an integer in 0..2^64-1", v);
    return x;
}

bool read_bool(const LineContext& c, element v, const FieldPath& where) {
    bool b = false;
    if (v.get_bool().get(b) != simdjson::SUCCESS) fail_expected(c, where, "true or false", v);
    return b;
}

// A node id: an integer K or a string "sK", with 1 <= K <= max_node.
std::uint32_t read_node(const LineContext& c, element v, const FieldPath& where) {
    std::uint64_t id = 0;
    std::string_view name;
    const bool is_number = v.get_uint64().get(id) == simdjson::SUCCESS;
    if (!is_number) {
        if (v.get_string().get(name) == simdjson::SUCCESS) {
            // from_chars takes no sign or space, so "s+1" and "s 1" are rejected.
            const char* end = name.data() + name.size();
            if (name.size() < 2 || name[0] != 's' || std::from_chars(name.data() + 1, end, id).ptr != end) {
                c.fail(where.str() + ": expected a node id K or \"sK\", got " + quoted(name));
            }
        } else if (std::int64_t negative = 0; v.get_int64().get(negative) == simdjson::SUCCESS) {
            c.fail(where.str() + ": node " + std::to_string(negative) + " is out of range 1.." + std::to_string(c.max_node));
        } else {
            fail_expected(c, where, "a node id K or \"sK\"", v);
        }
    }
    if (id < 1 || id > c.max_node) {
        c.fail(where.str() + ": node " + (is_number ? std::to_string(id) : quoted(name)) + " is out of range 1.." +
               std::to_string(c.max_node));
    }
    return static_cast<std::uint32_t>(id);
}

// A command value: a string, or a number kept as its decimal text.
std::string read_value(const LineContext& c, element v, const FieldPath& where) {
    std::string_view s;
    if (v.get_string().get(s) == simdjson::SUCCESS) return std::string(s);
    char buf[64];
    std::to_chars_result r{};
    std::uint64_t u = 0;
    std::int64_t i = 0;
    double d = 0;
    if (v.get_uint64().get(u) == simdjson::SUCCESS) {
        r = std::to_chars(buf, buf + sizeof buf, u);
    } else if (v.get_int64().get(i) == simdjson::SUCCESS) {
        r = std::to_chars(buf, buf + sizeof buf, i);
    } else if (v.get_double().get(d) == simdjson::SUCCESS) {
        r = std::to_chars(buf, buf + sizeof buf, d);
    } else {
        fail_expected(c, where, "a string or a number", v);
    }
    return std::string(buf, r.ptr);
}

// [[term, value], ...]
std::vector<Entry> read_entries(const LineContext& c, element v, const FieldPath& where) {
    array entries;
    if (v.get_array().get(entries) != simdjson::SUCCESS) fail_expected(c, where, "an array of [term, value]", v);
    std::vector<Entry> out;
    out.reserve(entries.size());
    for (element item : entries) {
        const FieldPath item_path = where.at(out.size());
        array pair;
        if (item.get_array().get(pair) != simdjson::SUCCESS) fail_expected(c, item_path, "[term, value]", item);
        if (pair.size() != 2) c.fail(item_path.str() + ": expected [term, value], got an array of " + std::to_string(pair.size()));
        auto it = pair.begin();
        const element term = *it;
        const element value = *++it;
        Entry& e = out.emplace_back();
        e.term = read_uint(c, term, item_path);
        e.value = read_value(c, value, item_path);
    }
    return out;
}

// Field names are looked up for every key of every line, so by a collision-free hash of
// length and first and last bytes, then one comparison, instead of a string compare per
// candidate. The static_asserts below prove each name table collision-free.
constexpr std::size_t kKeySlots = 64;  // 32 left lastIncludedIndex and lastLogIndex no formula

constexpr std::size_t key_slot(std::string_view key) {
    if (key.empty()) return 0;
    return (key.size() + static_cast<unsigned char>(key.front()) * 8 + static_cast<unsigned char>(key.back()) * 3) % kKeySlots;
}

// For each slot, the name that hashes there (empty if none) and its index in its table.
struct KeyTable {
    std::array<std::string_view, kKeySlots> names{};
    std::array<std::int8_t, kKeySlots> indexes{};
    bool collision_free = true;

    template <std::size_t N>
    constexpr explicit KeyTable(const std::string_view (&field_names)[N]) {
        for (std::size_t i = 0; i < N; ++i) {
            const std::size_t slot = key_slot(field_names[i]);
            if (!names[slot].empty()) collision_free = false;
            names[slot] = field_names[i];
            indexes[slot] = static_cast<std::int8_t>(i);
        }
    }

    // The index of `key`, or -1 for a key this version does not know. The bytes are compared
    // in a plain loop: names are short, and a call to memcmp costs more here.
    int find(std::string_view key) const {
        const std::size_t slot = key_slot(key);
        const std::string_view name = names[slot];
        if (name.empty() || name.size() != key.size()) return -1;
        for (std::size_t k = 0; k < key.size(); ++k) {
            if (name[k] != key[k]) return -1;
        }
        return indexes[slot];
    }
};

constexpr KeyTable kTopKeys(kFieldNames);
constexpr KeyTable kMsgKeys(kMsgFieldNames);
constexpr KeyTable kStateKeys(kStateFieldNames);
static_assert(kTopKeys.collision_free && kMsgKeys.collision_free && kStateKeys.collision_free,
              "change key_slot's formula");

// Records field `index` as seen, rejecting a second occurrence: which one a reader would
// believe is ambiguous.
template <typename Set>
void mark_seen(const LineContext& c, Set& seen, int index, std::string_view parent, std::string_view key) {
    const Set b = static_cast<Set>(Set{1} << index);
    if (seen & b) c.fail(FieldPath{parent, key}.str() + ": duplicate field");
    seen = static_cast<Set>(seen | b);
}

// The checks of a message that need all its fields: which fields its type requires and
// allows. Shared by both parsers (the fast one runs them on what it read, so a line gets
// the same verdict and message from either).
void finish_message(const LineContext& c, Message& m, MsgFieldSet seen, std::string_view where) {
    if (!(seen & bit(MsgField::kType))) c.fail(std::string(where) + ": missing field \"type\"");
    // A rejection and a success carry different fields; without `success` we cannot tell
    // which, so that is what we report missing.
    if (m.type == MsgType::kAppendEntriesResponse && !(seen & bit(MsgField::kSuccess))) {
        c.fail(std::string(where) + ": AppendEntriesResponse needs field \"success\"");
    }
    const MsgFieldSet expected = msg_fields_of(m.type, m.success);
    // A snapshot's data may be left out (it can be large): the validator then takes any data
    // the spec's snapshot has.
    if (m.type == MsgType::kInstallSnapshotRequest && !(seen & bit(MsgField::kData))) {
        m.unknown |= kUnknownEntries;
        seen |= bit(MsgField::kData);
    }
    if (seen == expected) return;
    const auto type_desc = [&m] {
        std::string d(msg_type_name_view(m.type));
        if (m.type == MsgType::kAppendEntriesResponse) d += m.success ? " with success true" : " with success false";
        return d;
    };
    for (int i = 0; i < kMsgFields; ++i) {
        const MsgFieldSet b = bit(static_cast<MsgField>(i));
        if ((expected & b) && !(seen & b)) {
            c.fail(std::string(where) + ": " + type_desc() + " needs field " + quoted(kMsgFieldNames[i]));
        }
        if (!(expected & b) && (seen & b)) {
            c.fail(FieldPath{where, kMsgFieldNames[i]}.str() + ": not a field of " + type_desc());
        }
    }
}

Message read_message(const LineContext& c, element v, std::string_view where) {
    object fields;
    if (v.get_object().get(fields) != simdjson::SUCCESS) fail_expected(c, {where, ""}, "a message object", v);
    Message m;
    MsgFieldSet seen = 0;
    for (const auto field : fields) {
        const int index = kMsgKeys.find(field.key);
        if (index < 0) continue;  // a field of a later format version
        mark_seen(c, seen, index, where, field.key);
        const FieldPath path{where, field.key};
        const element value = field.value;
        switch (static_cast<MsgField>(index)) {
            case MsgField::kType: {
                std::string_view name;
                if (value.get_string().get(name) != simdjson::SUCCESS) fail_expected(c, path, "a message type", value);
                const std::optional<MsgType> type = find_msg_type(name);
                if (!type) c.fail(path.str() + ": unknown message type " + quoted(name));
                m.type = *type;
                break;
            }
            case MsgField::kFrom: m.from = read_node(c, value, path); break;
            case MsgField::kTo: m.to = read_node(c, value, path); break;
            case MsgField::kTerm: m.term = read_uint(c, value, path); break;
            case MsgField::kLastLogTerm: m.last_log_term = read_uint(c, value, path); break;
            case MsgField::kLastLogIndex: m.last_log_index = read_uint(c, value, path); break;
            case MsgField::kVoteGranted: m.vote_granted = read_bool(c, value, path); break;
            case MsgField::kPrevLogIndex: m.prev_log_index = read_uint(c, value, path); break;
            case MsgField::kPrevLogTerm: m.prev_log_term = read_uint(c, value, path); break;
            case MsgField::kEntries: m.entries = read_entries(c, value, path); break;
            case MsgField::kCommitIndex: m.commit_index = read_uint(c, value, path); break;
            case MsgField::kSuccess: m.success = read_bool(c, value, path); break;
            case MsgField::kMatchIndex: m.match_index = read_uint(c, value, path); break;
            case MsgField::kXLen: m.x_len = read_uint(c, value, path); break;
            case MsgField::kXTerm: m.x_term = read_uint(c, value, path); break;
            case MsgField::kXIndex: m.x_index = read_uint(c, value, path); break;
            case MsgField::kLastIncludedIndex: m.last_included_index = read_uint(c, value, path); break;
            case MsgField::kLastIncludedTerm: m.last_included_term = read_uint(c, value, path); break;
            case MsgField::kData: m.entries = read_entries(c, value, path); break;
        }
    }
    finish_message(c, m, seen, where);
    return m;
}

Observed read_observed(const LineContext& c, element v) {
    constexpr std::string_view kWhere = "state";
    object fields;
    if (v.get_object().get(fields) != simdjson::SUCCESS) fail_expected(c, {kWhere, ""}, "an object", v);
    Observed o;
    std::uint8_t seen = 0;
    for (const auto field : fields) {
        const int index = kStateKeys.find(field.key);
        if (index < 0) continue;
        mark_seen(c, seen, index, kWhere, field.key);
        const FieldPath path{kWhere, field.key};
        const element value = field.value;
        switch (static_cast<StateField>(index)) {
            case StateField::kTerm: o.term = read_uint(c, value, path); break;
            case StateField::kRole: {
                std::string_view name;
                if (value.get_string().get(name) != simdjson::SUCCESS) fail_expected(c, path, "a role", value);
                const std::optional<Role> role = find_role(name);
                if (!role) c.fail(path.str() + ": unknown role " + quoted(name) + " (Follower, Candidate or Leader)");
                o.role = *role;
                break;
            }
            case StateField::kVotedFor:
                if (value.is_null()) {
                    o.voted_for.emplace();  // recorded: no vote
                } else {
                    o.voted_for.emplace(read_node(c, value, path));
                }
                break;
            case StateField::kCommitIndex: o.commit_index = read_uint(c, value, path); break;
            case StateField::kLogLength: o.log_length = read_uint(c, value, path); break;
            case StateField::kLastLogTerm: o.last_log_term = read_uint(c, value, path); break;
            case StateField::kLog: o.log = read_entries(c, value, path); break;
            case StateField::kSnapshotIndex: o.snapshot_index = read_uint(c, value, path); break;
        }
    }
    return o;
}

// The message of an action must be the kind the action sends or handles, and travel to or
// from the acting node: otherwise the line contradicts itself.
void check_messages(const LineContext& c, const Event& e, const ActionRule& rule) {
    const std::string_view action = action_name_view(e.action);
    if (e.message) {
        const Message& m = *e.message;
        if (!(rule.msg_types & bit(m.type))) {
            c.fail("msg: " + std::string(action) + " does not carry a " + std::string(msg_type_name_view(m.type)));
        }
        if (rule.sends && m.from != e.node) {
            c.fail("msg.from: " + std::string(action) + " sends from its node " + std::to_string(e.node) + ", not " + std::to_string(m.from));
        }
        if (!rule.sends && m.to != e.node) {
            c.fail("msg.to: " + std::string(action) + " happens at the receiver, node " + std::to_string(e.node) + ", not " +
                   std::to_string(m.to));
        }
        if (e.peer && *e.peer != m.to) {
            c.fail("peer: " + std::to_string(*e.peer) + " differs from msg.to " + std::to_string(m.to));
        }
    }
    if (e.reply) {
        const Message& r = *e.reply;
        if (r.type != rule.reply_type) {
            c.fail("reply: " + std::string(action) + " replies with a " + std::string(msg_type_name_view(rule.reply_type)));
        }
        if (r.from != e.node) c.fail("reply.from: the reply comes from node " + std::to_string(e.node));
        if (r.to != e.message->from) c.fail("reply.to: the reply goes to msg.from, node " + std::to_string(e.message->from));
    }
}

// The checks of an event that need all its fields: which fields the action requires and
// allows, and whether its messages fit it. Shared by both parsers.
void finish_event(const LineContext& c, const Event& e, FieldSet seen) {
    if (!(seen & bit(Field::kAction))) c.fail("missing field \"action\"");
    const ActionRule rule = rule_of(e.action);
    if ((seen & rule.required) != rule.required || (seen & ~rule.allowed) != 0) {
        const std::string action(action_name_view(e.action));
        for (int i = 0; i < kFields; ++i) {
            const FieldSet b = bit(static_cast<Field>(i));
            if ((rule.required & b) && !(seen & b)) c.fail(action + " needs field " + quoted(kFieldNames[i]));
            if (!(rule.allowed & b) && (seen & b)) c.fail(std::string(kFieldNames[i]) + ": not a field of " + action);
        }
    }
    check_messages(c, e, rule);
}

Event read_event(object fields, const LineContext& c) {
    Event e;
    e.file = c.file;
    e.line = c.line;
    FieldSet seen = 0;
    for (const auto field : fields) {
        const int index = kTopKeys.find(field.key);
        if (index < 0) continue;  // a field of a later format version
        mark_seen(c, seen, index, "", field.key);
        const FieldPath path{"", field.key};
        const element value = field.value;
        switch (static_cast<Field>(index)) {
            case Field::kClock: e.clock = read_uint(c, value, path); break;
            case Field::kNode: e.node = read_node(c, value, path); break;
            case Field::kAction: {
                std::string_view name;
                if (value.get_string().get(name) != simdjson::SUCCESS) fail_expected(c, path, "an action name", value);
                const std::optional<ActionKind> action = find_action(name);
                if (!action) c.fail("unknown action " + quoted(name));
                e.action = *action;
                break;
            }
            case Field::kMsg: e.message = read_message(c, value, "msg"); break;
            case Field::kReply: e.reply = read_message(c, value, "reply"); break;
            case Field::kPeer: e.peer = read_node(c, value, path); break;
            case Field::kValue: e.value = read_value(c, value, path); break;
            case Field::kIndex: e.index = read_uint(c, value, path); break;
            case Field::kServers: {
                const std::uint64_t n = read_uint(c, value, path);
                if (n < 1 || n > kMaxTraceServers) {
                    c.fail("servers: " + std::to_string(n) + " is out of range 1.." + std::to_string(kMaxTraceServers));
                }
                e.servers = static_cast<std::uint32_t>(n);
                break;
            }
            case Field::kState: e.observed = read_observed(c, value); break;
            case Field::kConfig: {
                array ids;
                if (value.get_array().get(ids) != simdjson::SUCCESS) fail_expected(c, path, "an array of node ids", value);
                std::size_t k = 0;
                for (element id : ids) e.voters.push_back(read_node(c, id, path.at(k++)));
                break;
            }
        }
    }
    finish_event(c, e, seen);
    return e;
}


// ---- The fast path: simdjson's On-Demand API ----
//
// The DOM parser builds a tape of the whole line and then we walk it: on full-state traces
// that tape is a fifth of the reading thread's time. On-Demand reads the values straight
// from the structural index instead. It is used as a strict happy path: it reads exactly the
// fields this format knows, each with the type it must have, and gives up (returns false)
// at the first thing it does not expect (an unknown key, a wrong type, a number out of
// range, any simdjson error, a check that throws). The DOM path then parses the line again
// and produces the event or the error. So every error, and every line with a field of a
// later format version, still comes from the DOM path, word for word; and because the fast
// path reads every value with a typed getter and requires the line to end after the object,
// it accepts nothing that the DOM path (which validates the whole line) rejects.
// tests/trace_format_test.cpp checks that the two agree on valid and corrupted lines.

namespace od = simdjson::ondemand;

bool fast_uint(od::value v, std::uint64_t& out) { return v.get_uint64().get(out) == simdjson::SUCCESS; }

bool fast_bool(od::value v, bool& out) { return v.get_bool().get(out) == simdjson::SUCCESS; }

bool fast_node(od::value v, const LineContext& c, std::uint32_t& out) {
    od::json_type t{};
    if (v.type().get(t) != simdjson::SUCCESS) return false;
    std::uint64_t id = 0;
    if (t == od::json_type::number) {
        if (!fast_uint(v, id)) return false;
    } else if (t == od::json_type::string) {
        std::string_view name;
        if (v.get_string().get(name) != simdjson::SUCCESS) return false;
        const char* end = name.data() + name.size();
        if (name.size() < 2 || name[0] != 's' || std::from_chars(name.data() + 1, end, id).ptr != end) return false;
    } else {
        return false;
    }
    if (id < 1 || id > c.max_node) return false;
    out = static_cast<std::uint32_t>(id);
    return true;
}

bool fast_value(od::value v, std::string& out) {
    od::json_type t{};
    if (v.type().get(t) != simdjson::SUCCESS) return false;
    if (t == od::json_type::string) {
        std::string_view s;
        if (v.get_string().get(s) != simdjson::SUCCESS) return false;
        out.assign(s);
        return true;
    }
    std::uint64_t u = 0;
    if (t != od::json_type::number || !fast_uint(v, u)) return false;
    char buf[24];
    const std::to_chars_result r = std::to_chars(buf, buf + sizeof buf, u);
    out.assign(buf, r.ptr);
    return true;
}

// Into `out`, reusing a recycled list when there is one: its entries are overwritten in
// place, so the usual handful of short values costs no allocation at all.
bool fast_entries(od::value v, const LineContext& c, std::vector<Entry>& out) {
    od::array entries;
    if (v.get_array().get(entries) != simdjson::SUCCESS) return false;
    if (out.capacity() == 0) {
        if (c.spare_entries != nullptr && !c.spare_entries->empty()) {
            out = std::move(c.spare_entries->back());
            c.spare_entries->pop_back();
        } else {
            out.reserve(8);  // one allocation for the usual handful of entries, not one per doubling
        }
    }
    std::size_t n = 0;
    for (auto item_result : entries) {
        if (item_result.error() != simdjson::SUCCESS) return false;
        od::value item = item_result.value_unsafe();
        od::array pair;
        if (item.get_array().get(pair) != simdjson::SUCCESS) return false;
        Entry& e = n < out.size() ? out[n] : out.emplace_back();
        ++n;
        int k = 0;
        for (auto part_result : pair) {
            if (part_result.error() != simdjson::SUCCESS) return false;
            od::value part = part_result.value_unsafe();
            if (k == 0 && !fast_uint(part, e.term)) return false;
            if (k == 1 && !fast_value(part, e.value)) return false;
            if (++k > 2) return false;
        }
        if (k != 2) return false;
    }
    out.resize(n);
    return true;
}

bool fast_message(od::value v, const LineContext& c, Message& m, std::string_view where) {
    od::object fields;
    if (v.get_object().get(fields) != simdjson::SUCCESS) return false;
    MsgFieldSet seen = 0;
    for (auto field_result : fields) {
        if (field_result.error() != simdjson::SUCCESS) return false;
        od::field field = field_result.value_unsafe();
        std::string_view key;
        if (field.unescaped_key().get(key) != simdjson::SUCCESS) return false;
        const int index = kMsgKeys.find(key);
        if (index < 0) return false;
        mark_seen(c, seen, index, where, key);
        od::value value = field.value();
        bool ok = false;
        switch (static_cast<MsgField>(index)) {
            case MsgField::kType: {
                std::string_view name;
                if (value.get_string().get(name) != simdjson::SUCCESS) return false;
                const std::optional<MsgType> type = find_msg_type(name);
                if (!type) return false;
                m.type = *type;
                ok = true;
                break;
            }
            case MsgField::kFrom: ok = fast_node(value, c, m.from); break;
            case MsgField::kTo: ok = fast_node(value, c, m.to); break;
            case MsgField::kTerm: ok = fast_uint(value, m.term); break;
            case MsgField::kLastLogTerm: ok = fast_uint(value, m.last_log_term); break;
            case MsgField::kLastLogIndex: ok = fast_uint(value, m.last_log_index); break;
            case MsgField::kVoteGranted: ok = fast_bool(value, m.vote_granted); break;
            case MsgField::kPrevLogIndex: ok = fast_uint(value, m.prev_log_index); break;
            case MsgField::kPrevLogTerm: ok = fast_uint(value, m.prev_log_term); break;
            case MsgField::kEntries: ok = fast_entries(value, c, m.entries); break;
            case MsgField::kCommitIndex: ok = fast_uint(value, m.commit_index); break;
            case MsgField::kSuccess: ok = fast_bool(value, m.success); break;
            case MsgField::kMatchIndex: ok = fast_uint(value, m.match_index); break;
            case MsgField::kXLen: ok = fast_uint(value, m.x_len); break;
            case MsgField::kXTerm: ok = fast_uint(value, m.x_term); break;
            case MsgField::kXIndex: ok = fast_uint(value, m.x_index); break;
            case MsgField::kLastIncludedIndex: ok = fast_uint(value, m.last_included_index); break;
            case MsgField::kLastIncludedTerm: ok = fast_uint(value, m.last_included_term); break;
            case MsgField::kData: ok = fast_entries(value, c, m.entries); break;
            default: return false;  // a field this fast path has not learnt: the DOM path reads it
        }
        if (!ok) return false;
    }
    finish_message(c, m, seen, where);
    return true;
}

bool fast_observed(od::value v, const LineContext& c, Observed& o) {
    od::object fields;
    if (v.get_object().get(fields) != simdjson::SUCCESS) return false;
    std::uint8_t seen = 0;
    for (auto field_result : fields) {
        if (field_result.error() != simdjson::SUCCESS) return false;
        od::field field = field_result.value_unsafe();
        std::string_view key;
        if (field.unescaped_key().get(key) != simdjson::SUCCESS) return false;
        const int index = kStateKeys.find(key);
        if (index < 0) return false;
        mark_seen(c, seen, index, "state", key);
        od::value value = field.value();
        std::uint64_t u = 0;
        switch (static_cast<StateField>(index)) {
            case StateField::kTerm:
                if (!fast_uint(value, u)) return false;
                o.term = u;
                break;
            case StateField::kRole: {
                std::string_view name;
                if (value.get_string().get(name) != simdjson::SUCCESS) return false;
                const std::optional<Role> role = find_role(name);
                if (!role) return false;
                o.role = *role;
                break;
            }
            case StateField::kVotedFor: {
                bool null = false;
                if (value.is_null().get(null) != simdjson::SUCCESS) return false;
                if (null) {
                    o.voted_for.emplace();
                } else {
                    std::uint32_t id = 0;
                    if (!fast_node(value, c, id)) return false;
                    o.voted_for.emplace(id);
                }
                break;
            }
            case StateField::kCommitIndex:
                if (!fast_uint(value, u)) return false;
                o.commit_index = u;
                break;
            case StateField::kLogLength:
                if (!fast_uint(value, u)) return false;
                o.log_length = u;
                break;
            case StateField::kLastLogTerm:
                if (!fast_uint(value, u)) return false;
                o.last_log_term = u;
                break;
            case StateField::kLog:
                if (!fast_entries(value, c, o.log.emplace())) return false;
                break;
            case StateField::kSnapshotIndex:
                if (!fast_uint(value, u)) return false;
                o.snapshot_index = u;
                break;
            default: return false;
        }
    }
    return true;
}

// Reads the line into `e` (which starts default-constructed), or returns false and leaves
// the line to the DOM path.
bool fast_event(od::parser& parser, const char* data, std::size_t size, const LineContext& c, Event& e) {
    od::document doc;
    od::object fields;
    if (parser.iterate(data, size, size + kLinePadding).get(doc) != simdjson::SUCCESS ||
        doc.get_object().get(fields) != simdjson::SUCCESS) {
        return false;
    }
    FieldSet seen = 0;
    for (auto field_result : fields) {
        if (field_result.error() != simdjson::SUCCESS) return false;
        od::field field = field_result.value_unsafe();
        std::string_view key;
        if (field.unescaped_key().get(key) != simdjson::SUCCESS) return false;
        const int index = kTopKeys.find(key);
        if (index < 0) return false;
        mark_seen(c, seen, index, "", key);
        od::value value = field.value();
        bool ok = false;
        switch (static_cast<Field>(index)) {
            case Field::kClock: {
                std::uint64_t clock = 0;
                ok = fast_uint(value, clock);
                e.clock = clock;
                break;
            }
            case Field::kNode: ok = fast_node(value, c, e.node); break;
            case Field::kAction: {
                std::string_view name;
                if (value.get_string().get(name) != simdjson::SUCCESS) return false;
                const std::optional<ActionKind> action = find_action(name);
                if (!action) return false;
                e.action = *action;
                ok = true;
                break;
            }
            case Field::kMsg: ok = fast_message(value, c, e.message.emplace(), "msg"); break;
            case Field::kReply: ok = fast_message(value, c, e.reply.emplace(), "reply"); break;
            case Field::kPeer: {
                std::uint32_t peer = 0;
                ok = fast_node(value, c, peer);
                e.peer = peer;
                break;
            }
            case Field::kValue: ok = fast_value(value, e.value.emplace()); break;
            case Field::kIndex: {
                std::uint64_t index = 0;
                ok = fast_uint(value, index);
                e.index = index;
                break;
            }
            case Field::kState: ok = fast_observed(value, c, e.observed); break;
            default: return false;  // Init's and ChangeConfig's fields: rare, left to the DOM path
        }
        if (!ok) return false;
    }
    // Nothing may follow the object: at the end, the document has no current location.
    if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS) return false;
    finish_event(c, e, seen);
    return true;
}

}  // namespace

struct EventParser::Impl {
    od::parser fast_parser;
    simdjson::dom::parser parser;
    std::vector<char> padded;  // a copy of the line with kLinePadding bytes after it
    std::vector<std::vector<Entry>> spare_entries;  // see recycle()

    void recycle(std::vector<Entry>& entries) {
        // Only short lists, and not too many: a reused list keeps its capacity, so keeping the
        // long ones would let every message end up holding room for the longest seen.
        constexpr std::size_t kMaxSpare = 8192;
        constexpr std::size_t kMaxSpareCapacity = 16;
        if (entries.capacity() == 0 || entries.capacity() > kMaxSpareCapacity || spare_entries.size() >= kMaxSpare) return;
        spare_entries.push_back(std::move(entries));
    }

    // Into `e`, which starts default-constructed and carries the line's place.
    bool parse_fast(const char* data, std::size_t size, const LineContext& c, Event& e) {
        try {
            return fast_event(fast_parser, data, size, c, e);
        } catch (const TraceError&) {
            return false;  // a check failed: the DOM path finds the same and words it
        }
    }

    Event parse_dom(const char* data, std::size_t size, const LineContext& c) {
        element doc;
        if (const auto err = parser.parse(data, size, false).get(doc); err != simdjson::SUCCESS) {
            c.fail(std::string("malformed JSON: ") + simdjson::error_message(err));
        }
        object fields;
        if (doc.get_object().get(fields) != simdjson::SUCCESS) fail_expected(c, {"", "line"}, "a JSON object", doc);
        return read_event(fields, c);
    }

    // Into `e`, a default-constructed Event.
    void parse_into(const char* data, std::size_t size, const LineContext& c, Event& e) {
        e.file = c.file;
        e.line = c.line;
        if (!parse_fast(data, size, c, e)) e = parse_dom(data, size, c);
    }

    Event parse_in_place(const char* data, std::size_t size, const LineContext& c) {
        Event e;
        parse_into(data, size, c, e);
        return e;
    }

    const char* pad(std::string_view line) {
        if (padded.size() < line.size() + kLinePadding) padded.resize(line.size() + kLinePadding);  // zero-filled padding
        if (!line.empty()) std::memcpy(padded.data(), line.data(), line.size());
        return padded.data();
    }
};

static_assert(kLinePadding >= simdjson::SIMDJSON_PADDING);

EventParser::EventParser() : impl_(std::make_unique<Impl>()) {}
EventParser::~EventParser() = default;
EventParser::EventParser(EventParser&&) noexcept = default;
EventParser& EventParser::operator=(EventParser&&) noexcept = default;

Event EventParser::parse(std::string_view line, const FileName& file, std::uint64_t line_no, std::uint32_t max_node) {
    return impl_->parse_in_place(impl_->pad(line), line.size(), LineContext{file, line_no, max_node});
}

Event EventParser::parse_padded(std::string_view line, const FileName& file, std::uint64_t line_no, std::uint32_t max_node) {
    return impl_->parse_in_place(line.data(), line.size(), LineContext{file, line_no, max_node});
}

void EventParser::parse_padded_into(std::string_view line, const FileName& file, std::uint64_t line_no, std::uint32_t max_node,
                                    Event& out) {
    impl_->parse_into(line.data(), line.size(), LineContext{file, line_no, max_node, &impl_->spare_entries}, out);
}

void EventParser::recycle(Event& used) {
    if (used.message) impl_->recycle(used.message->entries);
    if (used.reply) impl_->recycle(used.reply->entries);
    if (used.observed.log) impl_->recycle(*used.observed.log);
}

Event parse_event(std::string_view line, const std::string& file, std::uint64_t line_no) {
    thread_local EventParser parser;
    return parser.parse(line, file, line_no);
}

std::optional<Event> parse_event_fast_only(std::string_view line, const std::string& file, std::uint64_t line_no) {
    EventParser::Impl impl;
    const FileName name(file);
    const LineContext c{name, line_no, kMaxTraceServers};
    Event e;
    e.file = name;
    e.line = line_no;
    const char* data = impl.pad(line);
    if (!impl.parse_fast(data, line.size(), c, e)) return std::nullopt;
    return e;
}

Event parse_event_dom_only(std::string_view line, const std::string& file, std::uint64_t line_no) {
    EventParser::Impl impl;
    const FileName name(file);
    const LineContext c{name, line_no, kMaxTraceServers};
    const char* data = impl.pad(line);
    return impl.parse_dom(data, line.size(), c);
}

}  // namespace traces
