#pragma once
// raft-abstract (spec/abstract.hpp) as a model for the explorer, optionally with one planted
// bug: fingerprints of the byte encoding (no symmetry reduction), the safety properties and
// the lemmas of the inductive invariant as invariants, so that the explorer also confirms
// every lemma on every reachable state.

#include <xxhash.h>

#include <optional>
#include <string>
#include <vector>

#include "checker/abstract_mutants.hpp"
#include "spec/abstract.hpp"

namespace checker {

class AbstractModel {
public:
    using State = spec::abstract::State;
    using Label = spec::abstract::Action;

    AbstractModel(spec::abstract::Params p, std::optional<abstract_mutants::Bug> bug = std::nullopt)
        : params_(p), bug_(bug), actions_(spec::abstract::all_actions(p)) {
        if (bug_) bug_actions_ = abstract_mutants::bug_actions(*bug_, p);
        for (const auto& prop : spec::abstract::safety_properties()) properties_.push_back(prop);
        for (const auto& prop : spec::abstract::lemmas()) properties_.push_back(prop);
    }

    const spec::abstract::Params& params() const { return params_; }
    std::optional<abstract_mutants::Bug> bug() const { return bug_; }

    // Explore from a chosen state (a counterexample to induction, say) instead of Init.
    void start_from(const State& s) { start_ = s; }
    std::vector<State> initial_states() const { return {start_ ? *start_ : spec::abstract::init(params_)}; }

    template <class F>
    void for_each_successor(const State& s, F&& f) const {
        State next;
        for (const Label& a : actions_) {
            if (spec::abstract::apply(s, params_, a, next)) f(a, next);
        }
        for (const Label& a : bug_actions_) {
            if (abstract_mutants::apply_bug(*bug_, s, params_, a, next)) f(a, next);
        }
    }

    // The bounds are guards of the actions (see spec/abstract.hpp): nothing lies beyond them.
    bool within_bounds(const State&) const { return true; }
    void encode(const State& s, std::string& out) const { spec::abstract::encode(s, params_, out); }
    State decode(std::string_view bytes) const { return spec::abstract::decode(bytes, params_); }
    std::uint64_t fingerprint(const State& s, std::string& scratch) const {
        spec::abstract::encode(s, params_, scratch);
        return XXH3_64bits(scratch.data(), scratch.size());
    }

    // Look for one state instead of checking properties: reaching it is the "violation"
    // (kReachedTarget), and the counterexample is the shortest behaviour that leads to it.
    static constexpr const char* kReachedTarget = "ReachedTheState";
    void set_target(const State& s) { target_ = s; }

    // Only the four safety properties, or the lemmas too.
    void check_lemmas(bool on) { check_lemmas_ = on; }
    const char* violated_invariant(const State& s) const {
        if (target_) return s == *target_ ? kReachedTarget : nullptr;
        const std::size_t n = check_lemmas_ ? properties_.size() : spec::abstract::safety_properties().size();
        for (std::size_t k = 0; k < n; ++k) {
            if (!properties_[k].holds(s, params_)) return properties_[k].name;
        }
        return nullptr;
    }
    const char* violated_step(const State&, const State&) const { return nullptr; }

    // Bit 0: some Primary; bit 1: some entry committed; bit 2: logs that disagree.
    std::uint64_t sometimes_mask(const State& s) const {
        std::uint64_t mask = 0;
        for (std::uint32_t i = 0; i < params_.servers; ++i) mask |= s.leader[i] ? 1u : 0u;
        for (std::uint32_t k = 0; k < params_.max_log; ++k) mask |= s.committed[k] != 0 ? 2u : 0u;
        for (std::uint32_t i = 0; i < params_.servers; ++i) {
            for (std::uint32_t j = 0; j < params_.servers; ++j) {
                for (std::uint32_t k = 0; k < s.len[i] && k < s.len[j]; ++k) mask |= s.log[i][k] != s.log[j][k] ? 4u : 0u;
            }
        }
        return mask;
    }

    std::string describe_state(const State& s) const { return spec::abstract::describe(s, params_); }
    std::string describe_label(const Label& l) const { return spec::abstract::describe(l); }

private:
    spec::abstract::Params params_;
    std::optional<abstract_mutants::Bug> bug_;
    std::vector<Label> actions_;
    std::vector<Label> bug_actions_;
    std::vector<spec::abstract::Property> properties_;
    std::optional<State> start_;
    std::optional<State> target_;
    bool check_lemmas_ = true;
};

}  // namespace checker
