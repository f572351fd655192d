#pragma once
// The 6.824 2D tester's own snapshot (config.go's applierSnap and ingestSnap): the index of
// the last applied entry and every command applied up to it. The tester is the "service" of
// the 2A-2D scenarios, so this is what it hands to CompactLog and what it reads back from
// apply_snapshot; the key/value service has its own (kv/snapshot.hpp).
//
// Encoding: "<index> " then per command (indices 1..index) "<length> <bytes>".

#include <optional>
#include <string>
#include <vector>

#include "raft/log.hpp"

namespace sim {

// config.go's SnapShotInterval: the tester snapshots after applying index k when (k+1) is a
// multiple of it.
inline constexpr std::uint64_t kSnapshotInterval = 10;

struct TesterSnapshot {
    raft::LogIndex index;
    std::vector<raft::Command> commands;  // commands[k] was applied at index k+1
};

// REQUIRES: commands.size() >= index.
std::string encode_tester_snapshot(raft::LogIndex index, const std::vector<raft::Command>& commands);
// Nothing unless `data` is exactly what encode_tester_snapshot() produces.
std::optional<TesterSnapshot> decode_tester_snapshot(const std::string& data);

}  // namespace sim
