#include "traces/etcd_reader.hpp"

#include <simdjson.h>

#include <charconv>

#include "traces/ndjson.hpp"

namespace traces {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

struct Where {
    const std::string& file;
    std::uint64_t line;
    [[noreturn]] void fail(const std::string& message) const { throw TraceError(file, line, message); }
};

element field(const Where& w, object o, const char* key, const std::string& parent) {
    element v;
    if (o[key].get(v) != simdjson::SUCCESS) w.fail("missing field " + parent + key);
    return v;
}

std::optional<element> optional_field(object o, const char* key) {
    element v;
    if (o[key].get(v) != simdjson::SUCCESS) return std::nullopt;
    return v;
}

std::uint64_t uint_of(const Where& w, element v, const std::string& name) {
    std::uint64_t x = 0;
    if (v.get_uint64().get(x) != simdjson::SUCCESS) w.fail(name + ": expected a non-negative integer");
    return x;
}

std::string string_of(const Where& w, element v, const std::string& name) {
    std::string_view s;
    if (v.get_string().get(s) != simdjson::SUCCESS) w.fail(name + ": expected a string");
    return std::string(s);
}

// etcd writes node ids as decimal strings ("3"); "0" is None.
std::uint64_t node_of(const Where& w, element v, const std::string& name) {
    std::uint64_t id = 0;
    if (v.get_uint64().get(id) == simdjson::SUCCESS) return id;
    std::string_view s;
    if (v.get_string().get(s) != simdjson::SUCCESS) w.fail(name + ": expected a node id");
    const char* end = s.data() + s.size();
    if (s.empty() || std::from_chars(s.data(), end, id).ptr != end) w.fail(name + ": expected a node id, got \"" + std::string(s.substr(0, 40)) + "\"");
    return id;
}

std::vector<std::uint64_t> nodes_of(const Where& w, element v, const std::string& name) {
    simdjson::dom::array a;
    if (v.get_array().get(a) != simdjson::SUCCESS) w.fail(name + ": expected an array of node ids");
    std::vector<std::uint64_t> out;
    for (element x : a) out.push_back(node_of(w, x, name));
    return out;
}

EtcdMessage message_of(const Where& w, object m) {
    EtcdMessage out;
    out.type = string_of(w, field(w, m, "type", "msg."), "msg.type");
    out.term = uint_of(w, field(w, m, "term", "msg."), "msg.term");
    out.from = node_of(w, field(w, m, "from", "msg."), "msg.from");
    out.to = node_of(w, field(w, m, "to", "msg."), "msg.to");
    if (auto v = optional_field(m, "entries")) out.entries = uint_of(w, *v, "msg.entries");
    if (auto v = optional_field(m, "logTerm")) out.log_term = uint_of(w, *v, "msg.logTerm");
    if (auto v = optional_field(m, "index")) out.index = uint_of(w, *v, "msg.index");
    if (auto v = optional_field(m, "commit")) out.commit = uint_of(w, *v, "msg.commit");
    if (auto v = optional_field(m, "reject")) {
        if (v->get_bool().get(out.reject) != simdjson::SUCCESS) w.fail("msg.reject: expected true or false");
    }
    if (auto v = optional_field(m, "rejectHint")) out.reject_hint = uint_of(w, *v, "msg.rejectHint");
    return out;
}

}  // namespace

struct EtcdReader::Impl {
    simdjson::dom::parser parser;
    std::string line;
};

EtcdReader::EtcdReader(const std::string& path) : path_(path), in_(path), impl_(std::make_unique<Impl>()) {
    if (!in_) throw TraceError(path, 0, "cannot open the file");
}

EtcdReader::~EtcdReader() = default;

std::optional<EtcdEvent> EtcdReader::next() {
    std::string& line = impl_->line;
    do {
        if (!std::getline(in_, line)) return std::nullopt;
        ++line_no_;
    } while (line.find_first_not_of(" \t\r") == std::string::npos);
    const Where w{path_, line_no_};
    element root;
    if (impl_->parser.parse(line).get(root) != simdjson::SUCCESS) w.fail("not a JSON object (malformed JSON)");
    object top;
    if (root.get_object().get(top) != simdjson::SUCCESS) w.fail("not a JSON object");
    object ev = top;
    if (auto inner = optional_field(top, "event")) {
        if (inner->get_object().get(ev) != simdjson::SUCCESS) w.fail("event: expected an object");
    }
    EtcdEvent e;
    e.line = line_no_;
    e.name = string_of(w, field(w, ev, "name", ""), "name");
    e.nid = node_of(w, field(w, ev, "nid", ""), "nid");
    if (e.nid == 0) w.fail("nid: node 0 is etcd's None, not a node");
    object state;
    if (field(w, ev, "state", "").get_object().get(state) != simdjson::SUCCESS) w.fail("state: expected an object");
    e.term = uint_of(w, field(w, state, "term", "state."), "state.term");
    e.vote = node_of(w, field(w, state, "vote", "state."), "state.vote");
    e.commit = uint_of(w, field(w, state, "commit", "state."), "state.commit");
    e.role = string_of(w, field(w, ev, "role", ""), "role");
    e.log = uint_of(w, field(w, ev, "log", ""), "log");
    if (auto conf = optional_field(ev, "conf")) {
        simdjson::dom::array halves;
        if (conf->get_array().get(halves) != simdjson::SUCCESS || halves.size() != 2) w.fail("conf: expected [[voters], [outgoing voters]]");
        e.voters = nodes_of(w, halves.at(0).value(), "conf[0]");
        e.outgoing_voters = nodes_of(w, halves.at(1).value(), "conf[1]");
    }
    if (auto m = optional_field(ev, "msg")) {
        object mo;
        if (m->get_object().get(mo) != simdjson::SUCCESS) w.fail("msg: expected an object");
        e.msg = message_of(w, mo);
    }
    if (auto prop = optional_field(ev, "prop")) {
        object po;
        object cc;
        if (prop->get_object().get(po) == simdjson::SUCCESS && po["cc"].get_object().get(cc) == simdjson::SUCCESS) {
            if (auto nc = optional_field(cc, "newconf")) e.new_conf = nodes_of(w, *nc, "prop.cc.newconf");
            simdjson::dom::array changes;
            if (cc["changes"].get_array().get(changes) == simdjson::SUCCESS) {
                for (element ch : changes) {
                    object c;
                    std::string_view action, nid;
                    if (ch.get_object().get(c) != simdjson::SUCCESS) continue;
                    if (c["action"].get_string().get(action) != simdjson::SUCCESS) action = "?";
                    if (c["nid"].get_string().get(nid) != simdjson::SUCCESS) nid = "?";
                    e.changes += (e.changes.empty() ? "" : ", ") + std::string(action) + " " + std::string(nid);
                }
            }
        }
    }
    return e;
}

}  // namespace traces
