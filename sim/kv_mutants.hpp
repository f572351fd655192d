#pragma once
// Planted bugs in the key/value service, as test-only variants outside kv/: each is a hook
// the harness offers (KvLabOptions::apply, KvLabOptions::request_hook), so the production
// code stays as it is and the same scenarios run with the bug in.

#include <optional>
#include <string_view>
#include <vector>

#include "sim/kv_lab.hpp"

namespace sim {

enum class KvBug {
    // The state machine executes every committed Op, retries included: a retried Append
    // whose first attempt committed is applied twice.
    kNoDedup,
    // A server that believes it leads answers a Get from its own store at once, without
    // putting it through the log: a deposed leader that has not heard of its successor serves
    // stale values.
    kLocalReadByLeader,
};

struct KvBugInfo {
    KvBug bug;
    const char* name;
    const char* what;
};
const std::vector<KvBugInfo>& all_kv_bugs();
std::optional<KvBug> find_kv_bug(std::string_view name);

// Installs `bug` into the options of a KvLab.
void plant_kv_bug(KvBug bug, KvLabOptions& options);

}  // namespace sim
