#pragma once
// The specification as a model for the explorer: spec::init / spec::next / spec invariants,
// canonical fingerprints with xxHash, and exact symmetry reduction over server ids (every
// permutation is tried and the smallest encoding wins, so the count is the orbit count).

#include <xxhash.h>

#include <algorithm>
#include <array>
#include <bit>
#include <numeric>
#include <string>
#include <vector>

#include "spec/actions.hpp"
#include "spec/invariants.hpp"

namespace checker {

class SpecModel {
public:
    using State = spec::State;
    using Label = spec::Action;

    SpecModel(spec::Params params, bool symmetry) : params_(params), symmetry_(symmetry) {
        if (symmetry_) {
            std::array<std::uint8_t, spec::kMaxServers> perm{};
            std::iota(perm.begin(), perm.begin() + params_.servers, 0);
            do perms_.push_back(perm);
            while (std::next_permutation(perm.begin(), perm.begin() + params_.servers));
        }
    }

    const spec::Params& params() const { return params_; }

    std::vector<State> initial_states() const { return {spec::init(params_)}; }

    template <class F>
    void for_each_successor(const State& s, F&& f) const {
        struct Adapter : spec::Emitter {
            F& f;
            explicit Adapter(F& fn) : f(fn) {}
            void emit(const spec::Action& a, spec::State& next) override { f(a, next); }
        } adapter(f);
        spec::next(s, params_, adapter);
    }

    bool within_bounds(const State& s) const { return spec::within_bounds(s, params_); }
    void encode(const State& s, std::string& out) const { spec::encode(s, params_, out); }
    State decode(std::string_view bytes) const { return spec::decode(bytes, params_); }

    // Leaves in `scratch` the encoding of a state of s's class: s itself, or under symmetry
    // the canonical member. The explorer stores that encoding rather than encoding twice.
    std::uint64_t fingerprint(const State& s, std::string& scratch) const {
        if (!symmetry_) {
            spec::encode(s, params_, scratch);
            return XXH3_64bits(scratch.data(), scratch.size());
        }
        // The canonical form is the smallest encoding over the permutations that order the
        // servers by a signature of their own variables. The signature moves with its server,
        // so the set of candidates, and its minimum, is the same for every state of an orbit:
        // the count stays exact, and usually a single permutation is left to encode.
        std::array<std::uint64_t, spec::kMaxServers> sig{};
        for (std::uint32_t i = 0; i < params_.servers; ++i) sig[i] = signature(s, i);
        thread_local std::string candidate;
        scratch.clear();
        for (const auto& perm : perms_) {
            if (!orders_by(perm, sig)) continue;
            spec::encode_permuted(s, params_, perm, candidate);
            if (scratch.empty() || candidate < scratch) scratch.swap(candidate);
        }
        return XXH3_64bits(scratch.data(), scratch.size());
    }

    const char* violated_invariant(const State& s) const {
        for (const spec::Invariant& inv : spec::invariants()) {
            if (!inv.holds(s, params_)) return inv.name;
        }
        return nullptr;
    }
    const char* violated_step(const State& before, const State& after) const {
        for (const spec::StepProperty& p : spec::step_properties()) {
            if (!p.holds(before, after, params_)) return p.name;
        }
        return nullptr;
    }
    std::uint64_t sometimes_mask(const State& s) const {
        std::uint64_t mask = 0;
        const auto& all = spec::sometimes();
        for (std::size_t k = 0; k < all.size(); ++k) {
            if (all[k].reached(s, params_)) mask |= std::uint64_t{1} << k;
        }
        return mask;
    }

    std::string describe_state(const State& s) const { return spec::describe(s, params_); }
    std::string describe_label(const Label& l) const { return spec::describe(l); }

private:
    // What server i looks like without naming any server.
    static std::uint64_t signature(const State& s, std::uint32_t i) {
        const spec::Server& v = s.servers[i];
        const std::uint64_t vote = v.voted_for == spec::kNil ? 0 : v.voted_for == i ? 1 : 2;
        const std::uint64_t small = (std::uint64_t{v.current_term} << 24) | (std::uint64_t{static_cast<std::uint8_t>(v.role)} << 20) |
                                    (std::uint64_t{v.commit_index} << 12) | (std::uint64_t(std::popcount(v.votes_responded)) << 8) |
                                    (std::uint64_t(std::popcount(v.votes_granted)) << 4) | vote;
        return (small << 32) ^ (v.log.bits() * 0x9E3779B97F4A7C15ull >> 32);
    }
    // Whether `perm` puts servers with smaller signatures at smaller ids.
    bool orders_by(const std::array<std::uint8_t, spec::kMaxServers>& perm, const std::array<std::uint64_t, spec::kMaxServers>& sig) const {
        for (std::uint32_t i = 0; i < params_.servers; ++i) {
            for (std::uint32_t j = 0; j < params_.servers; ++j) {
                if (sig[i] < sig[j] && perm[i] > perm[j]) return false;
            }
        }
        return true;
    }

    spec::Params params_;
    bool symmetry_;
    std::vector<std::array<std::uint8_t, spec::kMaxServers>> perms_;
};

}  // namespace checker
