#pragma once
// The names of actions, roles and message types as a trace spells them, without allocating:
// the parser looks one up for every line.

#include <optional>
#include <string_view>

#include "traces/event.hpp"

namespace traces {

std::string_view action_name_view(ActionKind k);
std::optional<ActionKind> find_action(std::string_view name);
std::string_view role_name_view(Role r);
std::optional<Role> find_role(std::string_view name);
std::string_view msg_type_name_view(MsgType t);
std::optional<MsgType> find_msg_type(std::string_view name);

}  // namespace traces
