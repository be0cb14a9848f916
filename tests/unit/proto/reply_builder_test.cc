// ReplyBuilder tests: every method in RESP2 and RESP3. Expected bytes are redis-server 7.0.15
// replies (DEBUG PROTOCOL <type>, ZSCORE, HGETALL, SMEMBERS, LPOP of a missing list, ...).
#include <doctest/doctest.h>
#include <shardis/proto/reply_builder.h>

#include <cstdint>
#include <limits>
#include <string>

namespace shardis::proto {
namespace {

using namespace std::string_literals;

// Runs `fn` on a fresh builder for the given protocol and returns the bytes it wrote.
template <typename Fn>
std::string reply(int resp, Fn fn) {
  ReplyBuffer buf;
  ReplyBuilder rb(buf, resp);
  fn(rb);
  return buf.to_string();
}

template <typename Fn>
void check_both(Fn fn, const std::string& resp2, const std::string& resp3) {
  CHECK(reply(2, fn) == resp2);
  CHECK(reply(3, fn) == resp3);
}

TEST_CASE("ok and simple strings") {
  check_both([](ReplyBuilder& rb) { rb.ok(); }, "+OK\r\n", "+OK\r\n");
  check_both([](ReplyBuilder& rb) { rb.simple("PONG"); }, "+PONG\r\n", "+PONG\r\n");
  check_both([](ReplyBuilder& rb) { rb.simple(""); }, "+\r\n", "+\r\n");
}

TEST_CASE("errors") {
  check_both([](ReplyBuilder& rb) { rb.error("ERR syntax error"); }, "-ERR syntax error\r\n",
             "-ERR syntax error\r\n");
  check_both(
      [](ReplyBuilder& rb) {
        rb.error("WRONGTYPE Operation against a key holding the wrong kind of value");
      },
      "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
      "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  // redis-server's reply to the command name "a\nb\rc".
  check_both(
      [](ReplyBuilder& rb) {
        rb.error("ERR unknown command 'a\nb\rc', with args beginning with: ");
      },
      "-ERR unknown command 'a b c', with args beginning with: \r\n",
      "-ERR unknown command 'a b c', with args beginning with: \r\n");
  const std::string long_msg = "ERR " + std::string(20000, 'e') + "\r\n";
  CHECK(reply(2, [&](ReplyBuilder& rb) { rb.error(long_msg); }) ==
        "-ERR " + std::string(20000, 'e') + "  \r\n");
}

TEST_CASE("errors are counted") {
  ReplyBuffer buf;
  ReplyBuilder rb(buf, 2);
  CHECK(rb.errors() == 0);
  rb.ok();
  rb.error("ERR a");
  rb.integer(1);
  rb.error("ERR b");
  CHECK(rb.errors() == 2);
}

TEST_CASE("integers") {
  check_both([](ReplyBuilder& rb) { rb.integer(12345); }, ":12345\r\n", ":12345\r\n");
  check_both([](ReplyBuilder& rb) { rb.integer(0); }, ":0\r\n", ":0\r\n");
  check_both([](ReplyBuilder& rb) { rb.integer(-1); }, ":-1\r\n", ":-1\r\n");
  check_both([](ReplyBuilder& rb) { rb.integer(INT64_MAX); }, ":9223372036854775807\r\n",
             ":9223372036854775807\r\n");
  check_both([](ReplyBuilder& rb) { rb.integer(INT64_MIN); }, ":-9223372036854775808\r\n",
             ":-9223372036854775808\r\n");
}

TEST_CASE("bulk strings") {
  check_both([](ReplyBuilder& rb) { rb.bulk("Hello World"); }, "$11\r\nHello World\r\n",
             "$11\r\nHello World\r\n");
  check_both([](ReplyBuilder& rb) { rb.bulk(""); }, "$0\r\n\r\n", "$0\r\n\r\n");
  check_both([](ReplyBuilder& rb) { rb.bulk("a\r\nb"); }, "$4\r\na\r\nb\r\n", "$4\r\na\r\nb\r\n");
  check_both([](ReplyBuilder& rb) { rb.bulk("\0x\0"s); }, "$3\r\n\0x\0\r\n"s, "$3\r\n\0x\0\r\n"s);
  // Sizes around the inline-copy threshold and around a block.
  for (size_t n : {255, 256, 257, 511, 512, 513, 16 * 1024, 100'000}) {
    CAPTURE(n);
    const std::string v(n, 'v');
    std::string want = "$";
    want.append(std::to_string(n)).append("\r\n").append(v).append("\r\n");
    check_both([&](ReplyBuilder& rb) { rb.bulk(v); }, want, want);
  }
}

TEST_CASE("nulls") {
  check_both([](ReplyBuilder& rb) { rb.null(); }, "$-1\r\n", "_\r\n");
  // LPOP nolist 2
  check_both([](ReplyBuilder& rb) { rb.null_array(); }, "*-1\r\n", "_\r\n");
}

TEST_CASE("aggregate headers") {
  // DEBUG PROTOCOL array / set / map (three pairs).
  check_both([](ReplyBuilder& rb) { rb.array(3); }, "*3\r\n", "*3\r\n");
  check_both([](ReplyBuilder& rb) { rb.array(0); }, "*0\r\n", "*0\r\n");
  check_both([](ReplyBuilder& rb) { rb.set(3); }, "*3\r\n", "~3\r\n");
  check_both([](ReplyBuilder& rb) { rb.map(3); }, "*6\r\n", "%3\r\n");
  check_both([](ReplyBuilder& rb) { rb.map(0); }, "*0\r\n", "%0\r\n");
  check_both([](ReplyBuilder& rb) { rb.push(2); }, "*2\r\n", ">2\r\n");
  check_both([](ReplyBuilder& rb) { rb.array(1'000'000); }, "*1000000\r\n", "*1000000\r\n");
}

TEST_CASE("a whole HGETALL-like reply") {
  auto fn = [](ReplyBuilder& rb) {
    rb.map(1);
    rb.bulk("a");
    rb.bulk("1");
  };
  check_both(fn, "*2\r\n$1\r\na\r\n$1\r\n1\r\n", "%1\r\n$1\r\na\r\n$1\r\n1\r\n");
}

TEST_CASE("doubles") {
  // DEBUG PROTOCOL double, and ZSCORE of 0.1, 1e300, inf, -inf.
  check_both([](ReplyBuilder& rb) { rb.double_value(3.141); }, "$5\r\n3.141\r\n", ",3.141\r\n");
  check_both([](ReplyBuilder& rb) { rb.double_value(0.1); }, "$19\r\n0.10000000000000001\r\n",
             ",0.10000000000000001\r\n");
  check_both([](ReplyBuilder& rb) { rb.double_value(1e300); }, "$23\r\n1.0000000000000001e+300\r\n",
             ",1.0000000000000001e+300\r\n");
  check_both([](ReplyBuilder& rb) { rb.double_value(std::numeric_limits<double>::infinity()); },
             "$3\r\ninf\r\n", ",inf\r\n");
  check_both([](ReplyBuilder& rb) { rb.double_value(-std::numeric_limits<double>::infinity()); },
             "$4\r\n-inf\r\n", ",-inf\r\n");
  check_both([](ReplyBuilder& rb) { rb.double_value(3); }, "$1\r\n3\r\n", ",3\r\n");
  check_both([](ReplyBuilder& rb) { rb.double_value(-0.0); }, "$2\r\n-0\r\n", ",-0\r\n");
  check_both([](ReplyBuilder& rb) { rb.double_value(std::numeric_limits<double>::quiet_NaN()); },
             "$3\r\nnan\r\n", ",nan\r\n");
}

TEST_CASE("booleans") {
  check_both([](ReplyBuilder& rb) { rb.boolean(true); }, ":1\r\n", "#t\r\n");
  check_both([](ReplyBuilder& rb) { rb.boolean(false); }, ":0\r\n", "#f\r\n");
}

TEST_CASE("verbatim strings") {
  // DEBUG PROTOCOL verbatim
  check_both([](ReplyBuilder& rb) { rb.verbatim("txt", "This is a verbatim\nstring"); },
             "$25\r\nThis is a verbatim\nstring\r\n", "=29\r\ntxt:This is a verbatim\nstring\r\n");
  check_both([](ReplyBuilder& rb) { rb.verbatim("mkd", ""); }, "$0\r\n\r\n", "=4\r\nmkd:\r\n");
  // A malformed format falls back to txt rather than emitting a wrong length.
  check_both([](ReplyBuilder& rb) { rb.verbatim("markdown", "x"); }, "$1\r\nx\r\n",
             "=5\r\ntxt:x\r\n");
}

TEST_CASE("raw bytes pass through") {
  check_both([](ReplyBuilder& rb) { rb.raw("*1\r\n:1\r\n"); }, "*1\r\n:1\r\n", "*1\r\n:1\r\n");
  check_both([](ReplyBuilder& rb) { rb.raw(""); }, "", "");
}

TEST_CASE("protocol switch and retarget") {
  ReplyBuffer first;
  ReplyBuffer second;
  ReplyBuilder rb(first, 2);
  CHECK(rb.resp() == 2);
  rb.null();
  rb.set_resp(3);
  CHECK(rb.resp() == 3);
  rb.null();
  CHECK(&rb.buffer() == &first);
  rb.retarget(second);
  CHECK(&rb.buffer() == &second);
  rb.boolean(true);
  CHECK(first.to_string() == "$-1\r\n_\r\n");
  CHECK(second.to_string() == "#t\r\n");
}

TEST_CASE("many replies in one buffer cross block boundaries intact") {
  ReplyBuffer buf;
  ReplyBuilder rb(buf, 2);
  std::string want;
  for (int i = 0; i < 5000; ++i) {
    rb.integer(i * 7919 - 100000);
    want.append(":").append(std::to_string(i * 7919 - 100000)).append("\r\n");
    const std::string v(static_cast<size_t>(i % 300), static_cast<char>('a' + i % 26));
    rb.bulk(v);
    want.append("$").append(std::to_string(v.size())).append("\r\n").append(v).append("\r\n");
    rb.array(static_cast<size_t>(i));
    want.append("*").append(std::to_string(i)).append("\r\n");
  }
  CHECK(buf.size() == want.size());
  CHECK(buf.to_string() == want);
}

}  // namespace
}  // namespace shardis::proto
