#include "kv/snapshot.hpp"

#include <charconv>
#include <string_view>

namespace kv {
namespace {

constexpr std::string_view kMagic = "kvsnap1 ";

void put_number(std::string& out, std::uint64_t v) {
    out += std::to_string(v);
    out += ' ';
}

void put_string(std::string& out, const std::string& s) {
    put_number(out, s.size());
    out += s;
}

// Reads from `data` at `pos`, moving `pos` past what was read; nothing on malformed input.
class Reader {
public:
    explicit Reader(const std::string& data) : data_(data) {}

    bool magic() {
        if (data_.compare(0, kMagic.size(), kMagic) != 0) return false;
        pos_ = kMagic.size();
        return true;
    }
    // A decimal number followed by one space (no sign, no leading zeros but "0").
    std::optional<std::uint64_t> number() {
        const char* first = data_.data() + pos_;
        const char* last = data_.data() + data_.size();
        std::uint64_t v = 0;
        const auto [end, ec] = std::from_chars(first, last, v);
        if (ec != std::errc{} || end == first || end == last || *end != ' ') return std::nullopt;
        if (*first == '0' && end - first > 1) return std::nullopt;  // one encoding per number
        pos_ = static_cast<std::size_t>(end - data_.data()) + 1;
        return v;
    }
    std::optional<std::string> string() {
        const std::optional<std::uint64_t> size = number();
        if (!size || *size > data_.size() - pos_) return std::nullopt;
        std::string s = data_.substr(pos_, *size);
        pos_ += *size;
        return s;
    }
    bool at_end() const { return pos_ == data_.size(); }

private:
    const std::string& data_;
    std::size_t pos_ = 0;
};

}  // namespace

std::string encode_snapshot(const StateMachine& state) {
    std::string out(kMagic);
    put_number(out, state.executed());
    put_number(out, state.store().values().size());
    for (const auto& [key, value] : state.store().values()) {
        put_string(out, key);
        put_string(out, value);
    }
    put_number(out, state.sessions().size());
    for (const auto& [client, session] : state.sessions()) {
        RAFT_ASSERT(session.last_seq >= 1, "a session exists once it executed");
        put_number(out, client);
        put_number(out, session.last_seq);
        put_string(out, session.last_result);
    }
    return out;
}

std::optional<StateMachine> decode_snapshot(const std::string& data) {
    Reader in(data);
    if (!in.magic()) return std::nullopt;
    const std::optional<std::uint64_t> executed = in.number();
    const std::optional<std::uint64_t> keys = executed ? in.number() : std::nullopt;
    if (!keys) return std::nullopt;
    std::map<std::string, std::string> values;
    for (std::uint64_t k = 0; k < *keys; ++k) {
        std::optional<std::string> key = in.string();
        std::optional<std::string> value = key ? in.string() : std::nullopt;
        if (!value) return std::nullopt;
        // Strictly increasing keys: what a map encodes, and no key twice.
        if (!values.empty() && !(values.rbegin()->first < *key)) return std::nullopt;
        values.emplace_hint(values.end(), std::move(*key), std::move(*value));
    }
    const std::optional<std::uint64_t> count = in.number();
    if (!count) return std::nullopt;
    std::map<ClientId, Session> sessions;
    for (std::uint64_t k = 0; k < *count; ++k) {
        const std::optional<std::uint64_t> client = in.number();
        const std::optional<std::uint64_t> seq = client ? in.number() : std::nullopt;
        std::optional<std::string> result = seq ? in.string() : std::nullopt;
        if (!result || *seq == 0) return std::nullopt;
        if (!sessions.empty() && sessions.rbegin()->first >= *client) return std::nullopt;
        sessions.emplace_hint(sessions.end(), *client, Session{*seq, std::move(*result)});
    }
    if (!in.at_end()) return std::nullopt;
    return StateMachine(Store(std::move(values)), std::move(sessions), *executed);
}

}  // namespace kv
