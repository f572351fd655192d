#pragma once
// Which Gets not yet linearized could still read a value that starts with a given string:
// the Gets of one search sorted by output, with a Fenwick tree counting those not yet
// linearized. A value that no pending Get's output starts with can never be read again
// before the next Put (Appends only extend it), so the search treats it as its "unseen"
// state, merging every such value into one configuration.

#include <cstdint>
#include <string_view>
#include <vector>

namespace lincheck {

class PendingReads {
public:
    // `outputs[i]` is the output of the search's i-th Get; the views must outlive this.
    explicit PendingReads(std::vector<std::string_view> outputs);

    // Get i (as given to the constructor) is linearized, or undone.
    void set_linearized(std::uint32_t get, bool linearized);
    // Whether a Get not linearized has an output starting with `prefix`.
    bool any_reads_from(std::string_view prefix) const;

private:
    void add(std::size_t position, int delta);
    int sum_before(std::size_t position) const;  // over sorted positions [0, position)

    std::vector<std::string_view> sorted_;      // outputs in order
    std::vector<std::uint32_t> position_of_;   // Get -> its position in sorted_
    std::vector<int> tree_;                     // Fenwick tree over positions, 1-based
    std::vector<char> linearized_;
};

}  // namespace lincheck
