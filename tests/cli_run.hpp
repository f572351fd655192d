#pragma once
// Runs the raftcheck binary (RAFTCHECK_BINARY, set by tests/CMakeLists.txt) with arguments, as
// a shell would, for the tests of the command line: its exit code and everything it printed.

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace cli_test {

struct CliRun {
    int exit_code;
    std::string output;  // stdout and stderr together
};

inline CliRun run_cli(const std::string& args) {
    const std::string cmd = std::string(RAFTCHECK_BINARY) + " " + args + " 2>&1";
    FILE* pipe = popen(cmd.c_str(), "r");
    if (pipe == nullptr) return {-1, "popen failed"};
    std::string out;
    std::array<char, 4096> buf{};
    while (std::fgets(buf.data(), static_cast<int>(buf.size()), pipe) != nullptr) out += buf.data();
    const int status = pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace cli_test
