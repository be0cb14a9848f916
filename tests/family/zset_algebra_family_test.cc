// Sorted-set algebra: ZUNION, ZINTER, ZDIFF and the *STORE forms, locally and through
// the gather path (part() on each shard, then merge_partials), which must reply the same.
// Expected bytes were recorded from redis-server 7.0.15.
#include <doctest/doctest.h>
#include <shardis/base/clock.h>
#include <shardis/proto/reply_buffer.h>
#include <shardis/proto/reply_builder.h>
#include <shardis/server/command.h>
#include <shardis/server/db.h>
#include <shardis/server/exec/executor.h>
#include <shardis/server/registry.h>

#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
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

TEST_CASE("ZUNION ZINTER ZDIFF") {
  FamilyHarness h;
  h.run({"zadd", "a", "1", "x", "2", "y", "3", "z"});
  h.run({"zadd", "b", "10", "y", "20", "z", "30", "w"});
  h.run({"sadd", "s", "y", "q"});
  h.run({"sadd", "si", "3", "1", "2"});
  h.run({"set", "str", "v"});
  CHECK(h.run({"zunion", "2", "a", "b"}) == "*4\r\n$1\r\nx\r\n$1\r\ny\r\n$1\r\nz\r\n$1\r\nw\r\n");
  CHECK(h.run({"zunion", "2", "a", "b", "withscores"}) ==
        "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n$1\r\n"
        "w\r\n$2\r\n30\r\n");
  CHECK(h.run({"zinter", "2", "a", "b", "withscores"}) ==
        "*4\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n");
  CHECK(h.run({"zdiff", "2", "a", "b", "withscores"}) == "*2\r\n$1\r\nx\r\n$1\r\n1\r\n");
  CHECK(h.run({"zdiff", "2", "b", "a"}) == "*1\r\n$1\r\nw\r\n");
  CHECK(h.run({"zunion", "2", "a", "b", "weights", "2", "3", "withscores"}) ==
        "*8\r\n$1\r\nx\r\n$1\r\n2\r\n$1\r\ny\r\n$2\r\n34\r\n$1\r\nz\r\n$2\r\n66\r\n$1\r\n"
        "w\r\n$2\r\n90\r\n");
  CHECK(h.run({"zunion", "2", "a", "b", "aggregate", "min", "withscores"}) ==
        "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n$1\r\n"
        "w\r\n$2\r\n30\r\n");
  CHECK(h.run({"zunion", "2", "a", "b", "aggregate", "max", "withscores"}) ==
        "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n10\r\n$1\r\nz\r\n$2\r\n20\r\n$1\r\n"
        "w\r\n$2\r\n30\r\n");
  CHECK(h.run({"zinter", "2", "a", "b", "aggregate", "max", "weights", "1", "-1", "withscores"}) ==
        "*4\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n");
  CHECK(h.run({"zinter", "2", "a", "b", "weights", "1", "2", "aggregate", "min", "withscores"}) ==
        "*4\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n");
  CHECK(h.run({"zunion", "1", "a", "aggregate", "sum", "aggregate", "max", "withscores"}) ==
        "*6\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n");
  CHECK(h.run({"zunion", "1", "a", "weights", "2", "weights", "3", "withscores"}) ==
        "*6\r\n$1\r\nx\r\n$1\r\n3\r\n$1\r\ny\r\n$1\r\n6\r\n$1\r\nz\r\n$1\r\n9\r\n");
  CHECK(h.run({"zunion", "1", "a", "withscores", "weights", "2"}) ==
        "*6\r\n$1\r\nx\r\n$1\r\n2\r\n$1\r\ny\r\n$1\r\n4\r\n$1\r\nz\r\n$1\r\n6\r\n");
  CHECK(h.run({"zunion", "1", "a", "WITHSCORES", "AGGREGATE", "MIN"}) ==
        "*6\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n");
  CHECK(h.run({"zunion", "1", "a", "weights", "0x10", "withscores"}) ==
        "*6\r\n$1\r\nx\r\n$2\r\n16\r\n$1\r\ny\r\n$2\r\n32\r\n$1\r\nz\r\n$2\r\n48\r\n");
  CHECK(h.run({"zunion", "1", "a", "weights", "-1", "withscores"}) ==
        "*6\r\n$1\r\nz\r\n$2\r\n-3\r\n$1\r\ny\r\n$2\r\n-2\r\n$1\r\nx\r\n$2\r\n-1\r\n");
  CHECK(h.run({"zunion", "2", "a", "a", "withscores"}) ==
        "*6\r\n$1\r\nx\r\n$1\r\n2\r\n$1\r\ny\r\n$1\r\n4\r\n$1\r\nz\r\n$1\r\n6\r\n");
  CHECK(h.run({"zinter", "2", "a", "a", "withscores"}) ==
        "*6\r\n$1\r\nx\r\n$1\r\n2\r\n$1\r\ny\r\n$1\r\n4\r\n$1\r\nz\r\n$1\r\n6\r\n");
  CHECK(h.run({"zdiff", "2", "a", "a"}) == "*0\r\n");
  CHECK(h.run({"zdiff", "1", "a", "withscores", "withscores"}) ==
        "*6\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n");
  CHECK(h.run({"zunion", "3", "a", "nokey", "b", "withscores"}) ==
        "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n$1\r\n"
        "w\r\n$2\r\n30\r\n");
  CHECK(h.run({"zinter", "2", "a", "nokey"}) == "*0\r\n");
  CHECK(h.run({"zinter", "3", "a", "b", "nokey", "withscores"}) == "*0\r\n");
  CHECK(h.run({"zdiff", "2", "nokey", "a"}) == "*0\r\n");
  CHECK(h.run({"zdiff", "2", "a", "nokey", "withscores"}) ==
        "*6\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n");
  CHECK(h.run({"zunion", "2", "nokey", "nokey2"}) == "*0\r\n");
}

TEST_CASE("ZUNION ZINTER ZDIFF read plain sets as score 1") {
  FamilyHarness h;
  h.run({"zadd", "a", "1", "x", "2", "y", "3", "z"});
  h.run({"zadd", "b", "10", "y", "20", "z", "30", "w"});
  h.run({"sadd", "s", "y", "q"});
  h.run({"sadd", "si", "3", "1", "2"});
  h.run({"set", "str", "v"});
  CHECK(h.run({"zunion", "2", "a", "s", "withscores"}) ==
        "*8\r\n$1\r\nq\r\n$1\r\n1\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n3\r\n$1\r\n"
        "z\r\n$1\r\n3\r\n");
  CHECK(h.run({"zinter", "2", "a", "s", "withscores"}) == "*2\r\n$1\r\ny\r\n$1\r\n3\r\n");
  CHECK(h.run({"zinter", "2", "s", "a", "aggregate", "max", "weights", "5", "1", "withscores"}) ==
        "*2\r\n$1\r\ny\r\n$1\r\n5\r\n");
  CHECK(h.run({"zdiff", "2", "a", "s", "withscores"}) ==
        "*4\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\nz\r\n$1\r\n3\r\n");
  CHECK(h.run({"zdiff", "2", "s", "a", "withscores"}) == "*2\r\n$1\r\nq\r\n$1\r\n1\r\n");
  CHECK(h.run({"zunion", "2", "si", "a", "withscores"}) ==
        "*12\r\n$1\r\n1\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n"
        "x\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n");
  CHECK(h.run({"zunion", "1", "si", "weights", "2.5", "withscores"}) ==
        "*6\r\n$1\r\n1\r\n$3\r\n2.5\r\n$1\r\n2\r\n$3\r\n2.5\r\n$1\r\n3\r\n$3\r\n2.5\r\n");
  CHECK(h.run({"zunionstore", "d", "2", "si", "s"}) == ":5\r\n");
  CHECK(h.run({"zrange", "d", "0", "-1", "withscores"}) ==
        "*10\r\n$1\r\n1\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n"
        "q\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n1\r\n");
  CHECK(h.run({"object", "encoding", "d"}) == "$8\r\nlistpack\r\n");
  CHECK(h.run({"zinterstore", "d", "2", "a", "s", "weights", "1", "10"}) == ":1\r\n");
  CHECK(h.run({"zrange", "d", "0", "-1", "withscores"}) == "*2\r\n$1\r\ny\r\n$2\r\n12\r\n");
}

TEST_CASE("ZUNION ZINTER ZDIFF errors in Redis's order") {
  FamilyHarness h;
  h.run({"zadd", "a", "1", "x", "2", "y", "3", "z"});
  h.run({"zadd", "b", "10", "y", "20", "z", "30", "w"});
  h.run({"sadd", "s", "y", "q"});
  h.run({"sadd", "si", "3", "1", "2"});
  h.run({"set", "str", "v"});
  CHECK(h.run({"zunion", "0", "a"}) ==
        "-ERR at least 1 input key is needed for 'zunion' command\r\n");
  CHECK(h.run({"ZUNION", "0", "a"}) ==
        "-ERR at least 1 input key is needed for 'zunion' command\r\n");
  CHECK(h.run({"zunion", "-1", "a"}) ==
        "-ERR at least 1 input key is needed for 'zunion' command\r\n");
  CHECK(h.run({"zunion", "x", "a"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.run({"zunion", "1.0", "a"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.run({"zunion", "3", "a", "b"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zunion", "2", "a"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zunion", "1", "a", "b"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zunion", "9223372036854775807", "a"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zunion", "1", "a", "weights"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zunion", "1", "a", "weights", "x"}) == "-ERR weight value is not a float\r\n");
  CHECK(h.run({"zunion", "1", "a", "weights", "nan"}) == "-ERR weight value is not a float\r\n");
  CHECK(h.run({"zunion", "1", "a", "weights", "1e400"}) == "-ERR weight value is not a float\r\n");
  CHECK(h.run({"zunion", "1", "a", "weights", " 1"}) == "-ERR weight value is not a float\r\n");
  CHECK(h.run({"zunion", "1", "a", "weights", "1", "2"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zunion", "2", "a", "b", "weights", "1"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zunion", "1", "a", "aggregate", "foo"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zunion", "1", "a", "aggregate"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zunion", "1", "a", "withscore"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zunion", "2", "a", "str"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zunion", "2", "a", "str", "weights", "x"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zunion", "2", "a", "str", "foo"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zunion", "2", "nokey", "str"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zunion", "0", "str"}) ==
        "-ERR at least 1 input key is needed for 'zunion' command\r\n");
  CHECK(h.run({"zunion", "3", "str", "a"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zinter", "2", "a", "str"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zinter", "2", "nokey", "str"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zinter", "2", "str", "nokey"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zinter", "2", "nokey", "a", "weights", "x"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zinter", "0", "a"}) ==
        "-ERR at least 1 input key is needed for 'zinter' command\r\n");
  CHECK(h.run({"zdiff", "2", "a", "str"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zdiff", "2", "str", "a"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zdiff", "2", "nokey", "str"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zdiff", "2", "a", "b", "weights", "1", "2"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zdiff", "2", "a", "b", "aggregate", "sum"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zdiff", "0", "a"}) ==
        "-ERR at least 1 input key is needed for 'zdiff' command\r\n");
  CHECK(h.run({"zdiff", "3", "a", "b"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zunionstore", "d", "0", "a"}) ==
        "-ERR at least 1 input key is needed for 'zunionstore' command\r\n");
  CHECK(h.run({"zunionstore", "d", "2", "a", "b", "withscores"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zunionstore", "d", "3", "a", "b"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zunionstore", "d", "-1", "a"}) ==
        "-ERR at least 1 input key is needed for 'zunionstore' command\r\n");
  CHECK(h.run({"zunionstore", "d", "x", "a"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.run({"zunionstore", "d", "2", "a", "str"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zunionstore", "d", "1", "a", "weights", "x"}) ==
        "-ERR weight value is not a float\r\n");
  CHECK(h.run({"zinterstore", "d", "0", "a"}) ==
        "-ERR at least 1 input key is needed for 'zinterstore' command\r\n");
  CHECK(h.run({"zinterstore", "d", "2", "a", "str"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zdiffstore", "d", "0", "a"}) ==
        "-ERR at least 1 input key is needed for 'zdiffstore' command\r\n");
  CHECK(h.run({"zdiffstore", "d", "1", "a", "withscores"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zdiffstore", "d", "1", "a", "weights", "1"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zdiffstore", "d", "2", "str", "a"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"exists", "d"}) == ":0\r\n");
}

TEST_CASE("ZUNIONSTORE ZINTERSTORE ZDIFFSTORE") {
  FamilyHarness h;
  h.run({"zadd", "a", "1", "x", "2", "y", "3", "z"});
  h.run({"zadd", "b", "10", "y", "20", "z", "30", "w"});
  h.run({"sadd", "s", "y", "q"});
  h.run({"sadd", "si", "3", "1", "2"});
  h.run({"set", "str", "v"});
  CHECK(h.run({"zunionstore", "d", "2", "a", "b"}) == ":4\r\n");
  CHECK(h.run({"zrange", "d", "0", "-1", "withscores"}) ==
        "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n$1\r\n"
        "w\r\n$2\r\n30\r\n");
  CHECK(h.run({"object", "encoding", "d"}) == "$8\r\nlistpack\r\n");
  CHECK(h.run({"zunionstore", "d", "2", "a", "b", "weights", "1", "-1", "aggregate", "max"}) ==
        ":4\r\n");
  CHECK(h.run({"zrange", "d", "0", "-1", "withscores"}) ==
        "*8\r\n$1\r\nw\r\n$3\r\n-30\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\n"
        "z\r\n$1\r\n3\r\n");
  CHECK(h.run({"zinterstore", "d", "2", "a", "b"}) == ":2\r\n");
  CHECK(h.run({"zrange", "d", "0", "-1", "withscores"}) ==
        "*4\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n");
  CHECK(h.run({"zdiffstore", "d", "2", "a", "b"}) == ":1\r\n");
  CHECK(h.run({"zrange", "d", "0", "-1", "withscores"}) == "*2\r\n$1\r\nx\r\n$1\r\n1\r\n");
  CHECK(h.run({"zdiffstore", "d", "2", "a", "a"}) == ":0\r\n");
  CHECK(h.run({"exists", "d"}) == ":0\r\n");
  CHECK(h.run({"zunionstore", "d", "1", "nokey"}) == ":0\r\n");
  CHECK(h.run({"exists", "d"}) == ":0\r\n");
  CHECK(h.run({"zinterstore", "d", "2", "a", "nokey"}) == ":0\r\n");
  CHECK(h.run({"exists", "d"}) == ":0\r\n");
  h.run({"zadd", "d", "1", "old"});
  CHECK(h.run({"zinterstore", "d", "2", "a", "nokey"}) == ":0\r\n");
  CHECK(h.run({"exists", "d"}) == ":0\r\n");
  CHECK(h.run({"zunionstore", "str", "1", "a"}) == ":3\r\n");
  CHECK(h.run({"type", "str"}) == "+zset\r\n");
  CHECK(h.run({"zunionstore", "a", "2", "a", "b"}) == ":4\r\n");
  CHECK(h.run({"zrange", "a", "0", "-1", "withscores"}) ==
        "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n$1\r\n"
        "w\r\n$2\r\n30\r\n");
  CHECK(h.run({"zinterstore", "b", "2", "b", "b"}) == ":3\r\n");
  CHECK(h.run({"zrange", "b", "0", "-1", "withscores"}) ==
        "*6\r\n$1\r\ny\r\n$2\r\n20\r\n$1\r\nz\r\n$2\r\n40\r\n$1\r\nw\r\n$2\r\n60\r\n");
  CHECK(h.run({"zdiffstore", "b", "1", "b"}) == ":3\r\n");
  CHECK(h.run({"zrange", "b", "0", "-1", "withscores"}) ==
        "*6\r\n$1\r\ny\r\n$2\r\n20\r\n$1\r\nz\r\n$2\r\n40\r\n$1\r\nw\r\n$2\r\n60\r\n");
}

TEST_CASE("algebra arithmetic with infinities, NaN and -0") {
  FamilyHarness h;
  h.run({"zadd", "i", "inf", "m", "-inf", "n", "1", "o"});
  h.run({"zadd", "j", "-inf", "m", "inf", "n"});
  CHECK(h.run({"zunion", "1", "i", "weights", "0", "withscores"}) ==
        "*6\r\n$1\r\nm\r\n$1\r\n0\r\n$1\r\nn\r\n$1\r\n0\r\n$1\r\no\r\n$1\r\n0\r\n");
  CHECK(h.run({"zunion", "2", "i", "j", "withscores"}) ==
        "*6\r\n$1\r\nm\r\n$1\r\n0\r\n$1\r\nn\r\n$1\r\n0\r\n$1\r\no\r\n$1\r\n1\r\n");
  CHECK(h.run({"zunion", "2", "i", "j", "aggregate", "min", "withscores"}) ==
        "*6\r\n$1\r\nm\r\n$4\r\n-inf\r\n$1\r\nn\r\n$4\r\n-inf\r\n$1\r\no\r\n$1\r\n1\r\n");
  CHECK(h.run({"zunion", "2", "i", "j", "aggregate", "max", "withscores"}) ==
        "*6\r\n$1\r\no\r\n$1\r\n1\r\n$1\r\nm\r\n$3\r\ninf\r\n$1\r\nn\r\n$3\r\ninf\r\n");
  CHECK(h.run({"zinter", "2", "i", "j", "withscores"}) ==
        "*4\r\n$1\r\nm\r\n$1\r\n0\r\n$1\r\nn\r\n$1\r\n0\r\n");
  CHECK(h.run({"zinter", "2", "i", "j", "weights", "0", "1", "withscores"}) ==
        "*4\r\n$1\r\nm\r\n$1\r\n0\r\n$1\r\nn\r\n$1\r\n0\r\n");
  CHECK(h.run({"zinter", "2", "i", "j", "weights", "1", "0", "aggregate", "max", "withscores"}) ==
        "*4\r\n$1\r\nn\r\n$1\r\n0\r\n$1\r\nm\r\n$3\r\ninf\r\n");
  CHECK(h.run({"zinter", "2", "i", "j", "weights", "1", "0", "aggregate", "min", "withscores"}) ==
        "*4\r\n$1\r\nn\r\n$4\r\n-inf\r\n$1\r\nm\r\n$1\r\n0\r\n");
  CHECK(h.run({"zinterstore", "d", "2", "i", "j"}) == ":2\r\n");
  CHECK(h.run({"zrange", "d", "0", "-1", "withscores"}) ==
        "*4\r\n$1\r\nm\r\n$1\r\n0\r\n$1\r\nn\r\n$1\r\n0\r\n");
  CHECK(h.run({"zunion", "1", "i", "weights", "-0", "withscores"}) ==
        "*6\r\n$1\r\nm\r\n$1\r\n0\r\n$1\r\nn\r\n$1\r\n0\r\n$1\r\no\r\n$2\r\n-0\r\n");
  CHECK(h.run({"zunionstore", "d", "1", "i", "weights", "-0"}) == ":3\r\n");
  CHECK(h.run({"zrange", "d", "0", "-1", "withscores"}) ==
        "*6\r\n$1\r\nm\r\n$1\r\n0\r\n$1\r\nn\r\n$1\r\n0\r\n$1\r\no\r\n$1\r\n0\r\n");
  CHECK(h.run({"zunion", "2", "i", "j", "weights", "1", "inf", "withscores"}) ==
        "*6\r\n$1\r\nm\r\n$1\r\n0\r\n$1\r\nn\r\n$1\r\n0\r\n$1\r\no\r\n$1\r\n1\r\n");
  CHECK(h.run({"zadd", "f", "1e308", "a", "1e308", "b"}) == ":2\r\n");
  CHECK(h.run({"zunion", "2", "f", "f", "withscores"}) ==
        "*4\r\n$1\r\na\r\n$3\r\ninf\r\n$1\r\nb\r\n$3\r\ninf\r\n");
  CHECK(h.run({"zinter", "2", "f", "f", "withscores"}) ==
        "*4\r\n$1\r\na\r\n$3\r\ninf\r\n$1\r\nb\r\n$3\r\ninf\r\n");
}

TEST_CASE("result encodings of the store commands") {
  FamilyHarness h;
  h.run({"zadd", "small", "1", "a", "2", "b"});
  h.run({"zadd", "long", "1", std::string(65, 'x'), "2", "b"});
  CHECK(h.run({"zrangestore", "d1", "long", "1", "1"}) == ":1\r\n");
  CHECK(h.run({"object", "encoding", "d1"}) == "$8\r\nlistpack\r\n");
  CHECK(h.run({"zrangestore", "d2", "long", "0", "-1"}) == ":2\r\n");
  CHECK(h.run({"object", "encoding", "d2"}) == "$8\r\nskiplist\r\n");
  CHECK(h.run({"zrangestore", "d3", "long", "1", "2", "byscore"}) == ":2\r\n");
  CHECK(h.run({"object", "encoding", "d3"}) == "$8\r\nskiplist\r\n");
  CHECK(h.run({"zrangestore", "d4", "long", "[b", "+", "bylex"}) == ":2\r\n");
  CHECK(h.run({"object", "encoding", "d4"}) == "$8\r\nskiplist\r\n");
  CHECK(h.run({"zunionstore", "u1", "1", "long"}) == ":2\r\n");
  CHECK(h.run({"object", "encoding", "u1"}) == "$8\r\nskiplist\r\n");
  CHECK(h.run({"zinterstore", "u2", "2", "long", "small"}) == ":1\r\n");
  CHECK(h.run({"object", "encoding", "u2"}) == "$8\r\nlistpack\r\n");
  CHECK(h.run({"zdiffstore", "u3", "2", "long", "small"}) == ":1\r\n");
  CHECK(h.run({"object", "encoding", "u3"}) == "$8\r\nskiplist\r\n");
  CHECK(h.run({"zunionstore", "u4", "2", "small", "small"}) == ":2\r\n");
  CHECK(h.run({"object", "encoding", "u4"}) == "$8\r\nlistpack\r\n");
}

// ---- The gather path: part() on each shard's keys, then merge_partials ----

// Several shards' stores holding the keys split by owner, and one store holding every key, on
// which the command runs whole (the local path).
class Shards {
 public:
  explicit Shards(uint32_t n) : whole_(clock_) {
    server::register_all_families(registry_);
    for (uint32_t i = 0; i < n; ++i) {
      stores_.push_back(std::make_unique<server::ShardStore>(clock_, i, n));
    }
  }

  uint32_t owner(std::string_view key) const {
    return static_cast<uint32_t>(std::hash<std::string_view>{}(key) % stores_.size());
  }

  // Runs a write on the key's owner and on the whole store.
  void load(const std::vector<std::string>& args) {
    run_on(*stores_[owner(args[1])], args);
    run_on(whole_, args);
  }

  std::string run_whole(const std::vector<std::string>& args) { return run_on(whole_, args); }

  // The reply of the gather path: each owner copies out its keys, the coordinator merges.
  // Empty when the command names no valid keys (it would then run where it was received).
  std::string gather(const std::vector<std::string>& args) {
    std::vector<std::string_view> argv(args.begin(), args.end());
    const server::CommandSpec* spec = registry_.find(argv[0]);
    REQUIRE(spec != nullptr);
    std::vector<uint32_t> idx = server::key_indices(*spec, argv);
    if (idx.empty()) return {};
    std::vector<std::vector<uint32_t>> by_shard(stores_.size());
    for (uint32_t i : idx) by_shard[owner(argv[i])].push_back(i);
    std::vector<std::vector<uint32_t>> key_idx;
    std::vector<server::PartResult> parts;
    for (uint32_t s = 0; s < stores_.size(); ++s) {
      if (by_shard[s].empty()) continue;
      proto::ReplyBuffer unused;
      proto::ReplyBuilder rb(unused, client_.resp);
      server::Outcome outcome;
      server::ExecContext ctx{argv, *stores_[s], stores_[s]->db(0), rb, outcome};
      key_idx.push_back(by_shard[s]);
      parts.emplace_back();
      spec->part(ctx, key_idx.back(), parts.back());
      CHECK(unused.to_string().empty());  // a part writes no reply
    }
    proto::ReplyBuffer out;
    proto::ReplyBuilder rb(out, client_.resp);
    server::merge_parts(*spec, argv, key_idx, parts, rb);
    return out.to_string();
  }

  server::ClientState& client() { return client_; }

 private:
  std::string run_on(server::ShardStore& store, const std::vector<std::string>& args) {
    return run_on_store(registry_, info_, store, client_, args);
  }

  base::ManualClock clock_;
  server::Registry registry_;
  server::ServerInfo info_;
  server::ClientState client_;
  std::vector<std::unique_ptr<server::ShardStore>> stores_;
  server::ShardStore whole_;
};

TEST_CASE("gathered ZUNION ZINTER ZDIFF reply exactly as the local path") {
  std::mt19937_64 rng(4242);
  auto below = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  for (uint32_t nshards : {2u, 3u, 5u}) {
    CAPTURE(nshards);
    Shards sh(nshards);
    std::vector<std::string> keys;
    for (int i = 0; i < 24; ++i) {
      const std::string key = "z" + std::to_string(i);
      keys.push_back(key);
      std::vector<std::string> cmd{"ZADD", key};
      const size_t n = i % 6 == 5 ? 150 : 1 + below(40);  // some skiplists
      static const char* kScores[] = {"1", "2",  "-3.5",  "inf", "-inf",
                                      "0", "-0", "1e308", "0.1", "7"};
      for (size_t j = 0; j < n; ++j) {
        cmd.push_back(kScores[below(std::size(kScores))]);
        cmd.push_back(i % 4 == 0 ? std::string(1 + below(3), static_cast<char>('a' + below(4)))
                                 : "m" + std::to_string(below(60)));
      }
      sh.load(cmd);
    }
    for (int i = 0; i < 6; ++i) {
      const std::string key = "s" + std::to_string(i);
      keys.push_back(key);
      std::vector<std::string> cmd{"SADD", key};
      for (size_t j = 0; j < 1 + below(30); ++j) {
        cmd.push_back(i % 2 ? "m" + std::to_string(below(60)) : std::to_string(below(60)));
      }
      sh.load(cmd);
    }
    sh.load({"SET", "str", "x"});
    int compared = 0;
    for (int round = 0; round < 600; ++round) {
      sh.client().resp = round % 3 == 0 ? 3 : 2;
      static const char* kCmds[] = {"ZUNION", "ZINTER", "ZDIFF"};
      std::vector<std::string> cmd{kCmds[below(3)]};
      const size_t n = 1 + below(5);
      cmd.push_back(std::to_string(n));
      for (size_t j = 0; j < n; ++j) {
        const size_t r = below(100);
        cmd.push_back(r < 4 ? "str" : r < 10 ? "missing" : keys[below(keys.size())]);
      }
      if (below(3) == 0) {
        cmd.push_back("WEIGHTS");
        static const char* kWeights[] = {"1", "2", "-1", "0", "0.5", "inf", "x"};
        for (size_t j = 0; j < n; ++j) cmd.push_back(kWeights[below(std::size(kWeights))]);
      }
      if (below(3) == 0) {
        static const char* kAgg[] = {"SUM", "MIN", "MAX", "avg"};
        cmd.insert(cmd.end(), {"AGGREGATE", kAgg[below(std::size(kAgg))]});
      }
      if (below(2) == 0) cmd.push_back("WITHSCORES");
      CAPTURE(cmd);
      const std::string got = sh.gather(cmd);
      REQUIRE_FALSE(got.empty());
      CHECK(got == sh.run_whole(cmd));
      ++compared;
    }
    CHECK(compared == 600);
  }
}

TEST_CASE("gathered algebra: errors, sets and key order") {
  Shards sh(3);
  sh.load({"ZADD", "a", "1", "x", "2", "y", "3", "z"});
  sh.load({"ZADD", "b", "10", "y", "20", "z", "30", "w"});
  sh.load({"SADD", "s", "y", "q"});
  sh.load({"SET", "str", "v"});
  const std::vector<std::vector<std::string>> cases = {
      {"ZUNION", "2", "a", "b", "WITHSCORES"},
      {"ZUNION", "3", "b", "s", "a", "WEIGHTS", "1", "2", "3", "AGGREGATE", "MAX", "WITHSCORES"},
      {"ZINTER", "2", "a", "b", "WEIGHTS", "2", "1", "WITHSCORES"},
      {"ZINTER", "2", "s", "a", "WITHSCORES"},
      {"ZDIFF", "3", "a", "s", "b", "WITHSCORES"},
      {"ZDIFF", "2", "b", "a"},
      {"ZUNION", "2", "a", "str"},
      {"ZUNION", "2", "str", "nokey", "WEIGHTS", "x"},
      {"ZUNION", "2", "a", "b", "WEIGHTS", "1", "x"},
      {"ZUNION", "2", "a", "b", "AGGREGATE", "avg"},
      {"ZUNION", "2", "a", "b", "FOO"},
      {"ZDIFF", "2", "a", "b", "WEIGHTS", "1", "1"},
      {"ZINTER", "2", "a", "nokey", "WITHSCORES"},
      {"ZUNION", "1", "nokey"},
  };
  for (int resp : {2, 3}) {
    sh.client().resp = resp;
    for (const auto& cmd : cases) {
      CAPTURE(cmd);
      CHECK(sh.gather(cmd) == sh.run_whole(cmd));
    }
  }
  sh.client().resp = 2;
  CHECK(sh.gather({"ZUNION", "2", "a", "str"}) == kWrongType);
  CHECK(sh.gather({"ZUNION", "2", "a", "b", "WITHSCORES"}) ==
        "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n$1\r\nw\r\n"
        "$2\r\n30\r\n");
  // Invalid numkeys names no keys: the command runs where it arrives and replies the error.
  CHECK(sh.gather({"ZUNION", "0", "a"}).empty());
  CHECK(sh.gather({"ZUNION", "3", "a", "b"}).empty());
  CHECK(sh.gather({"ZUNION", "x", "a"}).empty());
}

TEST_CASE("key finders of the numkeys commands") {
  server::Registry r;
  server::register_all_families(r);
  auto keys = [&](std::vector<std::string_view> argv) {
    return server::key_indices(*r.find(argv[0]), argv);
  };
  using V = std::vector<uint32_t>;
  CHECK(keys({"ZUNION", "2", "a", "b", "WEIGHTS", "1", "2"}) == V{2, 3});
  CHECK(keys({"ZINTER", "1", "a"}) == V{2});
  CHECK(keys({"ZDIFF", "3", "a", "b", "c"}) == V{2, 3, 4});
  CHECK(keys({"ZUNION", "0", "a"}).empty());
  CHECK(keys({"ZUNION", "-1", "a"}).empty());
  CHECK(keys({"ZUNION", "2", "a"}).empty());
  CHECK(keys({"ZUNION", "x", "a"}).empty());
  CHECK(keys({"ZUNION", "9223372036854775807", "a"}).empty());
  CHECK(keys({"ZUNIONSTORE", "d", "2", "a", "b"}) == V{1, 3, 4});
  CHECK(keys({"ZINTERSTORE", "d", "1", "a", "WEIGHTS", "2"}) == V{1, 3});
  CHECK(keys({"ZDIFFSTORE", "d", "2", "a"}).empty());
  CHECK(keys({"ZRANGESTORE", "d", "s", "0", "-1"}) == V{1, 2});
}

}  // namespace
}  // namespace shardis::test
