#pragma once
// LINCHECK_ASSERT guards what the checker relies on, never what a history file can get wrong
// (that is a HistoryProblem or a HistoryError): a failed assertion is a bug in lincheck, so it
// is always on and aborts with the reason and the place. lincheck/ depends on nothing else in
// the project, hence its own macro rather than raft/assert.hpp's.

#include <cstdio>
#include <cstdlib>

namespace lincheck::detail {
[[noreturn]] inline void assert_failed(const char* cond, const char* why, const char* file, int line) {
    std::fprintf(stderr, "%s:%d: assertion failed: %s (%s)\n", file, line, cond, why);
    std::abort();
}
}  // namespace lincheck::detail

#define LINCHECK_ASSERT(cond, why) \
    ((cond) ? static_cast<void>(0) : ::lincheck::detail::assert_failed(#cond, why, __FILE__, __LINE__))
