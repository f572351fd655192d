// The trace format layer: format_event / parse_event round-trip any valid event, parse_event
// survives any bytes (it returns or throws TraceError, nothing else), each kind of bad line
// is reported with its file and line, and TraceReader streams one file or merges several by
// clock.

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "traces/event.hpp"
#include "traces/ndjson.hpp"
#include "traces/prefetch_reader.hpp"
#include "traces/reader.hpp"

namespace traces {

// How RapidCheck and GoogleTest print events in counterexamples.
void showValue(const Event& e, std::ostream& os) { os << e.file << ":" << e.line << " " << format_event(e); }
void PrintTo(const Event& e, std::ostream* os) { showValue(e, *os); }

namespace {

using rc::Gen;
namespace gen = rc::gen;

constexpr std::uint32_t kServers = 5;

// ---- Generators ----

// Any uint64, with the extremes and small values (where off-by-one bugs live) likely.
Gen<std::uint64_t> gen_u64() {
    return gen::weightedOneOf<std::uint64_t>({
        {4, gen::inRange<std::uint64_t>(0, 10)},
        {2, gen::arbitrary<std::uint64_t>()},
        {1, gen::element<std::uint64_t>(0, 1, std::numeric_limits<std::uint64_t>::max(),
                                         std::numeric_limits<std::uint64_t>::max() - 1, 1ull << 63)},
    });
}

Gen<std::uint32_t> gen_node() { return gen::inRange<std::uint32_t>(1, kServers + 1); }

// Valid UTF-8 that exercises every escape: quotes, backslashes, control characters, DEL,
// and two-, three- and four-byte sequences.
Gen<std::string> gen_value() {
    const Gen<std::string> piece = gen::weightedOneOf<std::string>({
        {6, gen::container<std::string>(gen::inRange<char>('a', 'z' + 1))},
        {1, gen::element<std::string>("\"", "\\", "\n", "\t", "\r", "\b", "\f", std::string(1, '\0'), "\x01",
                                      "\x1f", "\x7f", "/", "\u00e9", "\u20ac", "\U0001F600", "\uFFFD", " ")},
    });
    return gen::map(gen::container<std::vector<std::string>>(piece), [](const std::vector<std::string>& pieces) {
        std::string s;
        for (const std::string& p : pieces) s += p;
        return s;
    });
}

Gen<std::vector<Entry>> gen_entries() {
    return gen::container<std::vector<Entry>>(gen::build<Entry>(gen::set(&Entry::term, gen_u64()), gen::set(&Entry::value, gen_value())));
}

// A message of type `type` from `from` to `to`, with the fields its type has and the others
// left 0, as the parser leaves them.
Message gen_message_of(MsgType type, std::uint32_t from, std::uint32_t to) {
    Message m;
    m.type = type;
    m.from = from;
    m.to = to;
    m.term = *gen_u64();
    switch (type) {
        case MsgType::kRequestVoteRequest:
            m.last_log_term = *gen_u64();
            m.last_log_index = *gen_u64();
            break;
        case MsgType::kRequestVoteResponse:
            m.vote_granted = *gen::arbitrary<bool>();
            break;
        case MsgType::kAppendEntriesRequest:
            m.prev_log_index = *gen_u64();
            m.prev_log_term = *gen_u64();
            m.entries = *gen_entries();
            m.commit_index = *gen_u64();
            break;
        case MsgType::kAppendEntriesResponse:
            m.success = *gen::arbitrary<bool>();
            if (m.success) {
                m.match_index = *gen_u64();
            } else {
                m.x_len = *gen_u64();
                m.x_term = *gen_u64();
                m.x_index = *gen_u64();
            }
            break;
        case MsgType::kInstallSnapshotRequest:
            m.last_included_index = *gen_u64();
            m.last_included_term = *gen_u64();
            if (*gen::arbitrary<bool>()) {
                m.entries = *gen_entries();
            } else {
                m.unknown = traces::kUnknownEntries;  // the data left out, as a trace may
            }
            break;
        case MsgType::kInstallSnapshotResponse:
            m.match_index = *gen_u64();
            break;
    }
    return m;
}

MsgType gen_msg_type() { return static_cast<MsgType>(*gen::inRange(0, 6)); }

template <typename T>
std::optional<T> maybe(const Gen<T>& g) {
    return *gen::arbitrary<bool>() ? std::optional<T>(*g) : std::nullopt;
}

Observed gen_observed() {
    Observed o;
    o.term = maybe(gen_u64());
    o.role = maybe(gen::element(Role::kFollower, Role::kCandidate, Role::kLeader));
    if (*gen::arbitrary<bool>()) o.voted_for.emplace(maybe(gen_node()));  // recorded: a vote or null
    o.commit_index = maybe(gen_u64());
    o.snapshot_index = maybe(gen_u64());
    o.log_length = maybe(gen_u64());
    o.last_log_term = maybe(gen_u64());
    o.log = maybe(gen_entries());
    return o;
}

// Any valid event: the fields its action allows, each present or not where optional, and
// messages addressed as the action requires.
Gen<Event> gen_event() {
    return gen::exec([] {
        Event e;
        e.action = static_cast<ActionKind>(*gen::inRange(0, kActionKinds));
        e.clock = maybe(gen_u64());
        if (e.action == ActionKind::kInit) {
            e.servers = *gen::inRange<std::uint32_t>(1, kMaxTraceServers + 1);
            if (*gen::arbitrary<bool>()) e.observed.term = *gen_u64();  // the term every node starts at
            return e;
        }
        e.node = *gen_node();
        e.observed = gen_observed();
        const std::uint32_t peer = *gen_node();
        switch (e.action) {
            case ActionKind::kClientRequest:
                e.value = maybe(gen_value());
                break;
            case ActionKind::kCompactLog:
                e.index = *gen_u64();
                break;
            case ActionKind::kRequestVote:
            case ActionKind::kAppendEntries:
            case ActionKind::kInstallSnapshot: {
                const MsgType type = e.action == ActionKind::kRequestVote     ? MsgType::kRequestVoteRequest
                                     : e.action == ActionKind::kAppendEntries ? MsgType::kAppendEntriesRequest
                                                                              : MsgType::kInstallSnapshotRequest;
                if (*gen::arbitrary<bool>()) e.message = gen_message_of(type, e.node, peer);
                if (*gen::arbitrary<bool>()) e.peer = peer;
                break;
            }
            case ActionKind::kUpdateTerm:
            case ActionKind::kDuplicateMessage:
            case ActionKind::kDropMessage:
                e.message = gen_message_of(gen_msg_type(), peer, e.node);
                break;
            case ActionKind::kHandleRequestVoteRequest:
                e.message = gen_message_of(MsgType::kRequestVoteRequest, peer, e.node);
                if (*gen::arbitrary<bool>()) e.reply = gen_message_of(MsgType::kRequestVoteResponse, e.node, peer);
                break;
            case ActionKind::kHandleAppendEntriesRequest:
                e.message = gen_message_of(MsgType::kAppendEntriesRequest, peer, e.node);
                if (*gen::arbitrary<bool>()) e.reply = gen_message_of(MsgType::kAppendEntriesResponse, e.node, peer);
                break;
            case ActionKind::kHandleRequestVoteResponse:
                e.message = gen_message_of(MsgType::kRequestVoteResponse, peer, e.node);
                break;
            case ActionKind::kHandleAppendEntriesResponse:
                e.message = gen_message_of(MsgType::kAppendEntriesResponse, peer, e.node);
                break;
            case ActionKind::kHandleInstallSnapshotRequest:
                e.message = gen_message_of(MsgType::kInstallSnapshotRequest, peer, e.node);
                if (*gen::arbitrary<bool>()) e.reply = gen_message_of(MsgType::kInstallSnapshotResponse, e.node, peer);
                break;
            case ActionKind::kHandleInstallSnapshotResponse:
                e.message = gen_message_of(MsgType::kInstallSnapshotResponse, peer, e.node);
                break;
            case ActionKind::kDropStaleResponse:
                e.message = gen_message_of(*gen::element(MsgType::kRequestVoteResponse, MsgType::kAppendEntriesResponse,
                                                         MsgType::kInstallSnapshotResponse),
                                           peer, e.node);
                break;
            default:
                break;
        }
        return e;
    });
}

// ---- Round trip ----

Event as_read_from(Event e, const std::string& file, std::uint64_t line) {
    e.file = file;
    e.line = line;
    return e;
}

RC_GTEST_PROP(TraceFormatProperty, FormatThenParseGivesTheSameEvent, ()) {
    const Event e = *gen_event();
    const std::string line = format_event(e);
    RC_ASSERT(line.find('\n') == std::string::npos);
    RC_ASSERT(parse_event(line, "t.ndjson", 9) == as_read_from(e, "t.ndjson", 9));
}

// Invalid UTF-8 in a value cannot be written as JSON: it is replaced, and the line stays
// readable.
RC_GTEST_PROP(TraceFormatProperty, AnyValueBytesGiveAReadableLine, (const std::string& value)) {
    Event e;
    e.action = ActionKind::kClientRequest;
    e.node = 1;
    e.value = value;
    const Event back = parse_event(format_event(e), "t", 1);
    RC_ASSERT(back.value.has_value());
    if (back.value != value) RC_ASSERT(back.value->find("\uFFFD") != std::string::npos);
}

// ---- Robustness: parse_event returns or throws TraceError, whatever the bytes ----

// Parses `line`; a line that parses must survive a second round trip unchanged.
void parse_returns_or_throws_trace_error(const std::string& line) {
    Event e;
    try {
        e = parse_event(line, "fuzz", 1);
    } catch (const TraceError& err) {
        RC_ASSERT(err.file == "fuzz");
        RC_ASSERT(err.line == 1u);
        return;
    }
    RC_ASSERT(parse_event(format_event(e), "fuzz", 1) == e);
}

// Garbage from an alphabet of JSON's punctuation and a few keys and values, so that some of
// it is almost valid.
Gen<std::string> gen_json_ish() {
    const Gen<std::string> token = gen::element<std::string>(
        "{", "}", "[", "]", ":", ",", "\"", "\\", " ", "0", "1", "-1", "1e999", "18446744073709551616", "0.5", "null",
        "true", "\"action\"", "\"Timeout\"", "\"node\"", "\"s1\"", "\"msg\"", "\"type\"", "\"RequestVoteRequest\"",
        "\"state\"", "\"log\"", "\"servers\"", "\"Init\"", "\xff", "\xc3", "\u00e9", std::string(1, '\0'));
    return gen::map(gen::container<std::vector<std::string>>(token), [](const std::vector<std::string>& tokens) {
        std::string s;
        for (const std::string& t : tokens) s += t;
        return s;
    });
}

// A valid line changed by a few byte flips, truncations, insertions, deletions.
std::string mutate(std::string line) {
    const int mutations = *gen::inRange(1, 5);
    for (int k = 0; k < mutations; ++k) {
        const std::size_t at = line.empty() ? 0 : *gen::inRange<std::size_t>(0, line.size());
        switch (*gen::inRange(0, 4)) {
            case 0:
                if (!line.empty()) line[at] = static_cast<char>(line[at] ^ *gen::inRange(1, 256));
                break;
            case 1:
                line.resize(at);
                break;
            case 2:
                line.insert(at, *gen::oneOf(gen_json_ish(), gen::arbitrary<std::string>()));
                break;
            default:
                line.erase(at, *gen::inRange<std::size_t>(0, 8));
                break;
        }
    }
    return line;
}

RC_GTEST_PROP(TraceFormatFuzz, ArbitraryBytes, (const std::string& line)) { parse_returns_or_throws_trace_error(line); }

RC_GTEST_PROP(TraceFormatFuzz, JsonLikeGarbage, ()) { parse_returns_or_throws_trace_error(*gen_json_ish()); }

RC_GTEST_PROP(TraceFormatFuzz, MutatedValidLines, ()) { parse_returns_or_throws_trace_error(mutate(format_event(*gen_event()))); }

// ---- The fast reader agrees with the DOM reader ----

// Whatever the line: when the fast reader returns an event, the DOM reader returns the same
// one; otherwise the line goes to the DOM reader, which alone accepts or rejects it.
void fast_reader_agrees(const std::string& line) {
    const std::optional<Event> fast = parse_event_fast_only(line, "f", 3);
    if (!fast) return;
    Event dom;
    try {
        dom = parse_event_dom_only(line, "f", 3);
    } catch (const TraceError& err) {
        RC_FAIL("the fast reader accepted a line the DOM reader rejects (" + std::string(err.what()) + "): " + line);
    }
    RC_ASSERT(*fast == dom);
}

// Valid lines of every kind take the fast path (not only the DOM one), and agree.
RC_GTEST_PROP(TraceFormatFastReader, ReadsValidLinesAsTheDomReaderDoes, ()) {
    const Event e = *gen_event();
    const std::string line = format_event(e);
    const std::optional<Event> fast = parse_event_fast_only(line, "f", 3);
    if (e.action != ActionKind::kInit && e.action != ActionKind::kChangeConfig) RC_ASSERT(fast.has_value());
    fast_reader_agrees(line);
}

// A parser fed the entry lists of used events (as the prefetching reader feeds it) fills
// them in place: every line must still read exactly as a fresh parser reads it, whatever the
// recycled lists held before.
RC_GTEST_PROP(TraceFormatFastReader, RecycledBuffersReadAsFreshOnes, ()) {
    const std::vector<Event> events = *gen::container<std::vector<Event>>(*gen::inRange<std::size_t>(1, 8), gen_event());
    EventParser recycling;
    const FileName file("f");
    std::vector<char> padded;
    std::optional<Event> previous;
    for (std::size_t k = 0; k < events.size(); ++k) {
        const std::string line = format_event(events[k]);
        padded.assign(line.begin(), line.end());
        padded.resize(line.size() + kLinePadding, '\0');
        if (previous) recycling.recycle(*previous);
        Event e;
        recycling.parse_padded_into(std::string_view(padded.data(), line.size()), file, k + 1, kMaxTraceServers, e);
        RC_ASSERT(e == parse_event(line, "f", k + 1));
        previous = std::move(e);
    }
}

RC_GTEST_PROP(TraceFormatFastReader, NeverAcceptsWhatTheDomReaderRejects, ()) {
    fast_reader_agrees(mutate(format_event(*gen_event())));
}

RC_GTEST_PROP(TraceFormatFastReader, NeverAcceptsGarbage, ()) { fast_reader_agrees(*gen_json_ish()); }

TEST(TraceFormatFastReader, LeavesEveryBadLineToTheDomReader) {
    const std::vector<std::string> lines = {
        R"({"node":1,"action":"Timeout")",                          // unclosed
        R"({"node":1,"action":"Timeout"} {"node":2})",              // trailing content
        R"({"node":1,"action":"Timeout"}})",                        // trailing brace
        R"({"node":1,"action":"Timeout","x":tru})",                 // malformed value of an unknown field
        R"({"node":1,"action":"Timeout","future":1})",              // unknown field: the DOM path skips it
        R"({"node":1,"action":"Timeout","clock":1.5})",             // not an integer
        R"({"node":1,"action":"Timeout","clock":-1})",              // negative
        R"({"node":1,"node":1,"action":"Timeout"})",                // duplicate
        R"({"node":1,"action":"Timeout","value":"x"})",             // a field the action does not allow
        R"({"node":1,"action":"ClientRequest","value":"\ud800"})",  // lone surrogate
        "{\"node\":1,\"action\":\"ClientRequest\",\"value\":\"\xff\"}",  // invalid UTF-8
    };
    for (const std::string& line : lines) EXPECT_FALSE(parse_event_fast_only(line, "f", 1).has_value()) << line;
    // And a plain line does take the fast path.
    EXPECT_TRUE(parse_event_fast_only(R"({"clock":4,"node":"s2","action":"Timeout","state":{"term":3,"votedFor":null}})", "f", 1)
                    .has_value());
}

TEST(TraceFormatFuzz, Extremes) {
    const std::vector<std::string> lines = {
        "",
        " ",
        "{}",
        "[]",
        "null",
        std::string(100000, '['),
        std::string(100000, '{'),
        "{\"action\":" + std::string(5000, '[') + std::string(5000, ']') + "}",
        R"({"clock":1e400,"action":"Init","servers":3})",
        R"({"clock":18446744073709551616,"action":"Init","servers":3})",
        R"({"clock":-1,"action":"Init","servers":3})",
        R"({"clock":1.0,"action":"Init","servers":3})",
        R"({"action":"Init","servers":3} {"action":"Init","servers":3})",
        "{\"action\":\"Init\",\"servers\":3,\"x\":\"\xff\"}",
        R"({"node":"s99999999999999999999999","action":"Timeout"})",
        R"({"node":"s","action":"Timeout"})",
        R"({"node":"s-1","action":"Timeout"})",
        R"({"node":-3,"action":"Timeout"})",
    };
    for (const std::string& line : lines) {
        EXPECT_THROW(parse_event(line, "x", 3), TraceError) << line.substr(0, 80);
    }
}

// ---- What a line may say ----

TEST(TraceFormat, ReadsTheDocumentedShape) {
    const Event e = parse_event(
        R"({"clock":12,"node":2,"action":"HandleRequestVoteRequest",)"
        R"("msg":{"type":"RequestVoteRequest","from":3,"to":2,"term":3,"lastLogTerm":1,"lastLogIndex":4},)"
        R"("reply":{"type":"RequestVoteResponse","from":2,"to":3,"term":3,"voteGranted":true},)"
        R"("state":{"term":3,"role":"Follower","votedFor":3,"commitIndex":2,"logLength":2,"lastLogTerm":2,"log":[[1,"x"],[2,"y"]]}})",
        "a.ndjson", 4);
    EXPECT_EQ(e.clock, 12u);
    EXPECT_EQ(e.node, 2u);
    EXPECT_EQ(e.action, ActionKind::kHandleRequestVoteRequest);
    ASSERT_TRUE(e.message && e.reply);
    EXPECT_EQ(e.message->from, 3u);
    EXPECT_EQ(e.message->last_log_index, 4u);
    EXPECT_TRUE(e.reply->vote_granted);
    EXPECT_EQ(e.observed.role, Role::kFollower);
    EXPECT_EQ(e.observed.voted_for, std::optional<std::uint32_t>(3));
    EXPECT_EQ(e.observed.log, (std::vector<Entry>{{1, "x"}, {2, "y"}}));
    EXPECT_EQ(e.file, "a.ndjson");
    EXPECT_EQ(e.line, 4u);
}

TEST(TraceFormat, AcceptsStringNodeIdsNumericValuesNullVoteAndUnknownFields) {
    const Event e = parse_event(
        R"({"future":{"x":[1,2]},"node":"s3","action":"ClientRequest","value":42,"state":{"votedFor":null,"new":1}})", "f", 1);
    EXPECT_EQ(e.node, 3u);
    EXPECT_EQ(e.value, "42");
    ASSERT_TRUE(e.observed.voted_for.has_value());
    EXPECT_FALSE(e.observed.voted_for->has_value());
    EXPECT_FALSE(e.observed.term.has_value());
    const Event m = parse_event(
        R"({"node":1,"action":"DropMessage","msg":{"type":"AppendEntriesRequest","from":"s2","to":1,"term":1,"prevLogIndex":0,"prevLogTerm":0,"entries":[[1,-7],[1,0.5]],"commitIndex":0,"hint":"x"}})",
        "f", 2);
    EXPECT_EQ(m.message->entries, (std::vector<Entry>{{1, "-7"}, {1, "0.5"}}));
}

TEST(TraceFormat, ClientRequestWithoutValueIsAllowed) {
    EXPECT_FALSE(parse_event(R"({"node":1,"action":"ClientRequest"})", "f", 1).value.has_value());
}

// Each rejected line names its file and line first.
void expect_error(const std::string& line, const std::string& fragment) {
    try {
        parse_event(line, "bad.ndjson", 17);
        ADD_FAILURE() << "accepted: " << line;
    } catch (const TraceError& err) {
        EXPECT_EQ(err.file, "bad.ndjson");
        EXPECT_EQ(err.line, 17u);
        const std::string what = err.what();
        EXPECT_EQ(what.rfind("bad.ndjson:17: ", 0), 0u) << what;
        EXPECT_NE(what.find(fragment), std::string::npos) << what << "\n  expected to mention: " << fragment;
        EXPECT_EQ(what, "bad.ndjson:17: " + err.message);
    }
}

TEST(TraceFormatErrors, MalformedLine) {
    expect_error(R"({"node":1,"action":"Timeout")", "malformed JSON");
    expect_error(R"({"node":1,"action":"Timeout",})", "malformed JSON");
    expect_error(R"([1,2])", "expected a JSON object");
}

TEST(TraceFormatErrors, UnknownAction) { expect_error(R"({"node":1,"action":"Elect"})", "unknown action \"Elect\""); }

TEST(TraceFormatErrors, MissingFields) {
    expect_error(R"({"node":1})", "missing field \"action\"");
    expect_error(R"({"action":"Timeout"})", "Timeout needs field \"node\"");
    expect_error(R"({"action":"Init"})", "Init needs field \"servers\"");
    expect_error(R"({"node":1,"action":"UpdateTerm"})", "UpdateTerm needs field \"msg\"");
    expect_error(R"({"node":2,"action":"UpdateTerm","msg":{"type":"RequestVoteResponse","from":1,"to":2,"voteGranted":true}})",
                 "msg: RequestVoteResponse needs field \"term\"");
    expect_error(R"({"node":2,"action":"DropMessage","msg":{"type":"AppendEntriesResponse","from":1,"to":2,"term":1,"success":false,"xLen":0}})",
                 "needs field \"xTerm\"");
}

TEST(TraceFormatErrors, WrongTypesAndMisplacedFields) {
    expect_error(R"({"node":1,"action":"Timeout","clock":"12"})", "clock: expected an integer");
    expect_error(R"({"node":1,"action":"Timeout","state":{"term":-2}})", "state.term: expected an integer in 0..2^64-1, got a negative number");
    expect_error(R"({"node":1,"action":"Timeout","state":{"role":"King"}})", "unknown role \"King\"");
    expect_error(R"({"node":1,"action":"Timeout","state":{"log":[[1]]}})", "state.log[0]: expected [term, value]");
    expect_error(R"({"node":1,"action":"Timeout","value":"x"})", "value: not a field of Timeout");
    expect_error(R"({"node":1,"node":2,"action":"Timeout"})", "node: duplicate field");
    expect_error(R"({"action":"Init","servers":33})", "servers: 33 is out of range 1..32");
    expect_error(R"({"node":1,"action":"Init","servers":3})", "node: not a field of Init");
    expect_error(R"({"node":2,"action":"DropMessage","msg":{"type":"AppendEntriesResponse","from":1,"to":2,"term":1,"success":true,"matchIndex":1,"xLen":0}})",
                 "msg.xLen: not a field of AppendEntriesResponse with success true");
}

TEST(TraceFormatErrors, MessageContradictsTheAction) {
    expect_error(R"({"node":1,"action":"HandleRequestVoteResponse","msg":{"type":"RequestVoteRequest","from":2,"to":1,"term":1,"lastLogTerm":0,"lastLogIndex":0}})",
                 "does not carry a RequestVoteRequest");
    expect_error(R"({"node":1,"action":"UpdateTerm","msg":{"type":"RequestVoteResponse","from":2,"to":3,"term":1,"voteGranted":true}})",
                 "msg.to");
    expect_error(R"({"node":1,"action":"RequestVote","peer":3,"msg":{"type":"RequestVoteRequest","from":1,"to":2,"term":1,"lastLogTerm":0,"lastLogIndex":0}})",
                 "peer: 3 differs from msg.to 2");
    expect_error(R"({"node":1,"action":"HandleRequestVoteRequest","msg":{"type":"RequestVoteRequest","from":2,"to":1,"term":1,"lastLogTerm":0,"lastLogIndex":0},"reply":{"type":"RequestVoteResponse","from":1,"to":3,"term":1,"voteGranted":true}})",
                 "reply.to");
}

TEST(TraceFormatErrors, NodeOutOfRange) {
    expect_error(R"({"node":0,"action":"Timeout"})", "node: node 0 is out of range 1..32");
    expect_error(R"({"node":33,"action":"Timeout"})", "out of range");
    expect_error(R"({"node":"s0","action":"Timeout"})", "node: node \"s0\" is out of range");
    expect_error(R"({"node":"n1","action":"Timeout"})", "expected a node id");
    expect_error(R"({"node":1,"action":"Timeout","state":{"votedFor":40}})", "state.votedFor: node 40");
}

// ---- TraceReader ----

// A fresh directory for one test's files.
class TraceFiles : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = ::testing::TempDir() + "trace_format_XXXXXX";
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
    }
    void TearDown() override {
        for (const std::string& f : files_) std::remove(f.c_str());
        ::rmdir(dir_.c_str());
    }
    std::string write(const std::string& name, const std::string& content) {
        const std::string path = dir_ + "/" + name;
        std::ofstream(path, std::ios::binary) << content;
        files_.push_back(path);
        return path;
    }
    std::string dir_;
    std::vector<std::string> files_;
};

std::vector<Event> read_all(TraceReader& reader) {
    std::vector<Event> out;
    while (std::optional<Event> e = reader.next()) out.push_back(std::move(*e));
    return out;
}

// Reads until the first error; returns its what(), or "" if there was none.
std::string first_error(const std::vector<std::string>& paths) {
    try {
        TraceReader reader(paths);
        read_all(reader);
    } catch (const TraceError& err) {
        return err.what();
    }
    return "";
}

TEST_F(TraceFiles, OneFileInOrderSkippingBlankLines) {
    const std::string path = write("t.ndjson",
                                   "{\"action\":\"Init\",\"servers\":3}\n"
                                   "\n"
                                   "{\"node\":1,\"action\":\"Timeout\"}\r\n"
                                   "   \t\n"
                                   "{\"node\":\"s1\",\"action\":\"RequestVote\",\"peer\":2}");  // no final newline
    TraceReader reader({path});
    const std::vector<Event> events = read_all(reader);
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(reader.servers(), 3u);
    EXPECT_EQ(events[0].action, ActionKind::kInit);
    EXPECT_EQ(events[1].action, ActionKind::kTimeout);
    EXPECT_EQ(events[1].line, 3u);
    EXPECT_EQ(events[2].line, 5u);
    EXPECT_EQ(events[2].peer, 2u);
    EXPECT_EQ(events[2].file, path);
}

TEST_F(TraceFiles, NodeBeyondTheClusterSizeIsAnError) {
    const std::string path = write("t.ndjson", "{\"action\":\"Init\",\"servers\":3}\n{\"node\":4,\"action\":\"Timeout\"}\n");
    EXPECT_EQ(first_error({path}), path + ":2: node: node 4 is out of range 1..3");
}

TEST_F(TraceFiles, ClockGoingBackwardsInAFileIsAnError) {
    const std::string path = write("t.ndjson",
                                   "{\"clock\":1,\"action\":\"Init\",\"servers\":3}\n"
                                   "{\"clock\":5,\"node\":1,\"action\":\"Timeout\"}\n"
                                   "{\"clock\":5,\"node\":2,\"action\":\"Timeout\"}\n"
                                   "{\"clock\":4,\"node\":3,\"action\":\"Timeout\"}\n");
    EXPECT_EQ(first_error({path}), path + ":4: clock goes backwards: 4 after 5");
}

TEST_F(TraceFiles, InitMustComeFirstAndOnlyOnce) {
    const std::string late = write("late.ndjson", "{\"node\":1,\"action\":\"Timeout\"}\n{\"action\":\"Init\",\"servers\":3}\n");
    EXPECT_EQ(first_error({late}), late + ":1: a trace starts with an Init line, not Timeout");
    const std::string twice = write("twice.ndjson", "{\"action\":\"Init\",\"servers\":3}\n{\"action\":\"Init\",\"servers\":3}\n");
    EXPECT_NE(first_error({twice}).find(twice + ":2: a second Init"), std::string::npos);
    const std::string empty = write("empty.ndjson", "\n\n");
    EXPECT_EQ(first_error({empty}), empty + ":0: empty trace: a trace starts with an Init line");
}

TEST_F(TraceFiles, MissingFileIsAnErrorAtLineZero) {
    const std::string path = dir_ + "/nowhere.ndjson";
    try {
        TraceReader reader({path});
        FAIL() << "opened a missing file";
    } catch (const TraceError& err) {
        EXPECT_EQ(err.line, 0u);
        EXPECT_EQ(std::string(err.what()).rfind(path + ":0: cannot open", 0), 0u) << err.what();
    }
}

TEST_F(TraceFiles, ErrorIsRaisedOnlyAfterTheEventsBeforeIt) {
    const std::string path = write("t.ndjson", "{\"action\":\"Init\",\"servers\":3}\n{\"node\":1,\"action\":\"Timeout\"}\nnot json\n");
    TraceReader reader({path});
    ASSERT_TRUE(reader.next());
    ASSERT_TRUE(reader.next());
    EXPECT_THROW(reader.next(), TraceError);
}

TEST_F(TraceFiles, PrefetchingGivesTheSameEventsAndTheErrorInItsPlace) {
    // Enough events for several batches of the prefetching thread, then a bad line.
    std::string text = "{\"action\":\"Init\",\"servers\":3}\n";
    constexpr int kEvents = 10000;
    for (int k = 1; k <= kEvents; ++k) text += "{\"clock\":" + std::to_string(k) + ",\"node\":" + std::to_string(1 + k % 3) + ",\"action\":\"Timeout\"}\n";
    const std::string good = write("good.ndjson", text);
    const std::string bad = write("bad.ndjson", text + "{\"node\":9,\"action\":\"Timeout\"}\n");
    TraceReader direct({good});
    const std::vector<Event> expected = read_all(direct);
    traces::PrefetchReader prefetched(std::make_unique<TraceReader>(std::vector<std::string>{good}));
    std::vector<Event> got;
    while (std::optional<Event> e = prefetched.next()) got.push_back(std::move(*e));
    EXPECT_EQ(got, expected);
    EXPECT_FALSE(prefetched.next());  // and stays at the end

    traces::PrefetchReader failing(std::make_unique<TraceReader>(std::vector<std::string>{bad}));
    std::size_t before_error = 0;
    try {
        while (failing.next()) ++before_error;
        ADD_FAILURE() << "no error";
    } catch (const TraceError& err) {
        EXPECT_EQ(err.line, kEvents + 2u);
    }
    EXPECT_EQ(before_error, kEvents + 1u);
    // Abandoned half way: the reading thread stops cleanly.
    traces::PrefetchReader abandoned(std::make_unique<TraceReader>(std::vector<std::string>{good}));
    ASSERT_TRUE(abandoned.next());
}

// What reading a file in line gives: its events, then the error (message and line) if any.
struct Outcome {
    std::vector<Event> events;
    std::string error;
    bool operator==(const Outcome&) const = default;
};

template <class Reader>
Outcome read_outcome(Reader& reader) {
    Outcome out;
    try {
        while (std::optional<Event> e = reader.next()) out.events.push_back(std::move(*e));
    } catch (const TraceError& err) {
        out.error = err.what();
    }
    return out;
}

// A single file is cut into 64 KiB blocks parsed on two threads: block edges, lines longer
// than a block, blank lines, a last line without '\n', and an error anywhere (bad JSON, a
// clock going backwards, a second Init) must give exactly what reading in line gives.
TEST_F(TraceFiles, PrefetchingInBlocksChangesNothing) {
    std::string text = "{\"clock\":0,\"action\":\"Init\",\"servers\":3}\n";
    std::vector<std::size_t> line_starts;  // of each event line after Init
    for (int k = 1; k <= 3000; ++k) {
        line_starts.push_back(text.size());
        const std::string clock = "\"clock\":" + std::to_string(k);
        if (k % 997 == 0) {
            // Longer than a block: 100 KB of value.
            text += "{" + clock + ",\"node\":1,\"action\":\"ClientRequest\",\"value\":\"" + std::string(100000, 'v') + "\"}\n";
        } else if (k % 7 == 0) {
            text += "{" + clock + ",\"node\":2,\"action\":\"AppendEntries\",\"msg\":{\"type\":\"AppendEntriesRequest\",\"from\":2,"
                    "\"to\":3,\"term\":1,\"prevLogIndex\":0,\"prevLogTerm\":0,\"entries\":[[1,\"a\"],[1,\"b\"]],\"commitIndex\":0}}\n";
        } else {
            text += "{" + clock + ",\"node\":" + std::to_string(1 + k % 3) + ",\"action\":\"Timeout\"}\n";
        }
        if (k % 500 == 0) text += "  \r\n\n";  // blank lines count as lines
    }
    const std::string whole = text.substr(0, text.size() - 1);  // no final newline
    auto check = [&](const std::string& name, const std::string& content) {
        const std::string path = write(name, content);
        TraceReader direct({path});
        const Outcome expected = read_outcome(direct);
        traces::PrefetchReader prefetched(std::make_unique<TraceReader>(std::vector<std::string>{path}));
        const Outcome got = read_outcome(prefetched);
        EXPECT_EQ(got.events.size(), expected.events.size()) << name;
        EXPECT_EQ(got.error, expected.error) << name;
        EXPECT_TRUE(got == expected) << name;
        return expected;
    };
    const Outcome clean = check("whole.ndjson", whole);
    EXPECT_EQ(clean.events.size(), 3001u);
    EXPECT_EQ(clean.error, "");
    EXPECT_EQ(clean.events.back().line, 3000u + 2 * 5 + 1);  // five pairs of blank lines before it
    for (const std::size_t k : {1u, 200u, 996u, 997u, 1500u, 2999u}) {
        const std::size_t at = line_starts[k - 1];
        const std::string bad_json = text.substr(0, at) + "{\"clock\":" + std::to_string(k) + ",\"node\":1\n" + text.substr(at);
        // Clock k - 2 after event k - 1's (Init's clock, 0, before the first).
        const std::string backwards = text.substr(0, at) + "{\"clock\":" + std::to_string(k == 1 ? 0 : k - 2) +
                                      ",\"node\":1,\"action\":\"Timeout\"}\n" + text.substr(at);
        const std::string second_init = text.substr(0, at) + "{\"action\":\"Init\",\"servers\":3}\n" + text.substr(at);
        for (const auto& [name, content] : {std::pair{"bad_json", bad_json}, {"backwards", backwards}, {"second_init", second_init}}) {
            const Outcome o = check(std::string(name) + std::to_string(k) + ".ndjson", content);
            if (std::string(name) == "backwards" && k == 1) continue;  // clock 0 after Init's 0: in order
            EXPECT_NE(o.error, "") << name << " at event " << k;
            EXPECT_EQ(o.events.size(), k) << name << " at event " << k;  // Init and the k - 1 events before it
        }
    }
}

TEST_F(TraceFiles, MergesPerNodeFilesByClockThenFileThenLine) {
    const std::string s1 = write("s1.ndjson",
                                 "{\"clock\":0,\"action\":\"Init\",\"servers\":2}\n"
                                 "{\"clock\":1,\"node\":1,\"action\":\"Timeout\"}\n"
                                 "{\"clock\":4,\"node\":1,\"action\":\"BecomeLeader\"}\n"
                                 "{\"clock\":4,\"node\":1,\"action\":\"ClientRequest\",\"value\":\"x\"}\n");
    const std::string s2 = write("s2.ndjson",
                                 "{\"clock\":0,\"action\":\"Init\",\"servers\":2}\n"
                                 "{\"clock\":2,\"node\":2,\"action\":\"Timeout\"}\n"
                                 "{\"clock\":4,\"node\":2,\"action\":\"Restart\"}\n"
                                 "{\"clock\":9,\"node\":2,\"action\":\"Restart\"}\n");
    TraceReader reader({s1, s2});
    const std::vector<Event> events = read_all(reader);
    std::vector<std::string> order;
    for (const Event& e : events) order.push_back(e.file.str().substr(e.file.str().size() - 9, 2) + ":" + std::to_string(e.line));
    EXPECT_EQ(order, (std::vector<std::string>{"s1:1", "s1:2", "s2:2", "s1:3", "s1:4", "s2:3", "s2:4"}));
    EXPECT_EQ(events[0].action, ActionKind::kInit);
    EXPECT_EQ(events[0].servers, 2u);
}

TEST_F(TraceFiles, MergeErrors) {
    const std::string init3 = "{\"clock\":0,\"action\":\"Init\",\"servers\":3}\n";
    const std::string a = write("a.ndjson", init3 + "{\"clock\":1,\"node\":1,\"action\":\"Timeout\"}\n");
    const std::string no_clock = write("b.ndjson", init3 + "{\"node\":2,\"action\":\"Timeout\"}\n");
    EXPECT_EQ(first_error({a, no_clock}).rfind(no_clock + ":2: no clock", 0), 0u);
    const std::string other_size = write("c.ndjson", "{\"action\":\"Init\",\"servers\":5}\n");
    EXPECT_EQ(first_error({a, other_size}), other_size + ":1: Init says 5 servers, but " + a + ":1 says 3");
    const std::string other_term = write("e.ndjson", "{\"action\":\"Init\",\"servers\":3,\"state\":{\"term\":1}}\n");
    EXPECT_EQ(first_error({a, other_term}), other_term + ":1: Init's state differs from the one at " + a + ":1");
    const std::string backwards = write("d.ndjson", init3 + "{\"clock\":3,\"node\":2,\"action\":\"Timeout\"}\n{\"clock\":2,\"node\":2,\"action\":\"Timeout\"}\n");
    EXPECT_EQ(first_error({a, backwards}), backwards + ":3: clock goes backwards: 2 after 3");
}

TEST_F(TraceFiles, LinesLongerThanTheReadBufferAndManyLines) {
    Event big;
    big.action = ActionKind::kTimeout;
    big.node = 1;
    big.observed.log = std::vector<Entry>(60000, Entry{7, "a value of some length"});
    std::string content = "{\"action\":\"Init\",\"servers\":3}\n";
    for (int k = 0; k < 3; ++k) content += format_event(big) + "\n";
    for (int k = 0; k < 20000; ++k) content += "{\"node\":2,\"action\":\"Timeout\"}\n";
    ASSERT_GT(content.size(), 4u << 20);
    TraceReader reader({write("big.ndjson", content)});
    const std::vector<Event> events = read_all(reader);
    ASSERT_EQ(events.size(), 20004u);
    EXPECT_EQ(events[3].observed.log, big.observed.log);
    EXPECT_EQ(events.back().line, 20004u);
}

// The full example of traces/FORMAT.md reads as one file, and split into one file per node
// (each with the Init line) merges back into the same order.
TEST_F(TraceFiles, FormatDocExampleReadsWholeAndSplitPerNode) {
    std::ifstream doc(std::string(RAFTCHECK_SOURCE_DIR) + "/traces/FORMAT.md");
    ASSERT_TRUE(doc) << "traces/FORMAT.md not found";
    std::string line, example;
    bool in_section = false, in_block = false;
    while (std::getline(doc, line)) {
        if (line.rfind("## ", 0) == 0) in_section = line == "## A full example";
        if (!in_section) continue;
        if (line.rfind("```", 0) == 0) {
            if (in_block) break;
            in_block = true;
            continue;
        }
        if (in_block) example += line + "\n";
    }
    std::istringstream whole_in(example);
    TraceReader whole_reader(whole_in, "FORMAT.md");
    const std::vector<Event> whole = read_all(whole_reader);
    ASSERT_GT(whole.size(), 10u);

    std::vector<std::string> per_node(whole_reader.servers(), example.substr(0, example.find('\n') + 1));
    for (std::size_t k = 1; k < whole.size(); ++k) per_node[whole[k].node - 1] += format_event(whole[k]) + "\n";
    std::vector<std::string> paths;
    for (std::size_t n = 0; n < per_node.size(); ++n) paths.push_back(write("s" + std::to_string(n + 1) + ".ndjson", per_node[n]));
    TraceReader merged_reader(paths);
    const std::vector<Event> merged = read_all(merged_reader);
    ASSERT_EQ(merged.size(), whole.size());
    for (std::size_t k = 0; k < whole.size(); ++k) {
        EXPECT_EQ(as_read_from(merged[k], "", 0), as_read_from(whole[k], "", 0)) << "event " << k;
    }
}

TEST(TraceReaderStream, ReadsFromAnIstreamUnderItsName) {
    std::istringstream in("{\"action\":\"Init\",\"servers\":1}\n{\"node\":1,\"action\":\"Timeout\"}\n{\"node\":2,\"action\":\"Timeout\"}\n");
    TraceReader reader(in, "mem");
    ASSERT_TRUE(reader.next());
    ASSERT_TRUE(reader.next());
    try {
        reader.next();
        FAIL() << "node 2 of a 1-node cluster was accepted";
    } catch (const TraceError& err) {
        EXPECT_EQ(std::string(err.what()), "mem:3: node: node 2 is out of range 1..1");
    }
}

}  // namespace
}  // namespace traces
