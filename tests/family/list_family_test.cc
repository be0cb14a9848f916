// List family against Redis 7.0's exact replies (checked on redis-server 7.0.15), plus a
// randomized run against a std::deque model.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "support/family_harness.h"
#include "support/resp_expect.h"

namespace shardis::test {
namespace {

const std::string kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const std::string kNullArray = "*-1\r\n";
const std::string kEmpty = "*0\r\n";
const std::string kMustBePositive = "-ERR value is out of range, must be positive\r\n";
const std::string kRankZero =
    "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use "
    "negative to start from the end of the list\r\n";

// "*<n>\r\n" followed by one bulk per element.
std::string arr(const std::vector<std::string>& elems) {
  std::string out = "*" + std::to_string(elems.size()) + "\r\n";
  for (const std::string& e : elems) out += bulk(e);
  return out;
}

template <typename Container>
std::string arr_of(const Container& c) {
  return arr(std::vector<std::string>(c.begin(), c.end()));
}

std::string ints(std::initializer_list<long long> values) {
  std::string out = "*" + std::to_string(values.size()) + "\r\n";
  for (long long v : values) out += integer(v);
  return out;
}

TEST_CASE("list LPUSH RPUSH LRANGE LLEN") {
  FamilyHarness h;
  CHECK(h.run({"LPUSH", "l", "a", "b", "c"}) == integer(3));
  CHECK(h.run({"RPUSH", "l", "d", "e"}) == integer(5));
  CHECK(h.run({"LRANGE", "l", "0", "-1"}) == arr({"c", "b", "a", "d", "e"}));
  CHECK(h.run({"LLEN", "l"}) == integer(5));
  CHECK(h.run({"LLEN", "nokey"}) == integer(0));
  CHECK(h.run({"lpushx", "l", "x", "y"}) == integer(7));
  CHECK(h.run({"rpushx", "l", "z"}) == integer(8));
  CHECK(h.run({"LRANGE", "l", "0", "-1"}) == arr({"y", "x", "c", "b", "a", "d", "e", "z"}));
  CHECK(h.run({"LPUSHX", "nokey", "a"}) == integer(0));
  CHECK(h.run({"RPUSHX", "nokey", "a", "b"}) == integer(0));
  CHECK(h.run({"EXISTS", "nokey"}) == integer(0));
  CHECK(h.run({"TYPE", "l"}) == "+list\r\n");
}

TEST_CASE("list OBJECT ENCODING is quicklist at any length") {
  FamilyHarness h;
  CHECK(h.run({"RPUSH", "l", "a"}) == integer(1));
  CHECK(h.run({"OBJECT", "ENCODING", "l"}) == bulk("quicklist"));
  CHECK(h.run({"RPUSH", "n", "1"}) == integer(1));
  CHECK(h.run({"OBJECT", "ENCODING", "n"}) == bulk("quicklist"));
  for (int i = 0; i < 2000; ++i) h.run({"RPUSH", "l", "some element"});
  CHECK(h.run({"OBJECT", "ENCODING", "l"}) == bulk("quicklist"));
}

TEST_CASE("list arity errors") {
  FamilyHarness h;
  CHECK(h.run({"LPUSH", "l"}) == wrong_args("lpush"));
  CHECK(h.run({"RPUSH", "l"}) == wrong_args("rpush"));
  CHECK(h.run({"LPUSHX", "l"}) == wrong_args("lpushx"));
  CHECK(h.run({"RPUSHX", "l"}) == wrong_args("rpushx"));
  CHECK(h.run({"LPOP"}) == wrong_args("lpop"));
  CHECK(h.run({"RPOP"}) == wrong_args("rpop"));
  CHECK(h.run({"LPOP", "nokey", "1", "2"}) == wrong_args("lpop"));
  CHECK(h.run({"RPOP", "nokey", "1", "2"}) == wrong_args("rpop"));
  CHECK(h.run({"LRANGE", "l", "0"}) == wrong_args("lrange"));
  CHECK(h.run({"LRANGE", "l", "0", "1", "2"}) == wrong_args("lrange"));
  CHECK(h.run({"LLEN"}) == wrong_args("llen"));
  CHECK(h.run({"LLEN", "a", "b"}) == wrong_args("llen"));
  CHECK(h.run({"LINDEX", "l"}) == wrong_args("lindex"));
  CHECK(h.run({"LSET", "l", "0"}) == wrong_args("lset"));
  CHECK(h.run({"LREM", "l", "0"}) == wrong_args("lrem"));
  CHECK(h.run({"LINSERT", "l", "BEFORE", "a"}) == wrong_args("linsert"));
  CHECK(h.run({"LTRIM", "l", "0"}) == wrong_args("ltrim"));
  CHECK(h.run({"LPOS", "l"}) == wrong_args("lpos"));
  CHECK(h.run({"LMOVE", "a", "b", "LEFT"}) == wrong_args("lmove"));
  CHECK(h.run({"RPOPLPUSH", "a"}) == wrong_args("rpoplpush"));
  CHECK(h.run({"RPOPLPUSH", "a", "b", "c"}) == wrong_args("rpoplpush"));
}

TEST_CASE("list commands on a string key reply WRONGTYPE") {
  FamilyHarness h;
  CHECK(h.run({"SET", "s", "v"}) == kOk);
  CHECK(h.run({"LPUSH", "s", "a"}) == kWrongType);
  CHECK(h.run({"RPUSH", "s", "a"}) == kWrongType);
  CHECK(h.run({"LPUSHX", "s", "a"}) == kWrongType);
  CHECK(h.run({"RPUSHX", "s", "a"}) == kWrongType);
  CHECK(h.run({"LPOP", "s"}) == kWrongType);
  CHECK(h.run({"RPOP", "s"}) == kWrongType);
  CHECK(h.run({"LPOP", "s", "0"}) == kWrongType);
  CHECK(h.run({"RPOP", "s", "2"}) == kWrongType);
  CHECK(h.run({"LRANGE", "s", "0", "-1"}) == kWrongType);
  CHECK(h.run({"LLEN", "s"}) == kWrongType);
  CHECK(h.run({"LINDEX", "s", "0"}) == kWrongType);
  CHECK(h.run({"LSET", "s", "0", "x"}) == kWrongType);
  CHECK(h.run({"LREM", "s", "0", "x"}) == kWrongType);
  CHECK(h.run({"LINSERT", "s", "BEFORE", "a", "x"}) == kWrongType);
  CHECK(h.run({"LTRIM", "s", "0", "1"}) == kWrongType);
  CHECK(h.run({"LPOS", "s", "c"}) == kWrongType);
  CHECK(h.run({"LPOS", "s", "c", "COUNT", "1"}) == kWrongType);
  CHECK(h.run({"LMOVE", "s", "d", "LEFT", "LEFT"}) == kWrongType);
  CHECK(h.run({"RPOPLPUSH", "s", "d"}) == kWrongType);
  CHECK(h.run({"EXISTS", "d"}) == integer(0));
  CHECK(h.run({"GET", "s"}) == bulk("v"));
  // Which comes first: an argument error or the type check.
  CHECK(h.run({"LPOP", "s", "-1"}) == kMustBePositive);
  CHECK(h.run({"LPOP", "s", "abc"}) == kMustBePositive);
  CHECK(h.run({"LRANGE", "s", "a", "0"}) == kNotInt);
  CHECK(h.run({"LINDEX", "s", "x"}) == kWrongType);
  CHECK(h.run({"LSET", "s", "x", "x"}) == kWrongType);
  CHECK(h.run({"LREM", "s", "x", "x"}) == kNotInt);
  CHECK(h.run({"LINSERT", "s", "middle", "a", "x"}) == kSyntax);
  CHECK(h.run({"LTRIM", "s", "x", "1"}) == kNotInt);
  CHECK(h.run({"LPOS", "s", "c", "RANK", "0"}) == kRankZero);
  CHECK(h.run({"LPOS", "s", "c", "RANK"}) == kSyntax);
  CHECK(h.run({"LMOVE", "s", "d", "up", "left"}) == kSyntax);
}

TEST_CASE("list LMOVE and RPOPLPUSH check the destination type before popping") {
  FamilyHarness h;
  CHECK(h.run({"SET", "s", "v"}) == kOk);
  CHECK(h.run({"RPUSH", "l", "a", "b"}) == integer(2));
  CHECK(h.run({"LMOVE", "l", "s", "LEFT", "LEFT"}) == kWrongType);
  CHECK(h.run({"RPOPLPUSH", "l", "s"}) == kWrongType);
  CHECK(h.run({"LRANGE", "l", "0", "-1"}) == arr({"a", "b"}));
  CHECK(h.run({"GET", "s"}) == bulk("v"));
  // A missing source answers nil before the destination's type is looked at.
  CHECK(h.run({"LMOVE", "nokey", "s", "LEFT", "LEFT"}) == kNil);
  CHECK(h.run({"RPOPLPUSH", "nokey", "s"}) == kNil);
  CHECK(h.run({"LMOVE", "s", "nokey", "LEFT", "LEFT"}) == kWrongType);
}

TEST_CASE("list LPOP and RPOP with and without a count") {
  FamilyHarness h;
  CHECK(h.run({"LPOP", "nokey"}) == kNil);
  CHECK(h.run({"RPOP", "nokey"}) == kNil);
  CHECK(h.run({"LPOP", "nokey", "0"}) == kNullArray);
  CHECK(h.run({"LPOP", "nokey", "2"}) == kNullArray);
  CHECK(h.run({"RPOP", "nokey", "9223372036854775807"}) == kNullArray);
  CHECK(h.run({"LPOP", "nokey", "-1"}) == kMustBePositive);
  CHECK(h.run({"LPOP", "nokey", "abc"}) == kMustBePositive);
  CHECK(h.run({"LPOP", "nokey", "9223372036854775808"}) == kMustBePositive);
  CHECK(h.run({"RPOP", "nokey", "-9223372036854775808"}) == kMustBePositive);
  CHECK(h.run({"RPUSH", "l", "a", "b", "c"}) == integer(3));
  CHECK(h.run({"LPOP", "l", "0"}) == kEmpty);
  CHECK(h.run({"LPOP", "l", "-1"}) == kMustBePositive);
  CHECK(h.run({"LPOP", "l", "1"}) == arr({"a"}));
  CHECK(h.run({"LPOP", "l", "10"}) == arr({"b", "c"}));
  CHECK(h.run({"EXISTS", "l"}) == integer(0));
  CHECK(h.run({"RPUSH", "l", "a", "b", "c"}) == integer(3));
  CHECK(h.run({"RPOP", "l", "2"}) == arr({"c", "b"}));
  CHECK(h.run({"RPOP", "l"}) == bulk("a"));
  CHECK(h.run({"RPOP", "l"}) == kNil);
  CHECK(h.run({"EXISTS", "l"}) == integer(0));
  CHECK(h.run({"RPUSH", "l", "a", "b", "c", "d"}) == integer(4));
  CHECK(h.run({"LPOP", "l"}) == bulk("a"));
  CHECK(h.run({"RPOP", "l", "9223372036854775807"}) == arr({"d", "c", "b"}));
  CHECK(h.run({"EXISTS", "l"}) == integer(0));
}

TEST_CASE("list RESP3 replies") {
  FamilyHarness h;
  h.client().resp = 3;
  CHECK(h.run({"LPOP", "nokey"}) == "_\r\n");
  CHECK(h.run({"RPOP", "nokey"}) == "_\r\n");
  CHECK(h.run({"LPOP", "nokey", "0"}) == "_\r\n");
  CHECK(h.run({"LPOP", "nokey", "2"}) == "_\r\n");
  CHECK(h.run({"LMOVE", "nokey", "d", "LEFT", "RIGHT"}) == "_\r\n");
  CHECK(h.run({"RPOPLPUSH", "nokey", "d"}) == "_\r\n");
  CHECK(h.run({"LINDEX", "nokey", "0"}) == "_\r\n");
  CHECK(h.run({"LPOS", "nokey", "a"}) == "_\r\n");
  CHECK(h.run({"LPOS", "nokey", "a", "COUNT", "0"}) == kEmpty);
  CHECK(h.run({"LRANGE", "nokey", "0", "-1"}) == kEmpty);
  CHECK(h.run({"RPUSH", "l", "a", "b", "c"}) == integer(3));
  CHECK(h.run({"LPOP", "l", "0"}) == kEmpty);
  CHECK(h.run({"LPOP", "l", "1"}) == arr({"a"}));
  CHECK(h.run({"LPOP", "l"}) == bulk("b"));
  CHECK(h.run({"LINDEX", "l", "5"}) == "_\r\n");
  CHECK(h.run({"LPOS", "l", "zz"}) == "_\r\n");
  CHECK(h.run({"LPOS", "l", "c"}) == integer(0));
  CHECK(h.run({"LRANGE", "l", "0", "-1"}) == arr({"c"}));
}

TEST_CASE("list LRANGE index rules") {
  FamilyHarness h;
  CHECK(h.run({"LRANGE", "nokey", "0", "-1"}) == kEmpty);
  CHECK(h.run({"LRANGE", "nokey", "a", "0"}) == kNotInt);
  CHECK(h.run({"LRANGE", "nokey", "0", "b"}) == kNotInt);
  CHECK(h.run({"RPUSH", "l", "a", "b", "c", "d", "e"}) == integer(5));
  const std::string all = arr({"a", "b", "c", "d", "e"});
  CHECK(h.run({"LRANGE", "l", "0", "-1"}) == all);
  CHECK(h.run({"LRANGE", "l", "-100", "100"}) == all);
  CHECK(h.run({"LRANGE", "l", "3", "1"}) == kEmpty);
  CHECK(h.run({"LRANGE", "l", "5", "10"}) == kEmpty);
  CHECK(h.run({"LRANGE", "l", "-1", "-1"}) == arr({"e"}));
  CHECK(h.run({"LRANGE", "l", "1", "3"}) == arr({"b", "c", "d"}));
  CHECK(h.run({"LRANGE", "l", "-9223372036854775808", "9223372036854775807"}) == all);
  CHECK(h.run({"LRANGE", "l", "9223372036854775807", "-9223372036854775808"}) == kEmpty);
  CHECK(h.run({"LRANGE", "l", "0", "9223372036854775808"}) == kNotInt);
  CHECK(h.run({"LRANGE", "l", "0", "-6"}) == kEmpty);
  CHECK(h.run({"LRANGE", "l", "0", "-5"}) == arr({"a"}));
}

TEST_CASE("list LINDEX") {
  FamilyHarness h;
  CHECK(h.run({"LINDEX", "nokey", "0"}) == kNil);
  CHECK(h.run({"LINDEX", "nokey", "x"}) == kNil);  // the key is read first
  CHECK(h.run({"RPUSH", "l", "a", "b", "c", "d", "e"}) == integer(5));
  CHECK(h.run({"LINDEX", "l", "0"}) == bulk("a"));
  CHECK(h.run({"LINDEX", "l", "-1"}) == bulk("e"));
  CHECK(h.run({"LINDEX", "l", "2"}) == bulk("c"));
  CHECK(h.run({"LINDEX", "l", "-5"}) == bulk("a"));
  CHECK(h.run({"LINDEX", "l", "5"}) == kNil);
  CHECK(h.run({"LINDEX", "l", "-6"}) == kNil);
  CHECK(h.run({"LINDEX", "l", "x"}) == kNotInt);
  CHECK(h.run({"LINDEX", "l", "-9223372036854775808"}) == kNil);
  CHECK(h.run({"LINDEX", "l", "9223372036854775807"}) == kNil);
}

TEST_CASE("list LSET") {
  FamilyHarness h;
  CHECK(h.run({"LSET", "nokey", "0", "x"}) == error("ERR no such key"));
  CHECK(h.run({"LSET", "nokey", "x", "x"}) == error("ERR no such key"));
  CHECK(h.run({"EXISTS", "nokey"}) == integer(0));
  CHECK(h.run({"RPUSH", "l", "a", "b", "c", "d", "e"}) == integer(5));
  CHECK(h.run({"LSET", "l", "x", "x"}) == kNotInt);
  CHECK(h.run({"LSET", "l", "5", "x"}) == error("ERR index out of range"));
  CHECK(h.run({"LSET", "l", "-6", "x"}) == error("ERR index out of range"));
  CHECK(h.run({"LSET", "l", "-1", "X"}) == kOk);
  CHECK(h.run({"LSET", "l", "0", "A"}) == kOk);
  CHECK(h.run({"LSET", "l", "2", "12345"}) == kOk);
  CHECK(h.run({"LRANGE", "l", "0", "-1"}) == arr({"A", "b", "12345", "d", "X"}));
}

TEST_CASE("list LREM") {
  FamilyHarness h;
  CHECK(h.run({"LREM", "nokey", "0", "x"}) == integer(0));
  CHECK(h.run({"LREM", "nokey", "x", "x"}) == kNotInt);
  CHECK(h.run({"RPUSH", "l", "a", "b", "a", "c", "a", "d", "a"}) == integer(7));
  CHECK(h.run({"LREM", "l", "0", "zz"}) == integer(0));
  CHECK(h.run({"LREM", "l", "2", "a"}) == integer(2));
  CHECK(h.run({"LRANGE", "l", "0", "-1"}) == arr({"b", "c", "a", "d", "a"}));
  CHECK(h.run({"LREM", "l", "-1", "a"}) == integer(1));
  CHECK(h.run({"LRANGE", "l", "0", "-1"}) == arr({"b", "c", "a", "d"}));
  CHECK(h.run({"LREM", "l", "0", "a"}) == integer(1));
  CHECK(h.run({"LRANGE", "l", "0", "-1"}) == arr({"b", "c", "d"}));
  CHECK(h.run({"LREM", "l", "-9223372036854775808", "b"}) == integer(1));
  CHECK(h.run({"LREM", "l", "5", "c"}) == integer(1));
  CHECK(h.run({"LREM", "l", "1", "d"}) == integer(1));
  CHECK(h.run({"EXISTS", "l"}) == integer(0));
  // Integer-encoded entries compare by their text.
  CHECK(h.run({"RPUSH", "n", "1", "2", "3", "007", "3"}) == integer(5));
  CHECK(h.run({"LREM", "n", "0", "3"}) == integer(2));
  CHECK(h.run({"LREM", "n", "0", "7"}) == integer(0));
  CHECK(h.run({"LRANGE", "n", "0", "-1"}) == arr({"1", "2", "007"}));
}

TEST_CASE("list LREM across many nodes") {
  FamilyHarness h;
  std::deque<std::string> model;
  const std::string pad(300, 'p');
  for (int i = 0; i < 3000; ++i) {
    std::string v = (i % 3 == 0) ? "x" : pad + std::to_string(i);
    model.push_back(v);
    h.run({"RPUSH", "l", v});
  }
  auto remove = [&](long long count) {
    long long removed = 0;
    if (count >= 0) {
      for (auto it = model.begin(); it != model.end();) {
        if (*it == "x" && (count == 0 || removed < count)) {
          it = model.erase(it);
          ++removed;
        } else {
          ++it;
        }
      }
    } else {
      for (size_t i = model.size(); i-- > 0;) {
        if (model[i] == "x" && removed < -count) {
          model.erase(model.begin() + static_cast<long>(i));
          ++removed;
        }
      }
    }
    return removed;
  };
  long long r = remove(150);
  CHECK(r == 150);
  CHECK(h.run({"LREM", "l", "150", "x"}) == integer(150));
  r = remove(-200);
  CHECK(r == 200);
  CHECK(h.run({"LREM", "l", "-200", "x"}) == integer(200));
  CHECK(h.run({"LRANGE", "l", "0", "-1"}) == arr_of(model));
  r = remove(0);
  CHECK(r == 650);
  CHECK(h.run({"LREM", "l", "0", "x"}) == integer(650));
  CHECK(h.run({"LLEN", "l"}) == integer(2000));
  CHECK(h.run({"LRANGE", "l", "0", "-1"}) == arr_of(model));
  CHECK(h.run({"LINDEX", "l", "1000"}) == bulk(model[1000]));
  // Removing everything deletes the key.
  for (int i = 0; i < 50; ++i) h.run({"RPUSH", "all", "v"});
  CHECK(h.run({"LREM", "all", "-50", "v"}) == integer(50));
  CHECK(h.run({"EXISTS", "all"}) == integer(0));
}

TEST_CASE("list LINSERT") {
  FamilyHarness h;
  CHECK(h.run({"LINSERT", "nokey", "BEFORE", "a", "x"}) == integer(0));
  CHECK(h.run({"LINSERT", "nokey", "middle", "a", "x"}) == kSyntax);
  CHECK(h.run({"EXISTS", "nokey"}) == integer(0));
  CHECK(h.run({"RPUSH", "l", "A", "b", "c", "d", "X"}) == integer(5));
  CHECK(h.run({"LINSERT", "l", "middle", "a", "x"}) == kSyntax);
  CHECK(h.run({"LINSERT", "l", "before", "zz", "x"}) == integer(-1));
  CHECK(h.run({"LINSERT", "l", "BEFORE", "A", "x"}) == integer(6));
  CHECK(h.run({"LINSERT", "l", "after", "X", "y"}) == integer(7));
  CHECK(h.run({"LINSERT", "l", "AFTER", "c", "c2"}) == integer(8));
  CHECK(h.run({"LRANGE", "l", "0", "-1"}) == arr({"x", "A", "b", "c", "c2", "d", "X", "y"}));
  // The first match is the pivot.
  CHECK(h.run({"RPUSH", "d", "p", "p"}) == integer(2));
  CHECK(h.run({"LINSERT", "d", "AFTER", "p", "q"}) == integer(3));
  CHECK(h.run({"LRANGE", "d", "0", "-1"}) == arr({"p", "q", "p"}));
}

TEST_CASE("list LTRIM") {
  FamilyHarness h;
  CHECK(h.run({"LTRIM", "nokey", "0", "1"}) == kOk);
  CHECK(h.run({"LTRIM", "nokey", "x", "1"}) == kNotInt);
  CHECK(h.run({"EXISTS", "nokey"}) == integer(0));
  CHECK(h.run({"RPUSH", "l", "a", "b", "c", "d", "e", "f", "g"}) == integer(7));
  CHECK(h.run({"LTRIM", "l", "1", "-2"}) == kOk);
  CHECK(h.run({"LRANGE", "l", "0", "-1"}) == arr({"b", "c", "d", "e", "f"}));
  CHECK(h.run({"LTRIM", "l", "-100", "100"}) == kOk);
  CHECK(h.run({"LRANGE", "l", "0", "-1"}) == arr({"b", "c", "d", "e", "f"}));
  CHECK(h.run({"LTRIM", "l", "0", "2"}) == kOk);
  CHECK(h.run({"LRANGE", "l", "0", "-1"}) == arr({"b", "c", "d"}));
  CHECK(h.run({"LTRIM", "l", "-1", "-1"}) == kOk);
  CHECK(h.run({"LRANGE", "l", "0", "-1"}) == arr({"d"}));
  CHECK(h.run({"LTRIM", "l", "5", "3"}) == kOk);
  CHECK(h.run({"EXISTS", "l"}) == integer(0));
  CHECK(h.run({"RPUSH", "l", "a", "b"}) == integer(2));
  CHECK(h.run({"LTRIM", "l", "2", "10"}) == kOk);
  CHECK(h.run({"EXISTS", "l"}) == integer(0));
  CHECK(h.run({"RPUSH", "l", "a", "b"}) == integer(2));
  CHECK(h.run({"LTRIM", "l", "0", "-3"}) == kOk);
  CHECK(h.run({"EXISTS", "l"}) == integer(0));
}

TEST_CASE("list LPOS") {
  FamilyHarness h;
  CHECK(h.run({"RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c"}) == integer(8));
  CHECK(h.run({"LPOS", "l", "c"}) == integer(2));
  CHECK(h.run({"LPOS", "l", "c", "RANK", "2"}) == integer(6));
  CHECK(h.run({"LPOS", "l", "c", "RANK", "-1"}) == integer(7));
  CHECK(h.run({"LPOS", "l", "c", "RANK", "-4"}) == kNil);
  CHECK(h.run({"LPOS", "l", "c", "RANK", "4"}) == kNil);
  CHECK(h.run({"LPOS", "l", "c", "COUNT", "0"}) == ints({2, 6, 7}));
  CHECK(h.run({"LPOS", "l", "c", "COUNT", "2"}) == ints({2, 6}));
  CHECK(h.run({"LPOS", "l", "c", "COUNT", "2", "RANK", "-1"}) == ints({7, 6}));
  CHECK(h.run({"LPOS", "l", "c", "COUNT", "0", "RANK", "-2"}) == ints({6, 2}));
  CHECK(h.run({"LPOS", "l", "c", "MAXLEN", "3"}) == integer(2));
  CHECK(h.run({"LPOS", "l", "c", "MAXLEN", "2"}) == kNil);
  CHECK(h.run({"LPOS", "l", "c", "MAXLEN", "2", "COUNT", "0"}) == kEmpty);
  CHECK(h.run({"LPOS", "l", "c", "MAXLEN", "0", "COUNT", "0"}) == ints({2, 6, 7}));
  CHECK(h.run({"LPOS", "l", "c", "MAXLEN", "3", "RANK", "-1"}) == integer(7));
  CHECK(h.run({"LPOS", "l", "c", "MAXLEN", "1", "RANK", "-1"}) == integer(7));
  CHECK(h.run({"LPOS", "l", "zz"}) == kNil);
  CHECK(h.run({"LPOS", "l", "zz", "COUNT", "1"}) == kEmpty);
  CHECK(h.run({"LPOS", "l", "1"}) == integer(3));
  CHECK(h.run({"LPOS", "l", "c", "RANK", "1", "RANK", "2"}) == integer(6));
  CHECK(h.run({"LPOS", "l", "c", "rank", "1", "count", "1", "maxlen", "0"}) == ints({2}));
  CHECK(h.run({"LPOS", "l", "c", "RANK", "9223372036854775807"}) == kNil);
  CHECK(h.run({"LPOS", "l", "c", "RANK", "-9223372036854775807", "COUNT", "0"}) == kEmpty);
  CHECK(h.run({"LPOS", "l", "c", "MAXLEN", "9223372036854775807", "COUNT",
               "9223372036854775807"}) == ints({2, 6, 7}));
  // Redis 7.0 negates RANK -9223372036854775808 to itself: it starts at the first match from
  // the tail and takes every match, whatever COUNT says (MAXLEN still applies).
  CHECK(h.run({"LPOS", "l", "c", "RANK", "-9223372036854775808"}) == integer(7));
  CHECK(h.run({"LPOS", "l", "c", "RANK", "-9223372036854775808", "COUNT", "0"}) == ints({7, 6, 2}));
  CHECK(h.run({"LPOS", "l", "c", "RANK", "-9223372036854775808", "COUNT", "2"}) == ints({7, 6, 2}));
  CHECK(h.run({"LPOS", "l", "c", "RANK", "-9223372036854775808", "MAXLEN", "1"}) == integer(7));
  CHECK(h.run({"LPOS", "l", "c", "RANK", "-9223372036854775808", "MAXLEN", "3", "COUNT", "0"}) ==
        ints({7, 6}));
  // Errors, all before the key is read.
  CHECK(h.run({"LPOS", "l", "c", "RANK", "0"}) == kRankZero);
  CHECK(h.run({"LPOS", "l", "c", "COUNT", "1", "RANK", "0"}) == kRankZero);
  CHECK(h.run({"LPOS", "nokey", "c", "RANK", "0"}) == kRankZero);
  CHECK(h.run({"LPOS", "l", "c", "RANK", "x"}) == kNotInt);
  CHECK(h.run({"LPOS", "l", "c", "RANK", "9223372036854775808"}) == kNotInt);
  CHECK(h.run({"LPOS", "l", "c", "COUNT", "-1"}) == error("ERR COUNT can't be negative"));
  CHECK(h.run({"LPOS", "l", "c", "COUNT", "x"}) == error("ERR COUNT can't be negative"));
  CHECK(h.run({"LPOS", "l", "c", "COUNT", "9223372036854775808"}) ==
        error("ERR COUNT can't be negative"));
  CHECK(h.run({"LPOS", "l", "c", "MAXLEN", "-1"}) == error("ERR MAXLEN can't be negative"));
  CHECK(h.run({"LPOS", "l", "c", "MAXLEN", "x"}) == error("ERR MAXLEN can't be negative"));
  CHECK(h.run({"LPOS", "l", "c", "RANK"}) == kSyntax);
  CHECK(h.run({"LPOS", "l", "c", "FOO"}) == kSyntax);
  CHECK(h.run({"LPOS", "l", "c", "FOO", "1"}) == kSyntax);
  CHECK(h.run({"LPOS", "l", "c", "RANK", "1", "COUNT"}) == kSyntax);
  CHECK(h.run({"LPOS", "nokey", "c"}) == kNil);
  CHECK(h.run({"LPOS", "nokey", "c", "COUNT", "1"}) == kEmpty);
  CHECK(h.run({"LPOS", "nokey", "c", "COUNT", "0"}) == kEmpty);
}

TEST_CASE("list LMOVE and RPOPLPUSH") {
  FamilyHarness h;
  CHECK(h.run({"LPUSH", "l", "a", "b", "c"}) == integer(3));
  CHECK(h.run({"LPUSHX", "l", "d", "e"}) == integer(5));
  CHECK(h.run({"RPUSHX", "l", "f", "g"}) == integer(7));
  CHECK(h.run({"LMOVE", "l", "d2", "LEFT", "RIGHT"}) == bulk("e"));
  CHECK(h.run({"LMOVE", "l", "d2", "left", "left"}) == bulk("d"));
  CHECK(h.run({"LMOVE", "l", "d2", "up", "left"}) == kSyntax);
  CHECK(h.run({"LMOVE", "l", "d2", "left", "up"}) == kSyntax);
  CHECK(h.run({"LMOVE", "nokey", "d2", "up", "left"}) == kSyntax);
  CHECK(h.run({"LMOVE", "nokey", "d2", "left", "left"}) == kNil);
  CHECK(h.run({"RPOPLPUSH", "nokey", "d2"}) == kNil);
  CHECK(h.run({"EXISTS", "nokey"}) == integer(0));
  CHECK(h.run({"RPOPLPUSH", "l", "d2"}) == bulk("g"));
  CHECK(h.run({"LRANGE", "d2", "0", "-1"}) == arr({"g", "d", "e"}));
  CHECK(h.run({"LRANGE", "l", "0", "-1"}) == arr({"c", "b", "a", "f"}));
  // Source == destination rotates.
  CHECK(h.run({"RPOPLPUSH", "l", "l"}) == bulk("f"));
  CHECK(h.run({"LRANGE", "l", "0", "-1"}) == arr({"f", "c", "b", "a"}));
  CHECK(h.run({"LMOVE", "l", "l", "LEFT", "RIGHT"}) == bulk("f"));
  CHECK(h.run({"LRANGE", "l", "0", "-1"}) == arr({"c", "b", "a", "f"}));
  CHECK(h.run({"LMOVE", "l", "l", "LEFT", "LEFT"}) == bulk("c"));
  CHECK(h.run({"LMOVE", "l", "l", "RIGHT", "RIGHT"}) == bulk("f"));
  CHECK(h.run({"LMOVE", "l", "l", "RIGHT", "LEFT"}) == bulk("f"));
  CHECK(h.run({"LRANGE", "l", "0", "-1"}) == arr({"f", "c", "b", "a"}));
  // A one-element list rotated onto itself stays; moved elsewhere, its key goes.
  CHECK(h.run({"RPUSH", "one", "x"}) == integer(1));
  CHECK(h.run({"LMOVE", "one", "one", "left", "right"}) == bulk("x"));
  CHECK(h.run({"LRANGE", "one", "0", "-1"}) == arr({"x"}));
  CHECK(h.run({"RPOPLPUSH", "one", "two"}) == bulk("x"));
  CHECK(h.run({"EXISTS", "one"}) == integer(0));
  CHECK(h.run({"LRANGE", "two", "0", "-1"}) == arr({"x"}));
  CHECK(h.run({"LMOVE", "two", "three", "RIGHT", "RIGHT"}) == bulk("x"));
  CHECK(h.run({"EXISTS", "two"}) == integer(0));
  CHECK(h.run({"LRANGE", "three", "0", "-1"}) == arr({"x"}));
}

TEST_CASE("list emptied by any command is deleted") {
  FamilyHarness h;
  CHECK(h.run({"RPUSH", "l", "a"}) == integer(1));
  CHECK(h.run({"LPOP", "l"}) == bulk("a"));
  CHECK(h.run({"EXISTS", "l"}) == integer(0));
  CHECK(h.run({"RPUSH", "l", "a"}) == integer(1));
  CHECK(h.run({"RPOP", "l"}) == bulk("a"));
  CHECK(h.run({"EXISTS", "l"}) == integer(0));
  CHECK(h.run({"RPUSH", "l", "a", "b"}) == integer(2));
  CHECK(h.run({"RPOP", "l", "2"}) == arr({"b", "a"}));
  CHECK(h.run({"EXISTS", "l"}) == integer(0));
  CHECK(h.run({"RPUSH", "l", "a", "a"}) == integer(2));
  CHECK(h.run({"LREM", "l", "0", "a"}) == integer(2));
  CHECK(h.run({"EXISTS", "l"}) == integer(0));
  CHECK(h.run({"RPUSH", "l", "a"}) == integer(1));
  CHECK(h.run({"LTRIM", "l", "1", "-1"}) == kOk);
  CHECK(h.run({"EXISTS", "l"}) == integer(0));
  CHECK(h.run({"RPUSH", "l", "a"}) == integer(1));
  CHECK(h.run({"LMOVE", "l", "m", "LEFT", "LEFT"}) == bulk("a"));
  CHECK(h.run({"EXISTS", "l"}) == integer(0));
  CHECK(h.run({"DBSIZE"}) == integer(1));
}

TEST_CASE("list binary values") {
  FamilyHarness h;
  const std::string key("k\0\r\n", 4);
  const std::string v1("a\0b\r\n", 5);
  const std::string v2("\xff\0", 2);
  const std::string v3("", 0);
  using V = std::vector<std::string>;
  CHECK(h.run(V{"RPUSH", key, v1, v2, v3}) == integer(3));
  CHECK(h.run(V{"LRANGE", key, "0", "-1"}) == arr({v1, v2, v3}));
  CHECK(h.run(V{"LINDEX", key, "1"}) == bulk(v2));
  CHECK(h.run(V{"LPOS", key, v2}) == integer(1));
  CHECK(h.run(V{"LPOS", key, v3}) == integer(2));
  CHECK(h.run(V{"LPOS", key, std::string("a", 1)}) == kNil);
  CHECK(h.run(V{"LINSERT", key, "BEFORE", v2, v1}) == integer(4));
  CHECK(h.run(V{"LREM", key, "0", v1}) == integer(2));
  CHECK(h.run(V{"LSET", key, "0", v1}) == kOk);
  CHECK(h.run(V{"LRANGE", key, "0", "-1"}) == arr({v1, v3}));
  CHECK(h.run(V{"LMOVE", key, key, "LEFT", "RIGHT"}) == bulk(v1));
  CHECK(h.run(V{"LPOP", key, "5"}) == arr({v3, v1}));
  CHECK(h.run(V{"EXISTS", key}) == integer(0));
}

TEST_CASE("list integer-looking values read back as sent") {
  FamilyHarness h;
  CHECK(h.run({"RPUSH", "n", "1", "2", "3", "-4", "007", "9223372036854775807",
               "-9223372036854775808", "9223372036854775808"}) == integer(8));
  CHECK(h.run({"LRANGE", "n", "0", "-1"}) == arr({"1", "2", "3", "-4", "007", "9223372036854775807",
                                                  "-9223372036854775808", "9223372036854775808"}));
  CHECK(h.run({"LPOS", "n", "007"}) == integer(4));
  CHECK(h.run({"LPOS", "n", "7"}) == kNil);
  CHECK(h.run({"LPOS", "n", "-9223372036854775808"}) == integer(6));
  CHECK(h.run({"LINDEX", "n", "3"}) == bulk("-4"));
  CHECK(h.run({"RPOP", "n", "2"}) == arr({"9223372036854775808", "-9223372036854775808"}));
  CHECK(h.run({"LMOVE", "n", "m", "RIGHT", "LEFT"}) == bulk("9223372036854775807"));
  CHECK(h.run({"LPOP", "n"}) == bulk("1"));
}

TEST_CASE("list LRANGE LINDEX LSET over many nodes and values larger than a node") {
  FamilyHarness h;
  std::deque<std::string> model;
  const std::string big(10000, 'B');  // > 8 KiB: a node of its own
  for (int i = 0; i < 5000; ++i) {
    std::string v = (i % 1000 == 500) ? big + std::to_string(i) : "element-" + std::to_string(i);
    if (i % 2 == 0) {
      h.run({"RPUSH", "l", v});
      model.push_back(v);
    } else {
      h.run({"LPUSH", "l", v});
      model.push_front(v);
    }
  }
  for (int i = 0; i < 3; ++i) {
    h.run({"RPUSH", "l", std::to_string(i * 1000)});
    model.push_back(std::to_string(i * 1000));
  }
  const auto n = static_cast<long long>(model.size());
  CHECK(h.run({"LLEN", "l"}) == integer(n));
  CHECK(h.run({"LRANGE", "l", "0", "-1"}) == arr_of(model));
  CHECK(h.run({"LRANGE", "l", "2400", "2700"}) ==
        arr_of(std::vector<std::string>(model.begin() + 2400, model.begin() + 2701)));
  CHECK(h.run({"LRANGE", "l", "-600", "-1"}) ==
        arr_of(std::vector<std::string>(model.end() - 600, model.end())));
  for (long long i : {0LL, 1LL, 247LL, 2249LL, 2250LL, 2500LL, 4999LL, 5002LL}) {
    CHECK(h.run({"LINDEX", "l", std::to_string(i)}) == bulk(model[static_cast<size_t>(i)]));
    CHECK(h.run({"LINDEX", "l", std::to_string(i - n)}) == bulk(model[static_cast<size_t>(i)]));
  }
  // A small entry replaced by a big one, and a big one by a small one.
  CHECK(h.run({"LSET", "l", "1234", big}) == kOk);
  model[1234] = big;
  CHECK(h.run({"LSET", "l", "-1", big + "tail"}) == kOk);
  model.back() = big + "tail";
  const std::string pivot = model[3000];
  CHECK(h.run({"LINSERT", "l", "AFTER", pivot, big + "after"}) == integer(n + 1));
  model.insert(model.begin() + 3001, big + "after");
  CHECK(h.run({"LRANGE", "l", "0", "-1"}) == arr_of(model));
  CHECK(h.run({"LPOS", "l", big + "after"}) == integer(3001));
  CHECK(h.run({"LPOS", "l", big, "COUNT", "0"}) == ints({1234}));
  // Pops across node boundaries.
  std::vector<std::string> popped(model.begin(), model.begin() + 700);
  model.erase(model.begin(), model.begin() + 700);
  CHECK(h.run({"LPOP", "l", "700"}) == arr_of(popped));
  std::vector<std::string> tail(model.rbegin(), model.rbegin() + 900);
  model.erase(model.end() - 900, model.end());
  CHECK(h.run({"RPOP", "l", "900"}) == arr_of(tail));
  CHECK(h.run({"LTRIM", "l", "100", "-101"}) == kOk);
  model.erase(model.end() - 100, model.end());
  model.erase(model.begin(), model.begin() + 100);
  CHECK(h.run({"LRANGE", "l", "0", "-1"}) == arr_of(model));
  CHECK(h.run({"LLEN", "l"}) == integer(static_cast<long long>(model.size())));
  // COPY clones every node.
  CHECK(h.run({"COPY", "l", "c"}) == integer(1));
  CHECK(h.run({"RPOP", "l", "100000"}).size() > 0);
  CHECK(h.run({"EXISTS", "l"}) == integer(0));
  CHECK(h.run({"LRANGE", "c", "0", "-1"}) == arr_of(model));
}

// ---- Randomized run against a std::deque model ----

using Model = std::map<std::string, std::deque<std::string>>;

void drop_if_empty(Model& m, const std::string& key) {
  auto it = m.find(key);
  if (it != m.end() && it->second.empty()) m.erase(it);
}

// Normalised [start, stop] of LRANGE/LTRIM; false for an empty range.
bool model_range(long long len, long long start, long long stop, long long* a, long long* b) {
  if (start < 0) start += len;
  if (stop < 0) stop += len;
  if (start < 0) start = 0;
  if (start > stop || start >= len) return false;
  if (stop >= len) stop = len - 1;
  *a = start;
  *b = stop;
  return true;
}

TEST_CASE("list randomized commands match a deque model") {
  for (uint32_t seed : {1u, 2u, 3u}) {
    FamilyHarness h;
    Model m;
    std::mt19937 rng(seed);
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint32_t>(n)); };
    const std::vector<std::string> keys = {"a", "b", "c"};
    auto value = [&]() -> std::string {
      switch (pick(10)) {
        case 0:
          return std::to_string(pick(5));  // integer-encoded
        case 1:
          return std::string(9000 + static_cast<size_t>(pick(3)), static_cast<char>('A' + pick(3)));
        case 2:
          return std::string(400, static_cast<char>('m' + pick(3)));
        case 3:
          return std::string("x\0y", 3);
        default:
          return std::string(1, static_cast<char>('a' + pick(4)));
      }
    };
    for (int op = 0; op < 4000; ++op) {
      const std::string key = keys[static_cast<size_t>(pick(3))];
      std::deque<std::string>* list = m.count(key) ? &m[key] : nullptr;
      const long long len = list ? static_cast<long long>(list->size()) : 0;
      std::vector<std::string> cmd;
      std::string want;
      switch (pick(16)) {
        case 0:
        case 1: {  // LPUSH / RPUSH / LPUSHX / RPUSHX
          const bool left = pick(2) == 0;
          const bool x = pick(4) == 0;
          cmd = {std::string(left ? "LPUSH" : "RPUSH") + (x ? "X" : ""), key};
          const int n = 1 + pick(20);
          for (int i = 0; i < n; ++i) cmd.push_back(value());
          if (x && list == nullptr) {
            want = integer(0);
            break;
          }
          auto& l = m[key];
          for (size_t i = 2; i < cmd.size(); ++i) {
            if (left) {
              l.push_front(cmd[i]);
            } else {
              l.push_back(cmd[i]);
            }
          }
          want = integer(static_cast<long long>(l.size()));
          break;
        }
        case 2:
        case 3: {  // LPOP / RPOP [count]
          const bool left = pick(2) == 0;
          const bool with_count = pick(2) == 0;
          const long long count = pick(12);
          cmd = {left ? "LPOP" : "RPOP", key};
          if (with_count) cmd.push_back(std::to_string(count));
          if (list == nullptr) {
            want = with_count ? kNullArray : kNil;
            break;
          }
          std::vector<std::string> out;
          const long long n = with_count ? std::min(count, len) : 1;
          for (long long i = 0; i < n; ++i) {
            if (left) {
              out.push_back(list->front());
              list->pop_front();
            } else {
              out.push_back(list->back());
              list->pop_back();
            }
          }
          want = with_count ? arr(out) : bulk(out[0]);
          drop_if_empty(m, key);
          break;
        }
        case 4: {  // LRANGE
          const long long start = pick(60) - 30;
          const long long stop = pick(60) - 30;
          cmd = {"LRANGE", key, std::to_string(start), std::to_string(stop)};
          long long a, b;
          if (list == nullptr || !model_range(len, start, stop, &a, &b)) {
            want = kEmpty;
          } else {
            want = arr(std::vector<std::string>(list->begin() + a, list->begin() + b + 1));
          }
          break;
        }
        case 5: {  // LLEN / LINDEX
          if (pick(2) == 0) {
            cmd = {"LLEN", key};
            want = integer(len);
            break;
          }
          long long i = pick(60) - 30;
          cmd = {"LINDEX", key, std::to_string(i)};
          if (i < 0) i += len;
          want = (i >= 0 && i < len) ? bulk((*list)[static_cast<size_t>(i)]) : kNil;
          break;
        }
        case 6: {  // LSET
          long long i = pick(40) - 20;
          const std::string v = value();
          cmd = {"LSET", key, std::to_string(i), v};
          if (list == nullptr) {
            want = error("ERR no such key");
            break;
          }
          if (i < 0) i += len;
          if (i < 0 || i >= len) {
            want = error("ERR index out of range");
            break;
          }
          (*list)[static_cast<size_t>(i)] = v;
          want = kOk;
          break;
        }
        case 7: {  // LREM
          const long long count = pick(7) - 3;
          const std::string v = value();
          cmd = {"LREM", key, std::to_string(count), v};
          long long removed = 0;
          if (list != nullptr) {
            if (count >= 0) {
              for (auto it = list->begin(); it != list->end();) {
                if (*it == v && (count == 0 || removed < count)) {
                  it = list->erase(it);
                  ++removed;
                } else {
                  ++it;
                }
              }
            } else {
              for (size_t i = list->size(); i-- > 0;) {
                if ((*list)[i] == v && removed < -count) {
                  list->erase(list->begin() + static_cast<long>(i));
                  ++removed;
                }
              }
            }
            drop_if_empty(m, key);
          }
          want = integer(removed);
          break;
        }
        case 8: {  // LINSERT
          const bool after = pick(2) == 0;
          const std::string pivot = value();
          const std::string v = value();
          cmd = {"LINSERT", key, after ? "AFTER" : "BEFORE", pivot, v};
          if (list == nullptr) {
            want = integer(0);
            break;
          }
          auto it = std::find(list->begin(), list->end(), pivot);
          if (it == list->end()) {
            want = integer(-1);
            break;
          }
          list->insert(after ? it + 1 : it, v);
          want = integer(static_cast<long long>(list->size()));
          break;
        }
        case 9: {  // LTRIM
          const long long start = pick(20) - 5;
          const long long stop = pick(80) - 10;
          cmd = {"LTRIM", key, std::to_string(start), std::to_string(stop)};
          want = kOk;
          if (list == nullptr) break;
          long long a, b;
          if (!model_range(len, start, stop, &a, &b)) {
            m.erase(key);
            break;
          }
          list->erase(list->begin() + b + 1, list->end());
          list->erase(list->begin(), list->begin() + a);
          break;
        }
        case 10:
        case 11: {  // LPOS
          const std::string v = value();
          cmd = {"LPOS", key, v};
          long long rank = 1, count = -1, maxlen = 0;
          if (pick(2) == 0) {
            rank = pick(7) - 3;
            if (rank == 0) rank = 1;
            cmd.insert(cmd.end(), {"RANK", std::to_string(rank)});
          }
          if (pick(2) == 0) {
            count = pick(4);
            cmd.insert(cmd.end(), {"COUNT", std::to_string(count)});
          }
          if (pick(3) == 0) {
            maxlen = pick(30);
            cmd.insert(cmd.end(), {"MAXLEN", std::to_string(maxlen)});
          }
          std::vector<long long> found;
          if (list != nullptr) {
            const long long skip = (rank > 0 ? rank : -rank) - 1;
            long long matches = 0;
            for (long long k = 0; k < len && (maxlen == 0 || k < maxlen); ++k) {
              const long long idx = rank > 0 ? k : len - 1 - k;
              if ((*list)[static_cast<size_t>(idx)] != v) continue;
              if (matches++ < skip) continue;
              found.push_back(idx);
              if (count == -1 || (count > 0 && static_cast<long long>(found.size()) == count)) {
                break;
              }
            }
          }
          if (count == -1) {
            want = found.empty() ? kNil : integer(found[0]);
          } else {
            want = "*" + std::to_string(found.size()) + "\r\n";
            for (long long f : found) want += integer(f);
          }
          break;
        }
        case 12:
        case 13: {  // LMOVE / RPOPLPUSH
          const std::string dst = keys[static_cast<size_t>(pick(3))];
          bool left_from = false, left_to = true;
          if (pick(2) == 0) {
            cmd = {"RPOPLPUSH", key, dst};
          } else {
            left_from = pick(2) == 0;
            left_to = pick(2) == 0;
            cmd = {"LMOVE", key, dst, left_from ? "LEFT" : "RIGHT", left_to ? "LEFT" : "RIGHT"};
          }
          if (list == nullptr) {
            want = kNil;
            break;
          }
          std::string v = left_from ? list->front() : list->back();
          if (left_from) {
            list->pop_front();
          } else {
            list->pop_back();
          }
          auto& d = m[dst];
          if (left_to) {
            d.push_front(v);
          } else {
            d.push_back(v);
          }
          drop_if_empty(m, key);
          want = bulk(v);
          break;
        }
        case 14: {  // EXISTS: emptied lists are gone
          cmd = {"EXISTS", key};
          want = integer(list != nullptr ? 1 : 0);
          break;
        }
        default: {  // whole-list check
          cmd = {"LRANGE", key, "0", "-1"};
          want = list ? arr_of(*list) : kEmpty;
          break;
        }
      }
      const std::string got = h.run(cmd);
      if (got != want) {
        INFO("seed " << seed << " op " << op << ": " << cmd[0] << " " << cmd[1]);
        CHECK(got == want);
        break;
      }
    }
    for (const auto& [k, l] : m) CHECK(h.run({"LRANGE", k, "0", "-1"}) == arr_of(l));
    CHECK(h.run({"DBSIZE"}) == integer(static_cast<long long>(m.size())));
  }
}

}  // namespace
}  // namespace shardis::test
