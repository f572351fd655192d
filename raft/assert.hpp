#pragma once
// RAFT_ASSERT guards what the program relies on, never what a user can get wrong: a failed
// assertion is a bug in raftcheck, so it is always on (also with NDEBUG) and it aborts with
// the reason and the place.

#include <cstdio>
#include <cstdlib>

namespace raft::detail {
[[noreturn]] inline void assert_failed(const char* cond, const char* why, const char* file, int line) {
    std::fprintf(stderr, "%s:%d: assertion failed: %s (%s)\n", file, line, cond, why);
    std::abort();
}
}  // namespace raft::detail

#define RAFT_ASSERT(cond, why) \
    ((cond) ? static_cast<void>(0) : ::raft::detail::assert_failed(#cond, why, __FILE__, __LINE__))
