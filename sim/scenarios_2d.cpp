// 6.824 lab 2D: log compaction. The tester's applier snapshots every kSnapshotInterval applied
// entries (Lab with snapshots on: sim/tester_snapshot.hpp), so every scenario here runs with
// compacted logs; the cluster checks on every snapshot handed up that it matches its index
// and never moves the applier back, and on every entry applied after it that it comes next
// and agrees with every other server (config.go's ingestSnap and checkLogs).

#include "sim/scenarios.hpp"
#include "sim/tester_snapshot.hpp"

namespace sim {
namespace {

// test_test.go's MAXLOGSIZE: the bound on any server's persisted raft state while it
// snapshots every 10 entries.
constexpr std::size_t kMaxLogSizeBytes = 2000;

std::string num(std::uint64_t v) { return std::to_string(v); }

// Crash every server, then restart and reconnect them all: each comes back from its
// snapshot and the log after it.
void crash_and_revive_all(Lab& cfg) {
    for (std::uint32_t i = 0; i < cfg.servers(); ++i) cfg.crash1(i);
    for (std::uint32_t i = 0; i < cfg.servers(); ++i) {
        cfg.start1(i);
        cfg.connect(i);
    }
}

// test_test.go's snapcommon: 30 rounds, each cutting off (or crashing) a follower or the
// leader, starting 5 to 14 commands at a server that may lead, waiting for one more to be
// agreed, checking the log size, and bringing the victim back, which may need the leader's
// snapshot to catch up.
void snapcommon(std::uint64_t seed, const LabOptions& options, bool disconnect, bool reliable, bool crash) {
    const int iters = 30;
    const std::uint32_t servers = 3;
    Lab cfg(servers, seed, !reliable, options, true);
    Rng& rng = cfg.rng();

    cfg.one(random_command(rng), servers, true);
    std::uint32_t leader1 = cfg.check_one_leader();

    for (int i = 0; i < iters; ++i) {
        std::uint32_t victim = (leader1 + 1) % servers;
        std::uint32_t sender = leader1;
        if (i % 3 == 1) {
            sender = (leader1 + 1) % servers;
            victim = leader1;
        }
        if (disconnect) {
            cfg.disconnect(victim);
            cfg.one(random_command(rng), servers - 1, true);
        }
        if (crash) {
            cfg.crash1(victim);
            cfg.one(random_command(rng), servers - 1, true);
        }

        // Perhaps send enough to get a snapshot.
        const std::uint64_t nn = kSnapshotInterval / 2 + rng.below(kSnapshotInterval);
        for (std::uint64_t k = 0; k < nn; ++k) cfg.start(sender, random_command(rng));

        // Let the appliers catch up with the Start()s. Without faults every follower catches
        // up here, so that SnapshotBasic needs no InstallSnapshot.
        cfg.one(random_command(rng), disconnect || crash ? servers - 1 : servers, true);

        if (cfg.log_size() >= kMaxLogSizeBytes) cfg.fail("Log size too large (" + num(cfg.log_size()) + " bytes)");
        if (disconnect) {
            // Reconnect a follower, which may be behind and need a snapshot to catch up.
            cfg.connect(victim);
            cfg.one(random_command(rng), servers, true);
            leader1 = cfg.check_one_leader();
        }
        if (crash) {
            cfg.start1(victim);
            cfg.connect(victim);
            cfg.one(random_command(rng), servers, true);
            leader1 = cfg.check_one_leader();
        }
    }
}

}  // namespace

void snapshot_basic(std::uint64_t seed, const LabOptions& o) { snapcommon(seed, o, false, true, false); }
void snapshot_install(std::uint64_t seed, const LabOptions& o) { snapcommon(seed, o, true, true, false); }
void snapshot_install_unreliable(std::uint64_t seed, const LabOptions& o) { snapcommon(seed, o, true, false, false); }
void snapshot_install_crash(std::uint64_t seed, const LabOptions& o) { snapcommon(seed, o, false, true, true); }
void snapshot_install_uncrash(std::uint64_t seed, const LabOptions& o) { snapcommon(seed, o, false, false, true); }

// Do the servers persist their snapshots, and restart from the snapshot and the log after it?
// After every crash of all servers, the next command lands past everything agreed before.
void snapshot_all_crash(std::uint64_t seed, const LabOptions& options) {
    const std::uint32_t servers = 3;
    const int iters = 5;
    Lab cfg(servers, seed, false, options, true);
    Rng& rng = cfg.rng();
    cfg.one(random_command(rng), servers, true);
    for (int i = 0; i < iters; ++i) {
        // Perhaps enough to get a snapshot.
        const std::uint64_t nn = kSnapshotInterval / 2 + rng.below(kSnapshotInterval);
        for (std::uint64_t k = 0; k < nn; ++k) cfg.one(random_command(rng), servers, true);
        const std::uint64_t index1 = cfg.one(random_command(rng), servers, true);
        crash_and_revive_all(cfg);
        const std::uint64_t index2 = cfg.one(random_command(rng), servers, true);
        if (index2 < index1 + 1) cfg.fail("index decreased from " + num(index1) + " to " + num(index2));
    }
}

// Do servers initialize their in-memory copy of the snapshot on restart, so that later writes
// to stable storage do not lose it? Two rounds of crashing everyone, with one write between.
void snapshot_init(std::uint64_t seed, const LabOptions& options) {
    const std::uint32_t servers = 3;
    Lab cfg(servers, seed, false, options, true);
    Rng& rng = cfg.rng();
    cfg.one(random_command(rng), servers, true);
    // Enough ops to make a snapshot.
    for (std::uint64_t k = 0; k < kSnapshotInterval + 1; ++k) cfg.one(random_command(rng), servers, true);
    crash_and_revive_all(cfg);
    // A single op, to get something written back to stable storage.
    cfg.one(random_command(rng), servers, true);
    crash_and_revive_all(cfg);
    // Another op, to trigger a potential bug.
    cfg.one(random_command(rng), servers, true);
}

}  // namespace sim
