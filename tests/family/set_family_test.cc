// Set family against Redis 7.0's exact replies (checked on redis-server 7.0.15): every command,
// error texts, arity, WRONGTYPE, encodings, deletion of emptied sets, binary members, RESP3
// shapes, the random commands checked structurally, and the set algebra with its keys on
// several shards (moved into one scratch store and back, as a cross-shard transaction does)
// against one store holding every key.
#include <doctest/doctest.h>
#include <shardis/server/db.h>

#include <cstdint>
#include <iterator>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/family_harness.h"
#include "support/resp_expect.h"

namespace shardis::test {
namespace {

const std::string kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const std::string kEmptyArray = "*0\r\n";
const std::string kEmptyScan = "*2\r\n$1\r\n0\r\n*0\r\n";
const std::string kIntset = bulk("intset");
const std::string kHashtable = bulk("hashtable");

// "*<n>\r\n" then the bulk strings of items.
std::string array_of(const std::vector<std::string>& items, char type = '*') {
  std::string out(1, type);
  out.append(std::to_string(items.size()));
  out.append("\r\n");
  for (const std::string& s : items) out.append(bulk(s));
  return out;
}

std::string set_of(const std::vector<std::string>& items) {
  return array_of(items, '~');
}

// An aggregate reply of bulk strings taken apart.
struct Aggregate {
  bool ok = false;
  char type = 0;  // '*' or '~'
  std::vector<std::string> items;
};

Aggregate parse_aggregate(const std::string& s) {
  Aggregate a;
  if (s.empty() || (s[0] != '*' && s[0] != '~')) return a;
  a.type = s[0];
  size_t pos = s.find("\r\n");
  const size_t n = std::stoull(s.substr(1, pos - 1));
  pos += 2;
  for (size_t i = 0; i < n; ++i) {
    if (pos >= s.size() || s[pos] != '$') return a;
    size_t end = s.find("\r\n", pos);
    const size_t len = std::stoull(s.substr(pos + 1, end - pos - 1));
    a.items.push_back(s.substr(end + 2, len));
    pos = end + 2 + len + 2;
  }
  a.ok = pos == s.size();
  return a;
}

std::set<std::string> members(const std::string& reply) {
  Aggregate a = parse_aggregate(reply);
  REQUIRE(a.ok);
  std::set<std::string> out(a.items.begin(), a.items.end());
  REQUIRE(out.size() == a.items.size());  // no repeats in a set reply
  return out;
}

std::string encoding(FamilyHarness& h, std::string_view key) {
  return h.run({"OBJECT", "ENCODING", key});
}

// SADD key with the integers [from, to).
void add_range(FamilyHarness& h, const std::string& key, int from, int to) {
  std::vector<std::string> args = {"SADD", key};
  for (int i = from; i < to; ++i) args.push_back(std::to_string(i));
  REQUIRE(h.run(args) == integer(to - from));
}

TEST_CASE("SADD SCARD SISMEMBER SMISMEMBER basics") {
  FamilyHarness h;
  CHECK(h.run({"SADD", "s", "3", "1", "2", "1"}) == integer(3));
  CHECK(h.run({"SADD", "s", "2"}) == integer(0));
  CHECK(h.run({"SCARD", "s"}) == integer(3));
  CHECK(h.run({"SCARD", "nokey"}) == integer(0));
  CHECK(h.run({"SISMEMBER", "s", "1"}) == integer(1));
  CHECK(h.run({"SISMEMBER", "s", "01"}) == integer(0));
  CHECK(h.run({"SISMEMBER", "nokey", "1"}) == integer(0));
  CHECK(h.run({"SMISMEMBER", "s", "1", "01", "3", "x"}) == "*4\r\n:1\r\n:0\r\n:1\r\n:0\r\n");
  CHECK(h.run({"SMISMEMBER", "nokey", "1"}) == "*1\r\n:0\r\n");
  CHECK(h.run({"SMEMBERS", "s"}) == array_of({"1", "2", "3"}));
  CHECK(h.run({"TYPE", "s"}) == "+set\r\n");
}

TEST_CASE("SREM and deletion of an emptied set") {
  FamilyHarness h;
  CHECK(h.run({"SADD", "s", "3", "1", "2"}) == integer(3));
  CHECK(h.run({"SREM", "s", "01", "x"}) == integer(0));
  CHECK(h.run({"SREM", "s", "1", "2", "3", "4"}) == integer(3));
  CHECK(h.run({"EXISTS", "s"}) == integer(0));
  CHECK(h.run({"SREM", "nokey", "a"}) == integer(0));
  CHECK(h.run({"SADD", "s", "a"}) == integer(1));
  CHECK(h.run({"SREM", "s", "a", "b"}) == integer(1));
  CHECK(h.run({"EXISTS", "s"}) == integer(0));
  // A TTL goes with the key.
  CHECK(h.run({"SADD", "t", "a", "b"}) == integer(2));
  CHECK(h.run({"EXPIRE", "t", "100"}) == integer(1));
  CHECK(h.run({"SREM", "t", "a"}) == integer(1));
  CHECK(h.run({"TTL", "t"}) == integer(100));
  CHECK(h.run({"SREM", "t", "b"}) == integer(1));
  CHECK(h.run({"TTL", "t"}) == integer(-2));
}

TEST_CASE("set commands: arity") {
  FamilyHarness h;
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"SADD"}, "sadd"},
      {{"SADD", "s"}, "sadd"},
      {{"SREM", "s"}, "srem"},
      {{"SCARD"}, "scard"},
      {{"SCARD", "a", "b"}, "scard"},
      {{"SMEMBERS"}, "smembers"},
      {{"SMEMBERS", "a", "b"}, "smembers"},
      {{"SISMEMBER", "s"}, "sismember"},
      {{"SISMEMBER", "s", "a", "b"}, "sismember"},
      {{"SMISMEMBER", "s"}, "smismember"},
      {{"SPOP"}, "spop"},
      {{"SRANDMEMBER"}, "srandmember"},
      {{"SSCAN", "s"}, "sscan"},
      {{"SMOVE", "a", "b"}, "smove"},
      {{"SMOVE", "a", "b", "c", "d"}, "smove"},
      {{"SINTER"}, "sinter"},
      {{"SUNION"}, "sunion"},
      {{"SDIFF"}, "sdiff"},
      {{"SINTERCARD", "1"}, "sintercard"},
      {{"SINTERSTORE", "d"}, "sinterstore"},
      {{"SUNIONSTORE", "d"}, "sunionstore"},
      {{"SDIFFSTORE", "d"}, "sdiffstore"},
  };
  for (const auto& [args, name] : cases) {
    CAPTURE(args[0]);
    CHECK(h.run(args) == wrong_args(name));
  }
}

TEST_CASE("set commands: WRONGTYPE for each") {
  FamilyHarness h;
  CHECK(h.run({"SET", "str", "v"}) == kOk);
  CHECK(h.run({"SADD", "s", "a"}) == integer(1));
  const std::vector<std::vector<std::string>> cases = {
      {"SADD", "str", "a"},
      {"SREM", "str", "a"},
      {"SMEMBERS", "str"},
      {"SISMEMBER", "str", "a"},
      {"SMISMEMBER", "str", "a"},
      {"SCARD", "str"},
      {"SPOP", "str"},
      {"SPOP", "str", "1"},
      {"SPOP", "str", "0"},
      {"SRANDMEMBER", "str"},
      {"SRANDMEMBER", "str", "1"},
      {"SRANDMEMBER", "str", "0"},
      {"SRANDMEMBER", "str", "-5"},
      {"SSCAN", "str", "0"},
      {"SSCAN", "str", "0", "COUNT", "0"},  // the type is checked before the options
      {"SMOVE", "str", "s", "a"},
      {"SMOVE", "s", "str", "a"},
      {"SINTER", "str"},
      {"SINTER", "s", "str"},
      {"SINTER", "nokey", "str"},  // a missing first key does not stop the type checks
      {"SINTER", "str", "nokey"},
      {"SINTER", "nokey", "str", "s"},
      {"SUNION", "nokey", "str"},
      {"SDIFF", "str"},
      {"SDIFF", "nokey", "str"},
      {"SDIFF", "s", "s", "str"},
      {"SINTERCARD", "1", "str"},
      {"SINTERCARD", "2", "nokey", "str"},
      {"SINTERSTORE", "d", "str"},
      {"SINTERSTORE", "d", "nokey", "str"},
      {"SUNIONSTORE", "d", "str"},
      {"SDIFFSTORE", "d", "str"},
      {"SDIFFSTORE", "d", "nokey", "str"},
  };
  for (const auto& args : cases) {
    CAPTURE(args[0]);
    CAPTURE(args[1]);
    CHECK(h.run(args) == kWrongType);
  }
  // Nothing was written by a failed command.
  CHECK(h.run({"EXISTS", "d"}) == integer(0));
  CHECK(h.run({"GET", "str"}) == bulk("v"));
  CHECK(h.run({"SMEMBERS", "s"}) == array_of({"a"}));
  // Argument errors come before the type check.
  CHECK(h.run({"SPOP", "str", "x"}) == error("ERR value is out of range, must be positive"));
  CHECK(h.run({"SPOP", "str", "1", "2"}) == kSyntax);
  CHECK(h.run({"SRANDMEMBER", "str", "x"}) == kNotInt);
  CHECK(h.run({"SRANDMEMBER", "str", "-9223372036854775808"}) ==
        error("ERR value is out of range, value must between -9223372036854775807 and "
              "9223372036854775807"));
  CHECK(h.run({"SSCAN", "str", "x"}) == error("ERR invalid cursor"));
  CHECK(h.run({"SINTERCARD", "0", "str"}) == error("ERR numkeys should be greater than 0"));
  CHECK(h.run({"SINTERCARD", "1", "str", "LIMIT", "-1"}) == error("ERR LIMIT can't be negative"));
  // SMOVE: a missing source replies 0 before the destination's type is looked at.
  CHECK(h.run({"SMOVE", "nokey", "str", "a"}) == integer(0));
}

TEST_CASE("set encodings: intset up to 512 integers, hashtable past it, never back") {
  FamilyHarness h;
  add_range(h, "s", 0, 512);
  CHECK(encoding(h, "s") == kIntset);
  CHECK(h.run({"SADD", "s", "0"}) == integer(0));
  CHECK(encoding(h, "s") == kIntset);
  CHECK(h.run({"SADD", "s", "512"}) == integer(1));
  CHECK(encoding(h, "s") == kHashtable);
  CHECK(h.run({"SCARD", "s"}) == integer(513));
  add_range(h, "many", 0, 513);  // one SADD past the limit
  CHECK(encoding(h, "many") == kHashtable);
  // Removing members never converts back.
  std::vector<std::string> rem = {"SREM", "s"};
  for (int i = 1; i <= 512; ++i) rem.push_back(std::to_string(i));
  CHECK(h.run(rem) == integer(512));
  CHECK(encoding(h, "s") == kHashtable);
  CHECK(h.run({"SMEMBERS", "s"}) == array_of({"0"}));

  // The first member that is not a canonical integer converts.
  for (std::string_view odd : {"a", "01", "-0", "+1", " 1", "1.0", "9223372036854775808"}) {
    CAPTURE(odd);
    h.run({"DEL", "t"});
    CHECK(h.run({"SADD", "t", "1", "-9223372036854775808", "9223372036854775807"}) == integer(3));
    CHECK(encoding(h, "t") == kIntset);
    CHECK(h.run({"SREM", "t", odd}) == integer(0));
    CHECK(h.run({"SISMEMBER", "t", odd}) == integer(0));
    CHECK(encoding(h, "t") == kIntset);
    CHECK(h.run({"SADD", "t", odd}) == integer(1));
    CHECK(encoding(h, "t") == kHashtable);
    CHECK(h.run({"SREM", "t", odd}) == integer(1));
    CHECK(encoding(h, "t") == kHashtable);
  }
  // A new set whose first member is not an integer starts as a hashtable.
  CHECK(h.run({"SADD", "u", "x"}) == integer(1));
  CHECK(encoding(h, "u") == kHashtable);
  // An intset replies in ascending order whatever the insertion order.
  CHECK(h.run({"SADD", "o", "10", "-5", "3", "100000", "-70000"}) == integer(5));
  CHECK(h.run({"SMEMBERS", "o"}) == array_of({"-70000", "-5", "3", "10", "100000"}));
}

TEST_CASE("SMEMBERS and friends: RESP3 shapes") {
  FamilyHarness h;
  h.client().resp = 3;
  CHECK(h.run({"SADD", "s", "3", "1", "2"}) == integer(3));
  CHECK(h.run({"SMEMBERS", "s"}) == set_of({"1", "2", "3"}));
  CHECK(h.run({"SMEMBERS", "nokey"}) == "~0\r\n");
  CHECK(h.run({"SINTER", "s"}) == set_of({"1", "2", "3"}));
  CHECK(h.run({"SINTER", "nokey", "s"}) == "~0\r\n");
  CHECK(h.run({"SUNION", "s", "nokey"}) == set_of({"1", "2", "3"}));
  CHECK(h.run({"SDIFF", "s"}) == set_of({"1", "2", "3"}));
  CHECK(h.run({"SINTERCARD", "1", "s"}) == integer(3));
  CHECK(h.run({"SMISMEMBER", "s", "1", "9"}) == "*2\r\n:1\r\n:0\r\n");
  CHECK(h.run({"SISMEMBER", "s", "1"}) == integer(1));
  CHECK(h.run({"SPOP", "nokey"}) == "_\r\n");
  CHECK(h.run({"SPOP", "nokey", "0"}) == "~0\r\n");
  CHECK(h.run({"SPOP", "nokey", "1"}) == "~0\r\n");
  CHECK(h.run({"SPOP", "s", "0"}) == "~0\r\n");
  CHECK(h.run({"SRANDMEMBER", "nokey"}) == "_\r\n");
  CHECK(h.run({"SRANDMEMBER", "nokey", "1"}) == kEmptyArray);  // an array even in RESP3
  CHECK(h.run({"SRANDMEMBER", "s", "0"}) == kEmptyArray);
  CHECK(h.run({"SRANDMEMBER", "s", "5"}) == array_of({"1", "2", "3"}));
  CHECK(h.run({"SSCAN", "s", "0"}) == "*2\r\n$1\r\n0\r\n" + array_of({"1", "2", "3"}));
  CHECK(h.run({"SSCAN", "nokey", "0"}) == kEmptyScan);
  Aggregate pop = parse_aggregate(h.run({"SPOP", "s", "2"}));
  CHECK(pop.type == '~');
  CHECK(pop.items.size() == 2);
  Aggregate rnd = parse_aggregate(h.run({"SRANDMEMBER", "s", "-3"}));
  CHECK(rnd.type == '*');
  CHECK(rnd.items.size() == 3);
}

TEST_CASE("binary members") {
  FamilyHarness h;
  const std::string a("a\0b\r\n", 5);
  const std::string b("\xff\0", 2);
  const std::string empty;
  CHECK(h.run(std::vector<std::string>{"SADD", "s", a, b, empty, "1"}) == integer(4));
  CHECK(h.run(std::vector<std::string>{"SADD", "s", a}) == integer(0));
  CHECK(h.run(std::vector<std::string>{"SISMEMBER", "s", a}) == integer(1));
  CHECK(h.run(std::vector<std::string>{"SISMEMBER", "s", "a"}) == integer(0));
  CHECK(h.run(std::vector<std::string>{"SISMEMBER", "s", empty}) == integer(1));
  CHECK(members(h.run({"SMEMBERS", "s"})) == std::set<std::string>{a, b, empty, "1"});
  CHECK(h.run(std::vector<std::string>{"SADD", "t", a, "x"}) == integer(2));
  CHECK(h.run({"SINTER", "s", "t"}) == array_of({a}));
  CHECK(h.run(std::vector<std::string>{"SMOVE", "s", "t", b}) == integer(1));
  CHECK(members(h.run({"SMEMBERS", "t"})) == std::set<std::string>{a, b, "x"});
  CHECK(h.run(std::vector<std::string>{"SREM", "s", a, b, empty}) == integer(2));
  CHECK(h.run({"SMEMBERS", "s"}) == array_of({"1"}));
}

TEST_CASE("SPOP without count") {
  FamilyHarness h;
  CHECK(h.run({"SPOP", "nokey"}) == kNil);
  CHECK(h.run({"SADD", "s", "a", "b", "c"}) == integer(3));
  std::set<std::string> popped;
  for (int i = 0; i < 3; ++i) {
    std::string r = h.run({"SPOP", "s"});
    REQUIRE(r.size() == 7);  // "$1\r\nX\r\n"
    popped.insert(r.substr(4, 1));
  }
  CHECK(popped == std::set<std::string>{"a", "b", "c"});
  CHECK(h.run({"EXISTS", "s"}) == integer(0));
  CHECK(h.run({"SPOP", "s"}) == kNil);
  CHECK(h.run({"SPOP", "s", "1", "2"}) == kSyntax);
}

TEST_CASE("SPOP with count") {
  FamilyHarness h;
  const std::string kPositive = error("ERR value is out of range, must be positive");
  for (std::string_view bad : {"-1", "x", "1.5", "", " 1", "9223372036854775808"}) {
    CHECK(h.run({"SPOP", "s", bad}) == kPositive);
    CHECK(h.run({"SPOP", "nokey", bad}) == kPositive);
  }
  CHECK(h.run({"SPOP", "nokey", "0"}) == kEmptyArray);
  CHECK(h.run({"SPOP", "nokey", "3"}) == kEmptyArray);
  add_range(h, "s", 0, 100);
  CHECK(h.run({"SPOP", "s", "0"}) == kEmptyArray);
  std::set<std::string> all;
  for (int i = 0; i < 100; ++i) all.insert(std::to_string(i));
  std::set<std::string> seen;
  // Small counts (random picks), then a count close to the size (the remainder is rebuilt).
  for (int count : {1, 5, 30}) {
    std::set<std::string> got = members(h.run({"SPOP", "s", std::to_string(count)}));
    CHECK(got.size() == static_cast<size_t>(count));
    for (const std::string& m : got) {
      CHECK(all.count(m) == 1);
      CHECK(seen.insert(m).second);  // never popped twice
    }
  }
  CHECK(h.run({"SCARD", "s"}) == integer(64));
  std::set<std::string> got = members(h.run({"SPOP", "s", "60"}));
  CHECK(got.size() == 60);
  for (const std::string& m : got) CHECK(seen.insert(m).second);
  CHECK(h.run({"SCARD", "s"}) == integer(4));
  std::set<std::string> rest = members(h.run({"SMEMBERS", "s"}));
  for (const std::string& m : rest) CHECK(seen.insert(m).second);
  CHECK(seen == all);
  // The whole set (count >= size) deletes the key; an intset comes out ascending.
  Aggregate last = parse_aggregate(h.run({"SPOP", "s", "9223372036854775807"}));
  CHECK(last.items.size() == 4);
  CHECK(std::is_sorted(
      last.items.begin(), last.items.end(),
      [](const std::string& a, const std::string& b) { return std::stoll(a) < std::stoll(b); }));
  CHECK(h.run({"EXISTS", "s"}) == integer(0));
  CHECK(h.run({"SADD", "w", "x", "y"}) == integer(2));
  CHECK(members(h.run({"SPOP", "w", "2"})) == std::set<std::string>{"x", "y"});
  CHECK(h.run({"EXISTS", "w"}) == integer(0));
}

TEST_CASE("SPOP with count: encoding of what stays, TTL kept") {
  FamilyHarness h;
  // 600 integers (hashtable), 500 popped: what stays (100) is rebuilt as a new set: an intset.
  add_range(h, "big", 0, 600);
  CHECK(encoding(h, "big") == kHashtable);
  CHECK(h.run({"EXPIRE", "big", "1000"}) == integer(1));
  CHECK(parse_aggregate(h.run({"SPOP", "big", "500"})).items.size() == 500);
  CHECK(h.run({"SCARD", "big"}) == integer(100));
  CHECK(encoding(h, "big") == kIntset);
  CHECK(h.run({"TTL", "big"}) == integer(1000));
  // 499 popped: 101 stay, popped one by one: still a hashtable.
  add_range(h, "b2", 0, 600);
  CHECK(parse_aggregate(h.run({"SPOP", "b2", "499"})).items.size() == 499);
  CHECK(encoding(h, "b2") == kHashtable);
  // A hashtable of integers only: 9 of 10 popped rebuilds, 1 of 10 does not.
  for (auto [count, enc] : {std::pair{"9", kIntset}, std::pair{"1", kHashtable}}) {
    h.run({"DEL", "m"});
    CHECK(h.run({"SADD", "m", "a", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}) ==
          integer(11));
    CHECK(h.run({"SREM", "m", "a"}) == integer(1));
    CHECK(encoding(h, "m") == kHashtable);
    h.run({"SPOP", "m", count});
    CHECK(encoding(h, "m") == enc);
  }
  h.run({"DEL", "m"});
  CHECK(h.run({"SADD", "m", "a", "1", "2"}) == integer(3));
  h.run({"SPOP", "m"});
  CHECK(encoding(h, "m") == kHashtable);
}

TEST_CASE("SRANDMEMBER") {
  FamilyHarness h;
  CHECK(h.run({"SRANDMEMBER", "nokey"}) == kNil);
  CHECK(h.run({"SRANDMEMBER", "nokey", "5"}) == kEmptyArray);
  CHECK(h.run({"SRANDMEMBER", "nokey", "-9223372036854775807"}) == kEmptyArray);
  CHECK(h.run({"SRANDMEMBER", "s", "x"}) == kNotInt);
  CHECK(h.run({"SRANDMEMBER", "s", "9223372036854775808"}) == kNotInt);
  const std::string kRange = error(
      "ERR value is out of range, value must between -9223372036854775807 and "
      "9223372036854775807");
  CHECK(h.run({"SRANDMEMBER", "s", "-9223372036854775808"}) == kRange);
  CHECK(h.run({"SRANDMEMBER", "nokey", "-9223372036854775808"}) == kRange);
  CHECK(h.run({"SRANDMEMBER", "s", "1", "2"}) == kSyntax);

  for (bool strings : {false, true}) {
    CAPTURE(strings);
    h.run({"DEL", "s"});
    std::set<std::string> all;
    std::vector<std::string> add = {"SADD", "s"};
    for (int i = 0; i < 40; ++i) {
      std::string m = strings ? "m" + std::to_string(i) : std::to_string(i * 3);
      add.push_back(m);
      all.insert(m);
    }
    REQUIRE(h.run(add) == integer(40));
    std::string one = h.run({"SRANDMEMBER", "s"});
    CHECK(all.count(one.substr(one.find("\r\n") + 2, one.size() - one.find("\r\n") - 4)) == 1);
    CHECK(h.run({"SRANDMEMBER", "s", "0"}) == kEmptyArray);
    // Positive counts: distinct members, min(count, size) of them; every count strategy.
    for (int count : {1, 2, 10, 13, 14, 39, 40, 41, 1000}) {
      CAPTURE(count);
      Aggregate a = parse_aggregate(h.run({"SRANDMEMBER", "s", std::to_string(count)}));
      REQUIRE(a.ok);
      CHECK(a.type == '*');
      CHECK(a.items.size() == static_cast<size_t>(std::min(count, 40)));
      std::set<std::string> distinct(a.items.begin(), a.items.end());
      CHECK(distinct.size() == a.items.size());
      for (const std::string& m : a.items) CHECK(all.count(m) == 1);
    }
    // Negative counts: exactly |count| members, repeats allowed.
    for (int count : {-1, -5, -40, -200}) {
      CAPTURE(count);
      Aggregate a = parse_aggregate(h.run({"SRANDMEMBER", "s", std::to_string(count)}));
      REQUIRE(a.ok);
      CHECK(a.items.size() == static_cast<size_t>(-count));
      for (const std::string& m : a.items) CHECK(all.count(m) == 1);
      if (count == -200) {
        std::set<std::string> distinct(a.items.begin(), a.items.end());
        CHECK(distinct.size() < 200);
      }
    }
    CHECK(h.run({"SCARD", "s"}) == integer(40));  // nothing removed
  }
  // The whole set when count >= size: an intset in ascending order.
  CHECK(h.run({"SADD", "i", "3", "-1", "2"}) == integer(3));
  CHECK(h.run({"SRANDMEMBER", "i", "3"}) == array_of({"-1", "2", "3"}));
  CHECK(h.run({"SRANDMEMBER", "i", "9223372036854775807"}) == array_of({"-1", "2", "3"}));
  CHECK(h.run({"SRANDMEMBER", "i", "-1"}).substr(0, 4) == "*1\r\n");
  // A one-member set repeats its member.
  CHECK(h.run({"SADD", "one", "z"}) == integer(1));
  CHECK(h.run({"SRANDMEMBER", "one", "-3"}) == array_of({"z", "z", "z"}));
  // Huge repeat counts are refused before any reply is built (Redis would try to send them).
  CHECK(h.run({"SRANDMEMBER", "one", "-9223372036854775807"}) ==
        error("ERR value is out of range, value must between -16777216 and "
              "9223372036854775807"));
  CHECK(h.run({"SRANDMEMBER", "one", "-16777217"}).substr(0, 4) == "-ERR");
}

TEST_CASE("SSCAN") {
  FamilyHarness h;
  const std::string kInvalidCursor = error("ERR invalid cursor");
  CHECK(h.run({"SSCAN", "nokey", "0"}) == kEmptyScan);
  CHECK(h.run({"SSCAN", "nokey", "x"}) == kInvalidCursor);
  // A missing key replies the empty page without reading the options.
  CHECK(h.run({"SSCAN", "nokey", "0", "COUNT", "0"}) == kEmptyScan);
  CHECK(h.run({"SSCAN", "nokey", "0", "foo"}) == kEmptyScan);
  CHECK(h.run({"SADD", "s", "5", "1", "3", "12"}) == integer(4));
  CHECK(h.run({"SSCAN", "s", "x"}) == kInvalidCursor);
  CHECK(h.run({"SSCAN", "s", "0", "COUNT", "0"}) == kSyntax);
  CHECK(h.run({"SSCAN", "s", "0", "COUNT", "x"}) == kNotInt);
  CHECK(h.run({"SSCAN", "s", "0", "foo"}) == kSyntax);
  CHECK(h.run({"SSCAN", "s", "0", "MATCH"}) == kSyntax);
  CHECK(h.run({"SSCAN", "s", "0", "TYPE", "set"}) == kSyntax);
  // An intset answers at once with cursor 0, ascending, whatever the cursor and COUNT.
  const std::string all = "*2\r\n$1\r\n0\r\n" + array_of({"1", "3", "5", "12"});
  CHECK(h.run({"SSCAN", "s", "0"}) == all);
  CHECK(h.run({"SSCAN", "s", "77", "COUNT", "1"}) == all);
  CHECK(h.run({"SSCAN", "s", "0", "MATCH", "1*"}) == "*2\r\n$1\r\n0\r\n" + array_of({"1", "12"}));

  // A hashtable: a full iteration reports every member, pages bounded by COUNT.
  std::vector<std::string> add = {"SADD", "h"};
  std::set<std::string> expected;
  for (int i = 0; i < 1000; ++i) {
    add.push_back("m" + std::to_string(i));
    expected.insert("m" + std::to_string(i));
  }
  REQUIRE(h.run(add) == integer(1000));
  for (std::string_view count : {"1", "10", "100"}) {
    std::set<std::string> seen;
    std::string cursor = "0";
    int steps = 0;
    do {
      std::string r = h.run({"SSCAN", "h", cursor, "COUNT", count});
      // "*2\r\n$<n>\r\n<cursor>\r\n*<m>\r\n..."
      size_t p = r.find("\r\n", 4) + 2;
      size_t q = r.find("\r\n", p);
      cursor = r.substr(p, q - p);
      Aggregate page = parse_aggregate(r.substr(q + 2));
      REQUIRE(page.ok);
      seen.insert(page.items.begin(), page.items.end());
      ++steps;
      REQUIRE(steps < 100000);
    } while (cursor != "0");
    CHECK(seen == expected);
    if (count == "100") CHECK(steps < 100);
  }
  // MATCH filters after collecting.
  std::set<std::string> matched;
  std::string cursor = "0";
  do {
    std::string r = h.run({"SSCAN", "h", cursor, "MATCH", "m99*", "COUNT", "50"});
    size_t p = r.find("\r\n", 4) + 2;
    size_t q = r.find("\r\n", p);
    cursor = r.substr(p, q - p);
    Aggregate page = parse_aggregate(r.substr(q + 2));
    matched.insert(page.items.begin(), page.items.end());
  } while (cursor != "0");
  CHECK(matched == std::set<std::string>{"m99", "m990", "m991", "m992", "m993", "m994", "m995",
                                         "m996", "m997", "m998", "m999"});
}

TEST_CASE("SMOVE") {
  FamilyHarness h;
  CHECK(h.run({"SET", "str", "v"}) == kOk);
  CHECK(h.run({"SMOVE", "nokey", "str", "x"}) == integer(0));
  CHECK(h.run({"SADD", "a", "1", "2", "x"}) == integer(3));
  CHECK(h.run({"SMOVE", "a", "str", "x"}) == kWrongType);
  CHECK(h.run({"SMOVE", "str", "a", "x"}) == kWrongType);
  CHECK(h.run({"SMOVE", "a", "str", "absent"}) == kWrongType);
  // Same key: membership only.
  CHECK(h.run({"SMOVE", "a", "a", "1"}) == integer(1));
  CHECK(h.run({"SMOVE", "a", "a", "9"}) == integer(0));
  CHECK(h.run({"SCARD", "a"}) == integer(3));
  // Not a member: 0, nothing created.
  CHECK(h.run({"SMOVE", "a", "new", "9"}) == integer(0));
  CHECK(h.run({"EXISTS", "new"}) == integer(0));
  // To a new key: its encoding follows the member.
  CHECK(h.run({"SMOVE", "a", "n1", "1"}) == integer(1));
  CHECK(encoding(h, "n1") == kIntset);
  CHECK(h.run({"SMOVE", "a", "n2", "x"}) == integer(1));
  CHECK(encoding(h, "n2") == kHashtable);
  // Into an intset: a non-integer converts it.
  CHECK(h.run({"SADD", "i", "5"}) == integer(1));
  CHECK(h.run({"SMOVE", "n2", "i", "x"}) == integer(1));
  CHECK(encoding(h, "i") == kHashtable);
  CHECK(h.run({"EXISTS", "n2"}) == integer(0));  // the emptied source is deleted
  // Already in the destination: still 1, removed from the source.
  CHECK(h.run({"SADD", "n1", "2"}) == integer(1));
  CHECK(h.run({"SMOVE", "a", "n1", "2"}) == integer(1));
  CHECK(h.run({"EXISTS", "a"}) == integer(0));
  CHECK(h.run({"SMEMBERS", "n1"}) == array_of({"1", "2"}));
}

TEST_CASE("SINTER SUNION SDIFF") {
  FamilyHarness h;
  CHECK(h.run({"SADD", "a", "5", "3", "1", "-2"}) == integer(4));
  CHECK(h.run({"SADD", "b", "3", "1", "7", "x"}) == integer(4));
  CHECK(h.run({"SADD", "c", "1", "3", "9"}) == integer(3));
  CHECK(h.run({"SINTER", "a", "c"}) == array_of({"1", "3"}));
  CHECK(h.run({"SINTER", "c", "a"}) == array_of({"1", "3"}));
  CHECK(h.run({"SINTER", "a", "b"}) == array_of({"1", "3"}));
  CHECK(h.run({"SINTER", "a", "c", "nokey"}) == kEmptyArray);
  CHECK(h.run({"SINTER", "nokey", "a"}) == kEmptyArray);
  CHECK(h.run({"SINTER", "a", "a"}) == array_of({"-2", "1", "3", "5"}));
  CHECK(h.run({"SUNION", "a", "c"}) == array_of({"-2", "1", "3", "5", "9"}));
  CHECK(h.run({"SUNION", "c", "a", "nokey"}) == array_of({"-2", "1", "3", "5", "9"}));
  CHECK(h.run({"SUNION", "nokey"}) == kEmptyArray);
  CHECK(members(h.run({"SUNION", "a", "b"})) ==
        std::set<std::string>{"-2", "1", "3", "5", "7", "x"});
  CHECK(h.run({"SDIFF", "a", "c"}) == array_of({"-2", "5"}));
  CHECK(h.run({"SDIFF", "a", "nokey", "c"}) == array_of({"-2", "5"}));
  CHECK(h.run({"SDIFF", "nokey", "a"}) == kEmptyArray);
  CHECK(h.run({"SDIFF", "a", "a"}) == kEmptyArray);
  CHECK(h.run({"SDIFF", "a", "c", "a"}) == kEmptyArray);
  CHECK(members(h.run({"SDIFF", "b", "a"})) == std::set<std::string>{"7", "x"});
  // A hashtable holding only integers gives an intset result: ascending.
  CHECK(h.run({"SADD", "hi", "x", "30", "10", "20"}) == integer(4));
  CHECK(h.run({"SREM", "hi", "x"}) == integer(1));
  CHECK(h.run({"SUNION", "hi"}) == array_of({"10", "20", "30"}));
  CHECK(h.run({"SDIFF", "hi", "nokey"}) == array_of({"10", "20", "30"}));
}

TEST_CASE("SINTERCARD") {
  FamilyHarness h;
  CHECK(h.run({"SADD", "a", "5", "3", "1", "-2"}) == integer(4));
  CHECK(h.run({"SADD", "c", "1", "3", "9"}) == integer(3));
  CHECK(h.run({"SINTERCARD", "2", "a", "c"}) == integer(2));
  CHECK(h.run({"SINTERCARD", "2", "a", "c", "LIMIT", "1"}) == integer(1));
  CHECK(h.run({"SINTERCARD", "2", "a", "c", "limit", "0"}) == integer(2));
  CHECK(h.run({"SINTERCARD", "2", "a", "c", "LIMIT", "5"}) == integer(2));
  CHECK(h.run({"SINTERCARD", "3", "a", "c", "nokey"}) == integer(0));
  CHECK(h.run({"SINTERCARD", "2", "a", "a"}) == integer(4));
  CHECK(h.run({"SINTERCARD", "1", "a", "LIMIT", "1", "LIMIT", "0"}) == integer(4));
  const std::string kNumkeys = error("ERR numkeys should be greater than 0");
  const std::string kTooMany = error("ERR Number of keys can't be greater than number of args");
  const std::string kLimit = error("ERR LIMIT can't be negative");
  CHECK(h.run({"SINTERCARD", "0", "a"}) == kNumkeys);
  CHECK(h.run({"SINTERCARD", "x", "a"}) == kNumkeys);
  CHECK(h.run({"SINTERCARD", "-1", "a"}) == kNumkeys);
  CHECK(h.run({"SINTERCARD", "9223372036854775808", "a"}) == kNumkeys);
  CHECK(h.run({"SINTERCARD", "3", "a"}) == kTooMany);
  CHECK(h.run({"SINTERCARD", "9223372036854775807", "a"}) == kTooMany);
  CHECK(h.run({"SINTERCARD", "1", "a", "LIMIT", "-1"}) == kLimit);
  CHECK(h.run({"SINTERCARD", "1", "a", "LIMIT", "x"}) == kLimit);
  CHECK(h.run({"SINTERCARD", "1", "a", "foo"}) == kSyntax);
  CHECK(h.run({"SINTERCARD", "1", "a", "LIMIT"}) == kSyntax);
  CHECK(h.run({"SINTERCARD", "1", "a", "LIMIT", "1", "x"}) == kSyntax);
  // The keys are what numkeys counts: "LIMIT" here is a key.
  CHECK(h.run({"SINTERCARD", "2", "a", "LIMIT"}) == integer(0));
}

TEST_CASE("SINTERSTORE SUNIONSTORE SDIFFSTORE") {
  FamilyHarness h;
  CHECK(h.run({"SADD", "a", "5", "3", "1", "-2"}) == integer(4));
  CHECK(h.run({"SADD", "b", "3", "1", "7", "x"}) == integer(4));
  CHECK(h.run({"SADD", "c", "1", "3", "9"}) == integer(3));
  CHECK(h.run({"SINTERSTORE", "d", "a", "c"}) == integer(2));
  CHECK(encoding(h, "d") == kIntset);
  CHECK(h.run({"SMEMBERS", "d"}) == array_of({"1", "3"}));
  CHECK(h.run({"SINTERSTORE", "d", "a", "b"}) == integer(2));
  CHECK(encoding(h, "d") == kIntset);
  CHECK(h.run({"SUNIONSTORE", "d", "a", "b"}) == integer(6));
  CHECK(encoding(h, "d") == kHashtable);
  CHECK(h.run({"SDIFFSTORE", "d", "a", "nokey"}) == integer(4));
  CHECK(encoding(h, "d") == kIntset);
  // An empty result deletes the destination.
  CHECK(h.run({"SINTERSTORE", "d", "a", "nokey"}) == integer(0));
  CHECK(h.run({"EXISTS", "d"}) == integer(0));
  CHECK(h.run({"SADD", "d", "z"}) == integer(1));
  CHECK(h.run({"SDIFFSTORE", "d", "a", "a"}) == integer(0));
  CHECK(h.run({"EXISTS", "d"}) == integer(0));
  CHECK(h.run({"SUNIONSTORE", "d", "nokey"}) == integer(0));
  // The destination's old value (of any type) and TTL go.
  CHECK(h.run({"SET", "d", "str", "EX", "100"}) == kOk);
  CHECK(h.run({"SUNIONSTORE", "d", "a"}) == integer(4));
  CHECK(h.run({"TYPE", "d"}) == "+set\r\n");
  CHECK(h.run({"TTL", "d"}) == integer(-1));
  CHECK(h.run({"SMEMBERS", "d"}) == array_of({"-2", "1", "3", "5"}));
  // The destination may be a source.
  CHECK(h.run({"SINTERSTORE", "d", "d"}) == integer(4));
  CHECK(h.run({"SDIFFSTORE", "c", "c", "a"}) == integer(1));
  CHECK(h.run({"SMEMBERS", "c"}) == array_of({"9"}));
  CHECK(h.run({"SUNIONSTORE", "a", "a", "c"}) == integer(5));
  CHECK(h.run({"SMEMBERS", "a"}) == array_of({"-2", "1", "3", "5", "9"}));
}

TEST_CASE("set algebra: result encodings at 512/513 integers and on a non-integer") {
  FamilyHarness h;
  add_range(h, "x", 0, 512);
  add_range(h, "y", 512, 513);
  CHECK(h.run({"SUNIONSTORE", "d", "x"}) == integer(512));
  CHECK(encoding(h, "d") == kIntset);
  CHECK(h.run({"SUNIONSTORE", "d", "x", "y"}) == integer(513));
  CHECK(encoding(h, "d") == kHashtable);
  add_range(h, "z", 0, 700);  // a hashtable
  CHECK(h.run({"SINTERSTORE", "d", "z", "x"}) == integer(512));
  CHECK(encoding(h, "d") == kIntset);
  CHECK(h.run({"SADD", "x", "a"}) == integer(1));
  CHECK(h.run({"SADD", "w", "a", "0", "1"}) == integer(3));
  CHECK(h.run({"SINTERSTORE", "d", "x", "w"}) == integer(3));
  CHECK(encoding(h, "d") == kHashtable);
  CHECK(h.run({"SREM", "w", "a"}) == integer(1));
  CHECK(h.run({"SINTERSTORE", "d", "x", "w"}) == integer(2));
  CHECK(encoding(h, "d") == kIntset);

  // SDIFFSTORE: when Redis subtracts by adding the whole first set and removing the others'
  // members (more sets than that set's size makes worth walking), the result is encoded as the
  // first set would be, whatever the removals leave.
  h.run({"DEL", "a", "b", "c"});
  add_range(h, "a", 1, 601);
  add_range(h, "b", 1, 101);
  add_range(h, "c", 101, 201);
  CHECK(h.run({"SDIFFSTORE", "d", "a", "b", "c"}) == integer(400));
  CHECK(encoding(h, "d") == kHashtable);
  h.run({"DEL", "c"});
  add_range(h, "c", 101, 501);
  CHECK(h.run({"SDIFFSTORE", "d", "a", "b", "c"}) == integer(100));
  CHECK(encoding(h, "d") == kIntset);
  h.run({"DEL", "a", "b", "c"});
  CHECK(h.run({"SADD", "a", "x", "1", "2", "3", "4", "5"}) == integer(6));
  CHECK(h.run({"SADD", "b", "x"}) == integer(1));
  CHECK(h.run({"SADD", "c", "y"}) == integer(1));
  CHECK(h.run({"SDIFFSTORE", "d", "a", "b", "c"}) == integer(5));
  CHECK(encoding(h, "d") == kHashtable);
  CHECK(h.run({"SDIFFSTORE", "d", "a", "b"}) == integer(5));
  CHECK(encoding(h, "d") == kIntset);
}

// ---- Keys on several shards ----

// Members of a test set by kind: small and large intsets, hashtables by count and by strings,
// binary members.
std::vector<std::string> test_members(int kind, std::mt19937_64& rng) {
  auto below = [&](uint64_t n) { return static_cast<int>(rng() % n); };
  std::vector<std::string> m;
  switch (kind) {
    case 0:
      for (int n = 1 + below(30); n > 0; --n) m.push_back(std::to_string(below(100) - 50));
      break;
    case 1:
      for (int n = 100 + below(300); n > 0; --n) m.push_back(std::to_string(below(1500)));
      break;
    case 2:
      for (int n = 600 + below(300); n > 0; --n) m.push_back(std::to_string(below(2000)));
      break;
    case 3:
      for (int n = 1 + below(60); n > 0; --n) m.push_back("m" + std::to_string(below(80)));
      for (int n = below(20); n > 0; --n) m.push_back(std::to_string(below(100) - 50));
      break;
    default:
      for (int n = 1 + below(25); n > 0; --n) {
        m.push_back(std::string("b\0\r\n", 4) + std::to_string(below(40)));
      }
      break;
  }
  return m;
}

// Keys spread over shards move into one scratch store and back (SpreadStores): every command
// replies byte for byte as on one store holding every key, a stored result is the same set with
// the same encoding, and every key keeps its value, encoding and TTL.
TEST_CASE("set algebra across shards: the single-shard replies, stored sets and TTLs") {
  std::mt19937_64 rng(4242);
  auto below = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  for (uint32_t shards : {2u, 3u, 5u}) {
    CAPTURE(shards);
    SpreadStores sh(shards);
    std::vector<std::string> names;
    for (int i = 0; i < 15; ++i) {
      names.push_back("set:" + std::to_string(i));
      std::vector<std::string> args = {"SADD", names.back()};
      for (std::string& m : test_members(i % 5, rng)) args.push_back(std::move(m));
      REQUIRE(sh.load(args).front() == ':');
    }
    const std::string kept = names[1];      // a TTL that outlives the test
    const std::string expiring = names[3];  // a TTL that passes halfway
    REQUIRE(sh.load({"PEXPIRE", kept, "50000"}) == integer(1));
    REQUIRE(sh.load({"PEXPIRE", expiring, "1000"}) == integer(1));
    REQUIRE(sh.load({"SET", "str", "v"}) == kOk);
    REQUIRE(sh.load({"SADD", "dest:1", "old"}) == integer(1));
    REQUIRE(sh.load({"PEXPIRE", "dest:1", "50000"}) == integer(1));  // a STORE clears it
    names.insert(names.end(), {"str", "missing", "dest:1", "dest:2"});
    for (const std::string& k : names) {
      CAPTURE(k);
      CHECK(sh.key_state_spread(k) == sh.key_state_whole(k));
    }
    CHECK(sh.key_state_whole(names[0]).find(kIntset) != std::string::npos);
    CHECK(sh.key_state_whole(names[2]).find(kHashtable) != std::string::npos);
    // Destinations: new keys, a key with a TTL, sources of both encodings, a string.
    const std::string dests[] = {"dest:1", "dest:2", names[0], names[2], "str"};
    static const char* kCmds[] = {"SINTER",      "SUNION",      "SDIFF",     "SINTERCARD",
                                  "SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"};
    int rounds = 0;
    for (int resp : {2, 3}) {
      sh.client().resp = resp;
      for (int round = 0; round < 300; ++round, ++rounds) {
        if (resp == 2 && round == 150) sh.whole().clock().advance_ms(2000);
        const std::string cmd = kCmds[below(std::size(kCmds))];
        const bool store = cmd.ends_with("STORE");
        const size_t nkeys = 1 + below(5);
        std::vector<std::string> args = {cmd};
        if (store) args.push_back(dests[below(std::size(dests))]);
        if (cmd == "SINTERCARD") args.push_back(std::to_string(nkeys));
        for (size_t k = 0; k < nkeys; ++k) {
          // Mostly the 15 sets; the string key rarely, so that most rounds compute a result.
          const size_t pick = below(names.size() * 4);
          args.push_back(pick < names.size() ? names[pick] : names[pick % 15]);
        }
        if (cmd == "SINTERCARD" && below(2) == 0) {
          args.insert(args.end(), {"LIMIT", std::to_string(below(4))});
        }
        CAPTURE(args);
        CHECK(sh.run_spread(args) == sh.run_whole(args));
        if (store) CHECK(sh.key_state_spread(args[1]) == sh.key_state_whole(args[1]));
      }
    }
    CHECK(sh.migrated() > static_cast<uint64_t>(rounds) / 2);
    for (const std::string& k : names) {
      CAPTURE(k);
      CHECK(sh.key_state_spread(k) == sh.key_state_whole(k));
    }
    CHECK(sh.run_on_owner(expiring, {"EXISTS", expiring}) == integer(0));
    // The kept key's TTL went through every move unchanged.
    CHECK(sh.run_on_owner(kept, {"PTTL", kept}) == integer(48000));
  }
}

// A key's TTL, encoding and value survive detach and attach into another shard's Db; a key
// whose TTL passes meanwhile is dropped on attach, and an absent key stays absent.
TEST_CASE("Db::detach and Db::attach move a set with its encoding and TTL") {
  FamilyHarness h;
  server::ShardStore other(h.clock(), 1, 2);
  add_range(h, "i", 0, 10);
  add_range(h, "t", 0, 600);
  CHECK(h.run({"PEXPIRE", "t", "5000"}) == integer(1));
  CHECK(h.run({"SADD", "gone", "x"}) == integer(1));
  CHECK(h.run({"PEXPIRE", "gone", "100"}) == integer(1));
  const std::string i_members = h.run({"SMEMBERS", "i"});
  const std::string t_members = h.run({"SMEMBERS", "t"});
  const std::string names[] = {"i", "t", "gone", "nokey"};
  std::vector<server::DetachedKey> keys(std::size(names));
  for (size_t k = 0; k < keys.size(); ++k) h.store().db(0).detach(names[k], keys[k]);
  CHECK(h.run({"DBSIZE"}) == integer(0));
  CHECK(keys[0].present);
  CHECK_FALSE(keys[3].present);
  h.clock().advance_ms(1000);
  for (server::DetachedKey& k : keys) other.db(0).attach(k);
  CHECK(other.db(0).size() == 2);
  server::ClientState client;
  auto run = [&](const std::vector<std::string>& args) {
    return run_on_store(h.registry(), server::ServerInfo{}, other, client, args);
  };
  CHECK(run({"OBJECT", "ENCODING", "i"}) == kIntset);
  CHECK(run({"OBJECT", "ENCODING", "t"}) == kHashtable);
  CHECK(run({"SMEMBERS", "i"}) == i_members);
  CHECK(run({"SMEMBERS", "t"}) == t_members);
  CHECK(run({"PTTL", "i"}) == integer(-1));
  CHECK(run({"PTTL", "t"}) == integer(4000));
  CHECK(run({"EXISTS", "gone", "nokey"}) == integer(0));
}

}  // namespace
}  // namespace shardis::test
