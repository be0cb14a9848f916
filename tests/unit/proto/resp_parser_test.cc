// RespParser tests. Every case runs a fragment sweep: the same bytes fed in pieces of 1, 2, 5,
// 10, 100 and all at once must give the same commands and the same error. Expected error texts
// and edge cases were taken from redis-server 7.0.15 replies to the same bytes.
#include <doctest/doctest.h>
#include <shardis/proto/resp_parser.h>

#include <climits>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace shardis::proto {
namespace {

using namespace std::string_literals;
using Status = RespParser::Status;
using Command = std::vector<std::string>;

struct Outcome {
  std::vector<Command> commands;
  bool error = false;
  std::string error_text;
  size_t leftover = 0;  // unconsumed bytes at the end (only meaningful without an error)
  bool in_request = false;

  bool operator==(const Outcome& o) const {
    return commands == o.commands && error == o.error && error_text == o.error_text &&
           (error || (leftover == o.leftover && in_request == o.in_request));
  }
};

std::string show(const Outcome& o) {
  std::string s = "commands=[";
  for (const auto& c : o.commands) {
    s += "[";
    for (const auto& a : c) s += "'" + a + "' ";
    s += "]";
  }
  s += "] error=" + (o.error ? o.error_text : std::string("none"));
  s += " leftover=" + std::to_string(o.leftover);
  return s;
}

// Feeds `input` like a connection would: bytes arrive `piece` at a time (0 = all at once) into
// a std::string that is compacted after every call, so the parser sees its buffer move.
Outcome feed(std::string_view input, size_t piece, ParserLimits limits = {}) {
  RespParser parser(limits);
  std::string buf;
  Outcome out;
  size_t off = 0;
  while (off < input.size() && !out.error) {
    const size_t n = piece == 0 ? input.size() : std::min(piece, input.size() - off);
    buf.append(input.substr(off, n));
    off += n;
    for (;;) {
      const Status st = parser.parse(buf);
      if (st == Status::kError) {
        out.error = true;
        out.error_text = parser.error();
        break;
      }
      REQUIRE(parser.consumed() <= buf.size());
      if (st == Status::kNeedMore) {
        buf.erase(0, parser.consumed());
        break;
      }
      REQUIRE(!parser.args().empty());
      out.commands.emplace_back(parser.args().begin(), parser.args().end());
      buf.erase(0, parser.consumed());
    }
  }
  out.leftover = buf.size();
  out.in_request = parser.in_request();
  return out;
}

Outcome sweep(std::string_view input, ParserLimits limits = {}) {
  const Outcome whole = feed(input, 0, limits);
  for (size_t piece : {1, 2, 5, 10, 100}) {
    CAPTURE(piece);
    const Outcome part = feed(input, piece, limits);
    INFO("whole: " << show(whole));
    INFO("piece: " << show(part));
    CHECK(part == whole);
  }
  return whole;
}

void expect_commands(std::string_view input, const std::vector<Command>& want,
                     ParserLimits limits = {}) {
  CAPTURE(input);
  const Outcome got = sweep(input, limits);
  INFO(show(got));
  CHECK_FALSE(got.error);
  CHECK(got.commands == want);
  CHECK(got.leftover == 0);
  CHECK_FALSE(got.in_request);
}

void expect_error(std::string_view input, const std::string& error,
                  const std::vector<Command>& before = {}, ParserLimits limits = {}) {
  CAPTURE(input);
  const Outcome got = sweep(input, limits);
  INFO(show(got));
  CHECK(got.error);
  CHECK(got.error_text == error);
  CHECK(got.commands == before);
}

// Input that is accepted so far but incomplete: no error, `leftover` bytes kept.
void expect_need_more(std::string_view input, size_t leftover,
                      const std::vector<Command>& before = {}, ParserLimits limits = {}) {
  CAPTURE(input);
  const Outcome got = sweep(input, limits);
  INFO(show(got));
  CHECK_FALSE(got.error);
  CHECK(got.commands == before);
  CHECK(got.leftover == leftover);
}

std::string multibulk(const Command& args) {
  std::string s = "*";
  s.append(std::to_string(args.size())).append("\r\n");
  for (const auto& a : args) {
    s.append("$").append(std::to_string(a.size())).append("\r\n").append(a).append("\r\n");
  }
  return s;
}

const char* const kInvalidMultibulk = "Protocol error: invalid multibulk length";
const char* const kInvalidBulk = "Protocol error: invalid bulk length";
const char* const kUnbalanced = "Protocol error: unbalanced quotes in request";

TEST_CASE("multibulk golden requests") {
  expect_commands("*1\r\n$4\r\nPING\r\n", {{"PING"}});
  expect_commands("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n", {{"SET", "key", "value"}});
  expect_commands("*2\r\n$4\r\nECHO\r\n$0\r\n\r\n", {{"ECHO", ""}});
  expect_commands("*1\r\n$0\r\n\r\n", {{""}});
  const std::string big(300, 'v');
  expect_commands(multibulk({"SET", "k", big}), {{"SET", "k", big}});
}

TEST_CASE("multibulk values are binary safe") {
  const std::string value = "a\0b\r\nc\r\n\0"s;
  expect_commands(multibulk({"SET", "k\r\n"s, value}), {{"SET", "k\r\n", value}});
  // A bulk that looks like a whole request is just data.
  const std::string nested = multibulk({"PING"});
  expect_commands(multibulk({"ECHO", nested}), {{"ECHO", nested}});
  std::string all_bytes;
  for (int c = 0; c < 256; ++c) all_bytes.push_back(static_cast<char>(c));
  expect_commands(multibulk({"ECHO", all_bytes}), {{"ECHO", all_bytes}});
}

TEST_CASE("inline golden requests") {
  expect_commands("PING\r\n", {{"PING"}});
  expect_commands("PING\n", {{"PING"}});
  expect_commands("SET k v\r\n", {{"SET", "k", "v"}});
  expect_commands("  SET \t k   v  \r\n", {{"SET", "k", "v"}});
  // Not starting with '*' makes it inline, even after a blank.
  expect_commands(" *1\r\n", {{"*1"}});
  // Bytes >= 0x80 are ordinary characters.
  expect_commands("ECHO \xff\xfe\r\n", {{"ECHO", "\xff\xfe"}});
  // Only \r just before \n belongs to the line end; another \r separates arguments.
  expect_commands("ECHO x\r\r\n", {{"ECHO", "x"}});
  expect_commands("ECHO a\rb\r\n", {{"ECHO", "a", "b"}});
}

TEST_CASE("inline quoting follows sdssplitargs") {
  // Each expectation below is what redis-server stored for RPUSH l <line>.
  expect_commands("RPUSH l \"a\\x41\\x4g\\n\\\"b\" 'c\\'d\\n'\r\n",
                  {{"RPUSH", "l", "aAx4g\n\"b", "c'd\\n"}});
  expect_commands("RPUSH l a\"b c\"\r\n", {{"RPUSH", "l", "ab c"}});
  expect_commands("RPUSH l \"a\"\vx\r\n", {{"RPUSH", "l", "a", "x"}});
  expect_commands("RPUSH l \"\\x4\"\r\n", {{"RPUSH", "l", "x4"}});
  expect_commands("RPUSH l \"\\xZZ\" \"\\x\"\r\n", {{"RPUSH", "l", "xZZ", "x"}});
  expect_commands("RPUSH l \"\\x4A\\x4a\"\r\n", {{"RPUSH", "l", "JJ"}});
  expect_commands("RPUSH l \"\\x00\"\r\n", {{"RPUSH", "l", "\0"s}});
  expect_commands("RPUSH l a\tb\fc\r\n", {{"RPUSH", "l", "a", "b\fc"}});
  expect_commands("RPUSH l \"\" '' \"\"\r\n", {{"RPUSH", "l", "", "", ""}});
  expect_commands("RPUSH l 'a\\'' 'x\\y'\r\n", {{"RPUSH", "l", "a'", "x\\y"}});
  expect_commands("ECHO \"\\t\\b\\a\\r\\z\\\\\"\r\n", {{"ECHO", "\t\b\a\rz\\"}});
  // \v and \f separate arguments only where blanks are skipped, not inside one.
  expect_commands("ECHO a\vb\r\n", {{"ECHO", "a\vb"}});
  expect_commands("ECHO \v\fa\r\n", {{"ECHO", "a"}});
}

TEST_CASE("inline quoting errors") {
  expect_error("ECHO \"ab\"c\r\n", kUnbalanced);
  expect_error("ECHO 'ab'c\r\n", kUnbalanced);
  expect_error("ECHO \"ab\r\n", kUnbalanced);
  expect_error("ECHO 'ab\r\n", kUnbalanced);
  expect_error("ECHO a\"b c\"d\r\n", kUnbalanced);
  expect_error("RPUSH l \"\"''\r\n", kUnbalanced);
  expect_error("ECHO \"x\\\r\n", kUnbalanced);
  expect_error("ECHO '\\\\'\r\n", kUnbalanced);
  // Commands before the bad line are still delivered.
  expect_error("PING\r\nECHO \"x\r\n", kUnbalanced, {{"PING"}});
}

TEST_CASE("empty requests are skipped silently") {
  expect_commands("\r\n\n   \r\n\t\n", {});
  expect_commands("*0\r\n*-1\r\n*-5\r\n", {});
  expect_commands("*-9223372036854775808\r\n", {});
  expect_commands("*0\r\n*-1\r\n*-5\r\nPING\r\n", {{"PING"}});
  expect_commands("\r\n*0\r\n*1\r\n$4\r\nPING\r\n\n", {{"PING"}});
}

TEST_CASE("pipelined mix of forms") {
  const std::string input = multibulk({"SET", "a", "1"}) + "GET a\r\n" + "\r\n" + "*0\r\n" +
                            multibulk({"DEL", "a\r\nb"}) + "  \n" + "ECHO \"x y\"\n" + "*-1\r\n" +
                            multibulk({"PING"});
  expect_commands(input,
                  {{"SET", "a", "1"}, {"GET", "a"}, {"DEL", "a\r\nb"}, {"ECHO", "x y"}, {"PING"}});
}

TEST_CASE("incomplete requests wait without error") {
  expect_need_more("*1\r\n$4\r\nPIN", 11);
  expect_need_more("PING", 4);
  expect_need_more("*1\r\n$4\r\nPING\r\n*2\r\n", 4, {{"PING"}});
  // The bulk's trailing two bytes must have arrived.
  expect_need_more("*1\r\n$4\r\nPING\r", 13);
  // The byte after a count line's '\r' must have arrived.
  expect_need_more("*1\r", 3);
  expect_need_more("*1\r\n$4\r", 7);
  // No '\r' yet, so the wrong type byte is not reported yet (redis-server replies nothing).
  expect_need_more("*3\r\n:1", 6);
  expect_need_more("*3\r\n:1\r", 7);
}

TEST_CASE("redis quirks: line ends and bulk trailers are not checked") {
  // Whatever byte follows '\r' in a count line is skipped.
  expect_commands("*1\rX$4\r\nPING\r\n", {{"PING"}});
  // The two bytes after bulk data are skipped unchecked.
  expect_commands("*1\r\n$4\r\nPINGxy", {{"PING"}});
  expect_commands("*1\r\n$4\r\nPINGxy*1\r\n$4\r\nPING\r\n", {{"PING"}, {"PING"}});
  expect_commands("*2\r\n$4\r\nECHO\r\n$4\r\na\r\nb\r\n", {{"ECHO", "a\r\nb"}});
}

TEST_CASE("a NUL byte hides the line end, as strchr does in redis") {
  // redis-server never answers these: it keeps waiting for a line end.
  expect_need_more("*1\0\r\n$4\r\nPING\r\n"s, 15);
  expect_need_more("*1\r\n$4\0\r\nPING\r\n"s, 15);
  expect_need_more("*1\r\n\0$4\r\nPING\r\n"s, 15);
  expect_need_more("PING\0\r\n"s, 7);
  expect_need_more("PING\r\nPING\0\r\n"s, 7, {{"PING"}});
  // ...until more than the inline limit is buffered.
  expect_error("PING\0\r\nPING\r\n"s + std::string(65536, 'x'),
               "Protocol error: too big inline request");
  ParserLimits small;
  small.max_inline_len = 16;
  expect_error("*1\r\n$4\0\r\nPING\r\n"s + "0123456789",
               "Protocol error: too big bulk count string", {}, small);
  expect_error("*1\0\r\n$4\r\nPING\r\n"s + "01", "Protocol error: too big mbulk count string", {},
               small);
}

TEST_CASE("invalid multibulk counts") {
  expect_error("*x\r\n", kInvalidMultibulk);
  expect_error("PING\r\n*x\r\n", kInvalidMultibulk, {{"PING"}});
  expect_error("*-0\r\n", kInvalidMultibulk);
  expect_error("*+1\r\n", kInvalidMultibulk);
  expect_error("*\r\n", kInvalidMultibulk);
  expect_error("*01\r\n", kInvalidMultibulk);
  expect_error("* 1\r\n", kInvalidMultibulk);
  expect_error("*1 \r\n", kInvalidMultibulk);
  // "\n" alone does not end a count line: the next '\r' does, and "1\n" is not a number.
  expect_error("*1\n\r\n$4\r\nPING\r\n", kInvalidMultibulk);
  expect_error("*9223372036854775807\r\n", kInvalidMultibulk);
  expect_error("*9223372036854775808\r\n", kInvalidMultibulk);
  expect_error("*-9223372036854775809\r\n", kInvalidMultibulk);
  expect_error("*123456789012345678901\r\n", kInvalidMultibulk);
}

TEST_CASE("multibulk count limit") {
  // The default limit is 1024*1024 (redis-server 7.0 itself would accept up to INT_MAX).
  expect_need_more("*1048576\r\n", 10);
  expect_error("*1048577\r\n", kInvalidMultibulk);
  ParserLimits small;
  small.max_multibulk_len = 3;
  expect_commands(multibulk({"a", "b", "c"}), {{"a", "b", "c"}}, small);
  expect_error(multibulk({"a", "b", "c", "d"}), kInvalidMultibulk, {}, small);
  // Above INT_MAX is refused whatever the configured limit, as redis-server does.
  ParserLimits huge;
  huge.max_multibulk_len = INT64_MAX;
  expect_need_more("*2147483647\r\n", 13, {}, huge);
  expect_error("*2147483648\r\n", kInvalidMultibulk, {}, huge);
}

TEST_CASE("a huge declared count allocates nothing") {
  ParserLimits huge;
  huge.max_multibulk_len = INT64_MAX;
  RespParser parser(huge);
  std::string buf = "*2147483647\r\n";
  CHECK(parser.parse(buf) == Status::kNeedMore);
  CHECK(parser.consumed() == 0);
  CHECK(parser.in_request());
  CHECK(parser.args().capacity() == 0);
  for (int i = 0; i < 100; ++i) {
    buf += "$1\r\na\r\n";
    CHECK(parser.parse(buf) == Status::kNeedMore);
  }
  CHECK(parser.args().capacity() == 0);
  CHECK(parser.args().empty());
}

TEST_CASE("the parser resumes where it stopped") {
  // 100k arguments arriving a few bytes at a time: re-parsing from the request's first byte on
  // every call would take on the order of 10^10 steps; resuming keeps it linear.
  constexpr int kArgs = 100'000;
  ParserLimits limits;
  RespParser parser(limits);
  std::string buf = "*" + std::to_string(kArgs) + "\r\n";
  CHECK(parser.parse(buf) == Status::kNeedMore);
  const std::string arg = "$1\r\nx\r\n";
  Status st = Status::kNeedMore;
  for (int i = 0; i < kArgs; ++i) {
    for (char c : arg) {
      buf.push_back(c);
      st = parser.parse(buf);
      if (i + 1 < kArgs || c != '\n') REQUIRE(st == Status::kNeedMore);
    }
  }
  REQUIRE(st == Status::kCommand);
  CHECK(parser.args().size() == static_cast<size_t>(kArgs));
  CHECK(parser.consumed() == buf.size());
  CHECK(parser.args().back() == "x");
}

TEST_CASE("wrong type byte for a bulk") {
  expect_error("*3\r\n:1\r\n", "Protocol error: expected '$', got ':'");
  expect_error("*1\r\nhmB1\r\n", "Protocol error: expected '$', got 'h'");
  // Line breaks are shown as spaces, as in redis-server's reply.
  expect_error("*1\r\n\n$4\r\nPING\r\n", "Protocol error: expected '$', got ' '");
  expect_error("*1\r\n\r\r\n", "Protocol error: expected '$', got ' '");
  expect_error("*2\r\n$1\r\na\r\n\r\n$1\r\nb\r\n", "Protocol error: expected '$', got ' '");
}

TEST_CASE("invalid bulk lengths") {
  for (const char* header : {"$-1", "$01", "$+1", "$", "$-0", "$ 4", "$4 ", "$00",
                             "$9223372036854775807", "$536870913", "$x"}) {
    CAPTURE(header);
    expect_error("*1\r\n"s + header + "\r\n", kInvalidBulk);
  }
  // Exactly proto-max-bulk-len (512 MiB) is accepted and waits for its data.
  expect_need_more("*1\r\n$536870912\r\n", 16);
}

TEST_CASE("bulk length at and over a reduced limit") {
  ParserLimits limits;
  limits.max_bulk_len = 10;
  expect_commands(multibulk({"SET", "k", "0123456789"}), {{"SET", "k", "0123456789"}}, limits);
  expect_error(multibulk({"SET", "k", "0123456789x"}), kInvalidBulk, {}, limits);
  expect_error(multibulk({"PING"}) + multibulk({"SET", "k", "0123456789x"}), kInvalidBulk,
               {{"PING"}}, limits);
}

TEST_CASE("count lines and inline requests over the line limit") {
  // Full-size limit: 64 KiB without a line end.
  expect_error("*" + std::string(70000, '1'), "Protocol error: too big mbulk count string");
  expect_error("*1\r\n$" + std::string(70000, '1'), "Protocol error: too big bulk count string");
  expect_error(std::string(70000, 'x'), "Protocol error: too big inline request");
  expect_need_more(std::string(65536, 'x'), 65536);
  expect_error(std::string(65537, 'x'), "Protocol error: too big inline request");
  expect_need_more("*" + std::string(65535, '1'), 65536);
  expect_error("*" + std::string(65536, '1'), "Protocol error: too big mbulk count string");

  // Reduced limit, exactly at and one over.
  ParserLimits limits;
  limits.max_inline_len = 16;
  limits.max_multibulk_len = INT64_MAX;
  expect_commands(std::string(16, 'x') + "\n", {{std::string(16, 'x')}}, limits);
  expect_need_more(std::string(16, 'x'), 16, {}, limits);
  expect_error(std::string(17, 'x'), "Protocol error: too big inline request", {}, limits);
  // The line limit counts every byte before '\n', a '\r' included.
  expect_error(std::string(16, 'x') + "\r\n", "Protocol error: too big inline request", {}, limits);
  expect_commands("PING\r\n" + std::string(15, 'y') + "\r\n", {{"PING"}, {std::string(15, 'y')}},
                  limits);
  // A bulk header with 16 bytes before '\r' is read; with 17 it is too big.
  ParserLimits wide_bulk = limits;
  wide_bulk.max_bulk_len = size_t{1} << 60;
  expect_need_more("*1\r\n$100000000000000\r\n", 22, {}, wide_bulk);
  expect_error("*1\r\n$100000000000000\r\n", kInvalidBulk, {}, limits);
  expect_error("*1\r\n$1000000000000000\r\n", "Protocol error: too big bulk count string", {},
               wide_bulk);
  // The same for a count line, with an 8-byte limit so that the count stays below INT_MAX.
  ParserLimits tiny = limits;
  tiny.max_inline_len = 8;
  expect_need_more("*1000000\r\n", 10, {}, tiny);
  expect_error("*10000000\r\n", "Protocol error: too big mbulk count string", {}, tiny);
  // Bulk data itself is not bound by the line limit.
  const std::string long_value(1000, 'v');
  expect_commands(multibulk({"SET", "k", long_value}), {{"SET", "k", long_value}}, limits);
}

TEST_CASE("consumed counts skipped empty requests on need-more") {
  RespParser parser;
  std::string buf = "\r\n*0\r\n*1\r\n$4\r\nPI";
  CHECK(parser.parse(buf) == Status::kNeedMore);
  CHECK(parser.consumed() == 6);
  CHECK(parser.in_request());
  buf.erase(0, parser.consumed());
  buf += "NG\r\n";
  REQUIRE(parser.parse(buf) == Status::kCommand);
  CHECK(parser.consumed() == buf.size());
  REQUIRE(parser.args().size() == 1);
  CHECK(parser.args()[0] == "PING");
  // Multibulk arguments are views into the caller's buffer, not copies.
  CHECK(parser.args()[0].data() == buf.data() + 8);
  CHECK_FALSE(parser.in_request());
  buf.clear();
  CHECK(parser.parse(buf) == Status::kNeedMore);
  CHECK(parser.consumed() == 0);
}

TEST_CASE("one command per call; consumed covers exactly one request") {
  RespParser parser;
  const std::string buf = "PING\r\n*1\r\n$4\r\nPING\r\n";
  REQUIRE(parser.parse(buf) == Status::kCommand);
  CHECK(parser.consumed() == 6);
  REQUIRE(parser.parse(std::string_view(buf).substr(6)) == Status::kCommand);
  CHECK(parser.consumed() == 14);
}

TEST_CASE("errors stick until reset") {
  RespParser parser;
  REQUIRE(parser.parse("*x\r\n") == Status::kError);
  CHECK(parser.error() == kInvalidMultibulk);
  CHECK(parser.parse("PING\r\n") == Status::kError);
  parser.reset();
  CHECK(parser.error().empty());
  CHECK_FALSE(parser.in_request());
  REQUIRE(parser.parse("PING\r\n") == Status::kCommand);
  CHECK(parser.args()[0] == "PING");
  // A reset in the middle of a request forgets it.
  CHECK(parser.parse("*2\r\n$3\r\nGET\r\n") == Status::kNeedMore);
  parser.reset();
  REQUIRE(parser.parse("*1\r\n$4\r\nPING\r\n") == Status::kCommand);
  CHECK(parser.args().size() == 1);
}

TEST_CASE("random requests in random pieces") {
  std::mt19937 rng(12345);
  auto rnd = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  for (int round = 0; round < 30; ++round) {
    std::string input;
    std::vector<Command> want;
    const size_t requests = 1 + rnd(40);
    for (size_t r = 0; r < requests; ++r) {
      Command cmd;
      const bool as_inline = rnd(3) == 0;
      const size_t argc = 1 + rnd(6);
      for (size_t a = 0; a < argc; ++a) {
        std::string arg;
        const size_t len = rnd(5) == 0 ? rnd(3000) : rnd(12);
        for (size_t i = 0; i < len; ++i) {
          arg.push_back(as_inline ? static_cast<char>('a' + rnd(26)) : static_cast<char>(rng()));
        }
        if (as_inline && arg.empty()) arg.push_back('z');
        cmd.push_back(arg);
      }
      if (as_inline) {
        for (size_t a = 0; a < argc; ++a) input += (a ? " " : "") + cmd[a];
        input += rnd(2) ? "\r\n" : "\n";
      } else {
        input += multibulk(cmd);
      }
      if (rnd(5) == 0) input += rnd(2) ? "*0\r\n" : "\r\n";
      want.push_back(cmd);
    }
    CAPTURE(round);
    expect_commands(input, want);
    // Random piece sizes as well as the fixed sweep.
    RespParser parser;
    std::string buf;
    std::vector<Command> got;
    size_t off = 0;
    while (off < input.size()) {
      const size_t n = std::min(1 + rnd(64), input.size() - off);
      buf.append(input, off, n);
      off += n;
      for (;;) {
        const Status st = parser.parse(buf);
        REQUIRE(st != Status::kError);
        if (st == Status::kCommand) got.emplace_back(parser.args().begin(), parser.args().end());
        buf.erase(0, parser.consumed());
        if (st == Status::kNeedMore) break;
      }
    }
    CHECK(got == want);
    CHECK(buf.empty());
  }
}

}  // namespace
}  // namespace shardis::proto
