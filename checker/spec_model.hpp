#pragma once
// The specification as a model for the explorer: spec::init / spec::next / spec invariants,
// canonical fingerprints with xxHash, and exact symmetry reduction over server ids (every
// permutation is tried and the smallest encoding wins, so the count is the orbit count).

#include <xxhash.h>

#include <algorithm>
#include <array>
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
    State decode(const std::string& bytes) const { return spec::decode(bytes, params_); }

    std::uint64_t fingerprint(const State& s, std::string& scratch) const {
        if (!symmetry_) {
            spec::encode(s, params_, scratch);
            return XXH3_64bits(scratch.data(), scratch.size());
        }
        std::string best;
        for (const auto& perm : perms_) {
            spec::encode(spec::permute(s, params_, perm), params_, scratch);
            if (best.empty() || scratch < best) best = scratch;
        }
        return XXH3_64bits(best.data(), best.size());
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
    spec::Params params_;
    bool symmetry_;
    std::vector<std::array<std::uint8_t, spec::kMaxServers>> perms_;
};

}  // namespace checker
