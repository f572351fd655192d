#include "kv/rpc.hpp"

namespace kv {

const char* to_string(Err err) {
    switch (err) {
        case Err::kOk: return "OK";
        case Err::kWrongLeader: return "ErrWrongLeader";
    }
    RAFT_ASSERT(false, "unknown Err");
}

}  // namespace kv
