#include <shardis/base/number_format.h>
#include <shardis/proto/resp_parser.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>

namespace shardis::proto {
namespace {

// Argument vectors larger than this are released once their request is done, so that one huge
// request does not pin its index memory for the life of the connection.
constexpr size_t kKeepArgsCapacity = 1024;
constexpr size_t kKeepInlineStorage = 16 * 1024;

bool is_c_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

bool is_hex_digit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

}  // namespace

// Redis looks for line ends with strchr() on its NUL-terminated query buffer, so a NUL byte
// hides everything after it until the "too big" limit trips; that is reproduced here. A line
// is too big when more than max_inline_len bytes precede its terminator. Redis applies the
// limit to whatever it has buffered when the terminator is missing, which depends on how the
// bytes arrived; measuring the line instead gives the same answer for every fragmentation.
RespParser::LineEnd RespParser::find_line_end(std::string_view req, size_t line, char target,
                                              size_t* at) {
  const size_t window_end = std::min(req.size(), line + limits_.max_inline_len + 1);
  const size_t from = std::max(scan_, line);
  if (from < window_end) {
    const char* base = req.data();
    const void* hit = std::memchr(base + from, target, window_end - from);
    const size_t stop =
        hit != nullptr ? static_cast<size_t>(static_cast<const char*>(hit) - base) : window_end;
    const void* nul = std::memchr(base + from, '\0', stop - from);
    if (nul != nullptr) {
      // Stay on the NUL: the next call finds it again at once.
      scan_ = static_cast<size_t>(static_cast<const char*>(nul) - base);
    } else if (hit != nullptr) {
      *at = stop;
      return LineEnd::kFound;
    } else {
      scan_ = window_end;
    }
  }
  if (req.size() - line > limits_.max_inline_len) return LineEnd::kTooBig;
  return LineEnd::kNeedMore;
}

RespParser::Status RespParser::parse(std::string_view input) {
  consumed_ = 0;
  if (failed_) return Status::kError;
  // The previous command's views die with this call, so its vectors may be trimmed now.
  if (args_.capacity() > kKeepArgsCapacity) {
    std::vector<std::string_view>().swap(args_);
  } else {
    args_.clear();
  }
  if (inline_storage_.capacity() > kKeepInlineStorage) std::string().swap(inline_storage_);

  for (;;) {
    const std::string_view req = input.substr(consumed_);
    if (state_ == State::kStart) {
      if (req.empty()) return Status::kNeedMore;
      state_ = req[0] == '*' ? State::kMultibulk : State::kInline;
    }
    const Status st = state_ == State::kInline ? parse_inline(req) : parse_multibulk(req);
    if (st != Status::kCommand) return st;
    // The request is complete and pos_ is its length.
    consumed_ += pos_;
    finish_request();
    if (!args_.empty()) return Status::kCommand;
    // An empty request ("\r\n", "*0\r\n", "*-1\r\n"): skip it and look at the next one.
  }
}

void RespParser::finish_request() {
  state_ = State::kStart;
  pos_ = 0;
  remaining_ = 0;
  bulk_len_ = -1;
  scan_ = 0;
  if (spans_.capacity() > kKeepArgsCapacity) {
    std::vector<std::pair<size_t, size_t>>().swap(spans_);
  } else {
    spans_.clear();
  }
  inline_spans_.clear();
}

void RespParser::reset() {
  finish_request();
  consumed_ = 0;
  args_.clear();
  inline_storage_.clear();
  error_.clear();
  failed_ = false;
}

RespParser::Status RespParser::fail(std::string msg) {
  error_ = std::move(msg);
  failed_ = true;
  return Status::kError;
}

RespParser::Status RespParser::parse_inline(std::string_view input) {
  size_t nl = 0;
  switch (find_line_end(input, 0, '\n', &nl)) {
    case LineEnd::kTooBig:
      return fail("Protocol error: too big inline request");
    case LineEnd::kNeedMore:
      return Status::kNeedMore;
    case LineEnd::kFound:
      break;
  }
  size_t line_len = nl;
  if (line_len > 0 && input[line_len - 1] == '\r') --line_len;
  if (!split_inline(input.substr(0, line_len))) {
    return fail("Protocol error: unbalanced quotes in request");
  }
  pos_ = nl + 1;
  args_.reserve(inline_spans_.size());
  for (const auto& [off, len] : inline_spans_) {
    args_.emplace_back(inline_storage_.data() + off, len);
  }
  return Status::kCommand;
}

// Splits an inline line into arguments the way Redis's sdssplitargs() does: blanks (isspace)
// separate arguments, "double quotes" understand \xHH, \n, \r, \t, \b, \a and \<any>,
// 'single quotes' understand only \', and a closing quote must be followed by a blank or the
// end of the line. Quotes may also open in the middle of an argument (a"b c" is "ab c").
// The line holds no NUL byte (find_line_end stops at one), so '\0' below means "end of line".
bool RespParser::split_inline(std::string_view line) {
  inline_storage_.clear();
  inline_spans_.clear();
  const size_t n = line.size();
  auto at = [&](size_t j) -> char { return j < n ? line[j] : '\0'; };
  size_t i = 0;
  for (;;) {
    while (i < n && is_c_space(line[i])) ++i;
    if (i >= n) return true;
    const size_t start = inline_storage_.size();
    bool in_double = false;
    bool in_single = false;
    bool done = false;
    while (!done) {
      const char c = at(i);
      if (in_double) {
        if (c == '\\' && at(i + 1) == 'x' && is_hex_digit(at(i + 2)) && is_hex_digit(at(i + 3))) {
          inline_storage_.push_back(
              static_cast<char>(hex_value(at(i + 2)) * 16 + hex_value(at(i + 3))));
          i += 3;
        } else if (c == '\\' && at(i + 1) != '\0') {
          ++i;
          char e = line[i];
          switch (e) {
            case 'n':
              e = '\n';
              break;
            case 'r':
              e = '\r';
              break;
            case 't':
              e = '\t';
              break;
            case 'b':
              e = '\b';
              break;
            case 'a':
              e = '\a';
              break;
            default:
              break;
          }
          inline_storage_.push_back(e);
        } else if (c == '"') {
          if (at(i + 1) != '\0' && !is_c_space(at(i + 1))) return false;
          done = true;
        } else if (c == '\0') {
          return false;  // unterminated quotes
        } else {
          inline_storage_.push_back(c);
        }
      } else if (in_single) {
        if (c == '\\' && at(i + 1) == '\'') {
          ++i;
          inline_storage_.push_back('\'');
        } else if (c == '\'') {
          if (at(i + 1) != '\0' && !is_c_space(at(i + 1))) return false;
          done = true;
        } else if (c == '\0') {
          return false;
        } else {
          inline_storage_.push_back(c);
        }
      } else {
        switch (c) {
          case ' ':
          case '\n':
          case '\r':
          case '\t':
          case '\0':
            done = true;
            break;
          case '"':
            in_double = true;
            break;
          case '\'':
            in_single = true;
            break;
          default:
            inline_storage_.push_back(c);
            break;
        }
      }
      if (i < n) ++i;
    }
    inline_spans_.emplace_back(start, inline_storage_.size() - start);
  }
}

RespParser::Status RespParser::parse_multibulk(std::string_view input) {
  // pos_ == 0: the "*<count>" line has not been read yet (once read, pos_ is past it).
  if (pos_ == 0) {
    size_t cr = 0;
    switch (find_line_end(input, 0, '\r', &cr)) {
      case LineEnd::kTooBig:
        return fail("Protocol error: too big mbulk count string");
      case LineEnd::kNeedMore:
        return Status::kNeedMore;
      case LineEnd::kFound:
        break;
    }
    // Redis wants one byte after the '\r' and skips it without checking that it is '\n'.
    if (cr + 1 >= input.size()) return Status::kNeedMore;
    const auto count = base::parse_int64(input.substr(1, cr - 1));
    // Redis 7 itself stops at INT_MAX whatever the configured limit.
    const int64_t max_count = std::min<int64_t>(limits_.max_multibulk_len, INT32_MAX);
    if (!count || *count > max_count) {
      return fail("Protocol error: invalid multibulk length");
    }
    pos_ = cr + 2;
    if (*count <= 0) return Status::kCommand;  // empty request, skipped by parse()
    remaining_ = *count;
    bulk_len_ = -1;
  }

  while (remaining_ > 0) {
    if (bulk_len_ < 0) {
      size_t cr = 0;
      switch (find_line_end(input, pos_, '\r', &cr)) {
        case LineEnd::kTooBig:
          return fail("Protocol error: too big bulk count string");
        case LineEnd::kNeedMore:
          return Status::kNeedMore;
        case LineEnd::kFound:
          break;
      }
      if (cr + 1 >= input.size()) return Status::kNeedMore;
      if (input[pos_] != '$') {
        char got = input[pos_];
        // Redis turns line breaks in error text into spaces.
        if (got == '\r' || got == '\n') got = ' ';
        return fail(std::string("Protocol error: expected '$', got '") + got + "'");
      }
      const auto len = base::parse_int64(input.substr(pos_ + 1, cr - pos_ - 1));
      if (!len || *len < 0 || static_cast<uint64_t>(*len) > limits_.max_bulk_len) {
        return fail("Protocol error: invalid bulk length");
      }
      pos_ = cr + 2;
      bulk_len_ = *len;
    }
    // The two bytes after the data are skipped unchecked, as Redis does.
    const size_t need = static_cast<size_t>(bulk_len_) + 2;
    if (input.size() - pos_ < need) return Status::kNeedMore;
    spans_.emplace_back(pos_, static_cast<size_t>(bulk_len_));
    pos_ += need;
    bulk_len_ = -1;
    --remaining_;
  }

  args_.reserve(spans_.size());
  for (const auto& [off, len] : spans_) args_.emplace_back(input.data() + off, len);
  return Status::kCommand;
}

}  // namespace shardis::proto
