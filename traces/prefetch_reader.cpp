#include "traces/prefetch_reader.hpp"

namespace traces {
namespace {

constexpr std::size_t kBatchEvents = 2048;
constexpr std::size_t kMaxBatchesAhead = 4;

}  // namespace

PrefetchReader::PrefetchReader(std::unique_ptr<TraceReader> reader) : reader_(std::move(reader)) {
    thread_ = std::thread([this] { produce(); });
}

PrefetchReader::~PrefetchReader() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    changed_.notify_all();
    thread_.join();
}

void PrefetchReader::produce() {
    for (;;) {
        Batch batch;
        batch.events.reserve(kBatchEvents);
        try {
            while (batch.events.size() < kBatchEvents) {
                if (!reader_->next_into(batch.events)) {
                    batch.last = true;
                    break;
                }
            }
        } catch (...) {
            batch.error = std::current_exception();
            batch.last = true;
        }
        const bool last = batch.last;
        {
            std::unique_lock lock(mu_);
            changed_.wait(lock, [&] { return stop_ || ready_.size() < kMaxBatchesAhead; });
            if (stop_) return;
            ready_.push_back(std::move(batch));
        }
        changed_.notify_all();
        if (last) return;
    }
}

const Event* PrefetchReader::next_event() {
    while (position_ == current_.events.size()) {
        if (current_.error) {
            std::exception_ptr error = current_.error;
            current_.error = nullptr;
            done_ = true;
            std::rethrow_exception(error);
        }
        if (current_.last || done_) {
            done_ = true;
            return nullptr;
        }
        {
            std::unique_lock lock(mu_);
            changed_.wait(lock, [&] { return !ready_.empty(); });
            current_ = std::move(ready_.front());
            ready_.pop_front();
        }
        changed_.notify_all();
        position_ = 0;
    }
    return &current_.events[position_++];
}

std::optional<Event> PrefetchReader::next() {
    const Event* e = next_event();
    if (e == nullptr) return std::nullopt;
    return std::move(*const_cast<Event*>(e));  // handed out once: the batch never reads it again
}

}  // namespace traces
