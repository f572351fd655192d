#include "lincheck/pending_reads.hpp"

#include <algorithm>
#include <numeric>

#include "lincheck/assert.hpp"

namespace lincheck {

PendingReads::PendingReads(std::vector<std::string_view> outputs)
    : position_of_(outputs.size()), tree_(outputs.size() + 1, 0), linearized_(outputs.size(), 0) {
    std::vector<std::uint32_t> order(outputs.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return outputs[a] < outputs[b]; });
    for (std::size_t p = 0; p < order.size(); ++p) {
        position_of_[order[p]] = static_cast<std::uint32_t>(p);
        sorted_.push_back(outputs[order[p]]);
        add(p, 1);
    }
}

void PendingReads::add(std::size_t position, int delta) {
    for (std::size_t i = position + 1; i < tree_.size(); i += i & (~i + 1)) tree_[i] += delta;
}

int PendingReads::sum_before(std::size_t position) const {
    int s = 0;
    for (std::size_t i = position; i > 0; i -= i & (~i + 1)) s += tree_[i];
    return s;
}

void PendingReads::set_linearized(std::uint32_t get, bool linearized) {
    LINCHECK_ASSERT(get < linearized_.size(), "a Get of this search");
    LINCHECK_ASSERT(linearized_[get] != static_cast<char>(linearized), "a Get is linearized once and undone once");
    linearized_[get] = linearized;
    add(position_of_[get], linearized ? -1 : 1);
}

bool PendingReads::any_reads_from(std::string_view prefix) const {
    // The outputs starting with `prefix` are contiguous in sorted order, from its lower bound.
    const auto lo = std::lower_bound(sorted_.begin(), sorted_.end(), prefix);
    const auto hi = std::partition_point(lo, sorted_.end(), [&](std::string_view s) { return s.starts_with(prefix); });
    if (lo == hi) return false;
    const auto a = static_cast<std::size_t>(lo - sorted_.begin());
    const auto b = static_cast<std::size_t>(hi - sorted_.begin());
    return sum_before(b) - sum_before(a) > 0;
}

}  // namespace lincheck
