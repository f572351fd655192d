#include "traces/prefetch_reader.hpp"

#include <pthread.h>
#include <time.h>

namespace traces {
namespace {

// Small batches: the events in flight (and those handed back for reuse) stay in the cores'
// caches. With 2,048-event batches the reading thread spent a fifth more CPU time per event.
constexpr std::size_t kBatchEvents = 256;
// Batches read ahead of the caller, parsed or not (a block is 64 KiB of lines). A reading
// thread that has filled the queue and has nothing to parse sleeps until the caller has
// taken half of it: woken for every batch, the two threads spent a tenth of their time in
// the kernel.
constexpr std::size_t kMaxBatchesAhead = 8;
constexpr std::size_t kResumeReadingAt = kMaxBatchesAhead / 2;

double cpu_seconds(clockid_t clock) {
    timespec ts{};
    if (::clock_gettime(clock, &ts) != 0) return 0;
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace

PrefetchReader::PrefetchReader(std::unique_ptr<TraceReader> reader)
    : reader_(std::move(reader)), current_(std::make_unique<Batch>()) {
    current_->parsed = true;
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

std::unique_ptr<PrefetchReader::Batch> PrefetchReader::fresh_batch() {
    if (spent_.empty()) return std::make_unique<Batch>();
    std::unique_ptr<Batch> batch = std::move(spent_.back());
    spent_.pop_back();
    return batch;
}

void PrefetchReader::push(std::unique_ptr<Batch> batch) {
    {
        std::lock_guard lock(mu_);
        ready_.push_back(std::move(batch));
    }
    changed_.notify_all();
}

void PrefetchReader::produce() {
    produce_merged();
    std::lock_guard lock(mu_);
    reader_cpu_at_exit_ = cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
}

// Events read in line, a batch at a time: all of a merged trace, and a single file's Init,
// after which the file is read in blocks.
void PrefetchReader::produce_merged() {
    for (;;) {
        std::unique_ptr<Batch> batch;
        {
            std::unique_lock lock(mu_);
            changed_.wait(lock, [&] { return stop_ || ready_.size() < kMaxBatchesAhead; });
            if (stop_) return;
            batch = fresh_batch();
        }
        reader_->recycle(batch->events);
        batch->is_block = false;
        batch->claimed = batch->parsed = true;
        batch->error = nullptr;
        batch->last = false;
        batch->events.reserve(kBatchEvents);
        try {
            while (batch->events.size() < kBatchEvents) {
                if (!reader_->next_into(batch->events)) {
                    batch->last = true;
                    break;
                }
                if (reader_->splittable()) break;  // the Init of a single file: blocks from here
            }
        } catch (...) {
            batch->error = std::current_exception();
            batch->last = true;
        }
        const bool last = batch->last;
        push(std::move(batch));
        if (last) return;
        if (reader_->splittable()) return produce_blocks();
    }
}

void PrefetchReader::produce_blocks() {
    EventParser parser;
    std::unique_lock lock(mu_);
    for (;;) {
        // Reading ahead first, so that blocks wait for whichever thread is free.
        if (ready_.size() >= kMaxBatchesAhead) {
            changed_.wait(lock, [&] {
                if (stop_ || ready_.size() <= kResumeReadingAt) return true;
                for (const auto& b : ready_) {
                    if (!b->claimed) return true;
                }
                return false;
            });
        }
        if (stop_) return;
        if (ready_.size() >= kMaxBatchesAhead) {
            parse_a_block(lock, parser);
            continue;
        }
        std::unique_ptr<Batch> batch = fresh_batch();
        lock.unlock();
        if (batch->parser == &parser) {
            for (Event& e : batch->events) parser.recycle(e);
        }
        batch->events.clear();
        batch->parser = nullptr;
        batch->is_block = true;
        batch->claimed = batch->parsed = batch->last = false;
        batch->error = nullptr;
        try {
            reader_->read_block(batch->block);
        } catch (...) {
            batch->error = std::current_exception();
            batch->block.size = 0;
        }
        if (batch->block.size == 0) batch->claimed = batch->parsed = batch->last = true;  // the end
        const bool last = batch->last;
        push(std::move(batch));
        lock.lock();
        if (last) {
            // The rest of the blocks may still need parsing; help until none is left.
            while (!stop_ && parse_a_block(lock, parser)) {
            }
            return;
        }
    }
}

bool PrefetchReader::parse_a_block(std::unique_lock<std::mutex>& lock, EventParser& parser) {
    Batch* block = nullptr;
    for (const auto& b : ready_) {
        if (!b->claimed) {
            block = b.get();
            break;
        }
    }
    if (block == nullptr) return false;
    block->claimed = true;  // from here only this thread touches it, until it is parsed
    block->parser = &parser;
    lock.unlock();
    block->events.reserve(kBatchEvents);
    try {
        reader_->parse_block(block->block, parser, block->events);
    } catch (...) {
        block->error = std::current_exception();
        block->last = true;
    }
    lock.lock();
    block->parsed = true;
    changed_.notify_all();
    return true;
}

const Event* PrefetchReader::next_event() {
    if (done_) return nullptr;
    while (position_ == current_->events.size()) {
        if (current_->error) {
            std::exception_ptr error = current_->error;
            current_->error = nullptr;
            done_ = true;
            std::rethrow_exception(error);
        }
        if (current_->last) {
            done_ = true;
            return nullptr;
        }
        // The entry lists of the events this thread parsed go back to its own parser: each
        // thread reuses what it allocated, and no list is freed on the other thread.
        if (current_->parser == &caller_parser_) {
            for (Event& e : current_->events) caller_parser_.recycle(e);
            current_->events.clear();
        }
        {
            std::unique_lock lock(mu_);
            if (spent_.size() < 2 * kMaxBatchesAhead) spent_.push_back(std::move(current_));
            for (;;) {
                if (!ready_.empty() && ready_.front()->parsed) break;
                // Not parsed yet: parse a block rather than wait for one.
                if (!parse_a_block(lock, caller_parser_)) changed_.wait(lock);
            }
            current_ = std::move(ready_.front());
            ready_.pop_front();
        }
        changed_.notify_all();
        position_ = 0;
    }
    const Event* e = &current_->events[position_++];
    if (current_->is_block) {
        // Blocks were parsed apart: what ties an event to the one before is checked here.
        if (!clock_known_) {
            last_clock_ = reader_->last_clock();
            clock_known_ = true;
        }
        try {
            reader_->check_in_order(*e, last_clock_);
        } catch (...) {
            done_ = true;
            throw;
        }
    }
    return e;
}

double PrefetchReader::reader_cpu_seconds() {
    {
        std::lock_guard lock(mu_);
        if (reader_cpu_at_exit_ >= 0) return reader_cpu_at_exit_;
    }
    clockid_t clock{};
    if (::pthread_getcpuclockid(thread_.native_handle(), &clock) != 0) return 0;
    return cpu_seconds(clock);
}

std::optional<Event> PrefetchReader::next() {
    const Event* e = next_event();
    if (e == nullptr) return std::nullopt;
    return std::move(*const_cast<Event*>(e));  // handed out once: the batch never reads it again
}

}  // namespace traces
