#pragma once
// A spec model (SpecModel or a mutant of it) explored together with the refinement mapping's
// history (the committed entries, which the spec forgets), checking every step against
// raft-abstract (abstract_refinement.hpp). A failure is a violation of the step property
// "RefinesAbstract", found, reported and rebuilt like any other.
//
// The explored state is (spec state, history): two behaviours that reach the same spec
// state with different histories are two states here, so the counts with refinement on are
// at least the spec's own (pinned TLC counts are for the spec alone, refinement off).

#include <xxhash.h>

#include <string>
#include <vector>

#include "checker/abstract_refinement.hpp"

namespace checker {

template <class Base>
class AbstractRefinementModel {
public:
    using State = RefinedState;
    using Label = typename Base::Label;

    explicit AbstractRefinementModel(const Base& base)
        : base_(base), abstract_params_(spec::abstract_params(base.params())), finder_(abstract_params_) {}

    const Base& base() const { return base_; }
    const spec::Params& params() const { return base_.params(); }

    std::vector<State> initial_states() const {
        std::vector<State> out;
        for (spec::State& s : base_.initial_states()) {
            const spec::CommittedHistory h = spec::committed_by_leaders(s, params());
            out.push_back({std::move(s), h});
        }
        return out;
    }

    template <class F>
    void for_each_successor(const State& s, F&& f) const {
        base_.for_each_successor(s.spec, [&](const Label& label, spec::State& next) {
            const spec::CommittedHistory h = spec::merge(s.committed, spec::committed_by_leaders(next, params()));
            State t{std::move(next), h};
            f(label, t);
        });
    }

    bool within_bounds(const State& s) const { return base_.within_bounds(s.spec); }

    void encode(const State& s, std::string& out) const {
        base_.encode(s.spec, out);
        append_history(s, out);
    }
    State decode(std::string_view bytes) const {
        const std::size_t n = abstract_params_.max_log;
        State s{base_.decode(bytes.substr(0, bytes.size() - n)), {}};
        for (std::size_t k = 0; k < n; ++k) s.committed[k] = static_cast<std::uint8_t>(bytes[bytes.size() - n + k]);
        return s;
    }
    // The base's canonical encoding (under symmetry) plus the history, which names no server.
    std::uint64_t fingerprint(const State& s, std::string& scratch) const {
        base_.fingerprint(s.spec, scratch);
        append_history(s, scratch);
        return XXH3_64bits(scratch.data(), scratch.size());
    }

    const char* violated_invariant(const State& s) const { return base_.violated_invariant(s.spec); }
    const char* violated_step(const State& before, const State& after) const {
        if (const char* bad = base_.violated_step(before.spec, after.spec)) return bad;
        const auto a = spec::to_abstract(before.spec, params(), before.committed);
        const auto b = spec::to_abstract(after.spec, params(), after.committed);
        return finder_.refines(a, b) ? nullptr : kRefinesAbstract;
    }
    std::uint64_t sometimes_mask(const State& s) const { return base_.sometimes_mask(s.spec); }

    std::string describe_state(const State& s) const {
        std::string committed;
        for (std::uint32_t k = 1; k <= abstract_params_.max_log; ++k) {
            for (std::uint32_t t = 1; t <= abstract_params_.max_term; ++t) {
                if ((s.committed[k - 1] >> t & 1) == 0) continue;
                committed += std::string(committed.empty() ? "" : ", ") + "<<" + std::to_string(k) + "," + std::to_string(t) + ">>";
            }
        }
        return base_.describe_state(s.spec) + "\ncommitted (the mapping's history) = {" + committed + "}";
    }
    std::string describe_label(const Label& l) const { return base_.describe_label(l); }

private:
    void append_history(const State& s, std::string& out) const {
        for (std::uint32_t k = 0; k < abstract_params_.max_log; ++k) out += static_cast<char>(s.committed[k]);
    }

    const Base& base_;
    spec::abstract::Params abstract_params_;
    AbstractStepFinder finder_;
};

}  // namespace checker
