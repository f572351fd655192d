#pragma once
// Records a simulated cluster's run as a trace: plugs a Recorder into sim::Cluster's
// observer hook. Header-only so that traces/ itself does not depend on the simulator.

#include <ostream>
#include <string>

#include "sim/cluster.hpp"
#include "traces/ndjson.hpp"
#include "traces/recorder.hpp"

namespace traces {

class ClusterRecorder : public sim::StepObserver {
public:
    // Writes NDJSON lines to `out`, starting with Init.
    explicit ClusterRecorder(std::ostream& out, RecorderOptions options = {})
        : out_(out), recorder_([this](const Event& e) { write(e); }, options) {}
    void stepped(const raft::NodeState& before, const raft::Input& input, const raft::StepResult& result) override {
        recorder_.step(before, input, result);
    }
    void lost(const raft::Message& m) override { recorder_.dropped(m); }
    std::uint64_t events() const { return recorder_.events(); }

private:
    void write(const Event& e) {
        line_.clear();
        append_event(e, line_);
        line_ += '\n';
        out_.write(line_.data(), static_cast<std::streamsize>(line_.size()));
    }
    std::ostream& out_;
    std::string line_;
    Recorder recorder_;
};

}  // namespace traces
