#pragma once
// The bounded state-space explorer, generic over a model. A model provides initial states,
// labelled successors, TLC's state constraint, a canonical fingerprint (under symmetry, if
// asked) that also leaves the encoding of a member of the state's class in its scratch
// string, invariants over states and steps, and "sometimes" properties. See spec_model.hpp.
//
// BFS runs level by level on all threads: the frontier holds encoded states, the visited set
// only 64-bit fingerprints, and each new state's (fingerprint, parent fingerprint) goes to a
// temporary file, from which a counterexample is rebuilt by replaying the model. DFS and
// random simulation share the same checks.

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cmath>
#include <exception>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "checker/fingerprint_set.hpp"
#include "raft/assert.hpp"

namespace checker {

struct ExploreOptions {
    unsigned threads = 1;
    std::uint64_t max_depth = 0;            // 0: unbounded
    double progress_seconds = 5.0;          // 0: no progress lines
    std::function<void(const std::string&)> progress;  // where progress lines go
    // Stop (and say so) before the visited set and frontier outgrow this; 0: no limit. Better
    // an incomplete answer that says it is one than a process the kernel kills.
    std::uint64_t max_memory_bytes = 0;
};

struct Stats {
    std::uint64_t distinct = 0;
    std::uint64_t generated = 0;
    std::uint64_t depth = 0;  // BFS levels, the initial states being level 1 (as TLC counts)
    double seconds = 0;
    unsigned threads = 1;
    std::uint64_t table_bytes = 0;
    std::uint64_t peak_frontier_bytes = 0;
    std::uint64_t sometimes_reached = 0;  // bit k: sometimes property k was reached
    std::vector<std::uint64_t> level_sizes;  // new states per BFS level
    bool out_of_memory = false;  // stopped at ExploreOptions::max_memory_bytes: counts are partial

    // TLC's "calculated (optimistic)" fingerprint collision probability.
    double collision_probability() const {
        return static_cast<double>(distinct) * static_cast<double>(generated - distinct) / std::pow(2.0, 64);
    }
};

template <class Model>
struct Violation {
    std::string property;
    // The behaviour, from an initial state: (label of the step that led here, state); the
    // first entry has no label.
    std::vector<std::pair<std::optional<typename Model::Label>, typename Model::State>> trace;
};

template <class Model>
struct Result {
    Stats stats;
    std::optional<Violation<Model>> violation;
};

namespace detail {

// Per-thread list of encoded states with their fingerprints. On its own cache lines: the
// threads push to their frontiers side by side in one vector, and sharing a line would make
// every push a trip between cores.
struct alignas(64) Frontier {
    std::string bytes;
    std::vector<std::uint64_t> offsets;  // offsets[k] .. offsets[k+1]
    std::vector<std::uint64_t> fps;
    Frontier() { offsets.push_back(0); }
    std::size_t size() const { return fps.size(); }
    void push(const std::string& encoded, std::uint64_t fp) {
        bytes += encoded;
        offsets.push_back(bytes.size());
        fps.push_back(fp);
    }
    std::string_view at(std::size_t k) const {
        return std::string_view(bytes).substr(offsets[k], offsets[k + 1] - offsets[k]);
    }
    std::uint64_t memory() const { return bytes.capacity() + (offsets.capacity() + fps.capacity()) * 8; }
};

// (fingerprint, parent fingerprint) of every new state, in a temporary file.
class ParentLog {
public:
    ParentLog() : file_(std::tmpfile()) {}
    ~ParentLog() {
        if (file_ != nullptr) std::fclose(file_);
    }
    ParentLog(const ParentLog&) = delete;
    ParentLog& operator=(const ParentLog&) = delete;
    bool ok() const { return file_ != nullptr; }
    void append(const std::vector<std::uint64_t>& pairs) {
        if (file_ == nullptr || pairs.empty()) return;
        std::lock_guard lock(mu_);
        std::fwrite(pairs.data(), sizeof(std::uint64_t), pairs.size(), file_);
    }
    std::unordered_map<std::uint64_t, std::uint64_t> read_all() {
        std::unordered_map<std::uint64_t, std::uint64_t> parents;
        if (file_ == nullptr) return parents;
        std::lock_guard lock(mu_);
        std::fflush(file_);
        std::rewind(file_);
        std::uint64_t pair[2];
        while (std::fread(pair, sizeof(std::uint64_t), 2, file_) == 2) parents.emplace(pair[0], pair[1]);
        std::fseek(file_, 0, SEEK_END);
        return parents;
    }

private:
    std::FILE* file_;
    std::mutex mu_;
};

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

inline std::string with_commas(std::uint64_t v) {
    const std::string digits = std::to_string(v);
    std::string out;
    for (std::size_t k = 0; k < digits.size(); ++k) {
        if (k > 0 && (digits.size() - k) % 3 == 0) out += ',';
        out += digits[k];
    }
    return out;
}

}  // namespace detail

template <class Model>
class Explorer {
public:
    using State = typename Model::State;
    using Label = typename Model::Label;

    Explorer(const Model& model, ExploreOptions options) : model_(model), options_(std::move(options)) {
        options_.threads = std::max(1u, options_.threads);
    }

    Result<Model> bfs();
    Result<Model> dfs();
    // `walks` random behaviours of at most `depth` steps each, from `seed`.
    Result<Model> simulate(std::uint64_t walks, std::uint64_t depth, std::uint64_t seed);

private:
    struct Found {
        std::string property;
        std::uint64_t parent_fp = 0;  // 0: the violating state is an initial state
        std::optional<Label> label;
        State state;
        std::uint64_t fp = 0;
    };

    // Checks a successor; returns the violated property's name, or nullptr.
    const char* check(const State* before, const State& after) const {
        if (const char* inv = model_.violated_invariant(after)) return inv;
        if (before != nullptr) {
            if (const char* step = model_.violated_step(*before, after)) return step;
        }
        return nullptr;
    }

    void report_progress(const Stats& s, std::uint64_t queue, std::chrono::steady_clock::time_point t0) const {
        if (!options_.progress) return;
        const double secs = detail::seconds_since(t0);
        char line[256];
        std::snprintf(line, sizeof line, "progress: %.1f s, %s distinct, %s generated, %s states/s, queue %s, depth %llu", secs,
                      detail::with_commas(s.distinct).c_str(), detail::with_commas(s.generated).c_str(),
                      detail::with_commas(static_cast<std::uint64_t>(s.distinct / std::max(secs, 1e-9))).c_str(),
                      detail::with_commas(queue).c_str(), static_cast<unsigned long long>(s.depth));
        options_.progress(line);
    }

    std::optional<Violation<Model>> rebuild(const Found& f, detail::ParentLog& parents) const;

    const Model& model_;
    ExploreOptions options_;
};

template <class Model>
Result<Model> Explorer<Model>::bfs() {
    const auto t0 = std::chrono::steady_clock::now();
    Result<Model> result;
    Stats& stats = result.stats;
    stats.threads = options_.threads;
    FingerprintSet visited;
    detail::ParentLog parents;
    std::vector<detail::Frontier> current(1);
    std::string scratch;
    std::optional<Found> found;

    for (const State& init : model_.initial_states()) {
        ++stats.generated;
        if (const char* bad = check(nullptr, init)) {
            found = Found{bad, 0, std::nullopt, init, model_.fingerprint(init, scratch)};
            break;
        }
        if (!model_.within_bounds(init)) continue;
        const std::uint64_t fp = model_.fingerprint(init, scratch);
        if (!visited.insert(fp)) continue;
        stats.sometimes_reached |= model_.sometimes_mask(init);
        parents.append({fp, 0});
        current[0].push(scratch, fp);
    }
    stats.distinct = visited.size();
    if (stats.distinct > 0) {
        stats.depth = 1;
        stats.level_sizes.push_back(stats.distinct);
    }

    std::atomic<std::uint64_t> generated{stats.generated};
    std::atomic<std::uint64_t> sometimes{stats.sometimes_reached};
    std::mutex found_mu;
    auto last_progress = std::chrono::steady_clock::now();

    // One level's work, shared by the workers. The threads live for the whole search and
    // meet at two barriers a level: starting a thread per level, and emptying each worker's
    // cache of seen fingerprints at every level, cost small levels most of their speed-up.
    const unsigned threads = options_.threads;
    // Each thread expands first the states it found itself (still in its caches), then helps
    // with the others' chunks: a cursor per chunk of the frontier.
    struct alignas(64) Cursor {
        std::atomic<std::uint64_t> next{0};
    };
    std::unique_ptr<Cursor[]> cursors;
    std::atomic<bool> stop_level{false};
    auto queued = [&] {
        std::uint64_t left = 0;
        for (std::size_t c = 0; c < current.size(); ++c) {
            const std::uint64_t taken = cursors[c].next.load(std::memory_order_relaxed);
            left += current[c].size() - std::min<std::uint64_t>(current[c].size(), taken);
        }
        return left;
    };
    std::vector<detail::Frontier> next;
    std::uint64_t frontier_bytes = 0;
    // Memory in use, estimated cheaply: 16 bytes per visited state (the set's worst case)
    // plus both frontiers.
    struct alignas(64) PerThreadBytes {  // a line each: written by one thread, read by all
        std::atomic<std::uint64_t> bytes{0};
    };
    std::vector<PerThreadBytes> next_bytes(threads);
    std::atomic<bool> out_of_memory{false};
    std::exception_ptr error;
    std::mutex error_mu;
    bool quit = false;
    auto publish_bytes = [&](unsigned t) {
        next_bytes[t].bytes.store(next[t].bytes.size() + 16 * next[t].size(), std::memory_order_relaxed);
    };
    // The visited set as the level began (stats.distinct) plus what each thread has added
    // since (16 bytes a state, counted in next_bytes): summing the set's shard counters here
    // would pull every shard's line away from the thread inserting into it.
    auto over_memory = [&] {
        if (options_.max_memory_bytes == 0) return false;
        std::uint64_t bytes = stats.distinct * 16 + frontier_bytes;
        for (const auto& b : next_bytes) bytes += b.bytes.load(std::memory_order_relaxed);
        return bytes > options_.max_memory_bytes;
    };
    // Most successors are states already seen (stutters, and the same state reached by
    // several actions or levels). A small direct-mapped cache per thread of fingerprints
    // already found in the visited set stays in L2 and spares most trips to the big table.
    // It only ever holds visited fingerprints, so a hit is always right, on any level.
    constexpr std::size_t kCacheSlots = std::size_t{1} << 13;
    std::vector<std::vector<std::uint64_t>> seen_caches(threads, std::vector<std::uint64_t>(kCacheSlots, 0));

    auto worker = [&](unsigned t) {
        std::string fp_scratch;
        std::vector<std::uint64_t> parent_pairs;
        std::uint64_t local_generated = 0;
        std::uint64_t local_sometimes = 0;
        std::vector<std::uint64_t>& seen_cache = seen_caches[t];
        // A state's successors within the bounds, encoded, waiting for their look-up.
        struct Pending {
            std::uint64_t fp = 0;
            std::string bytes;
            std::uint32_t index = 0;  // which successor, in generation order
        };
        std::vector<Pending> pending;
        // Expands state k of chunk c.
        auto expand = [&](std::size_t c, std::size_t k) {
            const State s = model_.decode(current[c].at(k));
            const std::uint64_t parent_fp = current[c].fps[k];
            auto report = [&](const char* bad, const Label& label, const State& succ) {
                std::lock_guard lock(found_mu);
                const std::uint64_t fp = model_.fingerprint(succ, fp_scratch);
                // Among violations of one level, keep the one with the smallest
                // fingerprint, whatever the thread timing.
                if (!found || fp < found->fp) found = Found{bad, parent_fp, label, succ, fp};
            };
            // Two passes. The first generates the successors and checks what needs the
            // successor itself: step properties, and the bounds (a state beyond them is
            // never stored, so its invariants are checked now). It encodes the others and
            // prefetches where their fingerprints will be looked up: those look-ups, in a
            // cache and a table far bigger than the CPU's caches, were a third of the
            // search's time when each waited for memory in turn.
            std::size_t waiting = 0;
            std::uint32_t index = 0;
            model_.for_each_successor(s, [&](const Label& label, State& succ) {
                const std::uint32_t this_index = index++;
                ++local_generated;
                // Every step is new, so step properties are checked on each; a state's
                // invariants only when it is new, or beyond the bounds.
                if (const char* bad = model_.violated_step(s, succ)) return report(bad, label, succ);
                if (!model_.within_bounds(succ)) {
                    if (const char* bad = model_.violated_invariant(succ)) report(bad, label, succ);
                    return;
                }
                if (waiting == pending.size()) pending.emplace_back();
                Pending& p = pending[waiting++];
                p.fp = model_.fingerprint(succ, p.bytes);
                p.index = this_index;
                __builtin_prefetch(&seen_cache[(p.fp >> 17) & (kCacheSlots - 1)]);
                visited.prefetch(p.fp);
            });
            // The second pass looks them up, in generation order. A new state's invariants
            // are checked on its decoding: under symmetry that is its class's canonical
            // member, and the invariants, like the reduction itself, do not depend on how
            // servers are named.
            for (std::size_t w = 0; w < waiting; ++w) {
                const Pending& p = pending[w];
                std::uint64_t& cached = seen_cache[(p.fp >> 17) & (kCacheSlots - 1)];
                if (cached == p.fp) continue;
                const bool fresh = visited.insert(p.fp);
                cached = p.fp;
                if (!fresh) continue;
                const State succ = model_.decode(p.bytes);
                if (model_.violated_invariant(succ) != nullptr) {
                    // Rare: report the successor as generated, with its action.
                    std::uint32_t again = 0;
                    bool reported = false;
                    model_.for_each_successor(s, [&](const Label& label, State& actual) {
                        if (again++ != p.index) return;
                        const char* bad = model_.violated_invariant(actual);
                        RAFT_ASSERT(bad != nullptr, "an invariant holds on a state and fails on its canonical member");
                        report(bad, label, actual);
                        reported = true;
                    });
                    RAFT_ASSERT(reported, "a state's successors are generated in the same order every time");
                    continue;
                }
                local_sometimes |= model_.sometimes_mask(succ);
                parent_pairs.push_back(p.fp);
                parent_pairs.push_back(parent_fp);
                next[t].push(p.bytes, p.fp);
            }
        };
        // After each batch: parent links out, the memory check, progress.
        std::uint64_t batches = 0;
        auto after_batch = [&] {
            ++batches;
            if (parent_pairs.size() > 8192) {
                parents.append(parent_pairs);
                parent_pairs.clear();
            }
            // Every 16 batches: often enough to stop in time, rarely enough that the
            // threads do not trade cache lines over it.
            if (batches % 16 == 0 && options_.max_memory_bytes != 0) {
                publish_bytes(t);
                if (over_memory()) {
                    out_of_memory = true;
                    stop_level = true;
                }
            }
            if (t == 0 && options_.progress_seconds > 0 && detail::seconds_since(last_progress) >= options_.progress_seconds) {
                last_progress = std::chrono::steady_clock::now();
                Stats snapshot = stats;
                snapshot.distinct = visited.size();
                snapshot.generated = generated.load() + local_generated;
                report_progress(snapshot, queued(), t0);
            }
        };
        constexpr std::uint64_t kBatch = 64;
        const std::size_t chunks = current.size();
        for (std::size_t step = 0; step < chunks; ++step) {
            const std::size_t c = (t + step) % chunks;  // its own chunk first
            const std::uint64_t size = current[c].size();
            while (!stop_level.load(std::memory_order_relaxed)) {
                const std::uint64_t begin = cursors[c].next.fetch_add(kBatch);
                if (begin >= size) break;
                const std::uint64_t end = std::min(size, begin + kBatch);
                for (std::uint64_t k = begin; k < end; ++k) expand(c, static_cast<std::size_t>(k));
                after_batch();
            }
        }
        parents.append(parent_pairs);
        generated.fetch_add(local_generated);
        sometimes.fetch_or(local_sometimes);
    };
    // A model may throw (a state outgrew a capacity): stop every worker, then rethrow
    // the first error on the calling thread.
    auto guarded = [&](unsigned t) {
        try {
            worker(t);
        } catch (...) {
            std::lock_guard lock(error_mu);
            if (!error) error = std::current_exception();
            stop_level = true;
        }
    };
    // The calling thread is worker 0; the others wait at level_start, work, and meet it
    // again at level_end.
    std::barrier level_start(static_cast<std::ptrdiff_t>(threads));
    std::barrier level_end(static_cast<std::ptrdiff_t>(threads));
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) {
        pool.emplace_back([&, t] {
            for (;;) {
                level_start.arrive_and_wait();
                if (quit) return;
                guarded(t);
                level_end.arrive_and_wait();
            }
        });
    }
    auto stop_pool = [&] {
        quit = true;
        if (!pool.empty()) level_start.arrive_and_wait();
        for (auto& th : pool) th.join();
        pool.clear();
    };

    constexpr std::uint64_t kMinStatesToShare = 256;
    while (!found) {
        std::uint64_t level_states = 0;
        for (const auto& f : current) level_states += f.size();
        if (level_states == 0) break;
        if (options_.max_depth != 0 && stats.depth >= options_.max_depth) break;
        frontier_bytes = 0;
        for (const auto& f : current) frontier_bytes += f.memory();
        stats.peak_frontier_bytes = std::max(stats.peak_frontier_bytes, frontier_bytes);

        cursors.reset(new Cursor[current.size()]);
        next.assign(threads, detail::Frontier());
        for (auto& b : next_bytes) b.bytes.store(0, std::memory_order_relaxed);
        // A level of a few batches is expanded by the calling thread alone: waking the pool
        // for it cost more than it saved, and made two threads slower than one on small
        // models (rows A-C of the TLC table, whose levels hold under a hundred states).
        const bool together = !pool.empty() && level_states >= kMinStatesToShare;
        if (together) level_start.arrive_and_wait();
        guarded(0);
        if (together) level_end.arrive_and_wait();
        if (error) {
            stop_pool();
            std::rethrow_exception(error);
        }
        // Also at every level's end: a level too small for the periodic check still counts.
        for (unsigned t = 0; t < threads; ++t) publish_bytes(t);
        if (over_memory()) out_of_memory = true;
        stats.generated = generated.load();
        stats.sometimes_reached = sometimes.load();
        if (out_of_memory) {
            stats.out_of_memory = true;
            stats.distinct = visited.size();
            break;
        }
        const std::uint64_t before = stats.distinct;
        stats.distinct = visited.size();
        if (stats.distinct > before) {
            ++stats.depth;
            stats.level_sizes.push_back(stats.distinct - before);
        }
        current = std::move(next);
    }
    stop_pool();
    stats.table_bytes = visited.memory_bytes();
    if (found && options_.threads > 1) {
        // Which parent a state was first reached from depends on thread timing; rebuild the
        // counterexample from a single-threaded search, so that the same run prints the same
        // trace every time. Same level, same (smallest-fingerprint) violating state.
        ExploreOptions single = options_;
        single.threads = 1;
        single.progress_seconds = 0;
        result.violation = Explorer<Model>(model_, single).bfs().violation;
    } else if (found) {
        result.violation = rebuild(*found, parents);
    }
    stats.seconds = detail::seconds_since(t0);
    return result;
}

template <class Model>
std::optional<Violation<Model>> Explorer<Model>::rebuild(const Found& f, detail::ParentLog& parents) const {
    Violation<Model> v;
    v.property = f.property;
    std::string scratch;
    if (f.parent_fp == 0 && !f.label) {
        v.trace.push_back({std::nullopt, f.state});
        return v;
    }
    // Fingerprints from the violating step's source back to an initial state.
    const auto parent_of = parents.read_all();
    std::vector<std::uint64_t> chain{f.parent_fp};
    for (;;) {
        const auto it = parent_of.find(chain.back());
        if (it == parent_of.end() || it->second == 0) break;
        chain.push_back(it->second);
    }
    std::reverse(chain.begin(), chain.end());
    // Replay: find the initial state, then at each step the successor with the next fingerprint.
    std::optional<State> cur;
    for (const State& init : model_.initial_states()) {
        if (model_.fingerprint(init, scratch) == chain.front()) cur = init;
    }
    if (!cur) return v;  // cannot happen unless the parent log was lost
    v.trace.push_back({std::nullopt, *cur});
    for (std::size_t k = 1; k < chain.size(); ++k) {
        std::optional<std::pair<Label, State>> step;
        model_.for_each_successor(*cur, [&](const Label& label, State& succ) {
            if (!step && model_.within_bounds(succ) && model_.fingerprint(succ, scratch) == chain[k]) step.emplace(label, succ);
        });
        if (!step) return v;
        v.trace.push_back({step->first, step->second});
        cur = step->second;
    }
    // The explorer expanded a state of cur's class, not necessarily cur itself (see
    // fingerprint): take cur's own successor of the violating state's class.
    std::optional<std::pair<Label, State>> last;
    model_.for_each_successor(*cur, [&](const Label& label, State& succ) {
        if (last || model_.fingerprint(succ, scratch) != f.fp) return;
        const char* bad = model_.violated_step(*cur, succ);
        if (bad == nullptr) bad = model_.violated_invariant(succ);
        if (bad != nullptr && f.property == bad) last.emplace(label, succ);
    });
    if (last) {
        v.trace.push_back({last->first, last->second});
    } else {
        v.trace.push_back({f.label, f.state});
    }
    return v;
}

template <class Model>
Result<Model> Explorer<Model>::dfs() {
    const auto t0 = std::chrono::steady_clock::now();
    Result<Model> result;
    Stats& stats = result.stats;
    FingerprintSet visited;
    std::string scratch, enc;
    // The DFS stack holds the path, so a violation's trace is the stack itself.
    struct Frame {
        std::optional<Label> label;
        State state;
        std::vector<std::pair<Label, State>> pending;
    };
    std::vector<Frame> stack;
    auto last_progress = std::chrono::steady_clock::now();
    auto fail = [&](const char* bad, std::optional<Label> label, const State& state) {
        Violation<Model> v;
        v.property = bad;
        for (const Frame& fr : stack) v.trace.push_back({fr.label, fr.state});
        v.trace.push_back({label, state});
        result.violation = v;
    };
    auto push = [&](std::optional<Label> label, const State& s) {
        Frame fr{label, s, {}};
        if (options_.max_depth == 0 || stack.size() + 1 < options_.max_depth) {
            model_.for_each_successor(s, [&](const Label& l, State& succ) { fr.pending.emplace_back(l, succ); });
            std::reverse(fr.pending.begin(), fr.pending.end());
        }
        stack.push_back(std::move(fr));
        stats.depth = std::max<std::uint64_t>(stats.depth, stack.size());
    };
    for (const State& init : model_.initial_states()) {
        ++stats.generated;
        if (const char* bad = check(nullptr, init)) {
            fail(bad, std::nullopt, init);
            break;
        }
        if (!model_.within_bounds(init) || !visited.insert(model_.fingerprint(init, scratch))) continue;
        stats.sometimes_reached |= model_.sometimes_mask(init);
        push(std::nullopt, init);
        while (!stack.empty() && !result.violation) {
            Frame& top = stack.back();
            if (top.pending.empty()) {
                stack.pop_back();
                continue;
            }
            auto [label, succ] = std::move(top.pending.back());
            top.pending.pop_back();
            ++stats.generated;
            const char* bad = model_.violated_step(top.state, succ);
            const bool in_bounds = model_.within_bounds(succ);
            const bool fresh = bad == nullptr && in_bounds && visited.insert(model_.fingerprint(succ, scratch));
            if (bad == nullptr && (fresh || !in_bounds)) bad = model_.violated_invariant(succ);
            if (bad != nullptr) {
                fail(bad, label, succ);
                break;
            }
            if (!fresh) continue;
            stats.sometimes_reached |= model_.sometimes_mask(succ);
            push(label, succ);
            if (options_.max_memory_bytes != 0 && (stats.generated & 1023) == 0 &&
                visited.size() * 16 + stack.size() * sizeof(Frame) * 8 > options_.max_memory_bytes) {
                stats.out_of_memory = true;
                break;
            }
            if (options_.progress_seconds > 0 && (stats.generated & 4095) == 0 &&
                detail::seconds_since(last_progress) >= options_.progress_seconds) {
                last_progress = std::chrono::steady_clock::now();
                stats.distinct = visited.size();
                report_progress(stats, stack.size(), t0);
            }
        }
        if (result.violation || stats.out_of_memory) break;
    }
    stats.distinct = visited.size();
    stats.table_bytes = visited.memory_bytes();
    stats.seconds = detail::seconds_since(t0);
    return result;
}

template <class Model>
Result<Model> Explorer<Model>::simulate(std::uint64_t walks, std::uint64_t depth, std::uint64_t seed) {
    const auto t0 = std::chrono::steady_clock::now();
    Result<Model> result;
    Stats& stats = result.stats;
    FingerprintSet visited;
    std::string scratch;
    std::uint64_t x = seed;
    auto rand_below = [&](std::uint64_t n) {
        // splitmix64: portable, so a seed means the same walks everywhere.
        std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return (z ^ (z >> 31)) % n;
    };
    const std::vector<State> inits = model_.initial_states();
    for (std::uint64_t w = 0; w < walks && !result.violation && !inits.empty(); ++w) {
        std::vector<std::pair<std::optional<Label>, State>> path;
        path.push_back({std::nullopt, inits[rand_below(inits.size())]});
        if (const char* bad = check(nullptr, path.back().second)) {
            result.violation = Violation<Model>{bad, path};
            break;
        }
        if (visited.insert(model_.fingerprint(path.back().second, scratch))) {
            stats.sometimes_reached |= model_.sometimes_mask(path.back().second);
        }
        for (std::uint64_t d = 1; d < depth; ++d) {
            std::vector<std::pair<Label, State>> succs;
            const State& cur = path.back().second;
            model_.for_each_successor(cur, [&](const Label& l, State& s) {
                ++stats.generated;
                succs.emplace_back(l, s);
            });
            std::vector<std::size_t> allowed;
            for (std::size_t k = 0; k < succs.size(); ++k) {
                if (const char* bad = check(&cur, succs[k].second)) {
                    path.push_back({succs[k].first, succs[k].second});
                    result.violation = Violation<Model>{bad, path};
                    break;
                }
                if (model_.within_bounds(succs[k].second)) allowed.push_back(k);
            }
            if (result.violation || allowed.empty()) break;
            auto& [label, next] = succs[allowed[rand_below(allowed.size())]];
            path.push_back({label, next});
            if (visited.insert(model_.fingerprint(next, scratch))) stats.sometimes_reached |= model_.sometimes_mask(next);
            stats.depth = std::max<std::uint64_t>(stats.depth, path.size());
        }
    }
    stats.distinct = visited.size();
    stats.seconds = detail::seconds_since(t0);
    return result;
}

}  // namespace checker
