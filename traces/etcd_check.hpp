#pragma once
// Validates an etcd-io/raft trace file: reads it (etcd_reader), translates each event into
// the spec's vocabulary (etcd_translator) and checks the result against the raft model with
// etcd's options (validator), up to the first event the spec does not model.

#include <cstdint>
#include <optional>
#include <string>

#include "traces/validator.hpp"

namespace traces {

struct EtcdCheck {
    bool ok = true;                    // no event of the checked part is a violation
    std::uint64_t etcd_events = 0;     // in the file
    std::uint64_t checked = 0;         // of which checked (all, unless `beyond` says why not)
    std::uint64_t checked_through_line = 0;
    std::optional<std::string> beyond;  // where and why checking stopped short of the end
    std::uint32_t servers = 0;
    ValidatorStats stats;
    std::optional<Failure> failure;
};

// The validator options with etcd's extensions of the spec switched on.
ValidatorOptions etcd_options(ValidatorOptions base = {});

// Throws TraceError for a file that cannot be read as an etcd trace.
EtcdCheck check_etcd_trace(const std::string& path, const ValidatorOptions& options = etcd_options());

}  // namespace traces
