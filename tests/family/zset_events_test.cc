// Sorted-set family: what each write command reports (keyspace events in order, WATCH-relevant
// changes, the dirty count, and the form it is logged in), for its effective, no-op and error
// cases. Expected events and dirty counts were recorded from redis-server 7.0.15 (a
// __keyevent@*__:* subscriber and INFO's rdb_changes_since_last_save), the logged forms from
// its append-only file. BZPOPMIN, BZPOPMAX, BZMPOP and ZMPOP are in zset_blocking_test.cc.
#include <doctest/doctest.h>

#include <initializer_list>
#include <string>
#include <string_view>

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

TEST_CASE("ZADD fires zadd, or zincr with INCR, and counts the elements added or updated") {
  FamilyHarness h;
  CHECK(run(h, {"ZADD", "z", "1", "a", "2", "b"}) ==
        Reported{":2\r\n", {"0 zadd z"}, {"ZADD z 1 a 2 b"}, 2});
  CHECK(run(h, {"ZADD", "z", "1", "a"}) == quiet(":0\r\n"));
  // An update alone replies 0 but is a change.
  CHECK(run(h, {"ZADD", "z", "3", "a"}) == Reported{":0\r\n", {"0 zadd z"}, {"ZADD z 3 a"}, 1});
  CHECK(run(h, {"ZADD", "z", "CH", "3", "a", "4", "b", "5", "c"}) ==
        Reported{":2\r\n", {"0 zadd z"}, {"ZADD z CH 3 a 4 b 5 c"}, 2});
  CHECK(run(h, {"ZADD", "z", "XX", "1", "nope"}) == quiet(":0\r\n"));
  CHECK(run(h, {"ZADD", "nokey", "XX", "1", "a"}) == quiet(":0\r\n"));
  CHECK(run(h, {"EXISTS", "nokey"}).reply == ":0\r\n");
  CHECK(run(h, {"ZADD", "z", "NX", "9", "a"}) == quiet(":0\r\n"));
  CHECK(run(h, {"ZADD", "z", "GT", "1", "a"}) == quiet(":0\r\n"));
  CHECK(run(h, {"ZADD", "z", "INCR", "1", "a"}) ==
        Reported{bulk("4"), {"0 zincr z"}, {"ZADD z INCR 1 a"}, 1});
  CHECK(run(h, {"ZADD", "z", "INCR", "XX", "1", "nope"}) == quiet(kNil));
  CHECK(run(h, {"ZADD", "z", "1", "x", "nan", "y"}) ==
        quiet("-ERR value is not a valid float\r\n"));
  CHECK(run(h, {"ZADD", "z", "NX", "XX", "1", "a"}) ==
        quiet("-ERR XX and NX options at the same time are not compatible\r\n"));
  CHECK(run(h, {"ZADD", "z", "1", "a", "2"}) == quiet(kSyntax));
  load(h, {"SET", "str", "x"});
  CHECK(run(h, {"ZADD", "str", "1", "a"}) == quiet(kWrongType));
  CHECK(run(h, {"ZCARD", "z"}).reply == ":3\r\n");
}

TEST_CASE("ZINCRBY fires zincr when the score changes") {
  FamilyHarness h;
  CHECK(run(h, {"ZINCRBY", "z", "1", "a"}) ==
        Reported{bulk("1"), {"0 zincr z"}, {"ZINCRBY z 1 a"}, 1});
  CHECK(run(h, {"ZINCRBY", "z", "0", "a"}) == quiet(bulk("1")));
  CHECK(run(h, {"ZINCRBY", "z", "2.5", "a"}) ==
        Reported{bulk("3.5"), {"0 zincr z"}, {"ZINCRBY z 2.5 a"}, 1});
  load(h, {"ZADD", "z", "+inf", "i"});
  CHECK(run(h, {"ZINCRBY", "z", "-inf", "i"}) ==
        quiet("-ERR resulting score is not a number (NaN)\r\n"));
  CHECK(run(h, {"ZINCRBY", "z", "x", "a"}) == quiet("-ERR value is not a valid float\r\n"));
  load(h, {"SET", "str", "x"});
  CHECK(run(h, {"ZINCRBY", "str", "1", "a"}) == quiet(kWrongType));
}

TEST_CASE("ZREM fires zrem, then del when the set is emptied") {
  FamilyHarness h;
  load(h, {"ZADD", "z", "1", "a", "2", "b", "3", "c"});
  CHECK(run(h, {"ZREM", "z", "x"}) == quiet(":0\r\n"));
  CHECK(run(h, {"ZREM", "z", "a", "x"}) == Reported{":1\r\n", {"0 zrem z"}, {"ZREM z a x"}, 1});
  CHECK(run(h, {"ZREM", "z", "b", "c", "d"}) ==
        Reported{":2\r\n", {"0 zrem z", "0 del z"}, {"ZREM z b c d"}, 2});
  CHECK(run(h, {"ZREM", "z", "a"}) == quiet(":0\r\n"));
  load(h, {"SET", "str", "x"});
  CHECK(run(h, {"ZREM", "str", "a"}) == quiet(kWrongType));
}

TEST_CASE("ZREMRANGEBY* fire their own event, then del, and count the elements removed") {
  FamilyHarness h;
  load(h, {"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"});
  CHECK(run(h, {"ZREMRANGEBYSCORE", "z", "10", "20"}) == quiet(":0\r\n"));
  CHECK(run(h, {"ZREMRANGEBYSCORE", "z", "1", "1"}) ==
        Reported{":1\r\n", {"0 zremrangebyscore z"}, {"ZREMRANGEBYSCORE z 1 1"}, 1});
  CHECK(run(h, {"ZREMRANGEBYRANK", "z", "5", "6"}) == quiet(":0\r\n"));
  CHECK(run(h, {"ZREMRANGEBYRANK", "z", "0", "0"}) ==
        Reported{":1\r\n", {"0 zremrangebyrank z"}, {"ZREMRANGEBYRANK z 0 0"}, 1});
  CHECK(run(h, {"ZREMRANGEBYLEX", "z", "[c", "[c"}) ==
        Reported{":1\r\n", {"0 zremrangebylex z"}, {"ZREMRANGEBYLEX z [c [c"}, 1});
  CHECK(run(h, {"ZREMRANGEBYLEX", "z", "[a", "[a"}) == quiet(":0\r\n"));
  load(h, {"ZADD", "z", "5", "e", "6", "f"});
  CHECK(run(h, {"ZREMRANGEBYRANK", "z", "0", "-1"}) ==
        Reported{":3\r\n", {"0 zremrangebyrank z", "0 del z"}, {"ZREMRANGEBYRANK z 0 -1"}, 3});
  CHECK(run(h, {"ZREMRANGEBYRANK", "nokey", "0", "-1"}) == quiet(":0\r\n"));
  load(h, {"ZADD", "z", "1", "a"});
  CHECK(
      run(h, {"ZREMRANGEBYSCORE", "z", "-inf", "+inf"}) ==
      Reported{":1\r\n", {"0 zremrangebyscore z", "0 del z"}, {"ZREMRANGEBYSCORE z -inf +inf"}, 1});
  load(h, {"ZADD", "z", "0", "a", "0", "b"});
  CHECK(run(h, {"ZREMRANGEBYLEX", "z", "-", "+"}) ==
        Reported{":2\r\n", {"0 zremrangebylex z", "0 del z"}, {"ZREMRANGEBYLEX z - +"}, 2});
  CHECK(run(h, {"ZREMRANGEBYSCORE", "z", "x", "1"}) == quiet("-ERR min or max is not a float\r\n"));
  CHECK(run(h, {"ZREMRANGEBYLEX", "z", "a", "b"}) ==
        quiet("-ERR min or max not valid string range item\r\n"));
  CHECK(run(h, {"ZREMRANGEBYRANK", "z", "x", "1"}) == quiet(kNotInt));
  load(h, {"SET", "str", "x"});
  CHECK(run(h, {"ZREMRANGEBYRANK", "str", "0", "-1"}) == quiet(kWrongType));
}

TEST_CASE("ZPOPMIN and ZPOPMAX fire their event once, count each element, then del") {
  FamilyHarness h;
  load(h, {"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"});
  CHECK(run(h, {"ZPOPMIN", "z"}) ==
        Reported{"*2\r\n" + bulk("a") + bulk("1"), {"0 zpopmin z"}, {"ZPOPMIN z"}, 1});
  CHECK(run(h, {"ZPOPMAX", "z", "1"}) ==
        Reported{"*2\r\n" + bulk("d") + bulk("4"), {"0 zpopmax z"}, {"ZPOPMAX z 1"}, 1});
  CHECK(run(h, {"ZPOPMIN", "z", "0"}) == quiet("*0\r\n"));
  CHECK(run(h, {"ZPOPMAX", "z", "10"}) ==
        Reported{"*4\r\n" + bulk("c") + bulk("3") + bulk("b") + bulk("2"),
                 {"0 zpopmax z", "0 del z"},
                 {"ZPOPMAX z 10"},
                 2});
  CHECK(run(h, {"ZPOPMIN", "z"}) == quiet("*0\r\n"));
  CHECK(run(h, {"ZPOPMIN", "z", "-1"}) ==
        quiet("-ERR value is out of range, must be positive\r\n"));
  load(h, {"SET", "str", "x"});
  CHECK(run(h, {"ZPOPMIN", "str"}) == quiet(kWrongType));
}

TEST_CASE("ZRANGESTORE fires zrangestore, or del when an empty result deletes the destination") {
  FamilyHarness h;
  load(h, {"ZADD", "z", "1", "a", "2", "b", "3", "c"});
  CHECK(run(h, {"ZRANGESTORE", "d", "z", "0", "1"}) ==
        Reported{":2\r\n", {"0 zrangestore d"}, {"ZRANGESTORE d z 0 1"}, 1});
  CHECK(run(h, {"ZRANGESTORE", "d", "z", "5", "6"}) ==
        Reported{":0\r\n", {"0 del d"}, {"ZRANGESTORE d z 5 6"}, 1});
  CHECK(run(h, {"ZRANGESTORE", "d", "z", "5", "6"}) == quiet(":0\r\n"));
  CHECK(run(h, {"ZRANGESTORE", "d", "nokey", "0", "-1"}) == quiet(":0\r\n"));
  load(h, {"SET", "d", "x"});
  CHECK(run(h, {"ZRANGESTORE", "d", "nokey", "0", "-1"}) ==
        Reported{":0\r\n", {"0 del d"}, {"ZRANGESTORE d nokey 0 -1"}, 1});
  CHECK(run(h, {"ZRANGESTORE", "d", "z", "(1", "2", "BYSCORE"}) ==
        Reported{":1\r\n", {"0 zrangestore d"}, {"ZRANGESTORE d z (1 2 BYSCORE"}, 1});
  CHECK(run(h, {"ZRANGESTORE", "d", "z", "0", "1", "WITHSCORES"}) == quiet(kSyntax));
  load(h, {"SET", "str", "x"});
  CHECK(run(h, {"ZRANGESTORE", "d", "str", "0", "1"}) == quiet(kWrongType));
  CHECK(run(h, {"ZCARD", "d"}).reply == ":1\r\n");
}

TEST_CASE("ZUNIONSTORE, ZINTERSTORE and ZDIFFSTORE fire their event, or del for an empty result") {
  FamilyHarness h;
  load(h, {"ZADD", "a", "1", "x", "2", "y"});
  load(h, {"ZADD", "b", "1", "y", "2", "z"});
  CHECK(run(h, {"ZUNIONSTORE", "d", "2", "a", "b"}) ==
        Reported{":3\r\n", {"0 zunionstore d"}, {"ZUNIONSTORE d 2 a b"}, 1});
  CHECK(run(h, {"ZINTERSTORE", "d", "2", "a", "b"}) ==
        Reported{":1\r\n", {"0 zinterstore d"}, {"ZINTERSTORE d 2 a b"}, 1});
  CHECK(run(h, {"ZDIFFSTORE", "d", "2", "a", "b"}) ==
        Reported{":1\r\n", {"0 zdiffstore d"}, {"ZDIFFSTORE d 2 a b"}, 1});
  CHECK(run(h, {"ZINTERSTORE", "d", "2", "a", "nokey"}) ==
        Reported{":0\r\n", {"0 del d"}, {"ZINTERSTORE d 2 a nokey"}, 1});
  CHECK(run(h, {"ZINTERSTORE", "d", "2", "a", "nokey"}) == quiet(":0\r\n"));
  CHECK(run(h, {"ZDIFFSTORE", "e", "1", "a"}) ==
        Reported{":2\r\n", {"0 zdiffstore e"}, {"ZDIFFSTORE e 1 a"}, 1});
  CHECK(run(h, {"ZDIFFSTORE", "e", "2", "a", "a"}) ==
        Reported{":0\r\n", {"0 del e"}, {"ZDIFFSTORE e 2 a a"}, 1});
  CHECK(run(h, {"ZUNIONSTORE", "e", "0", "a"}) ==
        quiet("-ERR at least 1 input key is needed for 'zunionstore' command\r\n"));
  CHECK(run(h, {"ZUNIONSTORE", "e", "1", "a", "WEIGHTS", "x"}) ==
        quiet("-ERR weight value is not a float\r\n"));
  load(h, {"SET", "str", "x"});
  CHECK(run(h, {"ZUNIONSTORE", "e", "2", "a", "str"}) == quiet(kWrongType));
  // A set is a valid input, and the destination's old type does not matter.
  load(h, {"SADD", "s", "x"});
  CHECK(run(h, {"ZINTERSTORE", "str", "2", "a", "s"}) ==
        Reported{":1\r\n", {"0 zinterstore str"}, {"ZINTERSTORE str 2 a s"}, 1});
}

TEST_CASE("WATCH sees the keys sorted-set commands change, and only those") {
  FamilyHarness h;
  load(h, {"ZADD", "z", "1", "a", "2", "b", "3", "c"});
  CHECK(run_watched(h, "z", {"ZADD", "z", "1", "a"}) == kWatchRan);
  CHECK(run_watched(h, "z", {"ZADD", "z", "5", "a"}) == kWatchAborted);
  CHECK(run_watched(h, "z", {"ZINCRBY", "z", "0", "a"}) == kWatchRan);
  CHECK(run_watched(h, "z", {"ZINCRBY", "z", "1", "a"}) == kWatchAborted);
  CHECK(run_watched(h, "z", {"ZREM", "z", "nope"}) == kWatchRan);
  CHECK(run_watched(h, "z", {"ZREMRANGEBYSCORE", "z", "100", "200"}) == kWatchRan);
  CHECK(run_watched(h, "z", {"ZREMRANGEBYRANK", "z", "0", "0"}) == kWatchAborted);
  CHECK(run_watched(h, "z", {"ZPOPMIN", "z", "0"}) == kWatchRan);
  CHECK(run_watched(h, "z", {"ZPOPMAX", "z"}) == kWatchAborted);
  CHECK(run_watched(h, "d", {"ZRANGESTORE", "d", "nokey", "0", "-1"}) == kWatchRan);
  CHECK(run_watched(h, "d", {"ZRANGESTORE", "d", "z", "0", "-1"}) == kWatchAborted);
  CHECK(run_watched(h, "d", {"ZUNIONSTORE", "d", "1", "z"}) == kWatchAborted);
  CHECK(run_watched(h, "d", {"ZINTERSTORE", "d", "2", "z", "nokey"}) == kWatchAborted);
  CHECK(run_watched(h, "d", {"ZDIFFSTORE", "d", "1", "nokey"}) == kWatchRan);
  CHECK(run_watched(h, "z", {"ZREM", "z", "c"}) == kWatchAborted);
  CHECK(run(h, {"EXISTS", "z"}).reply == ":0\r\n");
}

}  // namespace
}  // namespace shardis::test
