// How fast traces are written and read: formats N synthetic events that carry full observed
// state (no whole log), the shape a recorder of a 3-node cluster writes, into a temporary
// file, then reads them back with TraceReader. Prints events/s and MB/s for each half.
//
//   trace_parse_bench [N]     (default 1000000)

#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>
#include <algorithm>

#include "traces/ndjson.hpp"
#include "traces/reader.hpp"

namespace {

using traces::ActionKind;
using traces::Event;
using traces::Message;
using traces::MsgType;

constexpr std::uint32_t kServers = 3;

// Event k of a steady replication pattern: a leader's AppendEntries, the follower handling
// it and replying, the leader handling the reply, with a client request now and then.
Event synthetic_event(std::uint64_t k) {
    const std::uint64_t term = 2 + k / 100000;
    const std::uint64_t index = 1 + k / 4;
    const std::uint32_t leader = 1;
    const std::uint32_t follower = 2 + static_cast<std::uint32_t>(k / 4 % 2);
    Event e;
    e.clock = k + 1;
    e.observed.term = term;
    e.observed.voted_for.emplace(leader);
    e.observed.commit_index = index - 1;
    e.observed.log_length = index;
    e.observed.last_log_term = term;
    Message request;
    request.type = MsgType::kAppendEntriesRequest;
    request.from = leader;
    request.to = follower;
    request.term = term;
    request.prev_log_index = index - 1;
    request.prev_log_term = term;
    request.entries = {{term, "set key" + std::to_string(index % 1000) + " value" + std::to_string(index)}};
    request.commit_index = index - 1;
    Message response;
    response.type = MsgType::kAppendEntriesResponse;
    response.from = follower;
    response.to = leader;
    response.term = term;
    response.success = true;
    response.match_index = index;
    switch (k % 4) {
        case 0:
            e.action = ActionKind::kClientRequest;
            e.node = leader;
            e.value = request.entries[0].value;
            e.observed.role = traces::Role::kLeader;
            break;
        case 1:
            e.action = ActionKind::kAppendEntries;
            e.node = leader;
            e.message = request;
            e.observed.role = traces::Role::kLeader;
            break;
        case 2:
            e.action = ActionKind::kHandleAppendEntriesRequest;
            e.node = follower;
            e.message = request;
            e.reply = response;
            e.observed.role = traces::Role::kFollower;
            break;
        default:
            e.action = ActionKind::kHandleAppendEntriesResponse;
            e.node = leader;
            e.message = response;
            e.observed.role = traces::Role::kLeader;
            break;
    }
    return e;
}

// Wall time, and this thread's CPU time: on a shared machine the CPU time shows what the
// code costs when it is not waiting for a core.
struct Stopwatch {
    std::chrono::steady_clock::time_point wall_start = std::chrono::steady_clock::now();
    double cpu_start = cpu_now();

    static double cpu_now() {
        timespec ts{};
        ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
    }
    double wall() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count(); }
    double cpu() const { return cpu_now() - cpu_start; }
};

void report(const char* what, std::uint64_t events, std::uint64_t bytes, const Stopwatch& watch) {
    const double wall = watch.wall();
    const double cpu = watch.cpu();
    const auto per_second = [events](double s) { return static_cast<double>(events) / s; };
    std::printf("%-6s %9llu events  %10.0f events/s  %7.1f MB/s  %5.0f ns/event   (CPU time: %10.0f events/s, %5.0f ns/event)\n",
                what, static_cast<unsigned long long>(events), per_second(wall), static_cast<double>(bytes) / wall / 1e6,
                wall * 1e9 / static_cast<double>(events), per_second(cpu), cpu * 1e9 / static_cast<double>(events));
}

}  // namespace

int main(int argc, char** argv) {
    const std::uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
    char path[] = "/tmp/trace_parse_bench_XXXXXX";
    const int fd = ::mkstemp(path);
    if (fd < 0) {
        std::perror("mkstemp");
        return 1;
    }
    ::close(fd);

    std::uint64_t bytes = 0;
    {
        std::ofstream out(path, std::ios::binary);
        std::string line;
        Event init;
        init.action = ActionKind::kInit;
        init.servers = kServers;
        init.clock = 0;
        line = traces::format_event(init) + "\n";
        out << line;
        bytes += line.size();
        const Stopwatch watch;
        for (std::uint64_t k = 0; k < n; ++k) {
            const Event e = synthetic_event(k);  // building the event is part of a recorder's cost too
            line.clear();
            traces::append_event(e, line);
            line += '\n';
            out.write(line.data(), static_cast<std::streamsize>(line.size()));
            bytes += line.size();
        }
        out.flush();
        report("write", n, bytes, watch);
    }
    std::printf("       %.0f bytes/line on average\n", static_cast<double>(bytes) / static_cast<double>(n + 1));

    // Formatting and parsing alone, in memory: what the format layer costs without I/O.
    std::vector<Event> sample;
    for (std::uint64_t k = 0; k < 1000; ++k) sample.push_back(synthetic_event(k));
    const std::uint64_t rounds = std::max<std::uint64_t>(1, n / sample.size());
    {
        std::string line;
        std::uint64_t line_bytes = 0;
        const Stopwatch watch;
        for (std::uint64_t r = 0; r < rounds; ++r) {
            for (const Event& e : sample) {
                line.clear();
                traces::append_event(e, line);
                line_bytes += line.size();
            }
        }
        report("format", rounds * sample.size(), line_bytes, watch);
    }
    {
        std::vector<std::string> lines;
        for (const Event& e : sample) lines.push_back(traces::format_event(e));
        std::uint64_t line_bytes = 0;
        for (const std::string& l : lines) line_bytes += l.size();
        traces::EventParser parser;
        const std::string file = "memory";
        std::uint64_t sum = 0;
        const Stopwatch watch;
        for (std::uint64_t r = 0; r < rounds; ++r) {
            for (std::size_t k = 0; k < lines.size(); ++k) sum += parser.parse(lines[k], file, k + 1, kServers).node;
        }
        report("parse", rounds * lines.size(), rounds * line_bytes, watch);
        if (sum == 0) return 1;
    }

    std::uint64_t events = 0;
    std::uint64_t checksum = 0;  // uses what was read, so that nothing is optimized away
    const Stopwatch watch;
    try {
        traces::TraceReader reader({path});
        while (const std::optional<Event> e = reader.next()) {
            ++events;
            checksum += e->clock.value_or(0) + e->observed.term.value_or(0);
        }
    } catch (const traces::TraceError& err) {
        std::fprintf(stderr, "%s\n", err.what());
        ::unlink(path);
        return 1;
    }
    report("read", events, bytes, watch);
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    // Reading streams: the peak stays flat however long the trace (ru_maxrss is in KiB).
    std::printf("       checksum %llu, peak resident memory %.1f MiB\n", static_cast<unsigned long long>(checksum),
                static_cast<double>(usage.ru_maxrss) / 1024.0);
    ::unlink(path);
    return events == n + 1 ? 0 : 1;
}
