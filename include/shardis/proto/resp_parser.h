#pragma once
// RespParser: incremental RESP2 request parser (multibulk and inline forms). It knows nothing
// of commands: it turns bytes into argument vectors, or says it needs more bytes, or reports a
// protocol error with Redis 7.0's exact text.
//
// Contract with the caller (one parser per connection, one thread):
//   * parse(input) is given every byte received and not yet consumed, starting at the first
//     byte of an unfinished request. Between calls the caller may append bytes and may move the
//     buffer (compact or grow it), but must not change or drop unconsumed bytes.
//   * It returns kCommand when one request is complete: args() views point into `input` and stay
//     valid until the caller changes the buffer (inline requests, whose arguments may be
//     unescaped, point into the parser instead: valid until the next parse() or reset()).
//     consumed() is the number of bytes to drop, which includes any empty requests skipped before
//     it ("\r\n", "*0\r\n", "*-1\r\n").
//   * kNeedMore: consumed() bytes (skipped empty requests only) may be dropped; the parser keeps
//     its place inside the unfinished request, relative to its first byte.
//   * kError: error() holds the text for the "-ERR " reply ("Protocol error: ..."); the
//     connection must send it and close. The parser must be reset() before reuse.
//   * Nothing is reserved from a declared count: "*2147483647\r\n" allocates nothing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shardis::proto {

struct ParserLimits {
  size_t max_bulk_len = 512ull * 1024 * 1024;  // proto-max-bulk-len
  int64_t max_multibulk_len = 1024 * 1024;     // largest accepted "*<n>" count
  size_t max_inline_len = 64 * 1024;           // PROTO_INLINE_MAX_SIZE
};

class RespParser {
 public:
  enum class Status { kCommand, kNeedMore, kError };

  explicit RespParser(ParserLimits limits = {}) : limits_(limits) {}

  Status parse(std::string_view input);

  size_t consumed() const { return consumed_; }
  const std::vector<std::string_view>& args() const { return args_; }
  // Without the "ERR " prefix, e.g. "Protocol error: invalid bulk length".
  const std::string& error() const { return error_; }
  void reset();

  // True while the parser is inside a request (some bytes of it seen, not all).
  bool in_request() const { return state_ != State::kStart; }

 private:
  enum class State { kStart, kInline, kMultibulk };
  enum class LineEnd { kFound, kNeedMore, kTooBig };
  Status parse_inline(std::string_view input);
  Status parse_multibulk(std::string_view input);
  Status fail(std::string msg);
  // Finds `target` at or after `line` (request-relative) within the line-length limit.
  LineEnd find_line_end(std::string_view req, size_t line, char target, size_t* at);
  bool split_inline(std::string_view line);
  void finish_request();

  ParserLimits limits_;
  State state_ = State::kStart;
  size_t consumed_ = 0;
  // Inside a multibulk request: offsets relative to its first byte.
  size_t pos_ = 0;         // next unparsed byte
  int64_t remaining_ = 0;  // arguments still to read
  int64_t bulk_len_ = -1;  // length of the bulk being read, -1 if its header is not read
  std::vector<std::pair<size_t, size_t>> spans_;  // (offset, length) of arguments read so far
  std::vector<std::string_view> args_;
  std::string inline_storage_;  // unescaped inline arguments live here
  std::vector<std::pair<size_t, size_t>> inline_spans_;
  size_t scan_ = 0;  // request-relative: bytes before it were searched for a line end in vain
  bool failed_ = false;
  std::string error_;
};

}  // namespace shardis::proto
