// 6.824 lab 2B: log replication.

#include "sim/scenarios.hpp"

namespace sim {
namespace {

std::string num(std::uint64_t v) { return std::to_string(v); }

std::string random_string(Rng& rng, std::size_t n) {
    static constexpr char kAlphabet[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    std::string s(n, ' ');
    for (char& c : s) c = kAlphabet[rng.below(sizeof(kAlphabet) - 1)];
    return s;
}

}  // namespace

void basic_agree(std::uint64_t seed, const LabOptions& options) {
    const std::uint32_t servers = 5;
    Lab cfg(servers, seed, false, options);
    for (std::uint64_t index = 1; index < 4; ++index) {
        const auto [nd, cmd] = cfg.n_committed(index);
        if (nd > 0) cfg.fail("some have committed before Start()");
        const std::uint64_t xindex = cfg.one(num(index * 100), servers, false);
        if (xindex != index) cfg.fail("got index " + num(xindex) + " but expected " + num(index));
    }
}

// Each command should be sent to each peer just once.
void rpc_bytes(std::uint64_t seed, const LabOptions& options) {
    const std::uint32_t servers = 3;
    Lab cfg(servers, seed, false, options);
    cfg.one("99", servers, false);
    const std::uint64_t bytes0 = cfg.bytes_total();
    std::uint64_t sent = 0;
    for (std::uint64_t index = 2; index < 12; ++index) {
        const std::string cmd = random_string(cfg.rng(), 5000);
        const std::uint64_t xindex = cfg.one(cmd, servers, false);
        if (xindex != index) cfg.fail("got index " + num(xindex) + " but expected " + num(index));
        sent += cmd.size();
    }
    const std::uint64_t got = cfg.bytes_total() - bytes0;
    const std::uint64_t expected = servers * sent;
    if (got > expected + 50000) cfg.fail("too many RPC bytes; got " + num(got) + ", expected " + num(expected));
}

// Progressive failure of followers.
void follower_failure(std::uint64_t seed, const LabOptions& options) {
    const std::uint32_t servers = 3;
    Lab cfg(servers, seed, false, options);
    cfg.one("101", servers, false);
    // Disconnect one follower from the network.
    const std::uint32_t leader1 = cfg.check_one_leader();
    cfg.disconnect((leader1 + 1) % servers);
    // The leader and remaining follower should be able to agree despite the disconnection.
    cfg.one("102", servers - 1, false);
    cfg.sleep(kRaftElectionTimeoutMs);
    cfg.one("103", servers - 1, false);
    // Disconnect the remaining follower.
    const std::uint32_t leader2 = cfg.check_one_leader();
    cfg.disconnect((leader2 + 1) % servers);
    cfg.disconnect((leader2 + 2) % servers);
    // Submit a command.
    const Cluster::StartResult r = cfg.start(leader2, "104");
    if (!r.index) cfg.fail("leader rejected Start()");
    if (r.index->value != 4) cfg.fail("expected index 4, got " + raft::to_string(*r.index));
    cfg.sleep(2 * kRaftElectionTimeoutMs);
    // Check that command 104 did not commit.
    const auto [n, cmd] = cfg.n_committed(r.index->value);
    if (n > 0) cfg.fail(num(n) + " committed but no majority");
}

// Failure of leaders.
void leader_failure(std::uint64_t seed, const LabOptions& options) {
    const std::uint32_t servers = 3;
    Lab cfg(servers, seed, false, options);
    cfg.one("101", servers, false);
    // Disconnect the first leader.
    const std::uint32_t leader1 = cfg.check_one_leader();
    cfg.disconnect(leader1);
    // The remaining followers should elect a new leader.
    cfg.one("102", servers - 1, false);
    cfg.sleep(kRaftElectionTimeoutMs);
    cfg.one("103", servers - 1, false);
    // Disconnect the new leader.
    const std::uint32_t leader2 = cfg.check_one_leader();
    cfg.disconnect(leader2);
    // Submit a command to each server.
    for (std::uint32_t i = 0; i < servers; ++i) cfg.start(i, "104");
    cfg.sleep(2 * kRaftElectionTimeoutMs);
    // Check that command 104 did not commit.
    const auto [n, cmd] = cfg.n_committed(4);
    if (n > 0) cfg.fail(num(n) + " committed but no majority");
}

// A follower participates after disconnect and re-connect.
void fail_agree(std::uint64_t seed, const LabOptions& options) {
    const std::uint32_t servers = 3;
    Lab cfg(servers, seed, false, options);
    cfg.one("101", servers, false);
    // Disconnect one follower from the network.
    const std::uint32_t leader = cfg.check_one_leader();
    cfg.disconnect((leader + 1) % servers);
    // The leader and remaining follower should be able to agree despite the disconnection.
    cfg.one("102", servers - 1, false);
    cfg.one("103", servers - 1, false);
    cfg.sleep(kRaftElectionTimeoutMs);
    cfg.one("104", servers - 1, false);
    cfg.one("105", servers - 1, false);
    // Re-connect.
    cfg.connect((leader + 1) % servers);
    // The full set of servers should preserve previous agreements, and be able to agree on
    // new commands.
    cfg.one("106", servers, true);
    cfg.sleep(kRaftElectionTimeoutMs);
    cfg.one("107", servers, true);
}

// No agreement if too many followers disconnect.
void fail_no_agree(std::uint64_t seed, const LabOptions& options) {
    const std::uint32_t servers = 5;
    Lab cfg(servers, seed, false, options);
    cfg.one("10", servers, false);
    // 3 of 5 followers disconnect.
    const std::uint32_t leader = cfg.check_one_leader();
    cfg.disconnect((leader + 1) % servers);
    cfg.disconnect((leader + 2) % servers);
    cfg.disconnect((leader + 3) % servers);
    const Cluster::StartResult r = cfg.start(leader, "20");
    if (!r.index) cfg.fail("leader rejected Start()");
    if (r.index->value != 2) cfg.fail("expected index 2, got " + raft::to_string(*r.index));
    cfg.sleep(2 * kRaftElectionTimeoutMs);
    const auto [n, cmd] = cfg.n_committed(r.index->value);
    if (n > 0) cfg.fail(num(n) + " committed but no majority");
    // Repair.
    cfg.connect((leader + 1) % servers);
    cfg.connect((leader + 2) % servers);
    cfg.connect((leader + 3) % servers);
    // The disconnected majority may have chosen a leader from among their own ranks,
    // forgetting index 2.
    const std::uint32_t leader2 = cfg.check_one_leader();
    const Cluster::StartResult r2 = cfg.start(leader2, "30");
    if (!r2.index) cfg.fail("leader2 rejected Start()");
    if (r2.index->value < 2 || r2.index->value > 3) cfg.fail("unexpected index " + raft::to_string(*r2.index));
    cfg.one("1000", servers, true);
}

void concurrent_starts(std::uint64_t seed, const LabOptions& options) {
    const std::uint32_t servers = 3;
    Lab cfg(servers, seed, false, options);
    bool success = false;
    for (int attempt = 0; attempt < 5 && !success; ++attempt) {
        if (attempt > 0) cfg.sleep(3000);  // give solution some time to settle
        const std::uint32_t leader = cfg.check_one_leader();
        const Cluster::StartResult first = cfg.start(leader, "1");
        if (!first.index) continue;  // leader moved on really quickly
        const raft::Term term = first.term;
        // Five "concurrent" Starts: in virtual time they happen at the same instant.
        std::vector<std::uint64_t> indices;
        for (int i = 0; i < 5; ++i) {
            const Cluster::StartResult r = cfg.start(leader, num(100 + i));
            if (!r.index || r.term != term) continue;
            indices.push_back(r.index->value);
        }
        bool term_moved = false;
        for (std::uint32_t j = 0; j < servers; ++j) term_moved |= cfg.get_state(j).first != term;
        if (term_moved) continue;  // term changed: can't expect low RPC counts
        bool failed = false;
        std::vector<std::string> cmds;
        for (std::uint64_t index : indices) {
            const std::optional<raft::Command> cmd = cfg.wait(index, servers, term);
            if (!cmd) {  // peers have moved on to later terms
                failed = true;
                break;
            }
            cmds.push_back(*cmd);
        }
        if (failed) continue;
        for (int i = 0; i < 5; ++i) {
            const std::string x = num(100 + i);
            bool ok = false;
            for (const std::string& c : cmds) ok |= c == x;
            if (!ok) cfg.fail("cmd " + x + " missing");
        }
        success = true;
    }
    if (!success) cfg.fail("term changed too often");
}

// A leader that was partitioned away rejoins; conflicting entries are rolled back.
void rejoin(std::uint64_t seed, const LabOptions& options) {
    const std::uint32_t servers = 3;
    Lab cfg(servers, seed, false, options);
    cfg.one("101", servers, true);
    // Leader network failure.
    const std::uint32_t leader1 = cfg.check_one_leader();
    cfg.disconnect(leader1);
    // Make old leader try to agree on some entries.
    cfg.start(leader1, "102");
    cfg.start(leader1, "103");
    cfg.start(leader1, "104");
    // New leader commits, also for index=2.
    cfg.one("103", 2, true);
    // New leader network failure.
    const std::uint32_t leader2 = cfg.check_one_leader();
    cfg.disconnect(leader2);
    // Old leader connected again.
    cfg.connect(leader1);
    cfg.one("104", 2, true);
    // All together now.
    cfg.connect(leader2);
    cfg.one("105", servers, true);
}

// A leader backs up quickly over incorrect follower logs.
void backup(std::uint64_t seed, const LabOptions& options) {
    const std::uint32_t servers = 5;
    Lab cfg(servers, seed, false, options);
    Rng& rng = cfg.rng();
    cfg.one(random_command(rng), servers, true);
    // Put leader and one follower in a partition.
    const std::uint32_t leader1 = cfg.check_one_leader();
    cfg.disconnect((leader1 + 2) % servers);
    cfg.disconnect((leader1 + 3) % servers);
    cfg.disconnect((leader1 + 4) % servers);
    // Submit lots of commands that won't commit.
    for (int i = 0; i < 50; ++i) cfg.start(leader1, random_command(rng));
    cfg.sleep(kRaftElectionTimeoutMs / 2);
    cfg.disconnect((leader1 + 0) % servers);
    cfg.disconnect((leader1 + 1) % servers);
    // Allow other partition to recover.
    cfg.connect((leader1 + 2) % servers);
    cfg.connect((leader1 + 3) % servers);
    cfg.connect((leader1 + 4) % servers);
    // Lots of successful commands to new group.
    for (int i = 0; i < 50; ++i) cfg.one(random_command(rng), 3, true);
    // Now another partitioned leader and one follower.
    const std::uint32_t leader2 = cfg.check_one_leader();
    std::uint32_t other = (leader1 + 2) % servers;
    if (leader2 == other) other = (leader2 + 1) % servers;
    cfg.disconnect(other);
    // Lots more commands that won't commit.
    for (int i = 0; i < 50; ++i) cfg.start(leader2, random_command(rng));
    cfg.sleep(kRaftElectionTimeoutMs / 2);
    // Bring original leader back to life.
    for (std::uint32_t i = 0; i < servers; ++i) cfg.disconnect(i);
    cfg.connect((leader1 + 0) % servers);
    cfg.connect((leader1 + 1) % servers);
    cfg.connect(other);
    // Lots of successful commands to new group.
    for (int i = 0; i < 50; ++i) cfg.one(random_command(rng), 3, true);
    // Now everyone.
    for (std::uint32_t i = 0; i < servers; ++i) cfg.connect(i);
    cfg.one(random_command(rng), servers, true);
}

// RPC budgets: an election, ten agreements, and a second of idleness.
void count(std::uint64_t seed, const LabOptions& options) {
    const std::uint32_t servers = 3;
    Lab cfg(servers, seed, false, options);
    cfg.check_one_leader();
    std::uint64_t total1 = cfg.rpc_count();
    if (total1 > 30 || total1 < 1) cfg.fail("too many or few RPCs (" + num(total1) + ") to elect initial leader");

    std::uint64_t total2 = 0;
    bool success = false;
    for (int attempt = 0; attempt < 5 && !success; ++attempt) {
        if (attempt > 0) cfg.sleep(3000);  // give solution some time to settle
        const std::uint32_t leader = cfg.check_one_leader();
        total1 = cfg.rpc_count();
        const int iters = 10;
        const Cluster::StartResult first = cfg.start(leader, "1");
        if (!first.index) continue;  // leader moved on really quickly
        const raft::Term term = first.term;
        std::vector<std::string> cmds;
        bool restart = false;
        for (int i = 1; i < iters + 2; ++i) {
            const std::string x = random_command(cfg.rng());
            cmds.push_back(x);
            const Cluster::StartResult r = cfg.start(leader, x);
            if (r.term != term || !r.index) {  // term changed, or no longer leader
                restart = true;
                break;
            }
            if (first.index->value + static_cast<std::uint64_t>(i) != r.index->value) cfg.fail("Start() failed");
        }
        if (restart) continue;
        for (int i = 1; i < iters + 1 && !restart; ++i) {
            const std::optional<raft::Command> cmd = cfg.wait(first.index->value + static_cast<std::uint64_t>(i), servers, term);
            if (!cmd) {  // term changed -- try again
                restart = true;
            } else if (*cmd != cmds[static_cast<std::size_t>(i - 1)]) {
                cfg.fail("wrong value " + *cmd + " committed for index " + num(first.index->value + static_cast<std::uint64_t>(i)) +
                         "; expected " + cmds[static_cast<std::size_t>(i - 1)]);
            }
        }
        if (restart) continue;
        bool failed = false;
        for (std::uint32_t j = 0; j < servers; ++j) failed |= cfg.get_state(j).first != term;
        if (failed) continue;
        total2 = cfg.rpc_count();
        if (total2 - total1 > static_cast<std::uint64_t>((iters + 1 + 3) * 3)) {
            cfg.fail("too many RPCs (" + num(total2 - total1) + ") for " + num(iters) + " entries");
        }
        success = true;
    }
    if (!success) cfg.fail("term changed too often");

    cfg.sleep(kRaftElectionTimeoutMs);
    const std::uint64_t total3 = cfg.rpc_count();
    if (total3 - total2 > 3 * 20) cfg.fail("too many RPCs (" + num(total3 - total2) + ") for 1 second of idleness");
}

}  // namespace sim
