// TraceReader: buffered line reading, lookahead of one event per file, and a merge by clock.
//
// Lines are parsed in place in the read buffer, which always keeps kLinePadding readable
// bytes past its data, so simdjson needs no copy of the line.

#include "traces/reader.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <utility>

#include "raft/assert.hpp"

namespace traces {
namespace {

// Where bytes come from: a file descriptor or a std::istream.
class ByteInput {
public:
    virtual ~ByteInput() = default;
    // Fills up to `size` bytes; returns how many, 0 at the end. Sets `error` on failure.
    virtual std::size_t read(char* into, std::size_t size, std::string& error) = 0;
};

class FileInput final : public ByteInput {
public:
    explicit FileInput(int fd) : fd_(fd) {}
    ~FileInput() override { ::close(fd_); }
    FileInput(const FileInput&) = delete;
    FileInput& operator=(const FileInput&) = delete;

    std::size_t read(char* into, std::size_t size, std::string& error) override {
        for (;;) {
            const ssize_t n = ::read(fd_, into, size);
            if (n >= 0) return static_cast<std::size_t>(n);
            if (errno == EINTR) continue;
            error = std::strerror(errno);
            return 0;
        }
    }

private:
    int fd_;
};

class StreamInput final : public ByteInput {
public:
    explicit StreamInput(std::istream& in) : in_(in) {}
    std::size_t read(char* into, std::size_t size, std::string& error) override {
        in_.read(into, static_cast<std::streamsize>(size));
        if (in_.bad()) error = "read error";
        return static_cast<std::size_t>(in_.gcount());
    }

private:
    std::istream& in_;
};

// The lines of one input, each viewed in place in a buffer that grows only for a line
// longer than itself.
class LineSource {
public:
    LineSource(std::unique_ptr<ByteInput> input, const std::string& name) : input_(std::move(input)), name_(name) {
        buf_.resize(kInitialCapacity + kLinePadding);  // the padding is zeroed once, and never written
    }

    // The next line without its '\n', followed in memory by kLinePadding readable bytes;
    // valid until the next call. nullopt at the end of the input.
    std::optional<std::string_view> next_line() {
        for (;;) {
            const char* newline = static_cast<const char*>(std::memchr(buf_.data() + scanned_, '\n', end_ - scanned_));
            if (newline != nullptr) {
                const std::size_t line_end = static_cast<std::size_t>(newline - buf_.data());
                return take(line_end, line_end + 1);
            }
            scanned_ = end_;
            if (at_eof_) {
                if (begin_ == end_) return std::nullopt;
                return take(end_, end_);  // a last line without '\n'
            }
            refill();
        }
    }

    std::uint64_t line_no() const { return line_no_; }

    // The next whole lines, for another thread to parse: what is buffered plus what the
    // input gives, about kBlockBytes, cut after the last '\n' (or at the end of the input).
    // Copied to the front of `block` with kLinePadding zero bytes after them, and counted
    // as read. Returns their size in bytes: 0 at the end of the input.
    std::size_t next_block(std::vector<char>& block, std::uint64_t& first_line) {
        for (;;) {
            if (end_ - begin_ >= kBlockBytes || at_eof_) {
                const char* base = buf_.data();
                const void* newline = ::memrchr(base + begin_, '\n', end_ - begin_);
                std::size_t cut = end_;  // at the end of the input, a last line without '\n'
                if (newline != nullptr) {
                    cut = static_cast<std::size_t>(static_cast<const char*>(newline) - base) + 1;
                } else if (!at_eof_) {
                    refill();  // a line longer than a block: read on until it ends
                    continue;
                }
                const std::size_t size = cut - begin_;
                if (block.size() < size + kLinePadding) block.resize(size + kLinePadding);
                std::memcpy(block.data(), base + begin_, size);
                std::memset(block.data() + size, 0, kLinePadding);
                first_line = line_no_ + 1;
                // memchr, not std::count: a byte loop at -O2, and a tenth of the reading thread.
                for (const char* p = base + begin_; p < base + cut; ++line_no_) {
                    const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(base + cut - p));
                    if (nl == nullptr) break;
                    p = static_cast<const char*>(nl) + 1;
                }
                if (size > 0 && base[cut - 1] != '\n') ++line_no_;
                begin_ = scanned_ = cut;
                return size;
            }
            refill();
        }
    }

private:
    static constexpr std::size_t kInitialCapacity = std::size_t{1} << 18;
    static constexpr std::size_t kBlockBytes = std::size_t{1} << 16;

    std::size_t capacity() const { return buf_.size() - kLinePadding; }

    std::string_view take(std::size_t line_end, std::size_t next_begin) {
        const std::string_view line(buf_.data() + begin_, line_end - begin_);
        begin_ = scanned_ = next_begin;
        ++line_no_;
        return line;
    }

    // Moves the unfinished line to the front, grows the buffer if that line fills it, and
    // reads more after it.
    void refill() {
        if (begin_ > 0) {
            std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
            end_ -= begin_;
            scanned_ -= begin_;
            begin_ = 0;
        }
        if (end_ == capacity()) buf_.resize(2 * capacity() + kLinePadding);
        std::string error;
        const std::size_t n = input_->read(buf_.data() + end_, capacity() - end_, error);
        if (!error.empty()) throw TraceError(name_, line_no_ + 1, "cannot read: " + error);
        if (n == 0) at_eof_ = true;
        end_ += n;
    }

    std::unique_ptr<ByteInput> input_;
    const std::string& name_;
    std::vector<char> buf_;
    std::size_t begin_ = 0;    // start of the next line
    std::size_t scanned_ = 0;  // bytes before this hold no '\n' of the next line
    std::size_t end_ = 0;      // end of the data read
    bool at_eof_ = false;
    std::uint64_t line_no_ = 0;
};

bool is_blank(std::string_view line) {
    for (char ch : line) {
        if (ch != ' ' && ch != '\t' && ch != '\r') return false;
    }
    return true;
}

}  // namespace

struct TraceReader::Source {
    Source(std::unique_ptr<ByteInput> input, std::string file_name)
        : name(std::move(file_name)), interned(name), lines(std::move(input), name) {}
    std::string name;  // declared before `lines`, which refers to it
    FileName interned;  // what each event carries
    LineSource lines;
    std::optional<Event> lookahead;
    std::optional<std::uint64_t> last_clock;
    bool needs_read = false;  // lookahead was handed out (or not yet read) and must be replaced
};

TraceReader::TraceReader(const std::vector<std::string>& paths) {
    if (paths.empty()) throw TraceError("<none>", 0, "no trace files given");
    for (const std::string& path : paths) {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) throw TraceError(path, 0, std::string("cannot open: ") + std::strerror(errno));
        sources_.push_back(std::make_unique<Source>(std::make_unique<FileInput>(fd), path));
    }
}

TraceReader::TraceReader(std::istream& in, std::string name) {
    sources_.push_back(std::make_unique<Source>(std::make_unique<StreamInput>(in), std::move(name)));
}

TraceReader::~TraceReader() = default;

void TraceReader::advance(Source& s) {
    s.lookahead.reset();
    s.needs_read = false;
    std::optional<std::string_view> line;
    do {
        line = s.lines.next_line();
        if (!line) return;
    } while (is_blank(*line));
    const std::uint64_t line_no = s.lines.line_no();
    // Before Init is read no node can be checked against the cluster size; Init names none.
    const std::uint32_t max_node = started_ ? servers_ : kMaxTraceServers;
    Event& e = s.lookahead.emplace();
    try {
        parser_.parse_padded_into(*line, s.interned, line_no, max_node, e);
    } catch (...) {
        s.lookahead.reset();
        throw;
    }
    try {
        check_in_order(e, s.last_clock);
    } catch (...) {
        s.lookahead.reset();
        throw;
    }
}

void TraceReader::check_in_order(const Event& e, std::optional<std::uint64_t>& last_clock) const {
    std::string problem;
    if (started_ && e.action == ActionKind::kInit) {
        problem = "a second Init: Init is only the first line of a trace";
    } else if (sources_.size() > 1 && !e.clock && e.action != ActionKind::kInit) {
        problem = "no clock: merging several files orders events by \"clock\", so every event needs one";
    } else if (e.clock && last_clock && *e.clock < *last_clock) {
        problem = "clock goes backwards: " + std::to_string(*e.clock) + " after " + std::to_string(*last_clock);
    }
    if (!problem.empty()) throw TraceError(e.file, e.line, problem);
    if (e.clock) last_clock = e.clock;
}

bool TraceReader::splittable() const { return started_ && !init_ && sources_.size() == 1 && !sources_.front()->lookahead; }

std::optional<std::uint64_t> TraceReader::last_clock() const { return sources_.front()->last_clock; }

void TraceReader::read_block(LineBlock& block) {
    RAFT_ASSERT(splittable(), "blocks are read from a single file, after its Init");
    block.size = sources_.front()->lines.next_block(block.text, block.first_line);
}

void TraceReader::parse_block(const LineBlock& block, EventParser& parser, std::vector<Event>& out) const {
    const Source& s = *sources_.front();
    const char* p = block.text.data();
    const char* const end = p + block.size;
    for (std::uint64_t line_no = block.first_line; p < end; ++line_no) {
        const char* newline = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
        const char* line_end = newline != nullptr ? newline : end;
        const std::string_view line(p, static_cast<std::size_t>(line_end - p));
        p = line_end + 1;
        if (is_blank(line)) continue;
        Event& e = out.emplace_back();
        try {
            parser.parse_padded_into(line, s.interned, line_no, servers_, e);
        } catch (...) {
            out.pop_back();
            throw;
        }
    }
}

// Reads each file's Init, checks that they agree, and keeps the first as the merged Init.
void TraceReader::start() {
    for (const auto& s : sources_) {
        advance(*s);
        if (!s->lookahead) throw TraceError(s->name, 0, "empty trace: a trace starts with an Init line");
        Event& first = *s->lookahead;
        if (first.action != ActionKind::kInit) {
            throw TraceError(s->name, first.line,
                             "a trace starts with an Init line, not " + action_name(first.action));
        }
        if (!init_) {
            init_ = std::move(first);
        } else if (first.servers != init_->servers) {
            throw TraceError(s->name, first.line,
                             "Init says " + std::to_string(first.servers) + " servers, but " + init_->file.str() + ":" +
                                 std::to_string(init_->line) + " says " + std::to_string(init_->servers));
        } else if (first.observed != init_->observed) {
            throw TraceError(s->name, first.line,
                             "Init's state differs from the one at " + init_->file.str() + ":" + std::to_string(init_->line));
        }
        s->lookahead.reset();
    }
    servers_ = init_->servers;
    started_ = true;
    for (const auto& s : sources_) s->needs_read = true;
}

std::optional<Event> TraceReader::next() {
    std::vector<Event> one;
    if (!next_into(one)) return std::nullopt;
    return std::move(one.front());
}

bool TraceReader::next_into(std::vector<Event>& out) {
    if (!started_) {
        start();
        out.push_back(std::move(*init_));
        init_.reset();
        return true;
    }
    // A file reads its next line only when its previous event has been handed out, so that
    // an error there is raised after that event has been processed, not before.
    for (const auto& s : sources_) {
        if (s->needs_read) advance(*s);
    }
    // The source whose lookahead comes first: smallest clock, then lowest file index (a
    // strict < keeps the earlier file on ties). A linear scan: traces have few files.
    Source* first = nullptr;
    for (const auto& s : sources_) {
        if (!s->lookahead) continue;
        if (first == nullptr || s->lookahead->clock.value_or(0) < first->lookahead->clock.value_or(0)) first = s.get();
    }
    if (first == nullptr) return false;
    out.push_back(std::move(*first->lookahead));
    first->lookahead.reset();
    first->needs_read = true;
    return true;
}

void TraceReader::recycle(std::vector<Event>& used) {
    for (Event& e : used) parser_.recycle(e);
    used.clear();
}

}  // namespace traces
