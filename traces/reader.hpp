#pragma once
// Reads a trace, one file or several, as a stream of Events in order (traces/FORMAT.md,
// "Clocks and merging"):
//   - one file: its events in line order; clocks are optional but must not go backwards;
//   - several files (say one per node): each must start with an Init line, and the Inits
//     must agree; the merged stream is one Init, then every other event ordered by clock
//     (required on all of them), ties broken by file order, then line order.
// Files are read through a fixed-size buffer, so memory stays bounded by the longest line,
// not the file's length. Blank lines are skipped.

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "traces/event.hpp"
#include "traces/ndjson.hpp"

namespace traces {

class TraceReader {
public:
    // Opens every file now: one that cannot be opened is a TraceError at line 0.
    explicit TraceReader(const std::vector<std::string>& paths);
    // Reads a trace from `in` (which must outlive the reader), called `name` in errors.
    explicit TraceReader(std::istream& in, std::string name = "<stream>");
    ~TraceReader();
    TraceReader(const TraceReader&) = delete;
    TraceReader& operator=(const TraceReader&) = delete;

    // The next event, or nullopt at the end of the trace. The first is always the Init.
    // Throws TraceError for anything wrong, at the line that shows it.
    std::optional<Event> next();
    // The same, appended to `out` (one move less per event); false at the end.
    bool next_into(std::vector<Event>& out);
    // Hands back events the caller is done with, so that later ones reuse their buffers;
    // clears `used`.
    void recycle(std::vector<Event>& used);

    // The cluster size from Init: 0 until the first next().
    std::uint32_t servers() const { return servers_; }

    // Reading on several threads (PrefetchReader). A single file, once its Init has been
    // handed out, can be cut into blocks of whole lines (read_block, on one thread) that any
    // thread parses (parse_block, each with its own parser). What ties an event to those
    // before it (a second Init, a clock going backwards) is then checked by whoever takes
    // the events in order: check_in_order, starting from last_clock().
    struct LineBlock {
        std::vector<char> text;  // the lines, then kLinePadding zero bytes
        std::size_t size = 0;    // 0: the end of the trace
        std::uint64_t first_line = 0;
    };
    bool splittable() const;
    std::optional<std::uint64_t> last_clock() const;
    void read_block(LineBlock& block);
    // Appends the block's events; throws TraceError at the first bad line, after the
    // events before it.
    void parse_block(const LineBlock& block, EventParser& parser, std::vector<Event>& out) const;
    // Throws TraceError if `e` cannot follow an event with clock `last_clock`; else moves it on.
    void check_in_order(const Event& e, std::optional<std::uint64_t>& last_clock) const;

private:
    struct Source;
    void start();
    // Reads source `s`'s next event into its lookahead slot (empty at its end), checking
    // its clock.
    void advance(Source& s);

    std::vector<std::unique_ptr<Source>> sources_;
    EventParser parser_;
    std::uint32_t servers_ = 0;
    bool started_ = false;
    std::optional<Event> init_;  // the merged Init, until handed out
};

}  // namespace traces
