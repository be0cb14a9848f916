// Set family: what each write command reports (keyspace events in order, WATCH-relevant changes,
// the dirty count, and the form it is logged in), for its effective, no-op and error cases.
// Expected events and dirty counts were recorded from redis-server 7.0.15 (a
// __keyevent@*__:* subscriber and INFO's rdb_changes_since_last_save), the logged forms from
// its append-only file.
#include <doctest/doctest.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "support/family_harness.h"
#include "support/outcome_expect.h"
#include "support/resp_expect.h"

namespace shardis::test {
namespace {

const std::string kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

Reported run(FamilyHarness& h, std::initializer_list<std::string_view> cmd) {
  return run_reported(h, cmd);
}

// "$1\r\nx\r\n" -> "x"
std::string bulk_value(const std::string& reply) {
  size_t start = reply.find("\r\n") + 2;
  return reply.substr(start, reply.size() - start - 2);
}

// The members of a flat RESP2 array of bulks, in order.
std::vector<std::string> array_values(const std::string& reply) {
  std::vector<std::string> out;
  size_t pos = reply.find("\r\n") + 2;
  while (pos < reply.size()) {
    size_t eol = reply.find("\r\n", pos);
    size_t len = std::stoul(reply.substr(pos + 1, eol - pos - 1));
    out.push_back(reply.substr(eol + 2, len));
    pos = eol + 2 + len + 2;
  }
  return out;
}

TEST_CASE("SADD fires sadd and counts the members added") {
  FamilyHarness h;
  CHECK(run(h, {"SADD", "s", "a", "b", "a"}) ==
        Reported{":2\r\n", {"0 sadd s"}, {"SADD s a b a"}, 2});
  CHECK(run(h, {"SADD", "s", "a"}) == quiet(":0\r\n"));
  CHECK(run(h, {"SADD", "s", "c"}) == Reported{":1\r\n", {"0 sadd s"}, {"SADD s c"}, 1});
  load(h, {"SET", "str", "x"});
  CHECK(run(h, {"SADD", "str", "a"}) == quiet(kWrongType));
  load(h, {"SELECT", "3"});
  CHECK(run(h, {"SADD", "s", "1"}) == Reported{":1\r\n", {"3 sadd s"}, {"SADD s 1"}, 1});
}

TEST_CASE("SREM fires srem, then del when the set is emptied") {
  FamilyHarness h;
  load(h, {"SADD", "s", "a", "b", "c"});
  CHECK(run(h, {"SREM", "s", "x"}) == quiet(":0\r\n"));
  CHECK(run(h, {"SREM", "s", "a", "x"}) == Reported{":1\r\n", {"0 srem s"}, {"SREM s a x"}, 1});
  CHECK(run(h, {"SREM", "s", "b", "c", "d"}) ==
        Reported{":2\r\n", {"0 srem s", "0 del s"}, {"SREM s b c d"}, 2});
  CHECK(run(h, {"SREM", "nokey", "a"}) == quiet(":0\r\n"));
  load(h, {"SET", "str", "x"});
  CHECK(run(h, {"SREM", "str", "a"}) == quiet(kWrongType));
}

TEST_CASE("SPOP is logged as SREM of the member popped") {
  FamilyHarness h;
  load(h, {"SADD", "s", "a", "b"});
  Reported first = run(h, {"SPOP", "s"});
  const std::string m1 = bulk_value(first.reply);
  CHECK((m1 == "a" || m1 == "b"));
  CHECK(first == Reported{bulk(m1), {"0 spop s"}, {"SREM s " + m1}, 1});
  Reported second = run(h, {"SPOP", "s"});
  const std::string m2 = bulk_value(second.reply);
  CHECK(m2 != m1);
  CHECK(second == Reported{bulk(m2), {"0 spop s", "0 del s"}, {"SREM s " + m2}, 1});
  CHECK(run(h, {"SPOP", "s"}) == quiet(kNil));
  load(h, {"SET", "str", "x"});
  CHECK(run(h, {"SPOP", "str"}) == quiet(kWrongType));
  CHECK(run(h, {"SPOP", "s", "1", "2"}) == quiet(kSyntax));
}

TEST_CASE("SPOP with a count of the whole set is logged as DEL") {
  FamilyHarness h;
  load(h, {"SADD", "s", "1", "2", "3"});
  CHECK(run(h, {"SPOP", "s", "3"}) ==
        Reported{
            "*3\r\n" + bulk("1") + bulk("2") + bulk("3"), {"0 spop s", "0 del s"}, {"DEL s"}, 3});
  load(h, {"SADD", "t", "1", "2"});
  CHECK(run(h, {"SPOP", "t", "10"}) ==
        Reported{"*2\r\n" + bulk("1") + bulk("2"), {"0 spop t", "0 del t"}, {"DEL t"}, 2});
  CHECK(run(h, {"SPOP", "t", "2"}) == quiet("*0\r\n"));
  load(h, {"SADD", "u", "1"});
  CHECK(run(h, {"SPOP", "u", "0"}) == quiet("*0\r\n"));
  CHECK(run(h, {"SPOP", "u", "-1"}) == quiet("-ERR value is out of range, must be positive\r\n"));
  load(h, {"SET", "str", "x"});
  CHECK(run(h, {"SPOP", "str", "2"}) == quiet(kWrongType));
  CHECK(run(h, {"SCARD", "u"}) == quiet(":1\r\n"));
}

TEST_CASE("SPOP with a count below the size is logged as one SREM per member, in reply order") {
  // Both of Redis's strategies: a few members out of many, and most of them.
  for (const char* count : {"2", "9"}) {
    CAPTURE(count);
    FamilyHarness h;
    load(h, {"SADD", "s", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"});
    Reported r = run(h, {"SPOP", "s", count});
    std::vector<std::string> members = array_values(r.reply);
    REQUIRE(members.size() == std::stoul(count));
    std::vector<std::string> srems;
    for (const std::string& m : members) srems.push_back("SREM s " + m);
    CHECK(r.events == std::vector<std::string>{"0 spop s"});
    CHECK(r.propagated == srems);
    CHECK(r.dirty == members.size());
    CHECK(run(h, {"SCARD", "s"}).reply == integer(10 - static_cast<long long>(members.size())));
  }
}

TEST_CASE("SMOVE fires srem on the source, del when emptied, sadd on the destination") {
  FamilyHarness h;
  load(h, {"SADD", "src", "a", "b"});
  load(h, {"SADD", "dst", "b"});
  CHECK(run(h, {"SMOVE", "src", "dst", "a"}) ==
        Reported{":1\r\n", {"0 srem src", "0 sadd dst"}, {"SMOVE src dst a"}, 2});
  // The destination has the member already: only the source changed.
  CHECK(run(h, {"SMOVE", "src", "dst", "b"}) ==
        Reported{":1\r\n", {"0 srem src", "0 del src"}, {"SMOVE src dst b"}, 1});
  CHECK(run(h, {"SMOVE", "src", "dst", "b"}) == quiet(":0\r\n"));

  // Source emptied and a new destination: srem, del, sadd in this order; both keys changed
  // (the destination's change carries no event of its own).
  load(h, {"SADD", "src", "a"});
  Reported moved = run(h, {"SMOVE", "src", "newdst", "a"});
  CHECK(moved == Reported{":1\r\n",
                          {"0 srem src", "0 (modified) newdst", "0 del src", "0 sadd newdst"},
                          {"SMOVE src newdst a"},
                          2});

  load(h, {"SADD", "src", "a", "b"});
  CHECK(run(h, {"SMOVE", "src", "src", "a"}) == quiet(":1\r\n"));
  CHECK(run(h, {"SMOVE", "src", "src", "zz"}) == quiet(":0\r\n"));
  CHECK(run(h, {"SMOVE", "src", "dst", "zz"}) == quiet(":0\r\n"));
  CHECK(run(h, {"SMOVE", "nokey", "dst", "a"}) == quiet(":0\r\n"));
  load(h, {"SET", "str", "x"});
  CHECK(run(h, {"SMOVE", "src", "str", "a"}) == quiet(kWrongType));
  CHECK(run(h, {"SMOVE", "str", "src", "a"}) == quiet(kWrongType));
  CHECK(run(h, {"SMEMBERS", "src"}).reply == "*2\r\n" + bulk("a") + bulk("b"));
}

TEST_CASE("SINTERSTORE, SUNIONSTORE and SDIFFSTORE fire their event, or del for an empty result") {
  FamilyHarness h;
  load(h, {"SADD", "a", "1", "2", "3"});
  load(h, {"SADD", "b", "2", "3", "4"});
  CHECK(run(h, {"SINTERSTORE", "d", "a", "b"}) ==
        Reported{":2\r\n", {"0 sinterstore d"}, {"SINTERSTORE d a b"}, 1});
  CHECK(run(h, {"SUNIONSTORE", "d", "a", "b"}) ==
        Reported{":4\r\n", {"0 sunionstore d"}, {"SUNIONSTORE d a b"}, 1});
  CHECK(run(h, {"SDIFFSTORE", "d", "a", "b"}) ==
        Reported{":1\r\n", {"0 sdiffstore d"}, {"SDIFFSTORE d a b"}, 1});
  // An empty result deletes the destination (a missing input short-cuts SINTERSTORE).
  CHECK(run(h, {"SINTERSTORE", "d", "a", "nokey"}) ==
        Reported{":0\r\n", {"0 del d"}, {"SINTERSTORE d a nokey"}, 1});
  CHECK(run(h, {"SINTERSTORE", "d", "a", "nokey"}) == quiet(":0\r\n"));
  load(h, {"SET", "d", "x"});
  CHECK(run(h, {"SDIFFSTORE", "d", "a", "a"}) ==
        Reported{":0\r\n", {"0 del d"}, {"SDIFFSTORE d a a"}, 1});
  CHECK(run(h, {"SUNIONSTORE", "d", "n1", "n2"}) == quiet(":0\r\n"));
  load(h, {"SADD", "c", "9"});
  load(h, {"SADD", "f", "1"});
  CHECK(run(h, {"SINTERSTORE", "f", "a", "c"}) ==
        Reported{":0\r\n", {"0 del f"}, {"SINTERSTORE f a c"}, 1});
  // The destination's old type does not matter; an input's does.
  load(h, {"SET", "str", "x"});
  CHECK(run(h, {"SUNIONSTORE", "str", "a"}) ==
        Reported{":3\r\n", {"0 sunionstore str"}, {"SUNIONSTORE str a"}, 1});
  load(h, {"SET", "str", "x"});
  CHECK(run(h, {"SINTERSTORE", "f", "a", "str"}) == quiet(kWrongType));
  CHECK(run(h, {"SUNIONSTORE", "f", "str"}) == quiet(kWrongType));
  CHECK(run(h, {"SDIFFSTORE", "f", "str", "a"}) == quiet(kWrongType));
}

TEST_CASE("WATCH sees the keys set commands change, and only those") {
  FamilyHarness h;
  load(h, {"SADD", "s", "a", "b"});
  load(h, {"SADD", "d", "z"});
  CHECK(run_watched(h, "s", {"SADD", "s", "c"}) == kWatchAborted);
  CHECK(run_watched(h, "s", {"SADD", "s", "c"}) == kWatchRan);
  CHECK(run_watched(h, "s", {"SREM", "s", "nope"}) == kWatchRan);
  CHECK(run_watched(h, "s", {"SREM", "s", "c"}) == kWatchAborted);
  CHECK(run_watched(h, "s", {"SPOP", "s", "0"}) == kWatchRan);
  CHECK(run_watched(h, "s", {"SMOVE", "s", "d", "nope"}) == kWatchRan);
  CHECK(run_watched(h, "d", {"SMOVE", "s", "d", "a"}) == kWatchAborted);
  CHECK(run_watched(h, "s", {"SMOVE", "s", "d", "b"}) == kWatchAborted);  // emptied s
  CHECK(run_watched(h, "d", {"SMOVE", "d", "s", "b"}) == kWatchAborted);
  CHECK(run_watched(h, "s", {"SPOP", "s"}) == kWatchAborted);
  CHECK(run_watched(h, "x", {"SINTERSTORE", "x", "d", "nokey"}) == kWatchRan);
  CHECK(run_watched(h, "x", {"SUNIONSTORE", "x", "d"}) == kWatchAborted);
  CHECK(run_watched(h, "x", {"SINTERSTORE", "x", "d", "nokey"}) == kWatchAborted);
}

}  // namespace
}  // namespace shardis::test
