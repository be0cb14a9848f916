// Sorted-set family: ZADD, ZINCRBY, ZREM, ZSCORE, ZMSCORE, ZCARD, ZRANK, ZPOPMIN/MAX,
// ZRANDMEMBER, ZSCAN; encodings, score formatting, RESP3 shapes, arity and WRONGTYPE.
// Expected bytes were recorded from redis-server 7.0.15.
#include <doctest/doctest.h>

#include <algorithm>
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

TEST_CASE("ZADD adds, updates and replies the count of new members") {
  FamilyHarness h;
  CHECK(h.run({"zadd", "k", "1", "a"}) == ":1\r\n");
  CHECK(h.run({"zadd", "k", "2", "b", "3", "c"}) == ":2\r\n");
  CHECK(h.run({"zadd", "k", "5", "a", "4", "d"}) == ":1\r\n");
  CHECK(h.run({"zrange", "k", "0", "-1", "withscores"}) ==
        "*8\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\n"
        "a\r\n$1\r\n5\r\n");
  CHECK(h.run({"zadd", "k", "1", "a", "1", "a", "2", "a"}) == ":0\r\n");
  CHECK(h.run({"zscore", "k", "a"}) == "$1\r\n2\r\n");
  CHECK(h.run({"zadd", "k", "ch", "9", "a", "9", "b", "1", "new"}) == ":3\r\n");
  CHECK(h.run({"zadd", "k", "CH", "Ch", "9", "a"}) == ":0\r\n");
  CHECK(h.run({"zcard", "k"}) == ":5\r\n");
  CHECK(h.run({"zadd", "k", "1.5", "x", "-2", "y", "+3", "z"}) == ":3\r\n");
  CHECK(h.run({"zrange", "k", "0", "-1", "withscores"}) ==
        "*16\r\n$1\r\ny\r\n$2\r\n-2\r\n$3\r\nnew\r\n$1\r\n1\r\n$1\r\nx\r\n$3\r\n1.5\r\n"
        "$1\r\nc\r\n$1\r\n3\r\n$1\r\nz\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\na\r\n"
        "$1\r\n9\r\n$1\r\nb\r\n$1\r\n9\r\n");
}

TEST_CASE("ZADD NX XX GT LT CH") {
  FamilyHarness h;
  CHECK(h.run({"zadd", "k", "nx", "1", "a"}) == ":1\r\n");
  CHECK(h.run({"zadd", "k", "nx", "2", "a", "3", "b"}) == ":1\r\n");
  CHECK(h.run({"zscore", "k", "a"}) == "$1\r\n1\r\n");
  CHECK(h.run({"zadd", "k", "xx", "5", "a", "6", "c"}) == ":0\r\n");
  CHECK(h.run({"zscore", "k", "a"}) == "$1\r\n5\r\n");
  CHECK(h.run({"zscore", "k", "c"}) == "$-1\r\n");
  CHECK(h.run({"zadd", "k", "xx", "ch", "7", "a"}) == ":1\r\n");
  CHECK(h.run({"zadd", "k", "gt", "ch", "2", "a"}) == ":0\r\n");
  CHECK(h.run({"zadd", "k", "gt", "ch", "8", "a"}) == ":1\r\n");
  CHECK(h.run({"zadd", "k", "lt", "ch", "9", "a"}) == ":0\r\n");
  CHECK(h.run({"zadd", "k", "lt", "ch", "1", "a"}) == ":1\r\n");
  CHECK(h.run({"zadd", "k", "gt", "10", "newgt"}) == ":1\r\n");
  CHECK(h.run({"zadd", "k", "lt", "-10", "newlt"}) == ":1\r\n");
  CHECK(h.run({"zadd", "k", "xx", "gt", "ch", "100", "a", "100", "nosuch"}) == ":1\r\n");
  CHECK(h.run({"zadd", "k", "gt", "lt", "ch", "1", "a", "2", "b"}) ==
        "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n");
  CHECK(h.run({"zadd", "k", "xx", "lt", "ch", "50", "a"}) == ":1\r\n");
  CHECK(h.run({"zscore", "k", "a"}) == "$2\r\n50\r\n");
  CHECK(h.run({"zadd", "nokey", "xx", "1", "a"}) == ":0\r\n");
  CHECK(h.run({"exists", "nokey"}) == ":0\r\n");
  CHECK(h.run({"zadd", "k", "gt", "xx", "ch", "0", "a"}) == ":0\r\n");
  CHECK(h.run({"zscore", "k", "a"}) == "$2\r\n50\r\n");
}

TEST_CASE("ZADD INCR and ZINCRBY") {
  FamilyHarness h;
  CHECK(h.run({"zadd", "k", "incr", "1", "a"}) == "$1\r\n1\r\n");
  CHECK(h.run({"zadd", "k", "incr", "2.5", "a"}) == "$3\r\n3.5\r\n");
  CHECK(h.run({"zadd", "k", "INCR", "-0.5", "a"}) == "$1\r\n3\r\n");
  CHECK(h.run({"zincrby", "k", "1", "a"}) == "$1\r\n4\r\n");
  CHECK(h.run({"zincrby", "k", "1.1", "b"}) == "$18\r\n1.1000000000000001\r\n");
  CHECK(h.run({"zincrby", "k", "-1", "c"}) == "$2\r\n-1\r\n");
  CHECK(h.run({"zrange", "k", "0", "-1", "withscores"}) ==
        "*6\r\n$1\r\nc\r\n$2\r\n-1\r\n$1\r\nb\r\n$18\r\n1.1000000000000001\r\n$1\r\na\r\n"
        "$1\r\n4\r\n");
  CHECK(h.run({"zadd", "k", "lt", "incr", "5", "a"}) == "$-1\r\n");
  CHECK(h.run({"zadd", "k", "gt", "incr", "-5", "a"}) == "$-1\r\n");
  CHECK(h.run({"zadd", "k", "gt", "incr", "0", "a"}) == "$-1\r\n");
  CHECK(h.run({"zadd", "k", "incr", "0", "a"}) == "$1\r\n4\r\n");
  CHECK(h.run({"zadd", "k", "nx", "incr", "5", "a"}) == "$-1\r\n");
  CHECK(h.run({"zadd", "k", "xx", "incr", "5", "zz"}) == "$-1\r\n");
  CHECK(h.run({"zadd", "k", "nx", "incr", "5", "zz"}) == "$1\r\n5\r\n");
  CHECK(h.run({"zadd", "k", "incr", "ch", "1", "zz"}) == "$1\r\n6\r\n");
  CHECK(h.run({"zadd", "nokey", "xx", "incr", "1", "a"}) == "$-1\r\n");
  CHECK(h.run({"exists", "nokey"}) == ":0\r\n");
  CHECK(h.run({"zadd", "k", "inf", "b"}) == ":0\r\n");
  CHECK(h.run({"zadd", "k", "incr", "-inf", "b"}) ==
        "-ERR resulting score is not a number (NaN)\r\n");
  CHECK(h.run({"zincrby", "k", "-inf", "b"}) == "-ERR resulting score is not a number (NaN)\r\n");
  CHECK(h.run({"zscore", "k", "b"}) == "$3\r\ninf\r\n");
  CHECK(h.run({"zadd", "k", "incr", "inf", "b"}) == "$3\r\ninf\r\n");
  CHECK(h.run({"zincrby", "k", "+inf", "b"}) == "$3\r\ninf\r\n");
  CHECK(h.run({"zincrby", "k", "0", "b"}) == "$3\r\ninf\r\n");
  CHECK(h.run({"zincrby", "k", "-0", "fresh"}) == "$2\r\n-0\r\n");
  CHECK(h.run({"zadd", "k", "incr", "-0.0", "fresh2"}) == "$2\r\n-0\r\n");
  CHECK(h.run({"zscore", "k", "fresh"}) == "$1\r\n0\r\n");
  CHECK(h.run({"zincrby", "k", "1e308", "big"}) == "$6\r\n1e+308\r\n");
  CHECK(h.run({"zincrby", "k", "1e308", "big"}) == "$3\r\ninf\r\n");
}

TEST_CASE("ZADD and ZINCRBY argument errors come before WRONGTYPE") {
  FamilyHarness h;
  CHECK(h.run({"zadd", "k", "nx", "1"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zadd", "k", "1", "a", "2"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zadd", "k", "xx", "nx", "1", "a"}) ==
        "-ERR XX and NX options at the same time are not compatible\r\n");
  CHECK(h.run({"zadd", "k", "nx", "xx", "1", "a"}) ==
        "-ERR XX and NX options at the same time are not compatible\r\n");
  CHECK(h.run({"zadd", "k", "gt", "lt", "1", "a"}) ==
        "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n");
  CHECK(h.run({"zadd", "k", "gt", "nx", "1", "a"}) ==
        "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n");
  CHECK(h.run({"zadd", "k", "lt", "nx", "1", "a"}) ==
        "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n");
  CHECK(h.run({"zadd", "k", "incr", "1", "a", "2", "b"}) ==
        "-ERR INCR option supports a single increment-element pair\r\n");
  CHECK(h.run({"zadd", "k", "incr", "nx", "xx", "1", "a", "2", "b"}) ==
        "-ERR XX and NX options at the same time are not compatible\r\n");
  CHECK(h.run({"zadd", "k", "incr", "gt", "lt", "1", "a", "2", "b"}) ==
        "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n");
  CHECK(h.run({"zadd", "k", "x", "1", "a"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zadd", "k", "1", "a", "x"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zadd", "k", "gt", "1"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zadd", "k", "nan", "a"}) == "-ERR value is not a valid float\r\n");
  CHECK(h.run({"zadd", "k", "abc", "a"}) == "-ERR value is not a valid float\r\n");
  CHECK(h.run({"zadd", "k", "1", "a", "abc", "b"}) == "-ERR value is not a valid float\r\n");
  CHECK(h.run({"zadd", "k", "incr", "abc", "a"}) == "-ERR value is not a valid float\r\n");
  CHECK(h.run({"zadd", "k", "1e400", "a"}) == "-ERR value is not a valid float\r\n");
  CHECK(h.run({"zadd", "k", " 1", "a"}) == "-ERR value is not a valid float\r\n");
  CHECK(h.run({"zadd", "k", "1 ", "a"}) == "-ERR value is not a valid float\r\n");
  CHECK(h.run({"zadd", "k", "", "a"}) == "-ERR value is not a valid float\r\n");
  CHECK(h.run({"zadd", "k", "10", "a"}) == ":1\r\n");
  CHECK(h.run({"exists", "k"}) == ":1\r\n");
  CHECK(h.run({"zincrby", "k", "abc", "b"}) == "-ERR value is not a valid float\r\n");
  CHECK(h.run({"zincrby", "k", "nan", "b"}) == "-ERR value is not a valid float\r\n");
  h.run({"set", "str", "x"});
  CHECK(h.run({"zadd", "str", "1", "a"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zadd", "str", "xx", "1", "a"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zadd", "str", "xx", "nx", "1", "a"}) ==
        "-ERR XX and NX options at the same time are not compatible\r\n");
  CHECK(h.run({"zadd", "str", "1", "a", "2"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zadd", "str", "abc", "a"}) == "-ERR value is not a valid float\r\n");
  CHECK(h.run({"zincrby", "str", "abc", "a"}) == "-ERR value is not a valid float\r\n");
  CHECK(h.run({"zincrby", "str", "1", "a"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zadd", "str", "incr", "1", "a"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"get", "str"}) == "$1\r\nx\r\n");
}

TEST_CASE("ZREM ZSCORE ZMSCORE ZCARD") {
  FamilyHarness h;
  h.run({"zadd", "k", "1", "a", "2", "b", "3", "c"});
  CHECK(h.run({"zscore", "k", "a"}) == "$1\r\n1\r\n");
  CHECK(h.run({"zscore", "k", "zz"}) == "$-1\r\n");
  CHECK(h.run({"zscore", "nokey", "a"}) == "$-1\r\n");
  CHECK(h.run({"zmscore", "k", "a", "zz", "b"}) == "*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n2\r\n");
  CHECK(h.run({"zmscore", "k", "zz"}) == "*1\r\n$-1\r\n");
  CHECK(h.run({"zmscore", "nokey", "a", "b"}) == "*2\r\n$-1\r\n$-1\r\n");
  CHECK(h.run({"zcard", "k"}) == ":3\r\n");
  CHECK(h.run({"zcard", "nokey"}) == ":0\r\n");
  CHECK(h.run({"zrem", "k", "a", "zz", "a"}) == ":1\r\n");
  CHECK(h.run({"zrem", "k", "zz"}) == ":0\r\n");
  CHECK(h.run({"zrem", "nokey", "a"}) == ":0\r\n");
  CHECK(h.run({"zcard", "k"}) == ":2\r\n");
  CHECK(h.run({"zrem", "k", "b", "c", "d"}) == ":2\r\n");
  CHECK(h.run({"exists", "k"}) == ":0\r\n");
  CHECK(h.run({"zcard", "k"}) == ":0\r\n");
}

TEST_CASE("score formatting follows Redis 7.0") {
  FamilyHarness h;
  CHECK(h.run({"zadd",
               "k",
               "1.1",
               "a",
               "0.1",
               "b",
               "1e308",
               "c",
               "inf",
               "d",
               "-inf",
               "e",
               "3",
               "f",
               "1e15",
               "g",
               "1e16",
               "h",
               "123456789012345678",
               "i",
               "5e-324",
               "j",
               "0x10",
               "l",
               "-1.1",
               "m"}) == ":12\r\n");
  CHECK(h.run({"zrange", "k", "0", "-1", "withscores"}) ==
        "*24\r\n$1\r\ne\r\n$4\r\n-inf\r\n$1\r\nm\r\n$19\r\n-1.1000000000000001\r\n$1\r\n"
        "j\r\n$23\r\n4.9406564584124654e-324\r\n$1\r\nb\r\n$19\r\n0.10000000000000001\r\n"
        "$1\r\na\r\n$18\r\n1.1000000000000001\r\n$1\r\nf\r\n$1\r\n3\r\n$1\r\nl\r\n$2\r\n"
        "16\r\n$1\r\ng\r\n$16\r\n1000000000000000\r\n$1\r\nh\r\n$17\r\n"
        "10000000000000000\r\n$1\r\ni\r\n$22\r\n1.2345678901234568e+17\r\n$1\r\nc\r\n"
        "$6\r\n1e+308\r\n$1\r\nd\r\n$3\r\ninf\r\n");
  CHECK(h.run({"zscore", "k", "a"}) == "$18\r\n1.1000000000000001\r\n");
  CHECK(h.run({"zscore", "k", "i"}) == "$22\r\n1.2345678901234568e+17\r\n");
  CHECK(h.run({"zscore", "k", "l"}) == "$2\r\n16\r\n");
  CHECK(h.run({"zadd", "k", "-0", "z"}) == ":1\r\n");
  CHECK(h.run({"zscore", "k", "z"}) == "$1\r\n0\r\n");
  CHECK(h.run({"zadd", "k", "4503599627370495", "p", "4503599627370496", "q", "9007199254740993",
               "r", "-4503599627370497", "s"}) == ":4\r\n");
  CHECK(h.run({"zmscore", "k", "p", "q", "r", "s"}) ==
        "*4\r\n$16\r\n4503599627370495\r\n$16\r\n4503599627370496\r\n$16\r\n"
        "9007199254740992\r\n$17\r\n-4503599627370497\r\n");
  CHECK(h.run({"zadd", "k", "1.0000000000000002", "t", "2.5e-5", "u", "1e21", "v"}) == ":3\r\n");
  CHECK(h.run({"zmscore", "k", "t", "u", "v"}) ==
        "*3\r\n$18\r\n1.0000000000000002\r\n$22\r\n2.5000000000000001e-05\r\n$5\r\n"
        "1e+21\r\n");
  CHECK(h.run({"zscan", "k", "0", "match", "[tuv]"}) ==
        "*2\r\n$1\r\n0\r\n*6\r\n$1\r\nu\r\n$22\r\n2.5000000000000001e-05\r\n$1\r\nt\r\n"
        "$18\r\n1.0000000000000002\r\n$1\r\nv\r\n$5\r\n1e+21\r\n");
}

TEST_CASE("ZPOPMIN and ZPOPMAX") {
  FamilyHarness h;
  h.run({"zadd", "k", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"});
  CHECK(h.run({"zpopmin", "k", "0"}) == "*0\r\n");
  CHECK(h.run({"zpopmin", "k", "-1"}) == "-ERR value is out of range, must be positive\r\n");
  CHECK(h.run({"zpopmin", "k", "a"}) == "-ERR value is out of range, must be positive\r\n");
  CHECK(h.run({"zpopmin", "k", "1.5"}) == "-ERR value is out of range, must be positive\r\n");
  CHECK(h.run({"zpopmin", "k", ""}) == "-ERR value is out of range, must be positive\r\n");
  CHECK(h.run({"zpopmin", "k", "1"}) == "*2\r\n$1\r\na\r\n$1\r\n1\r\n");
  CHECK(h.run({"zpopmax", "k"}) == "*2\r\n$1\r\ne\r\n$1\r\n5\r\n");
  CHECK(h.run({"zpopmin", "k", "1", "2"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zpopmax", "k", "2"}) == "*4\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n");
  CHECK(h.run({"zpopmin", "nokey"}) == "*0\r\n");
  CHECK(h.run({"zpopmin", "nokey", "2"}) == "*0\r\n");
  CHECK(h.run({"zpopmin", "nokey", "-1"}) == "-ERR value is out of range, must be positive\r\n");
  CHECK(h.run({"zpopmax", "k", "10"}) == "*2\r\n$1\r\nb\r\n$1\r\n2\r\n");
  CHECK(h.run({"exists", "k"}) == ":0\r\n");
  h.run({"zadd", "k", "1", "a", "2", "b", "3", "c"});
  CHECK(h.run({"zpopmin", "k", "9223372036854775807"}) ==
        "*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n");
  CHECK(h.run({"exists", "k"}) == ":0\r\n");
  CHECK(h.run({"zpopmin", "k", "-9223372036854775808"}) ==
        "-ERR value is out of range, must be positive\r\n");
  h.run({"set", "str", "x"});
  CHECK(h.run({"zpopmin", "str"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zpopmin", "str", "a"}) == "-ERR value is out of range, must be positive\r\n");
  CHECK(h.run({"zpopmin", "str", "0"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zpopmax", "str", "2"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
}

TEST_CASE("ZRANDMEMBER shapes and errors") {
  FamilyHarness h;
  h.run({"zadd", "k", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"});
  CHECK(h.run({"zrandmember", "nokey"}) == "$-1\r\n");
  CHECK(h.run({"zrandmember", "nokey", "5"}) == "*0\r\n");
  CHECK(h.run({"zrandmember", "nokey", "5", "withscores"}) == "*0\r\n");
  CHECK(h.run({"zrandmember", "nokey", "-5"}) == "*0\r\n");
  CHECK(h.run({"zrandmember", "nokey", "a"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.run({"zrandmember", "k", "0"}) == "*0\r\n");
  CHECK(h.run({"zrandmember", "k", "0", "withscores"}) == "*0\r\n");
  CHECK(h.run({"zrandmember", "k", "a"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.run({"zrandmember", "k", "5", "withscore"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zrandmember", "k", "1", "2", "3"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zrandmember", "k", "1", "withscores", "x"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zrandmember", "k", "5"}) ==
        "*5\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n");
  CHECK(h.run({"zrandmember", "k", "10", "withscores"}) ==
        "*10\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\n"
        "b\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n");
  CHECK(h.run({"zrandmember", "k", "9223372036854775807"}) ==
        "*5\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n");
  CHECK(h.run({"zrandmember", "k", "4611686018427387903", "WITHSCORES"}) ==
        "*10\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\n"
        "b\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n");
  CHECK(h.run({"zrandmember", "k", "4611686018427387904", "withscores"}) ==
        "-ERR value is out of range\r\n");
  CHECK(h.run({"zrandmember", "k", "-4611686018427387904", "withscores"}) ==
        "-ERR value is out of range\r\n");
  CHECK(h.run({"zrandmember", "k", "-9223372036854775808"}) ==
        "-ERR value is out of range, value must between -9223372036854775807 and "
        "9223372036854775807\r\n");
  CHECK(h.run({"zrandmember", "k", "-9223372036854775808", "withscores"}) ==
        "-ERR value is out of range, value must between -9223372036854775807 and "
        "9223372036854775807\r\n");
  CHECK(h.run({"zrandmember", "nokey", "-9223372036854775808"}) ==
        "-ERR value is out of range, value must between -9223372036854775807 and "
        "9223372036854775807\r\n");
  h.run({"set", "str", "x"});
  CHECK(h.run({"zrandmember", "str"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zrandmember", "str", "1"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zrandmember", "str", "0"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zrandmember", "str", "a"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.run({"zrandmember", "str", "-9223372036854775808"}) ==
        "-ERR value is out of range, value must between -9223372036854775807 and "
        "9223372036854775807\r\n");
  CHECK(h.run({"zrandmember", "str", "1", "foo"}) == "-ERR syntax error\r\n");
}

TEST_CASE("ZRANDMEMBER whole-set shortcut on a skiplist") {
  FamilyHarness h;
  h.run({"zadd", "k", "0", std::string(65, 'x')});
  h.run({"zrem", "k", std::string(65, 'x')});
  h.run({"zadd", "k", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"});
  CHECK(h.run({"zrandmember", "k", "5"}) ==
        "*5\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n");
  CHECK(h.run({"zrandmember", "k", "6", "withscores"}) ==
        "*10\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\n"
        "b\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n");
  h.client().resp = 3;
  CHECK(h.run({"zrandmember", "k", "5", "withscores"}) ==
        "*5\r\n*2\r\n$1\r\ne\r\n,5\r\n*2\r\n$1\r\nd\r\n,4\r\n*2\r\n$1\r\nc\r\n,3\r\n"
        "*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\na\r\n,1\r\n");
}

TEST_CASE("ZSCAN on a listpack") {
  FamilyHarness h;
  h.run({"zadd", "k", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"});
  CHECK(h.run({"zscan", "k", "0"}) ==
        "*2\r\n$1\r\n0\r\n*10\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n"
        "$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n");
  CHECK(h.run({"zscan", "k", "0", "match", "a*"}) ==
        "*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n");
  CHECK(h.run({"zscan", "k", "0", "match", "[bd]"}) ==
        "*2\r\n$1\r\n0\r\n*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nd\r\n$1\r\n4\r\n");
  CHECK(h.run({"zscan", "k", "0", "count", "1"}) ==
        "*2\r\n$1\r\n0\r\n*10\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n"
        "$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n");
  CHECK(h.run({"zscan", "k", "0", "count", "0"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zscan", "k", "0", "count", "x"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.run({"zscan", "k", "0", "foo"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zscan", "k", "0", "match"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zscan", "k", "x"}) == "-ERR invalid cursor\r\n");
  CHECK(h.run({"zscan", "k", "5"}) ==
        "*2\r\n$1\r\n0\r\n*10\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n"
        "$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n");
  CHECK(h.run({"zscan", "k", "-1"}) ==
        "*2\r\n$1\r\n0\r\n*10\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n"
        "$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n");
  CHECK(h.run({"zscan", "k", "0", "novalues"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zscan", "nokey", "0"}) == "*2\r\n$1\r\n0\r\n*0\r\n");
  CHECK(h.run({"zscan", "nokey", "x"}) == "-ERR invalid cursor\r\n");
  CHECK(h.run({"zscan", "nokey", "0", "foo"}) == "*2\r\n$1\r\n0\r\n*0\r\n");
  CHECK(h.run({"zscan", "nokey", "0", "count", "0"}) == "*2\r\n$1\r\n0\r\n*0\r\n");
  h.run({"set", "str", "x"});
  CHECK(h.run({"zscan", "str", "0"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zscan", "str", "x"}) == "-ERR invalid cursor\r\n");
  CHECK(h.run({"zscan", "str", "0", "count", "0"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zscan", "str", "0", "foo"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  h.client().resp = 3;
  CHECK(h.run({"zscan", "k", "0"}) ==
        "*2\r\n$1\r\n0\r\n*10\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n"
        "$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n");
}

TEST_CASE("RESP3 reply shapes") {
  FamilyHarness h;
  h.client().resp = 3;
  CHECK(h.run({"zadd", "k", "1", "a", "2", "b", "2.5", "c"}) == ":3\r\n");
  CHECK(h.run({"zscore", "k", "c"}) == ",2.5\r\n");
  CHECK(h.run({"zscore", "k", "zz"}) == "_\r\n");
  CHECK(h.run({"zmscore", "k", "a", "zz", "c"}) == "*3\r\n,1\r\n_\r\n,2.5\r\n");
  CHECK(h.run({"zrange", "k", "0", "-1"}) == "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n");
  CHECK(h.run({"zrange", "k", "0", "-1", "withscores"}) ==
        "*3\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\nc\r\n,2.5\r\n");
  CHECK(h.run({"zrange", "k", "-inf", "+inf", "byscore", "withscores", "limit", "1", "1"}) ==
        "*1\r\n*2\r\n$1\r\nb\r\n,2\r\n");
  CHECK(h.run({"zrangebyscore", "k", "2", "3", "withscores"}) ==
        "*2\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\nc\r\n,2.5\r\n");
  CHECK(h.run({"zrevrangebyscore", "k", "3", "2", "withscores"}) ==
        "*2\r\n*2\r\n$1\r\nc\r\n,2.5\r\n*2\r\n$1\r\nb\r\n,2\r\n");
  CHECK(h.run({"zrevrange", "k", "0", "0", "withscores"}) == "*1\r\n*2\r\n$1\r\nc\r\n,2.5\r\n");
  CHECK(h.run({"zrange", "k", "-", "+", "bylex"}) == "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n");
  CHECK(h.run({"zadd", "k", "incr", "1", "a"}) == ",2\r\n");
  CHECK(h.run({"zadd", "k", "xx", "incr", "1", "zz"}) == "_\r\n");
  CHECK(h.run({"zincrby", "k", "0.5", "a"}) == ",2.5\r\n");
  CHECK(h.run({"zrank", "k", "a"}) == ":1\r\n");
  CHECK(h.run({"zrank", "k", "zz"}) == "_\r\n");
  CHECK(h.run({"zrevrank", "k", "zz"}) == "_\r\n");
  CHECK(h.run({"zpopmin", "k"}) == "*2\r\n$1\r\nb\r\n,2\r\n");
  CHECK(h.run({"zpopmin", "k", "1"}) == "*1\r\n*2\r\n$1\r\na\r\n,2.5\r\n");
  CHECK(h.run({"zpopmax", "k", "5"}) == "*1\r\n*2\r\n$1\r\nc\r\n,2.5\r\n");
  CHECK(h.run({"zpopmin", "k"}) == "*0\r\n");
  CHECK(h.run({"zpopmin", "k", "2"}) == "*0\r\n");
  CHECK(h.run({"zrange", "nokey", "0", "-1", "withscores"}) == "*0\r\n");
  CHECK(h.run({"zrandmember", "nokey"}) == "_\r\n");
  CHECK(h.run({"zrandmember", "nokey", "2", "withscores"}) == "*0\r\n");
  CHECK(h.run({"zadd", "k", "1", "a", "2", "b"}) == ":2\r\n");
  CHECK(h.run({"zrandmember", "k", "5", "withscores"}) ==
        "*2\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\na\r\n,1\r\n");
  CHECK(h.run({"zrandmember", "k", "2"}) == "*2\r\n$1\r\nb\r\n$1\r\na\r\n");
  CHECK(h.run({"zscan", "k", "0"}) ==
        "*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n");
  CHECK(h.run({"zunion", "1", "k", "withscores"}) ==
        "*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n");
  CHECK(h.run({"zinter", "1", "k", "withscores"}) ==
        "*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n");
  CHECK(h.run({"zdiff", "1", "k", "withscores"}) ==
        "*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n");
  CHECK(h.run({"zunion", "1", "k"}) == "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  CHECK(h.run({"zadd", "k", "1", "a"}) == ":0\r\n");
  CHECK(h.run({"zadd", "k", "nx", "incr", "1", "a"}) == "_\r\n");
}

TEST_CASE("binary members") {
  FamilyHarness h;
  CHECK(h.run({"zadd", "k", "1", std::string_view("a\000b", 3), "2", "\r\n", "3",
               std::string(64, 'x'), "0", std::string_view("\000", 1)}) == ":4\r\n");
  CHECK(
      h.run({"zrange", "k", "0", "-1", "withscores"}) ==
      std::string("*8\r\n$1\r\n\000\r\n$1\r\n0\r\n$3\r\na\000b\r\n$1\r\n1\r\n$2\r\n\r\n\r\n$1\r\n"
                  "2\r\n$64\r\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n"
                  "$1\r\n3\r\n",
                  127));
  CHECK(h.run({"zscore", "k", std::string_view("a\000b", 3)}) == "$1\r\n1\r\n");
  CHECK(h.run({"zscore", "k", "a"}) == "$-1\r\n");
  CHECK(h.run({"zrank", "k", "\r\n"}) == ":2\r\n");
  CHECK(h.run({"zrange", "k", std::string_view("[\000", 2), "(a", "bylex"}) ==
        std::string("*1\r\n$1\r\n\000\r\n", 11));
  CHECK(h.run({"zrem", "k", std::string_view("\000", 1)}) == ":1\r\n");
  CHECK(h.run({"zrangebylex", "k", "-", "+"}) ==
        std::string("*3\r\n$3\r\na\000b\r\n$2\r\n\r\n\r\n$64\r\n"
                    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n",
                    92));
  CHECK(h.run({"zmscore", "k", std::string_view("a\000b", 3), "\r\n"}) ==
        "*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
  CHECK(h.run({"object", "encoding", "k"}) == "$8\r\nlistpack\r\n");
  CHECK(h.run({"zadd", "k", "4", std::string(65, 'y')}) == ":1\r\n");
  CHECK(h.run({"object", "encoding", "k"}) == "$8\r\nskiplist\r\n");
  CHECK(h.run({"zrange", "k", "0", "-1"}) ==
        std::string("*4\r\n$3\r\na\000b\r\n$2\r\n\r\n\r\n$64\r\n"
                    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n$65\r\n"
                    "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\r\n",
                    164));
  CHECK(h.run({"zrem", "k", std::string_view("a\000b", 3), "\r\n", std::string(64, 'x'),
               std::string(65, 'y')}) == ":4\r\n");
  CHECK(h.run({"exists", "k"}) == ":0\r\n");
}

TEST_CASE("integer-looking members keep their text") {
  FamilyHarness h;
  CHECK(h.run({"zadd", "k", "1", "12", "2", "-7", "3", "007", "4", "-0", "5", "9223372036854775807",
               "6", "9223372036854775808", "7", "1e3"}) == ":7\r\n");
  CHECK(h.run({"zrange", "k", "0", "-1", "withscores"}) ==
        "*14\r\n$2\r\n12\r\n$1\r\n1\r\n$2\r\n-7\r\n$1\r\n2\r\n$3\r\n007\r\n$1\r\n3\r\n"
        "$2\r\n-0\r\n$1\r\n4\r\n$19\r\n9223372036854775807\r\n$1\r\n5\r\n$19\r\n"
        "9223372036854775808\r\n$1\r\n6\r\n$3\r\n1e3\r\n$1\r\n7\r\n");
  CHECK(h.run({"zscore", "k", "007"}) == "$1\r\n3\r\n");
  CHECK(h.run({"zscore", "k", "7"}) == "$-1\r\n");
  CHECK(h.run({"zrank", "k", "-0"}) == ":3\r\n");
  CHECK(h.run({"zrangebylex", "k", "-", "+"}) ==
        "*7\r\n$2\r\n12\r\n$2\r\n-7\r\n$3\r\n007\r\n$2\r\n-0\r\n$19\r\n"
        "9223372036854775807\r\n$19\r\n9223372036854775808\r\n$3\r\n1e3\r\n");
  CHECK(h.run({"zadd", "k", "0", "12"}) == ":0\r\n");
  CHECK(h.run({"zrange", "k", "0", "-1"}) ==
        "*7\r\n$2\r\n12\r\n$2\r\n-7\r\n$3\r\n007\r\n$2\r\n-0\r\n$19\r\n"
        "9223372036854775807\r\n$19\r\n9223372036854775808\r\n$3\r\n1e3\r\n");
}

TEST_CASE("every sorted-set command checks its arity") {
  FamilyHarness h;
  CHECK(h.run({"zadd", "k"}) == "-ERR wrong number of arguments for 'zadd' command\r\n");
  CHECK(h.run({"zadd", "k", "1"}) == "-ERR wrong number of arguments for 'zadd' command\r\n");
  CHECK(h.run({"zadd", "k", "nx"}) == "-ERR wrong number of arguments for 'zadd' command\r\n");
  CHECK(h.run({"zincrby", "k", "1"}) == "-ERR wrong number of arguments for 'zincrby' command\r\n");
  CHECK(h.run({"zincrby", "k", "1", "a", "b"}) ==
        "-ERR wrong number of arguments for 'zincrby' command\r\n");
  CHECK(h.run({"zrem", "k"}) == "-ERR wrong number of arguments for 'zrem' command\r\n");
  CHECK(h.run({"zscore", "k"}) == "-ERR wrong number of arguments for 'zscore' command\r\n");
  CHECK(h.run({"zscore", "k", "a", "b"}) ==
        "-ERR wrong number of arguments for 'zscore' command\r\n");
  CHECK(h.run({"zmscore", "k"}) == "-ERR wrong number of arguments for 'zmscore' command\r\n");
  CHECK(h.run({"zcard"}) == "-ERR wrong number of arguments for 'zcard' command\r\n");
  CHECK(h.run({"zcard", "k", "a"}) == "-ERR wrong number of arguments for 'zcard' command\r\n");
  CHECK(h.run({"zcount", "k", "1"}) == "-ERR wrong number of arguments for 'zcount' command\r\n");
  CHECK(h.run({"zlexcount", "k", "-", "+", "x"}) ==
        "-ERR wrong number of arguments for 'zlexcount' command\r\n");
  CHECK(h.run({"zrank", "k"}) == "-ERR wrong number of arguments for 'zrank' command\r\n");
  CHECK(h.run({"zrank", "k", "a", "withscore"}) ==
        "-ERR wrong number of arguments for 'zrank' command\r\n");
  CHECK(h.run({"zrevrank", "k"}) == "-ERR wrong number of arguments for 'zrevrank' command\r\n");
  CHECK(h.run({"zrange", "k", "0"}) == "-ERR wrong number of arguments for 'zrange' command\r\n");
  CHECK(h.run({"zrangestore", "d", "k", "0"}) ==
        "-ERR wrong number of arguments for 'zrangestore' command\r\n");
  CHECK(h.run({"zrangebyscore", "k", "0"}) ==
        "-ERR wrong number of arguments for 'zrangebyscore' command\r\n");
  CHECK(h.run({"zrevrangebyscore", "k", "0"}) ==
        "-ERR wrong number of arguments for 'zrevrangebyscore' command\r\n");
  CHECK(h.run({"zrangebylex", "k", "-"}) ==
        "-ERR wrong number of arguments for 'zrangebylex' command\r\n");
  CHECK(h.run({"zrevrangebylex", "k", "+"}) ==
        "-ERR wrong number of arguments for 'zrevrangebylex' command\r\n");
  CHECK(h.run({"zrevrange", "k", "0"}) ==
        "-ERR wrong number of arguments for 'zrevrange' command\r\n");
  CHECK(h.run({"zpopmin"}) == "-ERR wrong number of arguments for 'zpopmin' command\r\n");
  CHECK(h.run({"zpopmax"}) == "-ERR wrong number of arguments for 'zpopmax' command\r\n");
  CHECK(h.run({"zremrangebyrank", "k", "0"}) ==
        "-ERR wrong number of arguments for 'zremrangebyrank' command\r\n");
  CHECK(h.run({"zremrangebyscore", "k", "0"}) ==
        "-ERR wrong number of arguments for 'zremrangebyscore' command\r\n");
  CHECK(h.run({"zremrangebylex", "k", "-"}) ==
        "-ERR wrong number of arguments for 'zremrangebylex' command\r\n");
  CHECK(h.run({"zrandmember"}) == "-ERR wrong number of arguments for 'zrandmember' command\r\n");
  CHECK(h.run({"zscan", "k"}) == "-ERR wrong number of arguments for 'zscan' command\r\n");
  CHECK(h.run({"zunion", "1"}) == "-ERR wrong number of arguments for 'zunion' command\r\n");
  CHECK(h.run({"zinter", "1"}) == "-ERR wrong number of arguments for 'zinter' command\r\n");
  CHECK(h.run({"zdiff", "1"}) == "-ERR wrong number of arguments for 'zdiff' command\r\n");
  CHECK(h.run({"zunionstore", "d", "1"}) ==
        "-ERR wrong number of arguments for 'zunionstore' command\r\n");
  CHECK(h.run({"zinterstore", "d", "1"}) ==
        "-ERR wrong number of arguments for 'zinterstore' command\r\n");
  CHECK(h.run({"zdiffstore", "d", "1"}) ==
        "-ERR wrong number of arguments for 'zdiffstore' command\r\n");
}

TEST_CASE("every sorted-set command replies WRONGTYPE on another type") {
  FamilyHarness h;
  h.run({"lpush", "l", "x"});
  CHECK(h.run({"zadd", "l", "1", "a"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zincrby", "l", "1", "a"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zrem", "l", "a"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zscore", "l", "a"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zmscore", "l", "a"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zcard", "l"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zcount", "l", "0", "1"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zlexcount", "l", "-", "+"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zrank", "l", "a"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zrevrank", "l", "a"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zrange", "l", "0", "-1"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zrangestore", "d", "l", "0", "-1"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zrangebyscore", "l", "0", "1"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zrevrangebyscore", "l", "1", "0"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zrangebylex", "l", "-", "+"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zrevrangebylex", "l", "+", "-"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zrevrange", "l", "0", "-1"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zpopmin", "l"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zpopmax", "l"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zremrangebyrank", "l", "0", "-1"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zremrangebyscore", "l", "0", "1"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zremrangebylex", "l", "-", "+"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zrandmember", "l"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zrandmember", "l", "2"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zscan", "l", "0"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zunion", "1", "l"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zinter", "1", "l"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zdiff", "1", "l"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zunionstore", "d", "1", "l"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zinterstore", "d", "1", "l"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zdiffstore", "d", "1", "l"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"exists", "d"}) == ":0\r\n");
}

// Members m0, m1, ... with score i.
void add_members(FamilyHarness& h, const std::string& key, int from, int to) {
  for (int i = from; i < to; ++i) {
    REQUIRE(h.run(std::vector<std::string>{"ZADD", key, std::to_string(i),
                                           "m" + std::to_string(i)}) == integer(1));
  }
}

std::string encoding(FamilyHarness& h, const std::string& key) {
  return h.run(std::vector<std::string>{"OBJECT", "ENCODING", key});
}

const std::string kListpack = bulk("listpack");
const std::string kSkiplist = bulk("skiplist");

TEST_CASE("encoding converts at 129 members and never back") {
  FamilyHarness h;
  add_members(h, "k", 0, 128);
  CHECK(encoding(h, "k") == kListpack);
  CHECK(h.run({"ZADD", "k", "5.5", "m5"}) == integer(0));  // an update is not an insert
  CHECK(h.run({"ZADD", "k", "XX", "1", "m999"}) == integer(0));
  CHECK(encoding(h, "k") == kListpack);
  CHECK(h.run({"ZADD", "k", "128", "m128"}) == integer(1));
  CHECK(encoding(h, "k") == kSkiplist);
  CHECK(h.run({"ZCARD", "k"}) == integer(129));
  CHECK(h.run({"ZREMRANGEBYRANK", "k", "0", "-3"}) == integer(127));
  CHECK(encoding(h, "k") == kSkiplist);
  CHECK(h.run({"ZRANGE", "k", "0", "-1", "WITHSCORES"}) ==
        "*4\r\n" + bulk("m127") + bulk("127") + bulk("m128") + bulk("128"));
  // ZINCRBY inserts too.
  FamilyHarness g;
  add_members(g, "k", 0, 128);
  CHECK(g.run({"ZINCRBY", "k", "1", "m0"}) == bulk("1"));
  CHECK(encoding(g, "k") == kListpack);
  CHECK(g.run({"ZINCRBY", "k", "1", "new"}) == bulk("1"));
  CHECK(encoding(g, "k") == kSkiplist);
  // One ZADD with 129 new members creates a skiplist; 129 pairs naming fewer members do not.
  std::vector<std::string> many{"ZADD", "big"}, dups{"ZADD", "dups"};
  for (int i = 0; i < 129; ++i) {
    many.insert(many.end(), {"1", "m" + std::to_string(i)});
    dups.insert(dups.end(), {"1", "a"});
  }
  CHECK(h.run(many) == integer(129));
  CHECK(encoding(h, "big") == kSkiplist);
  CHECK(h.run(dups) == integer(1));
  CHECK(encoding(h, "dups") == kListpack);
}

TEST_CASE("encoding converts for a member longer than 64 bytes") {
  FamilyHarness h;
  const std::string m64(64, 'x'), m65(65, 'y');
  CHECK(h.run({"ZADD", "k", "1", m64}) == integer(1));
  CHECK(encoding(h, "k") == kListpack);
  CHECK(h.run({"ZADD", "k", "XX", "1", m65}) == integer(0));
  CHECK(h.run({"ZADD", "k", "NX", "GT", "1", m65}) ==
        "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n");
  CHECK(encoding(h, "k") == kListpack);
  CHECK(h.run({"ZADD", "k", "2", m65}) == integer(1));
  CHECK(encoding(h, "k") == kSkiplist);
  CHECK(h.run({"ZREM", "k", m65}) == integer(1));
  CHECK(encoding(h, "k") == kSkiplist);
  CHECK(h.run({"ZSCORE", "k", m64}) == bulk("1"));
  CHECK(h.run({"ZADD", "n", "1", "a", "2", m65}) == integer(2));
  CHECK(encoding(h, "n") == kSkiplist);
  CHECK(h.run({"ZINCRBY", "z", "3", m65}) == bulk("3"));
  CHECK(encoding(h, "z") == kSkiplist);
}

TEST_CASE("a listpack stores -0 as 0, a skiplist keeps it") {
  FamilyHarness h;
  CHECK(h.run({"ZADD", "k", "-0", "a"}) == integer(1));
  CHECK(h.run({"ZSCORE", "k", "a"}) == bulk("0"));
  CHECK(h.run({"ZINCRBY", "k", "-0", "b"}) == bulk("-0"));  // the computed score
  CHECK(h.run({"ZSCORE", "k", "b"}) == bulk("0"));
  CHECK(h.run({"ZADD", "s", "1", std::string(65, 'x')}) == integer(1));
  CHECK(h.run({"ZADD", "s", "-0", "b"}) == integer(1));
  CHECK(h.run({"ZSCORE", "s", "b"}) == bulk("-0"));
  CHECK(h.run({"ZINCRBY", "s", "-0", "c"}) == bulk("-0"));
  CHECK(h.run({"ZSCORE", "s", "c"}) == bulk("-0"));
  CHECK(h.run({"ZRANGEBYSCORE", "s", "0", "0", "WITHSCORES"}) ==
        "*4\r\n" + bulk("b") + bulk("-0") + bulk("c") + bulk("-0"));
}

TEST_CASE("commands that empty a sorted set delete the key") {
  FamilyHarness h;
  for (const std::vector<std::string>& cmd :
       std::vector<std::vector<std::string>>{{"ZREM", "k", "a", "b"},
                                             {"ZPOPMIN", "k", "5"},
                                             {"ZPOPMAX", "k", "2"},
                                             {"ZREMRANGEBYRANK", "k", "0", "-1"},
                                             {"ZREMRANGEBYSCORE", "k", "-inf", "+inf"},
                                             {"ZREMRANGEBYLEX", "k", "-", "+"},
                                             {"ZRANGESTORE", "k", "k", "5", "6"},
                                             {"ZINTERSTORE", "k", "2", "k", "nokey"},
                                             {"ZDIFFSTORE", "k", "2", "k", "k"}}) {
    CAPTURE(cmd[0]);
    for (bool skiplist : {false, true}) {
      CHECK(h.run({"ZADD", "k", "0", "a", "0", "b"}) == integer(2));
      if (skiplist) {
        const std::string m65(65, 'z');
        CHECK(h.run({"ZADD", "k", "0", m65}) == integer(1));
        CHECK(h.run({"ZREM", "k", m65}) == integer(1));
        CHECK(encoding(h, "k") == kSkiplist);
      }
      h.run(cmd);
      CHECK(h.run({"EXISTS", "k"}) == integer(0));
      CHECK(h.run({"TYPE", "k"}) == "+none\r\n");
    }
  }
}

TEST_CASE("ZRANDMEMBER picks as Redis does, on both encodings") {
  for (int size : {10, 300}) {
    CAPTURE(size);
    FamilyHarness h;
    add_members(h, "k", 0, size);
    CHECK(encoding(h, "k") == (size > 128 ? kSkiplist : kListpack));
    // One member.
    for (int i = 0; i < 50; ++i) {
      std::string r = h.run({"ZRANDMEMBER", "k"});
      std::string name = r.substr(r.find("\r\n") + 2);
      name.resize(name.size() - 2);
      CHECK(h.run(std::vector<std::string>{"ZSCORE", "k", name}) != kNil);
    }
    // Distinct picks, both strategies (count * 3 > size, and not).
    for (int count : {1, 2, size / 4, size / 2, size - 1}) {
      CAPTURE(count);
      for (int round = 0; round < 20; ++round) {
        std::string r = h.run({"ZRANDMEMBER", "k", std::to_string(count), "WITHSCORES"});
        REQUIRE(r.rfind("*" + std::to_string(2 * count) + "\r\n", 0) == 0);
        size_t pos = r.find("\r\n") + 2;
        std::vector<std::string> seen;
        for (int i = 0; i < count; ++i) {
          auto read_bulk = [&]() {
            size_t eol = r.find("\r\n", pos);
            size_t len = std::stoul(r.substr(pos + 1, eol - pos - 1));
            std::string s = r.substr(eol + 2, len);
            pos = eol + 2 + len + 2;
            return s;
          };
          std::string member = read_bulk();
          std::string score = read_bulk();
          CHECK(member == "m" + score);  // each member comes with its own score
          seen.push_back(member);
        }
        CHECK(pos == r.size());
        std::sort(seen.begin(), seen.end());
        CHECK(std::adjacent_find(seen.begin(), seen.end()) == seen.end());
      }
    }
    // Negative counts may repeat and give exactly |count| members.
    std::string r = h.run({"ZRANDMEMBER", "k", "-1000"});
    CHECK(r.rfind("*1000\r\n", 0) == 0);
    CHECK(static_cast<size_t>(std::count(r.begin(), r.end(), '$')) == 1000);
    h.client().resp = 3;
    r = h.run({"ZRANDMEMBER", "k", "-3", "WITHSCORES"});
    CHECK(r.rfind("*3\r\n*2\r\n$", 0) == 0);
    CHECK(std::count(r.begin(), r.end(), ',') == 3);
  }
}

TEST_CASE("ZSCAN walks a skiplist with a cursor") {
  FamilyHarness h;
  add_members(h, "k", 0, 1000);
  CHECK(encoding(h, "k") == kSkiplist);
  for (const char* count : {"1", "10", "100", "5000"}) {
    CAPTURE(count);
    std::set<std::string> seen;
    std::string cursor = "0";
    int calls = 0;
    do {
      std::string r = h.run(std::vector<std::string>{"ZSCAN", "k", cursor, "COUNT", count});
      // *2 $n cursor *m (member score)...
      size_t pos = r.find("\r\n") + 2;
      size_t eol = r.find("\r\n", pos);
      size_t len = std::stoul(r.substr(pos + 1, eol - pos - 1));
      cursor = r.substr(eol + 2, len);
      pos = eol + 2 + len + 2;
      eol = r.find("\r\n", pos);
      const size_t n = std::stoul(r.substr(pos + 1, eol - pos - 1));
      pos = eol + 2;
      for (size_t i = 0; i < n; i += 2) {
        std::string fields[2];
        for (std::string& f : fields) {
          eol = r.find("\r\n", pos);
          len = std::stoul(r.substr(pos + 1, eol - pos - 1));
          f = r.substr(eol + 2, len);
          pos = eol + 2 + len + 2;
        }
        CHECK(fields[0] == "m" + fields[1]);
        seen.insert(fields[0]);
      }
      ++calls;
    } while (cursor != "0" && calls < 100000);
    CHECK(seen.size() == 1000);
    if (std::string(count) == "1") CHECK(calls > 100);
  }
  // A large COUNT finishes the walk in one call; MATCH filters what it found.
  std::string r = h.run({"ZSCAN", "k", "0", "MATCH", "m99*", "COUNT", "100000"});
  CHECK(r.rfind("*2\r\n$1\r\n0\r\n*22\r\n", 0) == 0);
  CHECK(std::count(r.begin(), r.end(), '$') == 23);
  for (int i = 990; i <= 999; ++i) {
    CHECK(r.find(bulk("m" + std::to_string(i)) + bulk(std::to_string(i))) != std::string::npos);
  }
  CHECK(r.find(bulk("m99") + bulk("99")) != std::string::npos);
}

TEST_CASE("COPY, TYPE and MEMORY USAGE of a sorted set") {
  FamilyHarness h;
  CHECK(h.run({"ZADD", "k", "1", "a", "2", "b"}) == integer(2));
  CHECK(h.run({"TYPE", "k"}) == "+zset\r\n");
  CHECK(h.run({"COPY", "k", "c"}) == integer(1));
  CHECK(h.run({"ZADD", "k", "3", "c"}) == integer(1));
  CHECK(h.run({"ZRANGE", "c", "0", "-1"}) == "*2\r\n" + bulk("a") + bulk("b"));
  CHECK(encoding(h, "c") == kListpack);
  add_members(h, "big", 0, 200);
  CHECK(h.run({"COPY", "big", "big2"}) == integer(1));
  CHECK(encoding(h, "big2") == kSkiplist);
  CHECK(h.run({"ZREM", "big", "m7"}) == integer(1));
  CHECK(h.run({"ZCARD", "big2"}) == integer(200));
  CHECK(h.run({"ZRANK", "big2", "m7"}) == integer(7));
  std::string small = h.run({"MEMORY", "USAGE", "k"});
  std::string large = h.run({"MEMORY", "USAGE", "big2"});
  REQUIRE(small[0] == ':');
  REQUIRE(large[0] == ':');
  CHECK(std::stol(small.substr(1)) < std::stol(large.substr(1)));
}

}  // namespace
}  // namespace shardis::test
