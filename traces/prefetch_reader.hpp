#pragma once
// Reads and parses a trace on a second thread while the caller validates: on a trace with
// full state, parsing JSON costs about twice as much as checking the events, so the two
// overlap. Events arrive in batches through a bounded queue (memory stays bounded), in the
// reader's order, and an error reading the trace reaches the caller at the event where it
// occurred: the same events and the same verdict as reading in line.
//
// A single file is cut into blocks of whole lines, and a block is parsed by whichever thread
// is free: the reading thread when it has read far enough ahead, the caller when it has
// caught up with the parsed events (instead of waiting). So on two cores parsing and
// checking share both, and neither thread waits for the other. Merged files are read in
// line by the reading thread, as their order needs every file's next event.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "traces/ndjson.hpp"
#include "traces/reader.hpp"

namespace traces {

class PrefetchReader {
public:
    explicit PrefetchReader(std::unique_ptr<TraceReader> reader);
    ~PrefetchReader();
    PrefetchReader(const PrefetchReader&) = delete;
    PrefetchReader& operator=(const PrefetchReader&) = delete;

    // As TraceReader::next(): the next event, nullopt at the end; throws the TraceError the
    // reader met, once every event before it has been handed out.
    std::optional<Event> next();
    // The same without a copy: the event stays valid until the next call; nullptr at the end.
    const Event* next_event();
    // CPU time the reading thread has used so far, in seconds: on a shared machine it shows
    // what reading costs apart from waiting for a core.
    double reader_cpu_seconds();

private:
    struct Batch {
        TraceReader::LineBlock block;  // the lines, when the batch is a block still to parse
        bool is_block = false;
        bool claimed = false;  // a thread is parsing the block (or has)
        bool parsed = false;   // events and error are final
        EventParser* parser = nullptr;  // whose parser filled `events` (its entry lists go back to it)
        std::vector<Event> events;
        std::exception_ptr error;  // after the events, if reading stopped on an error
        bool last = false;
    };
    void produce();
    void produce_merged();
    void produce_blocks();
    // Under the lock: a batch object to fill, reused if the caller handed one back.
    std::unique_ptr<Batch> fresh_batch();
    // Under `lock`: parses the oldest block nobody has claimed, with the lock released
    // meanwhile. False if there is none.
    bool parse_a_block(std::unique_lock<std::mutex>& lock, EventParser& parser);
    void push(std::unique_ptr<Batch> batch);

    std::unique_ptr<TraceReader> reader_;
    std::mutex mu_;
    std::condition_variable changed_;
    std::deque<std::unique_ptr<Batch>> ready_;  // in trace order, parsed or not
    // Batches the caller has finished with, handed back so that the reading thread frees
    // their events and reuses their buffers: freed on the validating thread, every string and
    // entry list went back to the reader's malloc arena under its lock, and the two threads
    // spent a tenth of their time contending for it.
    std::vector<std::unique_ptr<Batch>> spent_;
    bool stop_ = false;
    double reader_cpu_at_exit_ = -1;  // set by the reading thread as it finishes

    // The caller's side.
    std::unique_ptr<Batch> current_;
    std::size_t position_ = 0;
    bool done_ = false;
    EventParser caller_parser_;                // for the blocks the caller parses
    std::optional<std::uint64_t> last_clock_;  // of the last event handed out from a block
    bool clock_known_ = false;                 // last_clock_ has been taken from the reader

    std::thread thread_;
};

}  // namespace traces
