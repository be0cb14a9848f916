// Hash family against Redis 7.0's exact replies (checked on redis-server 7.0.15).
#include <doctest/doctest.h>

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "support/family_harness.h"
#include "support/resp_expect.h"

namespace shardis::test {
namespace {

const std::string kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const std::string kZero = ":0\r\n";
const std::string kOne = ":1\r\n";
const std::string kEmptyArray = "*0\r\n";
const std::string kEmptyScan = "*2\r\n$1\r\n0\r\n*0\r\n";
const std::string kNull3 = "_\r\n";

// "*<n>\r\n" followed by each bulk string.
std::string bulks(const std::vector<std::string>& items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (const std::string& s : items) out += bulk(s);
  return out;
}

// A minimal RESP reader for replies whose order the tests cannot predict: arrays (of any
// nesting, flattened), bulk strings, integers.
class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  // Reads one reply; bulk strings and integers go to out, array headers are skipped over.
  void read(std::vector<std::string>& out) {
    char type = s_[pos_++];
    std::string line = read_line();
    if (type == '*' || type == '%') {
      long n = std::stol(line) * (type == '%' ? 2 : 1);
      for (long i = 0; i < n; ++i) read(out);
    } else if (type == '$') {
      size_t n = std::stoul(line);
      out.emplace_back(s_.substr(pos_, n));
      pos_ += n + 2;
    } else {
      out.push_back(line);
    }
  }
  bool done() const { return pos_ == s_.size(); }

 private:
  std::string read_line() {
    size_t end = s_.find("\r\n", pos_);
    std::string line(s_.substr(pos_, end - pos_));
    pos_ = end + 2;
    return line;
  }
  std::string_view s_;
  size_t pos_ = 0;
};

std::vector<std::string> flatten(const std::string& reply) {
  std::vector<std::string> out;
  Reader r(reply);
  r.read(out);
  CHECK(r.done());
  return out;
}

// HSCAN: the cursor and the flat field, value list of one reply.
struct ScanReply {
  std::string cursor;
  std::vector<std::string> items;
};

ScanReply parse_scan(const std::string& reply) {
  REQUIRE(reply.rfind("*2\r\n", 0) == 0);
  std::vector<std::string> all = flatten(reply);
  REQUIRE(!all.empty());
  return {all[0], std::vector<std::string>(all.begin() + 1, all.end())};
}

std::string encoding(FamilyHarness& h, std::string_view key) {
  return h.run({"OBJECT", "ENCODING", key});
}

// Fills key with fields f0..f<n-1> holding values v0..
void fill(FamilyHarness& h, const std::string& key, size_t n) {
  std::vector<std::string> cmd = {"HSET", key};
  for (size_t i = 0; i < n; ++i) {
    cmd.push_back("f" + std::to_string(i));
    cmd.push_back("v" + std::to_string(i));
  }
  REQUIRE(h.run(cmd) == integer(static_cast<long long>(n)));
}

TEST_CASE("HSET, HGET, HSETNX, HMSET") {
  FamilyHarness h;
  CHECK(h.run({"HSET", "h", "f1", "v1", "f2", "v2"}) == integer(2));
  CHECK(h.run({"HSET", "h", "f1", "x", "f3", "v3"}) == integer(1));
  CHECK(h.run({"HGET", "h", "f1"}) == bulk("x"));
  CHECK(h.run({"HGET", "h", "nope"}) == kNil);
  CHECK(h.run({"HGET", "nokey", "f"}) == kNil);
  CHECK(h.run({"HSETNX", "h", "f1", "y"}) == kZero);
  CHECK(h.run({"HSETNX", "h", "f4", "v4"}) == kOne);
  CHECK(h.run({"HSETNX", "new", "f", "v"}) == kOne);
  CHECK(h.run({"HGET", "new", "f"}) == bulk("v"));
  CHECK(h.run({"HMSET", "h", "f5", "v5", "f1", "z"}) == kOk);
  CHECK(h.run({"HGETALL", "h"}) ==
        bulks({"f1", "z", "f2", "v2", "f3", "v3", "f4", "v4", "f5", "v5"}));
  CHECK(h.run({"HKEYS", "h"}) == bulks({"f1", "f2", "f3", "f4", "f5"}));
  CHECK(h.run({"HVALS", "h"}) == bulks({"z", "v2", "v3", "v4", "v5"}));
  // The same field twice in one call: counted once, the last value wins.
  CHECK(h.run({"HSET", "d", "a", "1", "a", "2"}) == integer(1));
  CHECK(h.run({"HGET", "d", "a"}) == bulk("2"));
  CHECK(h.run({"TYPE", "h"}) == "+hash\r\n");
}

TEST_CASE("HLEN, HEXISTS, HSTRLEN, HMGET") {
  FamilyHarness h;
  CHECK(h.run({"HSET", "h", "f1", "z", "f2", "v2", "12", "-34"}) == integer(3));
  CHECK(h.run({"HLEN", "h"}) == integer(3));
  CHECK(h.run({"HLEN", "nokey"}) == kZero);
  CHECK(h.run({"HEXISTS", "h", "f1"}) == kOne);
  CHECK(h.run({"HEXISTS", "h", "no"}) == kZero);
  CHECK(h.run({"HEXISTS", "nokey", "f"}) == kZero);
  CHECK(h.run({"HSTRLEN", "h", "f2"}) == integer(2));
  CHECK(h.run({"HSTRLEN", "h", "12"}) == integer(3));
  CHECK(h.run({"HSTRLEN", "h", "no"}) == kZero);
  CHECK(h.run({"HSTRLEN", "nokey", "no"}) == kZero);
  CHECK(h.run({"HMGET", "h", "f1", "no", "f2"}) == "*3\r\n" + bulk("z") + kNil + bulk("v2"));
  CHECK(h.run({"HMGET", "nokey", "a", "b"}) == "*2\r\n" + kNil + kNil);
  CHECK(h.run({"HGETALL", "h"}) == bulks({"f1", "z", "f2", "v2", "12", "-34"}));
}

TEST_CASE("HDEL removes fields and the key with the last one") {
  FamilyHarness h;
  CHECK(h.run({"HSET", "h", "f1", "1", "f2", "2", "f3", "3", "f4", "4"}) == integer(4));
  CHECK(h.run({"HDEL", "h", "f1", "no", "f2"}) == integer(2));
  CHECK(h.run({"HDEL", "h", "f1"}) == kZero);
  CHECK(h.run({"HDEL", "nokey", "f"}) == kZero);
  CHECK(h.run({"HDEL", "h", "f3", "f3"}) == kOne);
  CHECK(h.run({"HKEYS", "h"}) == bulks({"f4"}));
  CHECK(h.run({"HDEL", "h", "f4", "f5"}) == kOne);
  CHECK(h.run({"EXISTS", "h"}) == kZero);
  CHECK(h.run({"HLEN", "h"}) == kZero);
  // Same for a hashtable-encoded hash.
  fill(h, "big", 600);
  std::vector<std::string> del = {"HDEL", "big"};
  for (int i = 0; i < 600; ++i) del.push_back("f" + std::to_string(i));
  del.push_back("extra");
  CHECK(h.run(del) == integer(600));
  CHECK(h.run({"EXISTS", "big"}) == kZero);
}

TEST_CASE("listpack order: updates keep their place, re-added fields go last") {
  FamilyHarness h;
  CHECK(h.run({"HSET", "h", "b", "1", "a", "2", "c", "3"}) == integer(3));
  CHECK(h.run({"HSET", "h", "b", "x"}) == kZero);
  CHECK(h.run({"HDEL", "h", "a"}) == kOne);
  CHECK(h.run({"HSET", "h", "a", "y"}) == kOne);
  CHECK(h.run({"HGETALL", "h"}) == bulks({"b", "x", "c", "3", "a", "y"}));
  CHECK(h.run({"HINCRBY", "h", "c", "5"}) == integer(8));
  CHECK(h.run({"HKEYS", "h"}) == bulks({"b", "c", "a"}));
}

TEST_CASE("hash commands reply WRONGTYPE on another type") {
  FamilyHarness h;
  CHECK(h.run({"SET", "s", "v"}) == kOk);
  const std::vector<std::vector<std::string>> cmds = {
      {"HSET", "s", "f", "v"},
      {"HSETNX", "s", "f", "v"},
      {"HMSET", "s", "f", "v"},
      {"HGET", "s", "f"},
      {"HMGET", "s", "a"},
      {"HGETALL", "s"},
      {"HKEYS", "s"},
      {"HVALS", "s"},
      {"HDEL", "s", "f"},
      {"HEXISTS", "s", "f"},
      {"HLEN", "s"},
      {"HSTRLEN", "s", "f"},
      {"HINCRBY", "s", "f", "1"},
      {"HINCRBYFLOAT", "s", "f", "1"},
      {"HRANDFIELD", "s"},
      {"HRANDFIELD", "s", "0"},
      {"HRANDFIELD", "s", "5", "WITHVALUES"},
      {"HSCAN", "s", "0"},
      {"HSCAN", "s", "0", "COUNT", "0"},  // options are read after the type check
  };
  for (const auto& cmd : cmds) {
    CAPTURE(cmd[0]);
    CHECK(h.run(cmd) == kWrongType);
  }
  CHECK(h.run({"GET", "s"}) == bulk("v"));
  // Argument errors Redis finds before the lookup.
  CHECK(h.run({"HSET", "s", "f", "v", "g"}) == wrong_args("hset"));
  CHECK(h.run({"HINCRBY", "s", "f", "x"}) == kNotInt);
  CHECK(h.run({"HINCRBYFLOAT", "s", "f", "abc"}) == error("ERR value is not a valid float"));
  CHECK(h.run({"HINCRBYFLOAT", "s", "f", "inf"}) == error("ERR value is NaN or Infinity"));
  CHECK(h.run({"HRANDFIELD", "s", "x"}) == kNotInt);
  CHECK(h.run({"HRANDFIELD", "s", "1", "foo"}) == kSyntax);
  CHECK(h.run({"HRANDFIELD", "s", "-9223372036854775807", "WITHVALUES"}) ==
        error("ERR value is out of range"));
  CHECK(h.run({"HSCAN", "s", "x"}) == error("ERR invalid cursor"));
}

TEST_CASE("hash commands check their arity") {
  FamilyHarness h;
  CHECK(h.run({"HSET", "h", "f"}) == wrong_args("hset"));
  CHECK(h.run({"HSET", "h"}) == wrong_args("hset"));
  CHECK(h.run({"HSET", "h", "f", "v", "g"}) == wrong_args("hset"));
  CHECK(h.run({"HMSET", "h", "f"}) == wrong_args("hmset"));
  CHECK(h.run({"HMSET", "h", "f", "v", "g"}) == wrong_args("hmset"));
  CHECK(h.run({"HSETNX", "h", "f"}) == wrong_args("hsetnx"));
  CHECK(h.run({"HSETNX", "h", "f", "v", "x"}) == wrong_args("hsetnx"));
  CHECK(h.run({"HGET", "h"}) == wrong_args("hget"));
  CHECK(h.run({"HGET", "h", "f", "x"}) == wrong_args("hget"));
  CHECK(h.run({"HMGET", "h"}) == wrong_args("hmget"));
  CHECK(h.run({"HGETALL"}) == wrong_args("hgetall"));
  CHECK(h.run({"HGETALL", "h", "x"}) == wrong_args("hgetall"));
  CHECK(h.run({"HKEYS", "h", "x"}) == wrong_args("hkeys"));
  CHECK(h.run({"HVALS"}) == wrong_args("hvals"));
  CHECK(h.run({"HDEL", "h"}) == wrong_args("hdel"));
  CHECK(h.run({"HEXISTS", "h"}) == wrong_args("hexists"));
  CHECK(h.run({"HLEN"}) == wrong_args("hlen"));
  CHECK(h.run({"HLEN", "h", "x"}) == wrong_args("hlen"));
  CHECK(h.run({"HSTRLEN", "h"}) == wrong_args("hstrlen"));
  CHECK(h.run({"HINCRBY", "h", "f"}) == wrong_args("hincrby"));
  CHECK(h.run({"HINCRBY", "h", "f", "1", "2"}) == wrong_args("hincrby"));
  CHECK(h.run({"HINCRBYFLOAT", "h", "f"}) == wrong_args("hincrbyfloat"));
  CHECK(h.run({"HRANDFIELD"}) == wrong_args("hrandfield"));
  CHECK(h.run({"HSCAN", "h"}) == wrong_args("hscan"));
  CHECK(h.run({"EXISTS", "h"}) == kZero);
}

TEST_CASE("HINCRBY") {
  FamilyHarness h;
  CHECK(h.run({"HINCRBY", "h", "f", "5"}) == integer(5));
  CHECK(h.run({"HINCRBY", "h", "f", "-10"}) == integer(-5));
  CHECK(h.run({"HGET", "h", "f"}) == bulk("-5"));
  CHECK(h.run({"HSET", "h", "m", "9223372036854775807"}) == kOne);
  CHECK(h.run({"HINCRBY", "h", "m", "1"}) == error("ERR increment or decrement would overflow"));
  CHECK(h.run({"HINCRBY", "h", "m", "0"}) == integer(9223372036854775807LL));
  CHECK(h.run({"HSET", "h", "n", "-9223372036854775808"}) == kOne);
  CHECK(h.run({"HINCRBY", "h", "n", "-1"}) == error("ERR increment or decrement would overflow"));
  CHECK(h.run({"HINCRBY", "h", "f", "9223372036854775807"}) == integer(9223372036854775802LL));
  const std::string not_int = error("ERR hash value is not an integer");
  for (const char* v : {"1.5", " 1", "", "007", "abc", "1 "}) {
    CAPTURE(v);
    CHECK(h.run({"HSET", "h", "s", v}) != kWrongType);
    CHECK(h.run({"HINCRBY", "h", "s", "1"}) == not_int);
    CHECK(h.run({"HGET", "h", "s"}) == bulk(v));
  }
  CHECK(h.run({"HINCRBY", "h", "f", "1.5"}) == kNotInt);
  CHECK(h.run({"HINCRBY", "h", "f", "99999999999999999999"}) == kNotInt);
  CHECK(h.run({"HINCRBY", "nokey", "f", "x"}) == kNotInt);
  CHECK(h.run({"EXISTS", "nokey"}) == kZero);
}

TEST_CASE("HINCRBYFLOAT replies and stores Redis's text") {
  FamilyHarness h;
  struct Case {
    const char* start;
    const char* incr;
    const char* want;
  };
  // From redis-server 7.0.15: HSET h f <start>; HINCRBYFLOAT h f <incr>.
  const Case cases[] = {
      {"10.50", "0.1", "10.6"},
      {"5.0e3", "0", "5000"},
      {"0", "5.0e3", "5000"},
      {"1", "-1", "0"},
      {"-1", "0.5", "-0.5"},
      {"3", "0.1", "3.1"},
      {"1.5", "1.5", "3"},
      {"0.1", "0.2", "0.3"},
      {"1e20", "1", "100000000000000000000"},
      {"1e17", "1", "100000000000000001"},
      {"123456789012345678", "1", "123456789012345679"},
      {"-0", "0", "0"},
      {"0", "-0.0", "0"},
      {"100", "1e-18", "100"},
      {"2.5", ".5", "3"},
      {"7", "1E2", "107"},
      {"0", "0x1p3", "8"},
      {"9223372036854775807", "1", "9223372036854775808"},
      {"0", "1e-17", "0.00000000000000001"},
      {"3.0", "0", "3"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.start);
    CAPTURE(c.incr);
    CHECK(h.run({"HSET", "h", "f", c.start}) != kWrongType);
    CHECK(h.run({"HINCRBYFLOAT", "h", "f", c.incr}) == bulk(c.want));
    CHECK(h.run({"HGET", "h", "f"}) == bulk(c.want));
  }
  CHECK(encoding(h, "h") == bulk("listpack"));
  // A result longer than 64 bytes converts the hash.
  CHECK(h.run({"HSET", "h", "f", "1.7976931348623157e308"}) == kZero);
  const std::string huge =
      "1797693134862315699959210467741044340483864469443291784853144207651766285231243963547018"
      "6860838708556442879341942552068930870836345113605535789727802647761707349897768628839483"
      "5618163294045594434929537447290627480669417384648879122776218333598953852832103282504751"
      "611691208117720159985926376802466863339536384";
  CHECK(h.run({"HINCRBYFLOAT", "h", "f", "1"}) == bulk(huge));
  CHECK(h.run({"HGET", "h", "f"}) == bulk(huge));
  CHECK(encoding(h, "h") == bulk("hashtable"));
  CHECK(h.run({"HINCRBYFLOAT", "new", "g", "2.5"}) == bulk("2.5"));
  CHECK(h.run({"HGETALL", "new"}) == bulks({"g", "2.5"}));
}

TEST_CASE("HINCRBYFLOAT errors") {
  FamilyHarness h;
  const std::string not_float = error("ERR value is not a valid float");
  CHECK(h.run({"HINCRBYFLOAT", "h", "g", "inf"}) == error("ERR value is NaN or Infinity"));
  CHECK(h.run({"HINCRBYFLOAT", "h", "g", "-inf"}) == error("ERR value is NaN or Infinity"));
  CHECK(h.run({"HINCRBYFLOAT", "h", "g", "nan"}) == not_float);
  CHECK(h.run({"HINCRBYFLOAT", "h", "g", "abc"}) == not_float);
  CHECK(h.run({"HINCRBYFLOAT", "h", "g", "  1"}) == not_float);
  CHECK(h.run({"HINCRBYFLOAT", "h", "g", "1 "}) == not_float);
  CHECK(h.run({"HINCRBYFLOAT", "h", "g", ""}) == not_float);
  CHECK(h.run({"EXISTS", "h"}) == kZero);
  CHECK(h.run({"HSET", "h", "s", "abc", "sp", " 1", "big", "1e4932"}) == integer(3));
  CHECK(h.run({"HINCRBYFLOAT", "h", "s", "1"}) == error("ERR hash value is not a float"));
  CHECK(h.run({"HINCRBYFLOAT", "h", "sp", "1"}) == error("ERR hash value is not a float"));
  CHECK(h.run({"HINCRBYFLOAT", "h", "s", "abc"}) == not_float);
  CHECK(h.run({"HINCRBYFLOAT", "h", "big", "1e4932"}) ==
        error("ERR increment would produce NaN or Infinity"));
  CHECK(h.run({"HGET", "h", "big"}) == bulk("1e4932"));
}

TEST_CASE("encoding converts past 512 fields, never back") {
  FamilyHarness h;
  fill(h, "h", 512);
  CHECK(encoding(h, "h") == bulk("listpack"));
  CHECK(h.run({"HSET", "h", "f0", "updated"}) == kZero);
  CHECK(encoding(h, "h") == bulk("listpack"));
  CHECK(h.run({"HSET", "h", "f512", "v"}) == kOne);
  CHECK(encoding(h, "h") == bulk("hashtable"));
  CHECK(h.run({"HLEN", "h"}) == integer(513));
  CHECK(h.run({"HGET", "h", "f0"}) == bulk("updated"));
  CHECK(h.run({"HDEL", "h", "f512", "f511"}) == integer(2));
  CHECK(encoding(h, "h") == bulk("hashtable"));
  // HSETNX and HINCRBY convert the same way.
  fill(h, "n", 512);
  CHECK(h.run({"HSETNX", "n", "f0", "x"}) == kZero);
  CHECK(encoding(h, "n") == bulk("listpack"));
  CHECK(h.run({"HSETNX", "n", "new", "x"}) == kOne);
  CHECK(encoding(h, "n") == bulk("hashtable"));
  fill(h, "i", 512);
  CHECK(h.run({"HINCRBY", "i", "new", "1"}) == kOne);
  CHECK(encoding(h, "i") == bulk("hashtable"));
}

TEST_CASE("encoding converts past 64-byte fields or values") {
  FamilyHarness h;
  const std::string b64(64, 'a');
  const std::string b65(65, 'a');
  CHECK(h.run({"HSET", "h", b64, b64}) == kOne);
  CHECK(encoding(h, "h") == bulk("listpack"));
  CHECK(h.run({"HSETNX", "h", b64, b65}) == kZero);  // not written: no conversion
  CHECK(encoding(h, "h") == bulk("listpack"));
  CHECK(h.run({"HSET", "h", b64, b65}) == kZero);
  CHECK(encoding(h, "h") == bulk("hashtable"));
  CHECK(h.run({"HGET", "h", b64}) == bulk(b65));
  CHECK(h.run({"HDEL", "h", b64}) == kOne);
  CHECK(h.run({"EXISTS", "h"}) == kZero);

  CHECK(h.run({"HSET", "k1", b65, "v"}) == kOne);
  CHECK(encoding(h, "k1") == bulk("hashtable"));
  CHECK(h.run({"HSETNX", "k2", "f", b65}) == kOne);
  CHECK(encoding(h, "k2") == bulk("hashtable"));
  CHECK(h.run({"HMSET", "k3", "a", "1", b65, "2"}) == kOk);
  CHECK(encoding(h, "k3") == bulk("hashtable"));
  CHECK(h.run({"HINCRBY", "k4", b65, "1"}) == kOne);
  CHECK(encoding(h, "k4") == bulk("hashtable"));
  CHECK(h.run({"HINCRBYFLOAT", "k5", b65, "1.5"}) == bulk("1.5"));
  CHECK(encoding(h, "k5") == bulk("hashtable"));
  // A long number is still a long string.
  const std::string digits70(70, '1');
  CHECK(h.run({"HSET", "k6", "f", digits70}) == kOne);
  CHECK(encoding(h, "k6") == bulk("hashtable"));
  CHECK(h.run({"HSET", "k7", "f", "1"}) == kOne);
  CHECK(h.run({"HINCRBY", "k7", "f", "12345678901234567"}) == integer(12345678901234568LL));
  CHECK(encoding(h, "k7") == bulk("listpack"));
}

TEST_CASE("hashtable-encoded hashes answer like listpack ones") {
  FamilyHarness h;
  fill(h, "h", 600);
  CHECK(encoding(h, "h") == bulk("hashtable"));
  CHECK(h.run({"HLEN", "h"}) == integer(600));
  CHECK(h.run({"HGET", "h", "f599"}) == bulk("v599"));
  CHECK(h.run({"HEXISTS", "h", "f0"}) == kOne);
  CHECK(h.run({"HSTRLEN", "h", "f100"}) == integer(4));
  CHECK(h.run({"HMGET", "h", "f1", "zz"}) == "*2\r\n" + bulk("v1") + kNil);
  CHECK(h.run({"HINCRBY", "h", "n", "3"}) == integer(3));
  CHECK(h.run({"HINCRBYFLOAT", "h", "n", "0.5"}) == bulk("3.5"));
  CHECK(h.run({"HSET", "h", "n", "x"}) == kZero);
  // Whole-hash replies: compared as sets, the order is the table's.
  std::vector<std::string> all = flatten(h.run({"HGETALL", "h"}));
  REQUIRE(all.size() == 1202);
  std::map<std::string, std::string> got;
  for (size_t i = 0; i < all.size(); i += 2) got[all[i]] = all[i + 1];
  CHECK(got.size() == 601);
  CHECK(got["f42"] == "v42");
  CHECK(got["n"] == "x");
  std::vector<std::string> keys = flatten(h.run({"HKEYS", "h"}));
  std::vector<std::string> vals = flatten(h.run({"HVALS", "h"}));
  REQUIRE(keys.size() == 601);
  REQUIRE(vals.size() == 601);
  for (size_t i = 0; i < keys.size(); ++i) CHECK(got[keys[i]] == vals[i]);
}

TEST_CASE("binary fields and values") {
  FamilyHarness h;
  const std::string f("f\0\r\n", 4);
  const std::string v("\0\xff\r\nv", 5);
  const std::string f2("f\0", 2);
  CHECK(h.run(std::vector<std::string>{"HSET", "h", f, v, f2, ""}) == integer(2));
  CHECK(h.run(std::vector<std::string>{"HGET", "h", f}) == bulk(v));
  CHECK(h.run(std::vector<std::string>{"HGET", "h", "f"}) == kNil);
  CHECK(h.run(std::vector<std::string>{"HSTRLEN", "h", f}) == integer(5));
  CHECK(h.run({"HGETALL", "h"}) == bulks({f, v, f2, ""}));
  CHECK(h.run(std::vector<std::string>{"HSCAN", "h", "0", "MATCH", std::string("f\0*", 3)}) ==
        "*2\r\n" + bulk("0") + bulks({f, v, f2, ""}));
  CHECK(h.run(std::vector<std::string>{"HDEL", "h", f}) == kOne);
  CHECK(h.run({"HKEYS", "h"}) == bulks({f2}));
  CHECK(h.run({"HSET", "h", "", ""}) == kOne);
  CHECK(h.run({"HGET", "h", ""}) == bulk(""));
}

TEST_CASE("hash replies in RESP3") {
  FamilyHarness h;
  h.client().resp = 3;
  CHECK(h.run({"HSET", "h", "a", "1", "b", "2"}) == integer(2));
  CHECK(h.run({"HGETALL", "h"}) == "%2\r\n" + bulk("a") + bulk("1") + bulk("b") + bulk("2"));
  CHECK(h.run({"HGETALL", "nokey"}) == "%0\r\n");
  CHECK(h.run({"HGET", "h", "x"}) == kNull3);
  CHECK(h.run({"HGET", "nokey", "x"}) == kNull3);
  CHECK(h.run({"HMGET", "h", "a", "x"}) == "*2\r\n" + bulk("1") + kNull3);
  CHECK(h.run({"HKEYS", "h"}) == bulks({"a", "b"}));
  CHECK(h.run({"HKEYS", "nokey"}) == kEmptyArray);
  CHECK(h.run({"HVALS", "h"}) == bulks({"1", "2"}));
  CHECK(h.run({"HSCAN", "h", "0"}) == "*2\r\n" + bulk("0") + bulks({"a", "1", "b", "2"}));
  CHECK(h.run({"HINCRBYFLOAT", "h", "a", "1.5"}) == bulk("2.5"));
  CHECK(h.run({"HEXISTS", "h", "a"}) == kOne);
  CHECK(h.run({"HRANDFIELD", "nokey"}) == kNull3);
  CHECK(h.run({"HRANDFIELD", "nokey", "3", "WITHVALUES"}) == kEmptyArray);
  CHECK(h.run({"HRANDFIELD", "h", "2", "WITHVALUES"}) ==
        "*2\r\n*2\r\n" + bulk("a") + bulk("2.5") + "*2\r\n" + bulk("b") + bulk("2"));
  CHECK(h.run({"HRANDFIELD", "h", "2"}) == bulks({"a", "b"}));
  // Repeats: |count| [field, value] pairs.
  std::string rep = h.run({"HRANDFIELD", "h", "-3", "WITHVALUES"});
  CHECK(rep.rfind("*3\r\n*2\r\n", 0) == 0);
  std::vector<std::string> flat = flatten(rep);
  REQUIRE(flat.size() == 6);
  for (size_t i = 0; i < flat.size(); i += 2) {
    CHECK((flat[i] == "a" ? flat[i + 1] == "2.5" : (flat[i] == "b" && flat[i + 1] == "2")));
  }
  CHECK(h.run({"HRANDFIELD", "h", "1", "WITHVALUES"}).rfind("*1\r\n*2\r\n", 0) == 0);
}

TEST_CASE("HRANDFIELD") {
  FamilyHarness h;
  CHECK(h.run({"HRANDFIELD", "nokey"}) == kNil);
  CHECK(h.run({"HRANDFIELD", "nokey", "3"}) == kEmptyArray);
  CHECK(h.run({"HRANDFIELD", "nokey", "-3", "WITHVALUES"}) == kEmptyArray);
  CHECK(h.run({"HRANDFIELD", "nokey", "-9223372036854775807"}) == kEmptyArray);
  CHECK(h.run({"HSET", "h", "a", "1", "b", "2", "c", "3"}) == integer(3));
  const std::string one = h.run({"HRANDFIELD", "h"});
  CHECK((one == bulk("a") || one == bulk("b") || one == bulk("c")));
  CHECK(h.run({"HRANDFIELD", "h", "0"}) == kEmptyArray);
  CHECK(h.run({"HRANDFIELD", "h", "0", "WITHVALUES"}) == kEmptyArray);
  // A count at least the size: the whole hash, in order.
  CHECK(h.run({"HRANDFIELD", "h", "3"}) == bulks({"a", "b", "c"}));
  CHECK(h.run({"HRANDFIELD", "h", "100", "withvalues"}) == bulks({"a", "1", "b", "2", "c", "3"}));
  // Errors, in Redis's order: the count, then the options.
  CHECK(h.run({"HRANDFIELD", "h", "x"}) == kNotInt);
  CHECK(h.run({"HRANDFIELD", "h", "x", "foo"}) == kNotInt);
  CHECK(h.run({"HRANDFIELD", "h", "5", "foo"}) == kSyntax);
  CHECK(h.run({"HRANDFIELD", "h", "1", "withvalues", "x"}) == kSyntax);
  const std::string range = error(
      "ERR value is out of range, value must between -9223372036854775807 and "
      "9223372036854775807");
  CHECK(h.run({"HRANDFIELD", "h", "-9223372036854775808"}) == range);
  CHECK(h.run({"HRANDFIELD", "nokey", "-9223372036854775808"}) == range);
  const std::string out_of_range = error("ERR value is out of range");
  CHECK(h.run({"HRANDFIELD", "h", "-9223372036854775807", "WITHVALUES"}) == out_of_range);
  CHECK(h.run({"HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"}) == out_of_range);
  CHECK(h.run({"HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"}) == out_of_range);
  CHECK(h.run({"HRANDFIELD", "nokey", "-9223372036854775807", "WITHVALUES"}) == out_of_range);
  CHECK(h.run({"HRANDFIELD", "h", "4611686018427387903", "WITHVALUES"}) ==
        bulks({"a", "1", "b", "2", "c", "3"}));
  CHECK(h.run({"HRANDFIELD", "h", "9223372036854775807"}) == bulks({"a", "b", "c"}));
  // Shardis bounds the picks with repeats (Redis would build a reply of that many elements).
  CHECK(h.run({"HRANDFIELD", "h", "-9223372036854775807"}) == out_of_range);
}

// Random replies: counts, membership, distinctness, values paired with their fields.
void check_random(FamilyHarness& h, const std::string& key, size_t size) {
  for (long long count : {1LL, 2LL, 5LL, static_cast<long long>(size) - 1,
                          static_cast<long long>(size) / 2, static_cast<long long>(size) + 3}) {
    if (count <= 0) continue;
    CAPTURE(count);
    std::vector<std::string> got = flatten(h.run({"HRANDFIELD", key, std::to_string(count)}));
    CHECK(got.size() == std::min<size_t>(count, size));
    std::set<std::string> distinct(got.begin(), got.end());
    CHECK(distinct.size() == got.size());
    for (const std::string& f : got) CHECK(f.rfind("f", 0) == 0);

    std::vector<std::string> pairs =
        flatten(h.run({"HRANDFIELD", key, std::to_string(count), "WITHVALUES"}));
    CHECK(pairs.size() == 2 * std::min<size_t>(count, size));
    for (size_t i = 0; i < pairs.size(); i += 2) CHECK("v" + pairs[i].substr(1) == pairs[i + 1]);

    std::vector<std::string> rep = flatten(h.run({"HRANDFIELD", key, std::to_string(-count)}));
    CHECK(rep.size() == static_cast<size_t>(count));
  }
  // Many picks with repeats reach every field.
  std::vector<std::string> many =
      flatten(h.run({"HRANDFIELD", key, std::to_string(-static_cast<long long>(size) * 40)}));
  CHECK(std::set<std::string>(many.begin(), many.end()).size() == size);
}

TEST_CASE("HRANDFIELD counts on both encodings") {
  FamilyHarness h;
  fill(h, "small", 20);
  check_random(h, "small", 20);
  fill(h, "big", 1000);
  CHECK(encoding(h, "big") == bulk("hashtable"));
  check_random(h, "big", 1000);
}

TEST_CASE("HSCAN on a listpack hash returns everything at once") {
  FamilyHarness h;
  CHECK(h.run({"HSET", "h", "a", "1", "b", "2", "c", "3", "ab", "4"}) == integer(4));
  const std::string all = "*2\r\n" + bulk("0") + bulks({"a", "1", "b", "2", "c", "3", "ab", "4"});
  CHECK(h.run({"HSCAN", "h", "0", "COUNT", "1"}) == all);
  CHECK(h.run({"HSCAN", "h", "5", "MATCH", "a*"}) ==
        "*2\r\n" + bulk("0") + bulks({"a", "1", "ab", "4"}));
  CHECK(h.run({"HSCAN", "h", "0", "MATCH", "zz*"}) == kEmptyScan);
  CHECK(h.run({"HSCAN", "h", "0", "MATCH", "*"}) == all);
  CHECK(h.run({"HSCAN", "h", "-1"}) == all);
  CHECK(h.run({"HSCAN", "h", "18446744073709551615"}) == all);
  CHECK(h.run({"HSCAN", "nokey", "0"}) == kEmptyScan);
  CHECK(h.run({"HSCAN", "nokey", "0", "COUNT", "0"}) == kEmptyScan);
  CHECK(h.run({"HSCAN", "nokey", "0", "foo"}) == kEmptyScan);
  // Errors.
  CHECK(h.run({"HSCAN", "h", "abc"}) == error("ERR invalid cursor"));
  CHECK(h.run({"HSCAN", "nokey", "abc"}) == error("ERR invalid cursor"));
  CHECK(h.run({"HSCAN", "h", "18446744073709551616"}) == error("ERR invalid cursor"));
  CHECK(h.run({"HSCAN", "h", "0", "COUNT", "0"}) == kSyntax);
  CHECK(h.run({"HSCAN", "h", "0", "COUNT", "-1"}) == kSyntax);
  CHECK(h.run({"HSCAN", "h", "0", "COUNT", "x"}) == kNotInt);
  CHECK(h.run({"HSCAN", "h", "0", "TYPE", "string"}) == kSyntax);
  CHECK(h.run({"HSCAN", "h", "0", "MATCH"}) == kSyntax);
  CHECK(h.run({"HSCAN", "h", "0", "NOVALUES"}) == kSyntax);
}

TEST_CASE("HSCAN on a hashtable hash walks the table cursor") {
  FamilyHarness h;
  fill(h, "h", 1000);
  for (const char* count : {"1", "10", "100", "5000"}) {
    CAPTURE(count);
    std::map<std::string, std::string> seen;
    std::string cursor = "0";
    size_t calls = 0;
    size_t max_reply = 0;
    do {
      ScanReply r = parse_scan(h.run({"HSCAN", "h", cursor, "COUNT", count}));
      REQUIRE(r.items.size() % 2 == 0);
      max_reply = std::max(max_reply, r.items.size() / 2);
      for (size_t i = 0; i < r.items.size(); i += 2) seen[r.items[i]] = r.items[i + 1];
      cursor = r.cursor;
      REQUIRE(++calls < 5000);
    } while (cursor != "0");
    CHECK(seen.size() == 1000);
    CHECK(seen["f7"] == "v7");
    if (std::string(count) == "1") CHECK(calls > 100);
    if (std::string(count) == "5000") CHECK(calls == 1);
    CHECK(max_reply < 1000 + 1);
  }
  // MATCH filters after counting.
  std::set<std::string> matched;
  std::string cursor = "0";
  do {
    ScanReply r = parse_scan(h.run({"HSCAN", "h", cursor, "MATCH", "f1*", "COUNT", "50"}));
    for (size_t i = 0; i < r.items.size(); i += 2) {
      CHECK(r.items[i].rfind("f1", 0) == 0);
      matched.insert(r.items[i]);
    }
    cursor = r.cursor;
  } while (cursor != "0");
  CHECK(matched.size() == 111);  // f1, f10..f19, f100..f199
}

TEST_CASE("hash keys work with the keyspace commands") {
  FamilyHarness h;
  CHECK(h.run({"HSET", "h", "a", "1"}) == kOne);
  CHECK(h.run({"COPY", "h", "c"}) == kOne);
  CHECK(h.run({"HSET", "c", "b", "2"}) == kOne);
  CHECK(h.run({"HGETALL", "h"}) == bulks({"a", "1"}));
  CHECK(h.run({"HGETALL", "c"}) == bulks({"a", "1", "b", "2"}));
  fill(h, "big", 600);
  CHECK(h.run({"COPY", "big", "big2"}) == kOne);
  CHECK(encoding(h, "big2") == bulk("hashtable"));
  CHECK(h.run({"HLEN", "big2"}) == integer(600));
  CHECK(h.run({"HDEL", "big2", "f0"}) == kOne);
  CHECK(h.run({"HLEN", "big"}) == integer(600));
  const std::string usage = h.run({"MEMORY", "USAGE", "big"});
  REQUIRE(usage[0] == ':');
  CHECK(std::stoll(usage.substr(1)) > 600 * 8);
  CHECK(h.run({"DEL", "big", "big2", "h", "c"}) == integer(4));
  CHECK(h.run({"SET", "h", "v"}) == kOk);  // replaces nothing: h is gone
  CHECK(h.run({"HSET", "x", "f", "v"}) == kOne);
  CHECK(h.run({"SET", "x", "v"}) == kOk);  // a string overwrites a hash
  CHECK(h.run({"GET", "x"}) == bulk("v"));
}

}  // namespace
}  // namespace shardis::test
