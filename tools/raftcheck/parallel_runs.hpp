#pragma once
// Runs body(k) for every k in [0, count) on `jobs` threads, each taking the next k as it
// becomes free. The runs must share nothing (each owns its simulation): results go to slot k
// of a vector the caller sized, so their order never depends on the threads.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace raftcheck {

template <class Body>
void run_parallel(std::size_t count, unsigned jobs, Body&& body) {
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        for (std::size_t k = next++; k < count; k = next++) body(k);
    };
    std::vector<std::thread> threads;
    for (unsigned j = 0; j < std::max(1u, jobs); ++j) threads.emplace_back(worker);
    for (std::thread& t : threads) t.join();
}

}  // namespace raftcheck
