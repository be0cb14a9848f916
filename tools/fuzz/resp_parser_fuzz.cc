// libFuzzer target for RespParser. The first input byte picks a fragmentation pattern, a buffer
// policy and a set of limits, the second parameterizes the pattern; the rest is the byte stream
// a client sends. The stream is fed twice, once whole and once in pieces, each time as a
// connection does it (append, parse the unconsumed bytes, drop consumed(), stop at kError), and
// these invariants are checked, crashing on the first violation:
//   * both runs give the same commands, request boundaries and error text (fragmentation
//     independence), and the same leftover bytes when no error occurs;
//   * consumed() never exceeds the bytes given; a command's consumed() ends exactly at its
//     request's end; argument views of a multibulk request lie inside that request's bytes;
//   * kNeedMore means "no complete request in these bytes": asking again without new bytes
//     gives kNeedMore and consumes nothing; in_request() is true iff bytes are left over;
//   * errors stick until reset(), and a reset parser parses a fresh request;
//   * every command re-encoded as a multibulk request parses back to the same arguments;
//   * memory: one parse() call allocates at most a constant factor times the bytes it is given,
//     so no declared count is trusted, and args().capacity() never exceeds twice the largest
//     argument count actually parsed.
#include <sanitizer/allocator_interface.h>
#include <shardis/proto/resp_parser.h>

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

using shardis::proto::ParserLimits;
using shardis::proto::RespParser;
using Status = RespParser::Status;

[[noreturn]] void violated(const char* what, int line) {
  std::fprintf(stderr, "resp_parser_fuzz: invariant violated at line %d: %s\n", line, what);
  std::abort();
}

#define FUZZ_CHECK(cond)                    \
  do {                                      \
    if (!(cond)) violated(#cond, __LINE__); \
  } while (0)

// ---- allocation accounting -------------------------------------------------------------------
// The sanitizer allocator reports every allocation to this hook; while a parse() call runs, the
// bytes it allocates are summed. Only this thread's calls count (libFuzzer has helper threads).

thread_local bool t_tracing = false;
thread_local size_t t_traced_bytes = 0;

void on_malloc(const volatile void* /*ptr*/, size_t size) {
  if (t_tracing) t_traced_bytes += size;
}
void on_free(const volatile void* /*ptr*/) {}

// A parser keeps per-argument descriptors and unescaped inline bytes: a few dozen bytes per input
// byte at most, growth included. Reserving from a declared count ("*1000\r\n" with nothing
// after it) breaks this bound for small inputs.
constexpr size_t kAllocPerInputByte = 64;
constexpr size_t kAllocSlack = 4096;

Status traced_parse(RespParser& parser, std::string_view input) {
  t_traced_bytes = 0;
  t_tracing = true;
  const Status st = parser.parse(input);
  t_tracing = false;
  FUZZ_CHECK(t_traced_bytes <= kAllocPerInputByte * input.size() + kAllocSlack);
  return st;
}

// ---- independent request framing ---------------------------------------------------------------

// Where the request that produced a command starts, and its form. `bytes` runs from the end of
// the previous command (or the stream start) to the end of this one; any requests before the
// last one in it were empty ones the parser skips: "*<n>" with n <= 0 and blank inline lines.
// The parser accepted these bytes, so their lines are terminated and their counts are valid.
struct Framing {
  size_t start = 0;  // offset in `bytes`
  bool multibulk = false;
};

Framing frame_request(std::string_view bytes) {
  size_t p = 0;
  for (;;) {
    FUZZ_CHECK(p < bytes.size());
    if (bytes[p] == '*') {
      const size_t cr = bytes.find('\r', p);
      FUZZ_CHECK(cr != std::string_view::npos);
      const std::string_view count = bytes.substr(p + 1, cr - p - 1);
      FUZZ_CHECK(!count.empty());
      if (count == "0" || count[0] == '-') {
        p = cr + 2;
        continue;
      }
      return {p, true};
    }
    const size_t nl = bytes.find('\n', p);
    FUZZ_CHECK(nl != std::string_view::npos);
    bool blank = true;
    for (size_t i = p; i < nl; ++i) {
      if (std::isspace(static_cast<unsigned char>(bytes[i])) == 0) blank = false;
    }
    if (!blank) return {p, false};
    p = nl + 1;
  }
}

// ---- the connection model ----------------------------------------------------------------------

struct Command {
  std::vector<std::string> args;
  size_t end = 0;  // stream offset one past the request
  bool multibulk = false;

  bool operator==(const Command&) const = default;
};

struct Outcome {
  std::vector<Command> commands;
  bool error = false;
  std::string error_text;
  size_t leftover = 0;  // unconsumed bytes after the last call (no error only)
  bool in_request = false;
};

enum class BufferMode {
  // Every parse() gets a fresh allocation of exactly the unconsumed bytes and the previous one
  // is freed: stale pointers and reads past the end are caught by AddressSanitizer.
  kExactCopy,
  // One std::string; consumed bytes are erased after every call.
  kCompactAlways,
  // One std::string and a read offset; compacted only when the dead prefix is at least half of
  // it, like a connection's receive buffer.
  kCompactLazily,
};

class Connection {
 public:
  Connection(ParserLimits limits, BufferMode mode, std::string_view stream)
      : parser_(limits), mode_(mode), stream_(stream) {}

  // Delivers the next `n` stream bytes (possibly none) and parses what can be parsed.
  void deliver(size_t n) {
    if (out_.error) return;
    FUZZ_CHECK(received_ + n <= stream_.size());
    if (mode_ == BufferMode::kCompactLazily && read_ > 0 && read_ * 2 >= buf_.size()) {
      buf_.erase(0, read_);
      read_ = 0;
    }
    buf_.append(stream_.substr(received_, n));
    received_ += n;
    drain();
  }

  Outcome finish() {
    out_.leftover = buf_.size() - read_;
    out_.in_request = parser_.in_request();
    FUZZ_CHECK(received_ == stream_.size() || out_.error);
    return out_;
  }

 private:
  std::string_view unconsumed() {
    const std::string_view pending = std::string_view(buf_).substr(read_);
    if (mode_ != BufferMode::kExactCopy) return pending;
    copy_ = std::make_unique<char[]>(pending.size());
    if (!pending.empty()) std::memcpy(copy_.get(), pending.data(), pending.size());
    return {copy_.get(), pending.size()};
  }

  void drop(size_t n) {
    read_ += n;
    dropped_ += n;
    if (mode_ != BufferMode::kCompactLazily) {
      buf_.erase(0, read_);
      read_ = 0;
    }
  }

  void check_capacity() { FUZZ_CHECK(parser_.args().capacity() <= 2 * max_args_); }

  void drain() {
    for (;;) {
      const std::string_view input = unconsumed();
      const Status st = traced_parse(parser_, input);
      if (st == Status::kError) {
        on_error(input);
        return;
      }
      FUZZ_CHECK(parser_.consumed() <= input.size());
      if (st == Status::kNeedMore) {
        check_capacity();
        drop(parser_.consumed());
        const size_t left = buf_.size() - read_;
        FUZZ_CHECK(parser_.in_request() == (left > 0));
        // Nothing new arrived, so nothing new may come out.
        const std::string_view again = unconsumed();
        FUZZ_CHECK(traced_parse(parser_, again) == Status::kNeedMore);
        FUZZ_CHECK(parser_.consumed() == 0);
        FUZZ_CHECK(parser_.in_request() == (left > 0));
        check_capacity();
        return;
      }
      on_command(input);
      drop(parser_.consumed());
    }
  }

  void on_command(std::string_view input) {
    const auto& args = parser_.args();
    const size_t consumed = parser_.consumed();
    FUZZ_CHECK(!args.empty());
    FUZZ_CHECK(consumed > 0);
    if (args.size() > max_args_) max_args_ = args.size();
    check_capacity();

    Command cmd;
    cmd.end = dropped_ + consumed;
    const size_t prev_end = out_.commands.empty() ? 0 : out_.commands.back().end;
    FUZZ_CHECK(cmd.end > prev_end);
    // Bytes between the previous command and this one are skipped empty requests (possibly
    // dropped already) and then the request itself, which must still be in the input.
    const Framing f = frame_request(stream_.substr(prev_end, cmd.end - prev_end));
    const size_t start = prev_end + f.start;
    FUZZ_CHECK(start >= dropped_);
    cmd.multibulk = f.multibulk;
    if (f.multibulk) {
      const uintptr_t lo = reinterpret_cast<uintptr_t>(input.data()) + (start - dropped_);
      const uintptr_t hi = reinterpret_cast<uintptr_t>(input.data()) + consumed;
      for (const std::string_view a : args) {
        const uintptr_t p = reinterpret_cast<uintptr_t>(a.data());
        FUZZ_CHECK(p >= lo && p <= hi && a.size() <= hi - p);
      }
    }
    cmd.args.assign(args.begin(), args.end());
    out_.commands.push_back(std::move(cmd));
  }

  void on_error(std::string_view input) {
    out_.error = true;
    out_.error_text = parser_.error();
    FUZZ_CHECK(out_.error_text.rfind("Protocol error: ", 0) == 0);
    check_capacity();
    // The error sticks, whatever the parser is given.
    FUZZ_CHECK(traced_parse(parser_, input) == Status::kError);
    FUZZ_CHECK(parser_.error() == out_.error_text);
    // After reset() the parser starts afresh.
    parser_.reset();
    const std::string_view ping = "*1\r\n$4\r\nPING\r\n";
    FUZZ_CHECK(traced_parse(parser_, ping) == Status::kCommand);
    FUZZ_CHECK(parser_.consumed() == ping.size());
    FUZZ_CHECK(parser_.args().size() == 1 && parser_.args()[0] == "PING");
    FUZZ_CHECK(!parser_.in_request());
  }

  RespParser parser_;
  BufferMode mode_;
  std::string_view stream_;
  std::string buf_;
  size_t read_ = 0;      // bytes of buf_ already consumed (kCompactLazily only)
  size_t received_ = 0;  // stream bytes delivered so far
  size_t dropped_ = 0;   // stream bytes consumed so far
  std::unique_ptr<char[]> copy_;
  size_t max_args_ = 0;
  Outcome out_;
};

// ---- fragmentation patterns --------------------------------------------------------------------

bool is_special(char c) {
  return std::memchr("\r\n$*\"'\\ \t", c, 9) != nullptr || c == '\0';
}

class Fragmenter {
 public:
  Fragmenter(unsigned pattern, uint8_t param, std::string_view stream)
      : pattern_(pattern), param_(param), stream_(stream), rng_(0x9e3779b9u ^ param) {}

  // Length of the next piece at stream offset pos (< stream size); 0 delivers nothing new.
  size_t next(size_t pos) {
    const size_t rest = stream_.size() - pos;
    static constexpr size_t kFixed[] = {1, 2, 3, 5, 7, 10, 16, 100};
    size_t n = 0;
    switch (pattern_) {
      case 0:
        n = rest;
        break;
      case 1:
      case 2:
      case 3:
      case 4:
      case 5:
      case 6:
      case 7:
      case 8:
        n = kFixed[pattern_ - 1];
        break;
      case 9:
        n = random() % 8;
        break;
      case 10:
        n = random() % 64;
        break;
      case 11: {  // pieces end right after each '\r' and '\n'
        const size_t at = stream_.find_first_of("\r\n", pos);
        n = at == std::string_view::npos ? rest : at - pos + 1;
        break;
      }
      case 12: {  // protocol bytes arrive alone
        if (is_special(stream_[pos])) {
          n = 1;
        } else {
          n = 1;
          while (pos + n < stream_.size() && !is_special(stream_[pos + n])) ++n;
        }
        break;
      }
      case 13:  // 1, k, 1, k, ...
        n = (count_ % 2 == 0) ? 1 : param_ % 32 + 1;
        break;
      case 14:  // 1, 2, 3, ...
        n = count_ + 1;
        break;
      default:
        n = param_ == 0 ? 256 : param_;
        break;
    }
    ++count_;
    return n < rest ? n : rest;
  }

 private:
  uint32_t random() {
    rng_ ^= rng_ << 13;
    rng_ ^= rng_ >> 17;
    rng_ ^= rng_ << 5;
    return rng_;
  }

  unsigned pattern_;
  uint8_t param_;
  std::string_view stream_;
  uint32_t rng_;
  size_t count_ = 0;
};

ParserLimits limits_for(unsigned choice) {
  ParserLimits l;
  switch (choice) {
    case 2:  // every limit is a few bytes away
      l.max_bulk_len = 16;
      l.max_multibulk_len = 8;
      l.max_inline_len = 16;
      break;
    case 3:  // large enough for requests over the parser's keep-capacity thresholds
      l.max_bulk_len = 64 * 1024;
      l.max_multibulk_len = 4096;
      l.max_inline_len = 8192;
      break;
    default:
      l.max_bulk_len = 4096;
      l.max_multibulk_len = 1024;
      l.max_inline_len = 256;
      break;
  }
  return l;
}

std::string encode_multibulk(const std::vector<Command>& commands) {
  std::string s;
  for (const Command& c : commands) {
    s.append("*").append(std::to_string(c.args.size())).append("\r\n");
    for (const std::string& a : c.args) {
      s.append("$").append(std::to_string(a.size())).append("\r\n").append(a).append("\r\n");
    }
  }
  return s;
}

Outcome feed_whole(ParserLimits limits, std::string_view stream) {
  Connection conn(limits, BufferMode::kExactCopy, stream);
  conn.deliver(stream.size());
  return conn.finish();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const unsigned pattern = data[0] & 0x0f;
  const unsigned mode_bits = (data[0] >> 4) & 3;
  const BufferMode mode = mode_bits == 1   ? BufferMode::kCompactAlways
                          : mode_bits == 2 ? BufferMode::kCompactLazily
                                           : BufferMode::kExactCopy;
  const ParserLimits limits = limits_for(data[0] >> 6);
  const std::string_view stream(reinterpret_cast<const char*>(data) + 2, size - 2);

  const Outcome whole = feed_whole(limits, stream);

  Connection conn(limits, mode, stream);
  Fragmenter pieces(pattern, data[1], stream);
  size_t pos = 0;
  while (pos < stream.size()) {
    const size_t n = pieces.next(pos);
    conn.deliver(n);
    pos += n;
  }
  if (stream.empty()) conn.deliver(0);
  const Outcome part = conn.finish();

  FUZZ_CHECK(part.commands == whole.commands);
  FUZZ_CHECK(part.error == whole.error);
  FUZZ_CHECK(part.error_text == whole.error_text);
  if (!whole.error) {
    FUZZ_CHECK(part.leftover == whole.leftover);
    FUZZ_CHECK(part.in_request == whole.in_request);
    FUZZ_CHECK(whole.leftover <= stream.size());
  }

  // Every command, in canonical multibulk form, parses back to the same arguments.
  if (!whole.commands.empty()) {
    const std::string encoded = encode_multibulk(whole.commands);
    const Outcome again = feed_whole(limits, encoded);
    FUZZ_CHECK(!again.error);
    FUZZ_CHECK(again.leftover == 0 && !again.in_request);
    FUZZ_CHECK(again.commands.size() == whole.commands.size());
    for (size_t i = 0; i < again.commands.size(); ++i) {
      FUZZ_CHECK(again.commands[i].args == whole.commands[i].args);
      FUZZ_CHECK(again.commands[i].multibulk);
    }
  }
  return 0;
}
