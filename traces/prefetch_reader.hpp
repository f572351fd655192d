#pragma once
// Reads and parses a trace on a second thread while the caller validates: on a trace with
// full state, parsing JSON costs about as much as checking the events, so the two halves
// overlap. Events arrive in batches through a bounded queue (memory stays bounded), in the
// reader's order, and an error reading the trace reaches the caller at the event where it
// occurred: the same events and the same verdict as reading in line.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

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
        std::vector<Event> events;
        std::exception_ptr error;  // after the events, if reading stopped on an error
        bool last = false;
    };
    void produce();

    std::unique_ptr<TraceReader> reader_;
    std::mutex mu_;
    std::condition_variable changed_;
    std::deque<Batch> ready_;
    // Batches the caller has finished with, handed back so that the reading thread frees
    // their events and reuses their buffers: freed on the validating thread, every string and
    // entry list went back to the reader's malloc arena under its lock, and the two threads
    // spent a tenth of their time contending for it.
    std::vector<Batch> spent_;
    bool stop_ = false;
    Batch current_;
    std::size_t position_ = 0;
    bool done_ = false;
    double reader_cpu_at_exit_ = -1;  // set by the reading thread as it finishes
    std::thread thread_;
};

}  // namespace traces
