// Keyspace "keymiss" events (notify-keyspace-events class 'm'): which lookups of missing keys
// fire one, as redis-server 7.0.15 fires them (events counted from a __keyevent@0__:keymiss
// subscriber with notify-keyspace-events KEm, every key missing). Read-only commands fire one per
// key they look up; writes that read (GETDEL, SET ... GET, COPY, the *STORE sources, BITOP, a
// BITFIELD of GETs) one per key read, unless their arguments are refused first; OBJECT and MEMORY
// fire none; with 'm' off nothing fires.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "support/family_harness.h"

namespace shardis::test {
namespace {

size_t keymiss_events(FamilyHarness& h, const std::vector<std::string>& cmd) {
  h.log().take_events();
  h.run(cmd);
  size_t n = 0;
  for (const std::string& e : h.log().take_events()) {
    if (e.find(" keymiss ") != std::string::npos) ++n;
  }
  return n;
}

struct Case {
  std::vector<std::string> cmd;
  size_t redis_events;  // what redis-server 7.0.15 fired
};

const std::vector<Case> kCases = {
    {{"GET", "m"}, 1},
    {{"MGET", "m1", "m2"}, 2},
    {{"EXISTS", "m"}, 1},
    {{"TYPE", "m"}, 1},
    {{"TTL", "m"}, 1},
    {{"PTTL", "m"}, 1},
    {{"EXPIRETIME", "m"}, 1},
    {{"STRLEN", "m"}, 1},
    {{"GETRANGE", "m", "0", "1"}, 1},
    {{"LRANGE", "m", "0", "1"}, 1},
    {{"LLEN", "m"}, 1},
    {{"LINDEX", "m", "0"}, 1},
    {{"LPOS", "m", "x"}, 1},
    {{"HGET", "m", "f"}, 1},
    {{"HGETALL", "m"}, 1},
    {{"HLEN", "m"}, 1},
    {{"HRANDFIELD", "m"}, 1},
    {{"HMGET", "m", "f"}, 1},
    {{"HEXISTS", "m", "f"}, 1},
    {{"HKEYS", "m"}, 1},
    {{"HSTRLEN", "m", "f"}, 1},
    {{"HSCAN", "m", "0"}, 1},
    {{"SMEMBERS", "m"}, 1},
    {{"SISMEMBER", "m", "x"}, 1},
    {{"SMISMEMBER", "m", "x"}, 1},
    {{"SCARD", "m"}, 1},
    {{"SRANDMEMBER", "m"}, 1},
    {{"SSCAN", "m", "0"}, 1},
    {{"SINTER", "m1", "m2"}, 2},
    {{"SUNION", "m1", "m2"}, 2},
    {{"SDIFF", "m1", "m2"}, 2},
    {{"SINTERCARD", "2", "m1", "m2"}, 2},
    {{"ZRANGE", "m", "0", "1"}, 1},
    {{"ZSCORE", "m", "x"}, 1},
    {{"ZMSCORE", "m", "x"}, 1},
    {{"ZCARD", "m"}, 1},
    {{"ZRANK", "m", "x"}, 1},
    {{"ZCOUNT", "m", "0", "1"}, 1},
    {{"ZLEXCOUNT", "m", "-", "+"}, 1},
    {{"ZRANDMEMBER", "m"}, 1},
    {{"ZSCAN", "m", "0"}, 1},
    {{"ZUNION", "2", "m1", "m2"}, 2},
    {{"ZINTER", "2", "m1", "m2"}, 2},
    {{"ZDIFF", "2", "m1", "m2"}, 2},
    {{"GETBIT", "m", "1"}, 1},
    {{"BITCOUNT", "m"}, 1},
    {{"BITPOS", "m", "1"}, 1},
    {{"BITFIELD_RO", "m", "GET", "u8", "0"}, 1},
    {{"LCS", "m1", "m2"}, 2},
    {{"TOUCH", "m"}, 1},
    {{"OBJECT", "ENCODING", "m"}, 0},
    {{"MEMORY", "USAGE", "m"}, 0},
    // Writes that read some keys through a read lookup.
    {{"GETDEL", "m"}, 1},
    {{"GETEX", "m"}, 1},
    {{"GETEX", "m", "PERSIST"}, 1},
    {{"GETEX", "m", "EX", "abc"}, 1},  // the expiry is checked after the lookup
    {{"GETEX", "m", "EX", "1", "PX", "1"}, 0},
    {{"GETSET", "m", "v"}, 1},
    {{"SET", "m", "v", "GET"}, 1},
    {{"SET", "m", "v", "NX", "GET"}, 1},
    {{"SET", "m", "v", "EX", "0", "GET"}, 0},
    {{"SET", "m", "v", "NX", "XX", "GET"}, 0},
    {{"SET", "m", "v"}, 0},
    {{"COPY", "m", "d"}, 1},
    {{"COPY", "m", "d", "REPLACE"}, 1},
    {{"COPY", "m", "d", "DB", "99"}, 0},
    {{"COPY", "m", "m"}, 0},
    {{"SINTERSTORE", "d", "m1", "m2"}, 2},
    {{"SUNIONSTORE", "d", "m1", "m2"}, 2},
    {{"SDIFFSTORE", "d", "m1", "m2"}, 2},
    {{"ZUNIONSTORE", "d", "2", "m1", "m2"}, 2},
    {{"ZINTERSTORE", "d", "2", "m1", "m2"}, 2},
    {{"ZDIFFSTORE", "d", "2", "m1", "m2"}, 2},
    {{"ZUNIONSTORE", "d", "2", "m1", "m2", "WEIGHTS", "x", "y"}, 2},
    {{"ZRANGESTORE", "d", "m", "0", "-1"}, 1},
    {{"ZRANGESTORE", "d", "m", "0", "-1", "NOSUCH"}, 0},
    {{"BITOP", "AND", "d", "m1", "m2"}, 2},
    {{"BITOP", "NOT", "d", "m1"}, 1},
    {{"BITOP", "NOT", "d", "m1", "m2"}, 0},
    {{"BITOP", "NAND", "d", "m1"}, 0},
    {{"BITFIELD", "m", "GET", "u8", "0"}, 1},
    {{"BITFIELD", "m", "GET", "u8", "0", "SET", "u8", "0", "1"}, 0},
    {{"BITFIELD", "m", "INCRBY", "u8", "0", "1"}, 0},
    // Writes that do not read their key through a read lookup.
    {{"LMOVE", "m", "d", "LEFT", "LEFT"}, 0},
    {{"SMOVE", "m", "d", "x"}, 0},
    {{"RENAME", "m", "d"}, 0},
    {{"MSETNX", "a", "1", "b", "2"}, 0},
    {{"APPEND", "m", "x"}, 0},
    {{"HINCRBY", "m", "f", "1"}, 0},
    {{"SETRANGE", "m", "0", "x"}, 0},
    {{"LPOP", "m"}, 0},
    {{"SPOP", "m"}, 0},
    {{"ZPOPMIN", "m"}, 0},
    {{"INCR", "m2x"}, 0},
    {{"DEL", "m"}, 0},
    {{"EXPIRE", "m", "10"}, 0},
    {{"LMPOP", "1", "m", "LEFT"}, 0},
    {{"RPOPLPUSH", "m", "d"}, 0},
};

TEST_CASE("keymiss: read-only commands fire one event per missing key, as Redis") {
  FamilyHarness h;
  h.run({"CONFIG", "SET", "notify-keyspace-events", "KEm"});
  for (const Case& c : kCases) {
    h.run({"FLUSHALL"});
    CAPTURE(c.cmd[0]);
    CHECK(keymiss_events(h, c.cmd) == c.redis_events);
  }
}

TEST_CASE("keymiss: a key that exists fires nothing; an expired one fires expired, then keymiss") {
  FamilyHarness h;
  h.run({"CONFIG", "SET", "notify-keyspace-events", "KEAm"});
  h.run({"SET", "k", "v"});
  CHECK(keymiss_events(h, {"GET", "k"}) == 0);
  CHECK(keymiss_events(h, {"MGET", "k", "nope"}) == 1);
  h.run({"SET", "t", "v", "PX", "10"});
  h.clock().advance_ms(20);
  h.log().take_events();
  h.run({"GET", "t"});
  std::vector<std::string> events = h.log().take_events();
  REQUIRE(events.size() == 2);
  CHECK(events[0] == "0 expired t");
  CHECK(events[1] == "0 keymiss t");
}

TEST_CASE("keymiss: a write that reads fires keymiss before its own events, as Redis") {
  FamilyHarness h;
  h.run({"CONFIG", "SET", "notify-keyspace-events", "KEAm"});
  h.log().take_events();
  h.run({"SET", "m", "v", "GET"});
  CHECK(h.log().take_events() == std::vector<std::string>{"0 keymiss m", "0 set m"});
  h.run({"SADD", "s", "x"});
  h.log().take_events();
  h.run({"SUNIONSTORE", "d", "nosuch", "s"});
  CHECK(h.log().take_events() == std::vector<std::string>{"0 keymiss nosuch", "0 sunionstore d"});
}

TEST_CASE("keymiss: nothing fires unless the 'm' class is on ('A' does not include it)") {
  FamilyHarness h;
  h.run({"CONFIG", "SET", "notify-keyspace-events", "KEA"});
  CHECK(keymiss_events(h, {"GET", "m"}) == 0);
  CHECK(keymiss_events(h, {"SINTER", "m1", "m2"}) == 0);
  h.run({"CONFIG", "SET", "notify-keyspace-events", "Em"});
  CHECK(keymiss_events(h, {"GET", "m"}) == 1);
}

}  // namespace
}  // namespace shardis::test
