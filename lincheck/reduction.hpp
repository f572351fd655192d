#pragma once
// Which writes of one key's history can ever be seen, and what that lets the search skip.
//
// The effect of a write w (Put or Append of v) lasts until the next Put; only Gets ordered
// after w and before that Put see it, and they see a value containing v (after an Append) or
// starting with v (after a Put). A Get can be ordered after w only if it returns at or after
// w's call, and before the next Put only if it is called by that Put's return; every Put
// called after w returned comes after w. So w is *observable* when some returned Get in that
// time window has an output containing v (Append) or starting with v (Put). If w is not:
//
// - when w is open-ended, it is dropped: had it taken effect, moving it to the very end
//   (allowed, it never returned) would change no Get's state; conversely any linearization
//   without it gains it at the end. Open-ended Gets are dropped too (they returned nothing),
//   and so are open-ended Appends of "".
// - otherwise the search maps every state after w, up to the next Put, to one state, "unseen"
//   (search.cpp): no Get can return such a value and Appends keep it so, so all the orders of
//   unseen writes before a Put are one configuration, not one per order.
//
// Most lost requests never took effect, and with many clients on a key many writes are
// overwritten before anyone reads them: without this, each would multiply the search.

#include <span>
#include <string_view>
#include <vector>

#include "lincheck/history.hpp"

namespace lincheck {

class Observability {
public:
    // REQUIRES: `ops` (one key's) outlive this object.
    explicit Observability(std::span<const Operation* const> ops);

    // Whether some returned Get may have seen the effect of write `w` (one of the ops).
    bool observable(const Operation& w) const;

private:
    std::vector<const Operation*> gets_by_return_;
    std::vector<Time> get_returns_;
    Time longest_get_ = 0;
    std::vector<Time> put_calls_;           // returned Puts, by call
    std::vector<Time> put_return_suffix_min_;
};

// The operations of `ops` (one key's) that matter, in their original order: all but the
// open-ended ones described above.
std::vector<const Operation*> drop_unobservable(std::span<const Operation* const> ops);

}  // namespace lincheck
