#pragma once
// A vector with a fixed capacity stored inline: spec states are copied once per successor,
// millions of times a second, and must not touch the heap.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace spec {

[[noreturn]] inline void spec_assert_failed(const char* what) {
    std::fprintf(stderr, "spec: %s\n", what);
    std::abort();
}
#define SPEC_ASSERT(cond, why) ((cond) ? static_cast<void>(0) : ::spec::spec_assert_failed(why))

// Thrown when a state outgrows a fixed capacity (a history set with more members than its
// inline storage holds). It depends on the bounds a user chose, so it is an error to report,
// not an assertion.
class CapacityExceeded : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

template <class T, std::size_t Cap>
class InlineVec {
public:
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    static constexpr std::size_t capacity() { return Cap; }
    T& operator[](std::size_t i) { return items_[i]; }
    const T& operator[](std::size_t i) const { return items_[i]; }
    T* begin() { return items_.data(); }
    T* end() { return items_.data() + size_; }
    const T* begin() const { return items_.data(); }
    const T* end() const { return items_.data() + size_; }
    void push_back(const T& v) {
        check_room();
        items_[size_++] = v;
    }
    void erase_at(std::size_t i) {
        for (std::size_t k = i + 1; k < size_; ++k) items_[k - 1] = items_[k];
        --size_;
    }
    void insert_at(std::size_t i, const T& v) {
        check_room();
        for (std::size_t k = size_; k > i; --k) items_[k] = items_[k - 1];
        items_[i] = v;
        ++size_;
    }
    void clear() { size_ = 0; }
    bool operator==(const InlineVec& o) const { return size_ == o.size_ && std::equal(begin(), end(), o.begin()); }

private:
    void check_room() const {
        if (size_ >= Cap) {
            throw CapacityExceeded("a set in the state outgrew its fixed capacity of " + std::to_string(Cap) +
                                   " members; explore smaller bounds (fewer terms, values or log entries)");
        }
    }

    std::array<T, Cap> items_{};
    std::size_t size_ = 0;
};

// Inserts v into the sorted vector if absent (a set).
template <class T, std::size_t Cap>
void set_insert(InlineVec<T, Cap>& set, const T& v) {
    const T* pos = std::lower_bound(set.begin(), set.end(), v);
    const std::size_t i = static_cast<std::size_t>(pos - set.begin());
    if (i < set.size() && set[i] == v) return;
    set.insert_at(i, v);
}

}  // namespace spec
