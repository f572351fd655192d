#pragma once
// One trace line <-> one Event: the NDJSON encoding of traces/FORMAT.md.
//
// parse_event checks everything a single line can show (JSON syntax, field types, which
// fields the action needs or allows, node ids in range, a message's type and addressing
// consistent with the action); what needs more than one line (Init first, clocks in order)
// is TraceReader's job. format_event writes the line back.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "traces/event.hpp"

namespace traces {

// Init's `servers` ranges over 1..kMaxTraceServers; node ids over 1..servers.
inline constexpr std::uint32_t kMaxTraceServers = 32;

// A trace that cannot be read: what() is "FILE:LINE: message".
struct TraceError : std::runtime_error {
    TraceError(std::string file, std::uint64_t line, std::string message);
    std::string file;
    std::uint64_t line = 0;  // 1-based; 0 when the error concerns the file as a whole
    std::string message;     // without the "FILE:LINE: " prefix
};

// How many readable bytes simdjson may read past the end of a line it parses in place.
inline constexpr std::size_t kLinePadding = 64;

// A reusable line parser: keeps simdjson's parser and a padded copy buffer across lines, so
// that parsing a line allocates only what the Event itself holds.
class EventParser {
public:
    EventParser();
    ~EventParser();
    EventParser(EventParser&&) noexcept;
    EventParser& operator=(EventParser&&) noexcept;
    EventParser(const EventParser&) = delete;
    EventParser& operator=(const EventParser&) = delete;

    // Throws TraceError naming file and line_no. Node ids above max_node are out of range:
    // pass the cluster size once Init has been read.
    Event parse(std::string_view line, const FileName& file, std::uint64_t line_no,
                std::uint32_t max_node = kMaxTraceServers);
    // The same for a line followed in memory by at least kLinePadding readable, initialized
    // bytes (such as the rest of a read buffer): parsed in place, without a copy.
    Event parse_padded(std::string_view line, const FileName& file, std::uint64_t line_no,
                       std::uint32_t max_node = kMaxTraceServers);
    // parse_padded into `out`, which must be a default-constructed Event, without moving
    // one: a reader parses straight into the slot it keeps the event in. On TraceError
    // `out` is unspecified.
    void parse_padded_into(std::string_view line, const FileName& file, std::uint64_t line_no, std::uint32_t max_node,
                           Event& out);
    // Takes back the entry lists of an event the caller is done with, to parse later lines
    // into: a full-state trace's reader otherwise allocated and freed one per message.
    // `used` is left valid but unspecified.
    void recycle(Event& used);

private:
    friend std::optional<Event> parse_event_fast_only(std::string_view, const std::string&, std::uint64_t);
    friend Event parse_event_dom_only(std::string_view, const std::string&, std::uint64_t);
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// One line (no newline) -> Event, with one parser per thread. Throws TraceError on any
// problem; never anything else, whatever the bytes.
Event parse_event(std::string_view line, const std::string& file, std::uint64_t line_no);

// The two readers behind parse_event, for the tests that hold them to each other: a fast
// one (simdjson On-Demand) that reads only lines it fully understands, and the DOM one
// that reads or rejects everything else (traces/ndjson.cpp says why). nullopt: the fast
// reader left the line to the DOM reader. Whenever it returns an event, the DOM reader
// must return the same.
std::optional<Event> parse_event_fast_only(std::string_view line, const std::string& file, std::uint64_t line_no);
Event parse_event_dom_only(std::string_view line, const std::string& file, std::uint64_t line_no);

// The line for `e`, without a newline. parse_event reads it back to `e` (line and file
// aside) whenever `e` is a valid event; fields the action does not use are not written, nor
// a message's fields that its type does not use. Strings that are not valid UTF-8 have each
// bad byte replaced by U+FFFD.
std::string format_event(const Event& e);
// The same, appended to `out`: a recorder reuses one buffer for many lines.
void append_event(const Event& e, std::string& out);

}  // namespace traces
