// Sorted-set ranges: ZRANGE and its older forms, ZRANGESTORE, ZCOUNT, ZLEXCOUNT,
// ZREMRANGEBY*, on both encodings.
// Expected bytes were recorded from redis-server 7.0.15.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "support/family_harness.h"
#include "support/resp_expect.h"

namespace shardis::test {
namespace {

const std::string kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

TEST_CASE("ZRANGE family on a listpack") {
  FamilyHarness h;
  h.run({"zadd", "k", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"});
  CHECK(h.run({"zrange", "k", "0", "-1"}) ==
        "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n");
  CHECK(h.run({"zrange", "k", "0", "-1", "withscores"}) ==
        "*10\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\n"
        "d\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n");
  CHECK(h.run({"zrange", "k", "1", "2"}) == "*2\r\n$1\r\nb\r\n$1\r\nc\r\n");
  CHECK(h.run({"zrange", "k", "-2", "-1", "WITHSCORES"}) ==
        "*4\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n");
  CHECK(h.run({"zrange", "k", "0", "10"}) ==
        "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n");
  CHECK(h.run({"zrange", "k", "-100", "100"}) ==
        "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n");
  CHECK(h.run({"zrange", "k", "3", "1"}) == "*0\r\n");
  CHECK(h.run({"zrange", "k", "5", "10"}) == "*0\r\n");
  CHECK(h.run({"zrange", "k", "-1", "-2"}) == "*0\r\n");
  CHECK(h.run({"zrange", "k", "0", "0"}) == "*1\r\n$1\r\na\r\n");
  CHECK(h.run({"zrange", "k", "0", "-1", "rev", "withscores"}) ==
        "*10\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\n"
        "b\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n");
  CHECK(h.run({"zrange", "k", "1", "2", "rev"}) == "*2\r\n$1\r\nd\r\n$1\r\nc\r\n");
  CHECK(h.run({"zrange", "k", "9223372036854775807", "-9223372036854775808"}) == "*0\r\n");
  CHECK(h.run({"zrange", "k", "-9223372036854775808", "9223372036854775807"}) ==
        "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n");
  CHECK(h.run({"zrange", "k", "0", "-1", "limit", "0", "-1"}) ==
        "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n");
  CHECK(h.run({"zrange", "k", "(1", "3", "byscore"}) == "*2\r\n$1\r\nb\r\n$1\r\nc\r\n");
  CHECK(h.run({"zrange", "k", "(1", "(3", "byscore", "withscores"}) ==
        "*2\r\n$1\r\nb\r\n$1\r\n2\r\n");
  CHECK(h.run({"zrange", "k", "-inf", "+inf", "byscore"}) ==
        "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n");
  CHECK(h.run({"zrange", "k", "-inf", "(-inf", "byscore"}) == "*0\r\n");
  CHECK(h.run({"zrange", "k", "(3", "+inf", "byscore", "rev"}) == "*0\r\n");
  CHECK(h.run({"zrange", "k", "+inf", "(3", "byscore", "rev"}) == "*2\r\n$1\r\ne\r\n$1\r\nd\r\n");
  CHECK(h.run({"zrange", "k", "3", "1", "byscore", "rev", "withscores"}) ==
        "*6\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n");
  CHECK(h.run({"zrange", "k", "1", "3", "byscore", "rev"}) == "*0\r\n");
  CHECK(h.run({"zrange", "k", "-inf", "+inf", "byscore", "limit", "1", "2"}) ==
        "*2\r\n$1\r\nb\r\n$1\r\nc\r\n");
  CHECK(h.run({"zrange", "k", "-inf", "+inf", "byscore", "limit", "1", "-1"}) ==
        "*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n");
  CHECK(h.run({"zrange", "k", "-inf", "+inf", "byscore", "limit", "1", "-7"}) ==
        "*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n");
  CHECK(h.run({"zrange", "k", "-inf", "+inf", "byscore", "limit", "0", "-9223372036854775808"}) ==
        "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n");
  CHECK(h.run({"zrange", "k", "-inf", "+inf", "byscore", "limit", "9223372036854775807", "1"}) ==
        "*0\r\n");
  CHECK(h.run({"zrange", "k", "-inf", "+inf", "byscore", "limit", "-9223372036854775808", "1"}) ==
        "*0\r\n");
  CHECK(h.run({"zrange", "k", "-inf", "+inf", "byscore", "limit", "-1", "2"}) == "*0\r\n");
  CHECK(h.run({"zrange", "k", "-inf", "+inf", "byscore", "limit", "1", "0"}) == "*0\r\n");
  CHECK(h.run({"zrange", "k", "-inf", "+inf", "byscore", "limit", "4", "5"}) ==
        "*1\r\n$1\r\ne\r\n");
  CHECK(h.run({"zrange", "k", "-inf", "+inf", "byscore", "limit", "5", "5"}) == "*0\r\n");
  CHECK(h.run({"zrange", "k", "+inf", "-inf", "byscore", "rev", "limit", "1", "2", "withscores"}) ==
        "*4\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n");
  CHECK(h.run({"zrange", "k", "2", "2", "byscore"}) == "*1\r\n$1\r\nb\r\n");
  CHECK(h.run({"zrange", "k", "(2", "2", "byscore"}) == "*0\r\n");
  CHECK(h.run({"zrange", "k", "3", "2", "byscore"}) == "*0\r\n");
  CHECK(h.run({"zrangebyscore", "k", "1", "3", "limit", "0", "1", "withscores"}) ==
        "*2\r\n$1\r\na\r\n$1\r\n1\r\n");
  CHECK(h.run({"zrangebyscore", "k", "(1", "+inf"}) ==
        "*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n");
  CHECK(h.run({"zrangebyscore", "k", "-inf", "2.5"}) == "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  CHECK(h.run({"zrangebyscore", "k", "1e0", "0x3"}) == "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n");
  CHECK(h.run({"zrevrangebyscore", "k", "3", "1"}) == "*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n");
  CHECK(h.run({"zrevrangebyscore", "k", "+inf", "-inf", "withscores", "limit", "1", "2"}) ==
        "*4\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n");
  CHECK(h.run({"zrevrangebyscore", "k", "(3", "(1"}) == "*1\r\n$1\r\nb\r\n");
  CHECK(h.run({"zrevrange", "k", "0", "1", "withscores"}) ==
        "*4\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n");
  CHECK(h.run({"zrevrange", "k", "-1", "-1"}) == "*1\r\n$1\r\na\r\n");
  CHECK(h.run({"zcount", "k", "1", "3"}) == ":3\r\n");
  CHECK(h.run({"zcount", "k", "(1", "(3"}) == ":1\r\n");
  CHECK(h.run({"zcount", "k", "-inf", "+inf"}) == ":5\r\n");
  CHECK(h.run({"zcount", "k", "3", "1"}) == ":0\r\n");
  CHECK(h.run({"zcount", "k", "(3", "3"}) == ":0\r\n");
  CHECK(h.run({"zrank", "k", "a"}) == ":0\r\n");
  CHECK(h.run({"zrank", "k", "c"}) == ":2\r\n");
  CHECK(h.run({"zrank", "k", "e"}) == ":4\r\n");
  CHECK(h.run({"zrank", "k", "zz"}) == "$-1\r\n");
  CHECK(h.run({"zrevrank", "k", "a"}) == ":4\r\n");
  CHECK(h.run({"zrevrank", "k", "e"}) == ":0\r\n");
  CHECK(h.run({"zrevrank", "k", "zz"}) == "$-1\r\n");
}

TEST_CASE("ZRANGE family on a skiplist") {
  FamilyHarness h;
  h.run({"zadd", "k", "0", std::string(65, 'x')});
  h.run({"zrem", "k", std::string(65, 'x')});
  h.run({"zadd", "k", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"});
  CHECK(h.run({"object", "encoding", "k"}) == "$8\r\nlistpack\r\n");
  CHECK(h.run({"zrange", "k", "0", "-1"}) ==
        "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n");
  CHECK(h.run({"zrange", "k", "0", "-1", "withscores"}) ==
        "*10\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\n"
        "d\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n");
  CHECK(h.run({"zrange", "k", "1", "2"}) == "*2\r\n$1\r\nb\r\n$1\r\nc\r\n");
  CHECK(h.run({"zrange", "k", "-2", "-1", "WITHSCORES"}) ==
        "*4\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n");
  CHECK(h.run({"zrange", "k", "0", "10"}) ==
        "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n");
  CHECK(h.run({"zrange", "k", "-100", "100"}) ==
        "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n");
  CHECK(h.run({"zrange", "k", "3", "1"}) == "*0\r\n");
  CHECK(h.run({"zrange", "k", "5", "10"}) == "*0\r\n");
  CHECK(h.run({"zrange", "k", "-1", "-2"}) == "*0\r\n");
  CHECK(h.run({"zrange", "k", "0", "0"}) == "*1\r\n$1\r\na\r\n");
  CHECK(h.run({"zrange", "k", "0", "-1", "rev", "withscores"}) ==
        "*10\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\n"
        "b\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n");
  CHECK(h.run({"zrange", "k", "1", "2", "rev"}) == "*2\r\n$1\r\nd\r\n$1\r\nc\r\n");
  CHECK(h.run({"zrange", "k", "9223372036854775807", "-9223372036854775808"}) == "*0\r\n");
  CHECK(h.run({"zrange", "k", "-9223372036854775808", "9223372036854775807"}) ==
        "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n");
  CHECK(h.run({"zrange", "k", "0", "-1", "limit", "0", "-1"}) ==
        "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n");
  CHECK(h.run({"zrange", "k", "(1", "3", "byscore"}) == "*2\r\n$1\r\nb\r\n$1\r\nc\r\n");
  CHECK(h.run({"zrange", "k", "(1", "(3", "byscore", "withscores"}) ==
        "*2\r\n$1\r\nb\r\n$1\r\n2\r\n");
  CHECK(h.run({"zrange", "k", "-inf", "+inf", "byscore"}) ==
        "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n");
  CHECK(h.run({"zrange", "k", "-inf", "(-inf", "byscore"}) == "*0\r\n");
  CHECK(h.run({"zrange", "k", "(3", "+inf", "byscore", "rev"}) == "*0\r\n");
  CHECK(h.run({"zrange", "k", "+inf", "(3", "byscore", "rev"}) == "*2\r\n$1\r\ne\r\n$1\r\nd\r\n");
  CHECK(h.run({"zrange", "k", "3", "1", "byscore", "rev", "withscores"}) ==
        "*6\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n");
  CHECK(h.run({"zrange", "k", "1", "3", "byscore", "rev"}) == "*0\r\n");
  CHECK(h.run({"zrange", "k", "-inf", "+inf", "byscore", "limit", "1", "2"}) ==
        "*2\r\n$1\r\nb\r\n$1\r\nc\r\n");
  CHECK(h.run({"zrange", "k", "-inf", "+inf", "byscore", "limit", "1", "-1"}) ==
        "*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n");
  CHECK(h.run({"zrange", "k", "-inf", "+inf", "byscore", "limit", "1", "-7"}) ==
        "*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n");
  CHECK(h.run({"zrange", "k", "-inf", "+inf", "byscore", "limit", "0", "-9223372036854775808"}) ==
        "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n");
  CHECK(h.run({"zrange", "k", "-inf", "+inf", "byscore", "limit", "9223372036854775807", "1"}) ==
        "*0\r\n");
  CHECK(h.run({"zrange", "k", "-inf", "+inf", "byscore", "limit", "-9223372036854775808", "1"}) ==
        "*0\r\n");
  CHECK(h.run({"zrange", "k", "-inf", "+inf", "byscore", "limit", "-1", "2"}) == "*0\r\n");
  CHECK(h.run({"zrange", "k", "-inf", "+inf", "byscore", "limit", "1", "0"}) == "*0\r\n");
  CHECK(h.run({"zrange", "k", "-inf", "+inf", "byscore", "limit", "4", "5"}) ==
        "*1\r\n$1\r\ne\r\n");
  CHECK(h.run({"zrange", "k", "-inf", "+inf", "byscore", "limit", "5", "5"}) == "*0\r\n");
  CHECK(h.run({"zrange", "k", "+inf", "-inf", "byscore", "rev", "limit", "1", "2", "withscores"}) ==
        "*4\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n");
  CHECK(h.run({"zrange", "k", "2", "2", "byscore"}) == "*1\r\n$1\r\nb\r\n");
  CHECK(h.run({"zrange", "k", "(2", "2", "byscore"}) == "*0\r\n");
  CHECK(h.run({"zrange", "k", "3", "2", "byscore"}) == "*0\r\n");
  CHECK(h.run({"zrangebyscore", "k", "1", "3", "limit", "0", "1", "withscores"}) ==
        "*2\r\n$1\r\na\r\n$1\r\n1\r\n");
  CHECK(h.run({"zrangebyscore", "k", "(1", "+inf"}) ==
        "*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n");
  CHECK(h.run({"zrangebyscore", "k", "-inf", "2.5"}) == "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  CHECK(h.run({"zrangebyscore", "k", "1e0", "0x3"}) == "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n");
  CHECK(h.run({"zrevrangebyscore", "k", "3", "1"}) == "*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n");
  CHECK(h.run({"zrevrangebyscore", "k", "+inf", "-inf", "withscores", "limit", "1", "2"}) ==
        "*4\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n");
  CHECK(h.run({"zrevrangebyscore", "k", "(3", "(1"}) == "*1\r\n$1\r\nb\r\n");
  CHECK(h.run({"zrevrange", "k", "0", "1", "withscores"}) ==
        "*4\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n");
  CHECK(h.run({"zrevrange", "k", "-1", "-1"}) == "*1\r\n$1\r\na\r\n");
  CHECK(h.run({"zcount", "k", "1", "3"}) == ":3\r\n");
  CHECK(h.run({"zcount", "k", "(1", "(3"}) == ":1\r\n");
  CHECK(h.run({"zcount", "k", "-inf", "+inf"}) == ":5\r\n");
  CHECK(h.run({"zcount", "k", "3", "1"}) == ":0\r\n");
  CHECK(h.run({"zcount", "k", "(3", "3"}) == ":0\r\n");
  CHECK(h.run({"zrank", "k", "a"}) == ":0\r\n");
  CHECK(h.run({"zrank", "k", "c"}) == ":2\r\n");
  CHECK(h.run({"zrank", "k", "e"}) == ":4\r\n");
  CHECK(h.run({"zrank", "k", "zz"}) == "$-1\r\n");
  CHECK(h.run({"zrevrank", "k", "a"}) == ":4\r\n");
  CHECK(h.run({"zrevrank", "k", "e"}) == ":0\r\n");
  CHECK(h.run({"zrevrank", "k", "zz"}) == "$-1\r\n");
}

TEST_CASE("lex ranges on a listpack") {
  FamilyHarness h;
  h.run({"zadd", "k", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e", "0", "f"});
  CHECK(h.run({"zrange", "k", "-", "+", "bylex"}) ==
        "*6\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n");
  CHECK(h.run({"zrange", "k", "[b", "[d", "bylex"}) == "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n");
  CHECK(h.run({"zrange", "k", "(b", "(d", "bylex"}) == "*1\r\n$1\r\nc\r\n");
  CHECK(h.run({"zrange", "k", "[d", "[b", "bylex", "rev"}) ==
        "*3\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n");
  CHECK(h.run({"zrange", "k", "(d", "-", "bylex", "rev"}) ==
        "*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n");
  CHECK(h.run({"zrange", "k", "+", "-", "bylex", "rev", "limit", "1", "2"}) ==
        "*2\r\n$1\r\ne\r\n$1\r\nd\r\n");
  CHECK(h.run({"zrange", "k", "-", "+", "bylex", "limit", "2", "2"}) ==
        "*2\r\n$1\r\nc\r\n$1\r\nd\r\n");
  CHECK(h.run({"zrange", "k", "-", "+", "bylex", "limit", "-1", "5"}) == "*0\r\n");
  CHECK(h.run({"zrange", "k", "-", "+", "bylex", "limit", "0", "-1"}) ==
        "*6\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n");
  CHECK(h.run({"zrange", "k", "-", "+", "bylex", "limit", "1", "-9223372036854775808"}) ==
        "*5\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n");
  CHECK(h.run({"zrange", "k", "[c", "[c", "bylex"}) == "*1\r\n$1\r\nc\r\n");
  CHECK(h.run({"zrange", "k", "(c", "[c", "bylex"}) == "*0\r\n");
  CHECK(h.run({"zrange", "k", "[zz", "+", "bylex"}) == "*0\r\n");
  CHECK(h.run({"zrange", "k", "-", std::string_view("[\000", 2), "bylex"}) == "*0\r\n");
  CHECK(h.run({"zrangebylex", "k", "-", "+"}) ==
        "*6\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n");
  CHECK(h.run({"zrangebylex", "k", "[a", "(c"}) == "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  CHECK(h.run({"zrangebylex", "k", "-", "+", "limit", "1", "2"}) == "*2\r\n$1\r\nb\r\n$1\r\nc\r\n");
  CHECK(h.run({"zrevrangebylex", "k", "+", "-"}) ==
        "*6\r\n$1\r\nf\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n");
  CHECK(h.run({"zrevrangebylex", "k", "[c", "[a"}) == "*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n");
  CHECK(h.run({"zrevrangebylex", "k", "(c", "-", "limit", "0", "1"}) == "*1\r\n$1\r\nb\r\n");
  CHECK(h.run({"zlexcount", "k", "-", "+"}) == ":6\r\n");
  CHECK(h.run({"zlexcount", "k", "[b", "(d"}) == ":2\r\n");
  CHECK(h.run({"zlexcount", "k", "(b", "[b"}) == ":0\r\n");
  CHECK(h.run({"zlexcount", "k", "+", "-"}) == ":0\r\n");
}

TEST_CASE("lex ranges on a skiplist") {
  FamilyHarness h;
  h.run({"zadd", "k", "0", std::string(65, 'x')});
  h.run({"zrem", "k", std::string(65, 'x')});
  h.run({"zadd", "k", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e", "0", "f"});
  CHECK(h.run({"object", "encoding", "k"}) == "$8\r\nlistpack\r\n");
  CHECK(h.run({"zrange", "k", "-", "+", "bylex"}) ==
        "*6\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n");
  CHECK(h.run({"zrange", "k", "[b", "[d", "bylex"}) == "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n");
  CHECK(h.run({"zrange", "k", "(b", "(d", "bylex"}) == "*1\r\n$1\r\nc\r\n");
  CHECK(h.run({"zrange", "k", "[d", "[b", "bylex", "rev"}) ==
        "*3\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n");
  CHECK(h.run({"zrange", "k", "(d", "-", "bylex", "rev"}) ==
        "*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n");
  CHECK(h.run({"zrange", "k", "+", "-", "bylex", "rev", "limit", "1", "2"}) ==
        "*2\r\n$1\r\ne\r\n$1\r\nd\r\n");
  CHECK(h.run({"zrange", "k", "-", "+", "bylex", "limit", "2", "2"}) ==
        "*2\r\n$1\r\nc\r\n$1\r\nd\r\n");
  CHECK(h.run({"zrange", "k", "-", "+", "bylex", "limit", "-1", "5"}) == "*0\r\n");
  CHECK(h.run({"zrange", "k", "-", "+", "bylex", "limit", "0", "-1"}) ==
        "*6\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n");
  CHECK(h.run({"zrange", "k", "-", "+", "bylex", "limit", "1", "-9223372036854775808"}) ==
        "*5\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n");
  CHECK(h.run({"zrange", "k", "[c", "[c", "bylex"}) == "*1\r\n$1\r\nc\r\n");
  CHECK(h.run({"zrange", "k", "(c", "[c", "bylex"}) == "*0\r\n");
  CHECK(h.run({"zrange", "k", "[zz", "+", "bylex"}) == "*0\r\n");
  CHECK(h.run({"zrange", "k", "-", std::string_view("[\000", 2), "bylex"}) == "*0\r\n");
  CHECK(h.run({"zrangebylex", "k", "-", "+"}) ==
        "*6\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n");
  CHECK(h.run({"zrangebylex", "k", "[a", "(c"}) == "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  CHECK(h.run({"zrangebylex", "k", "-", "+", "limit", "1", "2"}) == "*2\r\n$1\r\nb\r\n$1\r\nc\r\n");
  CHECK(h.run({"zrevrangebylex", "k", "+", "-"}) ==
        "*6\r\n$1\r\nf\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n");
  CHECK(h.run({"zrevrangebylex", "k", "[c", "[a"}) == "*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n");
  CHECK(h.run({"zrevrangebylex", "k", "(c", "-", "limit", "0", "1"}) == "*1\r\n$1\r\nb\r\n");
  CHECK(h.run({"zlexcount", "k", "-", "+"}) == ":6\r\n");
  CHECK(h.run({"zlexcount", "k", "[b", "(d"}) == ":2\r\n");
  CHECK(h.run({"zlexcount", "k", "(b", "[b"}) == ":0\r\n");
  CHECK(h.run({"zlexcount", "k", "+", "-"}) == ":0\r\n");
}

TEST_CASE("lex ranges over mixed scores on a listpack follow Redis") {
  FamilyHarness h;
  h.run({"zadd", "k", "1", "z", "2", "a", "3", "m", "4", "b"});
  CHECK(h.run({"zrangebylex", "k", "-", "+"}) ==
        "*4\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\nm\r\n$1\r\nb\r\n");
  CHECK(h.run({"zrangebylex", "k", "[a", "+"}) ==
        "*4\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\nm\r\n$1\r\nb\r\n");
  CHECK(h.run({"zrangebylex", "k", "(a", "+"}) ==
        "*4\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\nm\r\n$1\r\nb\r\n");
  CHECK(h.run({"zrangebylex", "k", "-", "[b"}) == "*0\r\n");
  CHECK(h.run({"zrangebylex", "k", "-", "[z"}) ==
        "*4\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\nm\r\n$1\r\nb\r\n");
  CHECK(h.run({"zrevrangebylex", "k", "+", "[b"}) == "*2\r\n$1\r\nb\r\n$1\r\nm\r\n");
  CHECK(h.run({"zrevrangebylex", "k", "[m", "-"}) == "*0\r\n");
  CHECK(h.run({"zrevrangebylex", "k", "+", "(a"}) == "*2\r\n$1\r\nb\r\n$1\r\nm\r\n");
  CHECK(h.run({"zlexcount", "k", "(a", "+"}) == ":4\r\n");
  CHECK(h.run({"zlexcount", "k", "[n", "+"}) == ":0\r\n");
  CHECK(h.run({"zlexcount", "k", "-", "[c"}) == ":0\r\n");
  CHECK(h.run({"zrange", "k", "[c", "[n", "bylex"}) == "*0\r\n");
  CHECK(h.run({"zremrangebylex", "k", "[n", "+"}) == ":0\r\n");
  CHECK(h.run({"zremrangebylex", "k", "(a", "[z"}) == ":4\r\n");
  CHECK(h.run({"zrange", "k", "0", "-1", "withscores"}) == "*0\r\n");
}

TEST_CASE("ZRANGE option errors") {
  FamilyHarness h;
  h.run({"zadd", "k", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"});
  CHECK(
      h.run({"zrange", "k", "0", "-1", "withscores", "limit", "0", "1"}) ==
      "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n");
  CHECK(
      h.run({"zrange", "k", "0", "-1", "limit", "0", "1"}) ==
      "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n");
  CHECK(
      h.run({"zrange", "k", "0", "-1", "limit", "0", "-5"}) ==
      "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n");
  CHECK(h.run({"zrange", "k", "0", "-1", "limit", "0", "-1"}) ==
        "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n");
  CHECK(h.run({"zrange", "k", "a", "b"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.run({"zrange", "k", "0", "b"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.run({"zrange", "k", "1.5", "2"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.run({"zrange", "k", "0", "9223372036854775808"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.run({"zrange", "k", "[a", "[c", "bylex", "withscores"}) ==
        "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n");
  CHECK(h.run({"zrange", "k", "a", "c", "bylex"}) ==
        "-ERR min or max not valid string range item\r\n");
  CHECK(h.run({"zrange", "k", "0", "1", "byscore", "bylex"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zrange", "k", "0", "1", "bylex", "byscore"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zrange", "k", "0", "1", "byscore", "byscore"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zrange", "k", "0", "1", "rev", "rev"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zrange", "k", "-inf", "+inf", "byscore", "limit", "1"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zrange", "k", "-inf", "+inf", "byscore", "limit", "a", "1"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.run({"zrange", "k", "-inf", "+inf", "byscore", "limit", "1", "a"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.run({"zrange", "k", "-inf", "+inf", "byscore", "limit", "1", "1.5"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.run({"zrange", "k", "0", "-1", "foo"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zrange", "k", "-inf", "x", "byscore"}) == "-ERR min or max is not a float\r\n");
  CHECK(h.run({"zrange", "k", "(a", "1", "byscore"}) == "-ERR min or max is not a float\r\n");
  CHECK(h.run({"zrange", "k", "nan", "1", "byscore"}) == "-ERR min or max is not a float\r\n");
  CHECK(h.run({"zrange", "k", "x", "y", "bylex"}) ==
        "-ERR min or max not valid string range item\r\n");
  CHECK(h.run({"zrange", "k", "[a", "x", "bylex"}) ==
        "-ERR min or max not valid string range item\r\n");
  CHECK(h.run({"zrange", "k", "-", "+", "bylex", "limit", "a", "1"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.run({"zrange", "k", "0", "-1", "withscores", "withscores"}) ==
        "*10\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\n"
        "d\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n");
  CHECK(h.run({"zrange", "k", "1", "byscore"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.run({"zrangebyscore", "k", "1", "3", "bylex"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zrangebyscore", "k", "1", "3", "rev"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zrangebyscore", "k", "1", "3", "byscore"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zrangebyscore", "k", "1", "3", "withscores", "limit"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zrangebylex", "k", "-", "+", "withscores"}) ==
        "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n");
  CHECK(h.run({"zrangebylex", "k", "-", "+", "bylex"}) == "-ERR syntax error\r\n");
  CHECK(
      h.run({"zrevrange", "k", "0", "1", "limit", "0", "1"}) ==
      "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n");
  CHECK(h.run({"zrevrange", "k", "0", "1", "byscore"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zrevrange", "k", "0", "1", "rev"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zrevrangebyscore", "k", "a", "b"}) == "-ERR min or max is not a float\r\n");
  CHECK(h.run({"zrevrangebylex", "k", "a", "b"}) ==
        "-ERR min or max not valid string range item\r\n");
  CHECK(h.run({"zrange", "nokey", "0", "-1"}) == "*0\r\n");
  CHECK(h.run({"zrange", "nokey", "x", "y"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.run({"zrange", "nokey", "0", "1", "byscore", "bylex"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zrange", "nokey", "-inf", "+inf", "byscore", "limit", "0", "1", "withscores"}) ==
        "*0\r\n");
  h.run({"set", "str", "x"});
  CHECK(h.run({"zrange", "str", "0", "-1"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zrange", "str", "a", "b"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(h.run({"zrange", "str", "0", "1", "withscores", "bylex"}) ==
        "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n");
  CHECK(h.run({"zrangebyscore", "str", "a", "b"}) == "-ERR min or max is not a float\r\n");
  CHECK(h.run({"zrangebyscore", "str", "0", "1"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zrevrangebylex", "str", "a", "b"}) ==
        "-ERR min or max not valid string range item\r\n");
  CHECK(h.run({"zrevrangebylex", "str", "+", "-"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zrevrange", "str", "0", "1"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zcount", "str", "a", "b"}) == "-ERR min or max is not a float\r\n");
  CHECK(h.run({"zcount", "str", "1", "2"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zlexcount", "str", "a", "b"}) == "-ERR min or max not valid string range item\r\n");
  CHECK(h.run({"zlexcount", "str", "-", "+"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zcount", "k", "a", "b"}) == "-ERR min or max is not a float\r\n");
  CHECK(h.run({"zcount", "nokey", "a", "b"}) == "-ERR min or max is not a float\r\n");
  CHECK(h.run({"zlexcount", "k", "a", "b"}) == "-ERR min or max not valid string range item\r\n");
}

TEST_CASE("ZRANGESTORE") {
  FamilyHarness h;
  h.run({"zadd", "k", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"});
  CHECK(h.run({"zrangestore", "d", "k", "0", "-1"}) == ":5\r\n");
  CHECK(h.run({"zrange", "d", "0", "-1", "withscores"}) ==
        "*10\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\n"
        "d\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n");
  CHECK(h.run({"object", "encoding", "d"}) == "$8\r\nlistpack\r\n");
  CHECK(h.run({"zrangestore", "d", "k", "0", "-1", "withscores"}) == "-ERR syntax error\r\n");
  CHECK(h.run({"zrangestore", "d", "k", "1", "2", "rev"}) == ":2\r\n");
  CHECK(h.run({"zrange", "d", "0", "-1", "withscores"}) ==
        "*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n");
  CHECK(h.run({"zrangestore", "d", "k", "(1", "+inf", "byscore", "limit", "1", "2"}) == ":2\r\n");
  CHECK(h.run({"zrange", "d", "0", "-1", "withscores"}) ==
        "*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n");
  CHECK(h.run({"zrangestore", "d", "k", "+inf", "-inf", "byscore", "rev", "limit", "0", "2"}) ==
        ":2\r\n");
  CHECK(h.run({"zrange", "d", "0", "-1", "withscores"}) ==
        "*4\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n");
  CHECK(h.run({"zrangestore", "d", "k", "10", "20"}) == ":0\r\n");
  CHECK(h.run({"exists", "d"}) == ":0\r\n");
  CHECK(h.run({"zrangestore", "d", "k", "0", "-1"}) == ":5\r\n");
  CHECK(h.run({"zrangestore", "d", "nokey", "0", "-1"}) == ":0\r\n");
  CHECK(h.run({"exists", "d"}) == ":0\r\n");
  CHECK(h.run({"zrangestore", "d", "k", "0", "-1", "byscore", "limit", "-1", "2"}) == ":0\r\n");
  CHECK(h.run({"zrangestore", "d", "k", "[a", "[b", "bylex"}) == ":2\r\n");
  CHECK(h.run({"zrangestore", "d", "k", "[b", "[a", "bylex", "rev"}) == ":2\r\n");
  CHECK(h.run({"zrange", "d", "0", "-1", "withscores"}) ==
        "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n");
  CHECK(h.run({"zrangestore", "d", "k", "a", "b"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(
      h.run({"zrangestore", "d", "k", "0", "-1", "limit", "0", "1"}) ==
      "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n");
  h.run({"set", "str", "x"});
  CHECK(h.run({"zrangestore", "d", "str", "0", "-1"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zrangestore", "str", "k", "0", "1"}) == ":2\r\n");
  CHECK(h.run({"type", "str"}) == "+zset\r\n");
  CHECK(h.run({"zrange", "str", "0", "-1"}) == "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  CHECK(h.run({"zrangestore", "k", "k", "0", "1"}) == ":2\r\n");
  CHECK(h.run({"zrange", "k", "0", "-1", "withscores"}) ==
        "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n");
}

TEST_CASE("ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX") {
  FamilyHarness h;
  h.run({"zadd", "k", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"});
  CHECK(h.run({"zremrangebyrank", "k", "a", "1"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.run({"zremrangebyrank", "k", "10", "20"}) == ":0\r\n");
  CHECK(h.run({"zremrangebyrank", "k", "-2", "-1"}) == ":2\r\n");
  CHECK(h.run({"zremrangebyscore", "k", "x", "1"}) == "-ERR min or max is not a float\r\n");
  CHECK(h.run({"zremrangebyscore", "k", "(1", "2"}) == ":1\r\n");
  CHECK(h.run({"zremrangebylex", "k", "a", "b"}) ==
        "-ERR min or max not valid string range item\r\n");
  CHECK(h.run({"zremrangebylex", "k", "[a", "[a"}) == ":1\r\n");
  CHECK(h.run({"zrange", "k", "0", "-1", "withscores"}) == "*2\r\n$1\r\nc\r\n$1\r\n3\r\n");
  CHECK(h.run({"zremrangebyrank", "k", "0", "-1"}) == ":1\r\n");
  CHECK(h.run({"exists", "k"}) == ":0\r\n");
  h.run({"zadd", "k", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"});
  CHECK(h.run({"zremrangebyrank", "k", "1", "-9223372036854775808"}) == ":0\r\n");
  CHECK(h.run({"zremrangebyrank", "k", "3", "1"}) == ":0\r\n");
  CHECK(h.run({"zremrangebyscore", "k", "3", "1"}) == ":0\r\n");
  CHECK(h.run({"zremrangebyscore", "k", "-inf", "(2"}) == ":1\r\n");
  CHECK(h.run({"zremrangebylex", "k", "(zz", "+"}) == ":0\r\n");
  CHECK(h.run({"zremrangebylex", "k", "-", "+"}) == ":4\r\n");
  CHECK(h.run({"exists", "k"}) == ":0\r\n");
  CHECK(h.run({"zremrangebyrank", "nokey", "0", "-1"}) == ":0\r\n");
  CHECK(h.run({"zremrangebyscore", "nokey", "0", "-1"}) == ":0\r\n");
  CHECK(h.run({"zremrangebylex", "nokey", "-", "+"}) == ":0\r\n");
  CHECK(h.run({"zremrangebyscore", "nokey", "a", "b"}) == "-ERR min or max is not a float\r\n");
  CHECK(h.run({"zremrangebylex", "nokey", "a", "b"}) ==
        "-ERR min or max not valid string range item\r\n");
  h.run({"set", "str", "x"});
  CHECK(h.run({"zremrangebyrank", "str", "a", "b"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(h.run({"zremrangebyrank", "str", "0", "1"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zremrangebyscore", "str", "a", "b"}) == "-ERR min or max is not a float\r\n");
  CHECK(h.run({"zremrangebyscore", "str", "0", "1"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(h.run({"zremrangebylex", "str", "a", "b"}) ==
        "-ERR min or max not valid string range item\r\n");
  CHECK(h.run({"zremrangebylex", "str", "-", "+"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
}

// A skiplist holding za and zb at -0, then m0..m139 at 1..140 (L, 65 bytes, made it one).
void load_signed_zeros(FamilyHarness& h) {
  const std::string long_member(65, 'L');
  CHECK(h.run({"ZADD", "b", "5", long_member}) == integer(1));
  std::vector<std::string> cmd{"ZADD", "b", "-0", "za", "-0", "zb"};
  for (int i = 0; i < 140; ++i) {
    cmd.push_back(std::to_string(i + 1));
    cmd.push_back("m" + std::to_string(i));
  }
  CHECK(h.run(cmd) == integer(142));
  CHECK(h.run({"ZREM", "b", long_member}) == integer(1));
}

TEST_CASE("ZRANGESTORE builds its result as Redis 7.0 does") {
  FamilyHarness h;
  load_signed_zeros(h);
  const std::string zeros = "*2\r\n" + bulk("0") + bulk("0");
  const std::string negative_zeros = "*2\r\n" + bulk("-0") + bulk("-0");
  struct Case {
    std::vector<std::string> cmd;
    int64_t stored;
    const char* encoding;
    const std::string& scores;
  };
  // Recorded from redis-server 7.0.15: a rank range of more than 128 elements starts as a
  // skiplist (the -0 scores stay); anything else starts as a listpack (they become 0).
  const Case cases[] = {
      {{"ZRANGESTORE", "d", "b", "0", "127"}, 128, "listpack", zeros},
      {{"ZRANGESTORE", "d", "b", "0", "128"}, 129, "skiplist", negative_zeros},
      {{"ZRANGESTORE", "d", "b", "0", "-1", "REV"}, 142, "skiplist", negative_zeros},
      {{"ZRANGESTORE", "d", "b", "-inf", "+inf", "BYSCORE"}, 142, "skiplist", zeros},
      {{"ZRANGESTORE", "d", "b", "-", "+", "BYLEX"}, 142, "skiplist", zeros},
      {{"ZRANGESTORE", "d", "b", "-inf", "+inf", "BYSCORE", "LIMIT", "0", "200"},
       142,
       "skiplist",
       zeros},
      {{"ZRANGESTORE", "d", "b", "+inf", "-inf", "BYSCORE", "REV"},
       142,
       "skiplist",
       negative_zeros},
      {{"ZUNIONSTORE", "d", "1", "b"}, 142, "skiplist", negative_zeros},
  };
  for (const Case& c : cases) {
    CAPTURE(c.cmd);
    CHECK(h.run(c.cmd) == integer(c.stored));
    CHECK(h.run({"OBJECT", "ENCODING", "d"}) == bulk(c.encoding));
    CHECK(h.run({"ZMSCORE", "d", "za", "zb"}) == c.scores);
  }
}

}  // namespace
}  // namespace shardis::test
