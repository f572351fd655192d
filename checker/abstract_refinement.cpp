// The abstract step search and the refinement reports (see abstract_refinement.hpp).

#include "checker/abstract_refinement.hpp"

#include <sstream>

namespace checker {

namespace sa = spec::abstract;

AbstractStepFinder::AbstractStepFinder(const sa::Params& p) : params_(p), actions_(sa::all_actions(p)) {}

std::optional<sa::Action> AbstractStepFinder::find(const sa::State& a, const sa::State& b) const {
    sa::State next;
    for (const sa::Action& act : actions_) {
        if (sa::apply(a, params_, act, next) && next == b) return act;
    }
    return std::nullopt;
}

std::string init_mismatch(const RefinedState& init, const spec::Params& p) {
    const sa::Params ap = spec::abstract_params(p);
    const sa::State mapped = spec::to_abstract(init.spec, p, init.committed);
    if (mapped == sa::init(ap)) return "";
    return "map(Init) is not raft-abstract's Init:\n" + sa::describe(mapped, ap) + "\nraft-abstract's Init:\n" + sa::describe(sa::init(ap), ap);
}

namespace {
std::string indent(const std::string& text) {
    std::istringstream in(text);
    std::string out;
    for (std::string line; std::getline(in, line);) out += "    " + line + "\n";
    return out;
}
}  // namespace

std::string explain_step(const RefinedState& before, const spec::Action& action, const RefinedState& after, const spec::Params& p) {
    const sa::Params ap = spec::abstract_params(p);
    const sa::State a = spec::to_abstract(before.spec, p, before.committed);
    const sa::State b = spec::to_abstract(after.spec, p, after.committed);
    const AbstractStepFinder finder(ap);
    std::string out = "spec step " + spec::describe(action) + "\n";
    if (a == b) return out + "maps to a stutter of raft-abstract\n";
    if (const auto act = finder.find(a, b)) return out + "maps to raft-abstract's " + sa::describe(*act) + "\n";
    out += "maps to no step of raft-abstract (no action instance, and not a stutter):\n";
    out += "  abstract state before:\n" + indent(sa::describe(a, ap));
    out += "  abstract state after:\n" + indent(sa::describe(b, ap));
    out += "  spec state before:\n" + indent(spec::describe(before.spec, p));
    out += "  spec state after:\n" + indent(spec::describe(after.spec, p));
    return out;
}

}  // namespace checker
