// Sorted-set algebra: ZUNION, ZINTER, ZDIFF and the *STORE forms, on one store and with their
// keys on several shards (moved into one scratch store and back, as a cross-shard transaction
// does), which must reply and store the same. Expected bytes were recorded from
// redis-server 7.0.15.
#include <doctest/doctest.h>
#include <shardis/server/command.h>
#include <shardis/server/registry.h>

#include <cstdint>
#include <iterator>
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

// ---- Keys on several shards ----

// Keys spread over shards move into one scratch store and back (SpreadStores): every command
// replies byte for byte as on one store holding every key, a stored result is the same sorted
// set with the same encoding, and every key keeps its value, encoding and TTL.
TEST_CASE("sorted-set algebra across shards: the single-shard replies, stored sets and TTLs") {
  std::mt19937_64 rng(4242);
  auto below = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  for (uint32_t nshards : {2u, 3u, 5u}) {
    CAPTURE(nshards);
    SpreadStores sh(nshards);
    std::vector<std::string> keys;
    for (int i = 0; i < 24; ++i) {
      const std::string key = "z" + std::to_string(i);
      keys.push_back(key);
      std::vector<std::string> cmd{"ZADD", key};
      const bool big = i % 6 == 5;  // skiplists: 150 distinct members
      const size_t n = big ? 150 : 1 + below(40);
      static const char* kScores[] = {"1", "2",  "-3.5",  "inf", "-inf",
                                      "0", "-0", "1e308", "0.1", "7"};
      for (size_t j = 0; j < n; ++j) {
        cmd.push_back(kScores[below(std::size(kScores))]);
        cmd.push_back(i % 4 == 0 ? std::string(1 + below(3), static_cast<char>('a' + below(4)))
                                 : "m" + std::to_string(big ? j : below(60)));
      }
      REQUIRE(sh.load(cmd).front() == ':');
    }
    for (int i = 0; i < 6; ++i) {
      const std::string key = "s" + std::to_string(i);
      keys.push_back(key);
      std::vector<std::string> cmd{"SADD", key};
      for (size_t j = 0; j < 1 + below(30); ++j) {
        cmd.push_back(i % 2 ? "m" + std::to_string(below(60)) : std::to_string(below(60)));
      }
      REQUIRE(sh.load(cmd).front() == ':');
    }
    REQUIRE(sh.load({"SET", "str", "x"}) == "+OK\r\n");
    REQUIRE(sh.load({"PEXPIRE", "z1", "50000"}) == ":1\r\n");  // never a destination
    REQUIRE(sh.load({"PEXPIRE", "z2", "1000"}) == ":1\r\n");   // passes halfway
    REQUIRE(sh.load({"ZADD", "dest", "1", "old"}) == ":1\r\n");
    REQUIRE(sh.load({"PEXPIRE", "dest", "50000"}) == ":1\r\n");  // a STORE clears it
    // Destinations: a key with a TTL, a new key, sources of both encodings, a string.
    const std::string dests[] = {"dest", "dest2", "z0", "z5", "s1", "str"};
    std::vector<std::string> all = keys;
    all.insert(all.end(), {"str", "missing", "dest", "dest2"});
    for (const std::string& k : all) {
      CAPTURE(k);
      CHECK(sh.key_state_spread(k) == sh.key_state_whole(k));
    }
    CHECK(sh.key_state_whole("z5").find("skiplist") != std::string::npos);
    CHECK(sh.key_state_whole("z0").find("listpack") != std::string::npos);
    const int kRounds = 600;
    for (int round = 0; round < kRounds; ++round) {
      if (round == kRounds / 2) sh.whole().clock().advance_ms(2000);
      sh.client().resp = round % 3 == 0 ? 3 : 2;
      static const char* kCmds[] = {"ZUNION",      "ZINTER",     "ZDIFF",      "ZUNIONSTORE",
                                    "ZINTERSTORE", "ZDIFFSTORE", "ZRANGESTORE"};
      const std::string name = kCmds[below(std::size(kCmds))];
      std::vector<std::string> cmd{name};
      const bool store = name.ends_with("STORE");
      if (store) cmd.push_back(dests[below(std::size(dests))]);
      auto pick = [&] {
        const size_t r = below(100);
        return r < 4 ? "str" : r < 10 ? "missing" : keys[below(keys.size())];
      };
      if (name == "ZRANGESTORE") {
        static const char* kBounds[] = {"0", "-1", "1", "3", "-5", "100"};
        cmd.insert(cmd.end(), {pick(), kBounds[below(6)], kBounds[below(6)]});
      } else {
        const size_t n = 1 + below(5);
        cmd.push_back(std::to_string(n));
        for (size_t j = 0; j < n; ++j) cmd.push_back(pick());
        if (below(3) == 0) {
          cmd.push_back("WEIGHTS");
          static const char* kWeights[] = {"1", "2", "-1", "0", "0.5", "inf", "x"};
          for (size_t j = 0; j < n; ++j) cmd.push_back(kWeights[below(std::size(kWeights))]);
        }
        if (below(3) == 0) {
          static const char* kAgg[] = {"SUM", "MIN", "MAX", "avg"};
          cmd.insert(cmd.end(), {"AGGREGATE", kAgg[below(std::size(kAgg))]});
        }
        if (!store && below(2) == 0) cmd.push_back("WITHSCORES");
      }
      CAPTURE(cmd);
      CHECK(sh.run_spread(cmd) == sh.run_whole(cmd));
      if (store) CHECK(sh.key_state_spread(cmd[1]) == sh.key_state_whole(cmd[1]));
    }
    CHECK(sh.migrated() > kRounds / 2);
    for (const std::string& k : all) {
      CAPTURE(k);
      CHECK(sh.key_state_spread(k) == sh.key_state_whole(k));
    }
    CHECK(sh.run_on_owner("z2", {"EXISTS", "z2"}) == ":0\r\n");
    CHECK(sh.run_on_owner("z1", {"PTTL", "z1"}) == ":48000\r\n");
  }
}

TEST_CASE("sorted-set algebra across shards: errors, sets and key order") {
  SpreadStores sh(3);
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
      {"ZUNION", "0", "a"},
      {"ZUNION", "3", "a", "b"},
      {"ZUNION", "x", "a"},
      {"ZUNIONSTORE", "d", "2", "a", "str"},
      {"ZINTERSTORE", "d", "2", "a", "b", "WEIGHTS", "1"},
  };
  for (int resp : {2, 3}) {
    sh.client().resp = resp;
    for (const auto& cmd : cases) {
      CAPTURE(cmd);
      CHECK(sh.run_spread(cmd) == sh.run_whole(cmd));
    }
  }
  CHECK(sh.migrated() > 0);
  sh.client().resp = 2;
  CHECK(sh.run_spread({"ZUNION", "2", "a", "str"}) == kWrongType);
  CHECK(sh.run_spread({"ZUNION", "2", "a", "b", "WITHSCORES"}) ==
        "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n$1\r\nw\r\n"
        "$2\r\n30\r\n");
  CHECK(sh.run_spread({"ZUNION", "0", "a"}) ==
        "-ERR at least 1 input key is needed for 'zunion' command\r\n");
  CHECK(sh.run_spread({"ZUNION", "3", "a", "b"}) == "-ERR syntax error\r\n");
  // A destination on a third shard: the result lands on the destination's owner, with Redis's
  // encoding; the sources are back on theirs.
  REQUIRE(sh.owner("a") != sh.owner("b"));
  std::string d = "d";
  while (sh.owner(d) == sh.owner("a") || sh.owner(d) == sh.owner("b")) d += "'";
  CHECK(sh.run_spread({"ZUNIONSTORE", d, "2", "a", "b", "WEIGHTS", "1", "2"}) == ":4\r\n");
  CHECK(sh.run_on_owner(d, {"ZRANGE", d, "0", "-1", "WITHSCORES"}) ==
        "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n22\r\n$1\r\nz\r\n$2\r\n43\r\n$1\r\nw\r\n"
        "$2\r\n60\r\n");
  CHECK(sh.run_on_owner(d, {"OBJECT", "ENCODING", d}) == "$8\r\nlistpack\r\n");
  CHECK(sh.run_on_owner("a", {"ZCARD", "a"}) == ":3\r\n");
  CHECK(sh.run_on_owner("b", {"ZCARD", "b"}) == ":3\r\n");
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
