#include "lincheck/history_json.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace lincheck {

namespace {

using nlohmann::json;

constexpr int kFormatVersion = 1;

std::string line_column(std::string_view text, std::size_t byte) {
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < byte && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

class OpReader {
public:
    OpReader(const std::string& source, std::string pointer) : source_(source), pointer_(std::move(pointer)) {}

    [[noreturn]] void fail(const std::string& message) const { throw HistoryError(source_, pointer_, message); }

    Time time(const json& j, const char* field) const {
        if (!j.is_number_integer()) fail(std::string("\"") + field + "\" must be an integer (got " + j.dump() + ")");
        if (j.is_number_unsigned()) {
            const auto v = j.get<std::uint64_t>();
            if (v > static_cast<std::uint64_t>(kMaxTime)) fail(std::string("\"") + field + "\" is beyond 2^62");
            return static_cast<Time>(v);
        }
        const auto v = j.get<std::int64_t>();
        if (v < 0) fail(std::string("\"") + field + "\" is negative (" + std::to_string(v) + ")");
        return v;
    }

    std::string text(const json& j, const char* field) const {
        if (!j.is_string()) fail(std::string("\"") + field + "\" must be a string (got " + j.dump() + ")");
        return j.get<std::string>();
    }

    Operation read(const json& j) const {
        if (!j.is_object()) fail("an operation must be an object (got " + j.dump() + ")");
        static const std::set<std::string> known{"client", "kind", "key", "value", "output", "call", "return", "meta"};
        for (const auto& [name, _] : j.items()) {
            if (!known.contains(name)) {
                fail("unknown field \"" + name + "\" (known: client, kind, key, value, output, call, return, meta)");
            }
        }
        for (const char* required : {"client", "kind", "key", "call"}) {
            if (!j.contains(required)) fail(std::string("missing \"") + required + "\"");
        }
        Operation op;
        const json& client = j["client"];
        if (!client.is_number_unsigned()) fail("\"client\" must be a non-negative integer (got " + client.dump() + ")");
        op.client = client.get<std::uint64_t>();
        const std::string kind = text(j["kind"], "kind");
        const std::optional<OpKind> k = kind_from_name(kind);
        if (!k) fail("unknown kind \"" + kind + "\" (known: put, append, get)");
        op.kind = *k;
        op.key = text(j["key"], "key");
        op.call = time(j["call"], "call");
        if (j.contains("return") && !j["return"].is_null()) op.ret = time(j["return"], "return");
        const bool has_output = j.contains("output") && !j["output"].is_null();
        if (op.kind == OpKind::Get) {
            if (j.contains("value")) fail("a get has no \"value\"");
            if (!op.open() && !has_output) fail("a get that returned needs its \"output\"");
            if (op.open() && has_output) fail("an open-ended get (no \"return\") has no \"output\"");
            if (has_output) op.output = text(j["output"], "output");
        } else {
            const std::string a_kind = (op.kind == OpKind::Append ? "an " : "a ") + kind;
            if (!j.contains("value")) fail(a_kind + " needs its \"value\"");
            if (has_output) fail(a_kind + " has no \"output\"");
            op.value = text(j["value"], "value");
        }
        return op;
    }

private:
    const std::string& source_;
    std::string pointer_;
};

}  // namespace

History parse_history(std::string_view text, const std::string& source) {
    json doc;
    try {
        doc = json::parse(text.begin(), text.end());
    } catch (const json::parse_error& e) {
        // e.what() repeats the position in nlohmann's words; keep only its explanation.
        std::string why = e.what();
        if (const auto colon = why.rfind(": "); colon != std::string::npos) why = why.substr(colon + 2);
        throw HistoryError(source, line_column(text, e.byte == 0 ? 0 : e.byte - 1), "not valid JSON: " + why);
    }
    if (!doc.is_object()) throw HistoryError(source, "/", "a history is a JSON object with \"operations\"");
    for (const auto& [name, _] : doc.items()) {
        if (name != "format" && name != "version" && name != "operations" && name != "meta") {
            throw HistoryError(source, "/" + name, "unknown field (known: format, version, operations, meta)");
        }
    }
    if (doc.contains("format") && doc["format"] != "raftcheck-history") {
        throw HistoryError(source, "/format", "expected \"raftcheck-history\", got " + doc["format"].dump());
    }
    if (doc.contains("version") && doc["version"] != kFormatVersion) {
        throw HistoryError(source, "/version", "this reader knows version 1, got " + doc["version"].dump());
    }
    if (!doc.contains("operations") || !doc["operations"].is_array()) {
        throw HistoryError(source, "/operations", "missing, or not an array");
    }
    History history;
    const json& ops = doc["operations"];
    history.ops.reserve(ops.size());
    for (std::size_t i = 0; i < ops.size(); ++i) {
        history.ops.push_back(OpReader(source, "/operations/" + std::to_string(i)).read(ops[i]));
    }
    if (const std::optional<HistoryProblem> p = find_problem(history)) {
        throw HistoryError(source, "/operations/" + std::to_string(p->op_index), history.ops[p->op_index].describe() + ": " + p->message);
    }
    return history;
}

History read_history_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw HistoryError(path, "-", "cannot open the file");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw HistoryError(path, "-", "cannot read the file");
    return parse_history(text.str(), path);
}

std::string operation_json(const Operation& op) {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    j["client"] = op.client;
    j["kind"] = std::string(kind_name(op.kind));
    j["key"] = op.key;
    if (op.kind != OpKind::Get) j["value"] = op.value;
    if (op.kind == OpKind::Get && !op.open()) j["output"] = op.output;
    j["call"] = op.call;
    if (!op.open()) j["return"] = op.ret;
    return j.dump();
}

std::string write_history(const History& history) {
    std::string out = "{\"format\":\"raftcheck-history\",\"version\":1,\"operations\":[\n";
    for (std::size_t i = 0; i < history.ops.size(); ++i) {
        out += operation_json(history.ops[i]);
        out += i + 1 < history.ops.size() ? ",\n" : "\n";
    }
    out += "]}\n";
    return out;
}

}  // namespace lincheck
