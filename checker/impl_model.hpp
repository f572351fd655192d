#pragma once
// The implementation cluster as a model for the explorer (`explore --model impl`): N nodes
// running the real raft::step over a faulty network (impl_events.hpp), checked against the
// invariants of impl_invariants.hpp, with xxHash fingerprints of the canonical encoding and
// exact symmetry reduction over node ids (as SpecModel does for the spec).
//
// With refinement on, every transition is also checked against the spec
// (impl_refinement.hpp) and reported as a violation of "Refinement" when it is no spec step.

#include <xxhash.h>

#include <algorithm>
#include <functional>
#include <numeric>
#include <string>
#include <vector>

#include "checker/impl_events.hpp"
#include "checker/impl_invariants.hpp"
#include "checker/impl_refinement.hpp"

namespace checker {

class ImplModel {
public:
    using State = impl::ClusterState;
    using Label = impl::Event;
    static constexpr const char* kRefinement = "Refinement";

    explicit ImplModel(impl::Params params, impl::StepFn step = &raft::step, bool symmetry = false, bool refinement = true)
        : params_(params), step_(step), symmetry_(symmetry), refinement_(refinement) {
        if (symmetry_) {
            impl::Perm perm = impl::identity_perm();
            do perms_.push_back(perm);
            while (std::next_permutation(perm.begin(), perm.begin() + params_.servers));
        }
    }

    const impl::Params& params() const { return params_; }
    impl::StepFn step_function() const { return step_; }
    bool refinement() const { return refinement_; }

    std::vector<State> initial_states() const { return {impl::initial_cluster(params_)}; }

    // A transition that is no spec step is reported through violated_step: the successor
    // carries the verdict (ClusterState::observed) until the explorer asks.
    template <class F>
    void for_each_successor(const State& s, F&& f) const {
        State work = s;
        impl::Undo undo;
        std::optional<impl::RefinementCheck> refines;
        if (refinement_) refines.emplace(s, params_, step_);
        impl::for_each_event(s, params_, [&](const Label& e) {
            const raft::Outputs out = impl::apply_event(work, params_, step_, e, undo);
            work.observed = refines && !refines->refines(e, out, work) ? kRefinement : nullptr;
            f(e, work);
            work.observed = nullptr;
            impl::restore(work, undo);
        });
    }

    bool within_bounds(const State& s) const {
        if (s.network.size() > params_.max_msgs) return false;
        for (std::size_t k = 0; k + params_.max_copies < s.network.size(); ++k) {
            if (s.network[k] == s.network[k + params_.max_copies]) return false;
        }
        for (const raft::NodeState& n : s.nodes) {
            if (n.current_term.value > params_.max_term || n.log.last_index().value > params_.max_log) return false;
        }
        return true;
    }

    State decode(std::string_view bytes) const { return impl::decode(bytes, params_); }

    std::uint64_t fingerprint(const State& s, std::string& scratch) const {
        if (!symmetry_) {
            impl::encode(s, params_, impl::identity_perm(), scratch);
            return XXH3_64bits(scratch.data(), scratch.size());
        }
        // As in SpecModel: the smallest encoding over the permutations that order nodes by a
        // signature of their own variables; the signature moves with its node, so the
        // candidates and their minimum are the same across an orbit.
        std::array<std::uint64_t, impl::kMaxServers> sig{};
        for (std::uint32_t i = 0; i < params_.servers; ++i) sig[i] = signature(s, i);
        thread_local std::string candidate;
        scratch.clear();
        for (const impl::Perm& perm : perms_) {
            if (!orders_by(perm, sig)) continue;
            impl::encode(s, params_, perm, candidate);
            if (scratch.empty() || candidate < scratch) scratch.swap(candidate);
        }
        return XXH3_64bits(scratch.data(), scratch.size());
    }

    const char* violated_invariant(const State& s) const {
        for (const impl::Invariant& inv : impl::invariants()) {
            if (!inv.holds(s, params_)) return inv.name;
        }
        return nullptr;
    }
    const char* violated_step(const State& before, const State& after) const {
        for (const impl::StepProperty& p : impl::step_properties()) {
            if (!p.holds(before, after, params_)) return p.name;
        }
        return after.observed;
    }
    std::uint64_t sometimes_mask(const State& s) const {
        std::uint64_t mask = 0;
        const auto& all = impl::sometimes();
        for (std::size_t k = 0; k < all.size(); ++k) {
            if (all[k].reached(s, params_)) mask |= std::uint64_t{1} << k;
        }
        return mask;
    }

    std::string describe_state(const State& s) const { return impl::describe(s, params_); }
    std::string describe_label(const Label& l) const { return impl::describe(l); }

private:
    static std::uint64_t signature(const State& s, std::uint32_t i) {
        const raft::NodeState& n = s.nodes[i];
        const std::uint64_t vote = !n.voted_for ? 0 : n.voted_for->value == i ? 1 : 2;
        std::uint64_t log_hash = 0;
        for (const raft::Entry& e : n.log.entries()) log_hash = log_hash * 131 + e.term.value * 16 + impl::value_of(e);
        const std::uint64_t small = (n.current_term.value << 24) | (std::uint64_t{static_cast<std::uint8_t>(n.role)} << 20) |
                                    (n.commit_index.value << 12) | (n.snapshot.last_included_index.value << 8) |
                                    (std::uint64_t{s.restarts[i]} << 4) |
                                    (std::uint64_t{s.storage[i].has_value()} << 3) | vote;
        return (small << 32) ^ (log_hash * 0x9E3779B97F4A7C15ull >> 32);
    }
    bool orders_by(const impl::Perm& perm, const std::array<std::uint64_t, impl::kMaxServers>& sig) const {
        for (std::uint32_t i = 0; i < params_.servers; ++i) {
            for (std::uint32_t j = 0; j < params_.servers; ++j) {
                if (sig[i] < sig[j] && perm[i] > perm[j]) return false;
            }
        }
        return true;
    }

    impl::Params params_;
    impl::StepFn step_;
    bool symmetry_;
    bool refinement_;
    std::vector<impl::Perm> perms_;
};

}  // namespace checker
