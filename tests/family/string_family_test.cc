// String family against Redis 7.0's exact replies (checked on redis-server 7.0.15).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support/family_harness.h"
#include "support/resp_expect.h"

namespace shardis::test {
namespace {

const std::string kOverflow = "-ERR increment or decrement would overflow\r\n";

TEST_CASE("GET and SET basics") {
  FamilyHarness h;
  CHECK(h.run({"GET", "k"}) == kNil);
  CHECK(h.run({"SET", "k", "v"}) == kOk);
  CHECK(h.run({"GET", "k"}) == bulk("v"));
  CHECK(h.run({"set", "k", "other"}) == kOk);
  CHECK(h.run({"get", "k"}) == bulk("other"));
  CHECK(h.run({"SET", "e", ""}) == kOk);
  CHECK(h.run({"GET", "e"}) == "$0\r\n\r\n");
}

TEST_CASE("GET and SET arity") {
  FamilyHarness h;
  CHECK(h.run({"GET"}) == "-ERR wrong number of arguments for 'get' command\r\n");
  CHECK(h.run({"GET", "a", "b"}) == "-ERR wrong number of arguments for 'get' command\r\n");
  CHECK(h.run({"SET"}) == "-ERR wrong number of arguments for 'set' command\r\n");
  CHECK(h.run({"SET", "k"}) == "-ERR wrong number of arguments for 'set' command\r\n");
}

TEST_CASE("binary-safe keys and values round-trip") {
  FamilyHarness h;
  const std::string key("k\0\r\nx", 5);
  const std::string value("a\0b\r\n\xff", 6);
  CHECK(h.run(std::vector<std::string>{"SET", key, value}) == kOk);
  CHECK(h.run(std::vector<std::string>{"GET", key}) == bulk(value));
  CHECK(h.run(std::vector<std::string>{"GET", std::string("k\0", 2)}) == kNil);
  CHECK(h.run(std::vector<std::string>{"STRLEN", key}) == integer(6));
  CHECK(h.run(std::vector<std::string>{"APPEND", key, std::string("\0", 1)}) == integer(7));
  CHECK(h.run(std::vector<std::string>{"MGET", key, "nokey"}) ==
        "*2\r\n" + bulk(value + std::string("\0", 1)) + kNil);
  CHECK(h.run(std::vector<std::string>{"GETDEL", key}) == bulk(value + std::string("\0", 1)));
  CHECK(h.run(std::vector<std::string>{"GET", key}) == kNil);
}

TEST_CASE("SET NX and XX") {
  FamilyHarness h;
  CHECK(h.run({"SET", "k", "v", "XX"}) == kNil);
  CHECK(h.run({"GET", "k"}) == kNil);
  CHECK(h.run({"SET", "k", "v", "NX"}) == kOk);
  CHECK(h.run({"SET", "k", "v2", "nx"}) == kNil);
  CHECK(h.run({"GET", "k"}) == bulk("v"));
  CHECK(h.run({"SET", "k", "v3", "XX"}) == kOk);
  CHECK(h.run({"GET", "k"}) == bulk("v3"));
  // Repeating an option is accepted; combining NX with XX is not.
  CHECK(h.run({"SET", "k", "v4", "NX", "NX"}) == kNil);
  CHECK(h.run({"SET", "k", "v4", "xx", "xx"}) == kOk);
  CHECK(h.run({"SET", "k", "v", "NX", "XX"}) == kSyntax);
  CHECK(h.run({"SET", "k", "v", "XX", "NX"}) == kSyntax);
}

TEST_CASE("SET GET returns the old value") {
  FamilyHarness h;
  CHECK(h.run({"SET", "k", "v", "GET"}) == kNil);
  CHECK(h.run({"SET", "k", "v2", "GET"}) == bulk("v"));
  CHECK(h.run({"GET", "k"}) == bulk("v2"));
  // With NX the old value is returned and nothing is written (allowed since 7.0).
  CHECK(h.run({"SET", "k", "v3", "GET", "NX"}) == bulk("v2"));
  CHECK(h.run({"GET", "k"}) == bulk("v2"));
  CHECK(h.run({"SET", "n", "v", "NX", "GET"}) == kNil);
  CHECK(h.run({"GET", "n"}) == bulk("v"));
  CHECK(h.run({"SET", "k", "v3", "GET", "XX"}) == bulk("v2"));
  CHECK(h.run({"SET", "missing", "v", "GET", "XX"}) == kNil);
  CHECK(h.run({"GET", "missing"}) == kNil);
  CHECK(h.run({"SET", "k", "v", "get", "get"}) == bulk("v3"));
}

TEST_CASE("SET option syntax errors") {
  FamilyHarness h;
  CHECK(h.run({"SET", "k", "v", "foo"}) == kSyntax);
  CHECK(h.run({"SET", "k", "v", "EX"}) == kSyntax);
  CHECK(h.run({"SET", "k", "v", "EX", "10", "PX", "10"}) == kSyntax);
  CHECK(h.run({"SET", "k", "v", "EX", "10", "KEEPTTL"}) == kSyntax);
  CHECK(h.run({"SET", "k", "v", "KEEPTTL", "PX", "5"}) == kSyntax);
  CHECK(h.run({"SET", "k", "v", "PX", "5", "EXAT", "5"}) == kSyntax);
  CHECK(h.run({"SET", "k", "v", "EX", "10", "foo"}) == kSyntax);
  // The whole option list is checked before the expiry value.
  CHECK(h.run({"SET", "k", "v", "EX", "abc", "foo"}) == kSyntax);
  CHECK(h.run({"SET", "k", "v", "EX", "abc", "NX", "XX"}) == kSyntax);
  CHECK(h.run({"GET", "k"}) == kNil);
  CHECK(h.run({"SET", "k", "v", "EX", "10", "EX", "20"}) == kOk);
  CHECK(h.run({"TTL", "k"}) == integer(20));
  CHECK(h.run({"SET", "k", "v", "KEEPTTL", "KEEPTTL"}) == kOk);
  CHECK(h.run({"TTL", "k"}) == integer(20));
}

TEST_CASE("SET expiry values") {
  FamilyHarness h;
  CHECK(h.run({"SET", "k", "v", "EX", "0"}) == invalid_expire("set"));
  CHECK(h.run({"SET", "k", "v", "EX", "-1"}) == invalid_expire("set"));
  CHECK(h.run({"SET", "k", "v", "PX", "-1"}) == invalid_expire("set"));
  CHECK(h.run({"SET", "k", "v", "EXAT", "0"}) == invalid_expire("set"));
  CHECK(h.run({"SET", "k", "v", "PXAT", "0"}) == invalid_expire("set"));
  CHECK(h.run({"SET", "k", "v", "EXAT", "-1"}) == invalid_expire("set"));
  CHECK(h.run({"SET", "k", "v", "EX", "abc"}) == kNotInt);
  CHECK(h.run({"SET", "k", "v", "EX", "1.5"}) == kNotInt);
  CHECK(h.run({"SET", "k", "v", "EX", "+10"}) == kNotInt);
  CHECK(h.run({"SET", "k", "v", "EX", "0x10"}) == kNotInt);
  CHECK(h.run({"SET", "k", "v", "EX", "9223372036854775808"}) == kNotInt);
  // Overflow of the seconds-to-ms conversion or of adding the current time.
  CHECK(h.run({"SET", "k", "v", "EX", "9223372036854775807"}) == invalid_expire("set"));
  CHECK(h.run({"SET", "k", "v", "EX", "9223372036854775"}) == invalid_expire("set"));
  CHECK(h.run({"SET", "k", "v", "EX", "9223372036854774"}) == invalid_expire("set"));
  CHECK(h.run({"SET", "k", "v", "PX", "9223372036854775807"}) == invalid_expire("set"));
  CHECK(h.run({"SET", "k", "v", "PX", "9223372036854775000"}) == invalid_expire("set"));
  CHECK(h.run({"SET", "k", "v", "EXAT", "9223372036854776"}) == invalid_expire("set"));
  CHECK(h.run({"GET", "k"}) == kNil);
  // Absolute times are not offset, so these fit.
  CHECK(h.run({"SET", "k", "v", "EXAT", "9223372036854775"}) == kOk);
  CHECK(h.run({"SET", "k", "v", "PXAT", "9223372036854775807"}) == kOk);
  CHECK(h.run({"SET", "k", "v", "EX", "99999999999"}) == kOk);
  CHECK(h.run({"TTL", "k"}) == integer(99999999999));
}

TEST_CASE("SET EX, PX, EXAT, PXAT expire the key") {
  FamilyHarness h;
  const long long now = h.clock().now_ms();
  CHECK(h.run({"SET", "ex", "v", "EX", "10"}) == kOk);
  CHECK(h.run({"SET", "px", "v", "px", "1500"}) == kOk);
  CHECK(h.run({"SET", "exat", "v", "EXAT", std::to_string(now / 1000 + 20)}) == kOk);
  CHECK(h.run({"SET", "pxat", "v", "PXAT", std::to_string(now + 2500)}) == kOk);
  CHECK(h.run({"PTTL", "ex"}) == integer(10000));
  CHECK(h.run({"PTTL", "px"}) == integer(1500));
  CHECK(h.run({"PTTL", "pxat"}) == integer(2500));
  h.clock().advance_ms(1500);
  CHECK(h.run({"GET", "px"}) == kNil);
  CHECK(h.run({"GET", "ex"}) == bulk("v"));
  h.clock().advance_ms(1000);
  CHECK(h.run({"GET", "pxat"}) == kNil);
  h.clock().advance_ms(7500);
  CHECK(h.run({"GET", "ex"}) == kNil);
  CHECK(h.run({"GET", "exat"}) == bulk("v"));
  // A time already past leaves no key behind.
  CHECK(h.run({"SET", "old", "v", "EXAT", "1"}) == kOk);
  CHECK(h.run({"GET", "old"}) == kNil);
  CHECK(h.run({"SET", "old", "v", "PXAT", "1", "GET"}) == kNil);
  CHECK(h.run({"EXISTS", "old"}) == integer(0));
}

TEST_CASE("SET clears the TTL unless KEEPTTL") {
  FamilyHarness h;
  CHECK(h.run({"SET", "k", "v", "EX", "100"}) == kOk);
  CHECK(h.run({"SET", "k", "v2", "KEEPTTL"}) == kOk);
  CHECK(h.run({"TTL", "k"}) == integer(100));
  CHECK(h.run({"SET", "k", "v3", "KEEPTTL", "GET"}) == bulk("v2"));
  CHECK(h.run({"TTL", "k"}) == integer(100));
  CHECK(h.run({"SET", "k", "v4"}) == kOk);
  CHECK(h.run({"TTL", "k"}) == integer(-1));
  CHECK(h.run({"SET", "k", "v", "EX", "5"}) == kOk);
  CHECK(h.run({"SET", "k", "v", "GET"}) == bulk("v"));
  CHECK(h.run({"TTL", "k"}) == integer(-1));
  CHECK(h.run({"SET", "fresh", "v", "KEEPTTL"}) == kOk);
  CHECK(h.run({"TTL", "fresh"}) == integer(-1));
}

TEST_CASE("SET replies in RESP3") {
  FamilyHarness h;
  h.client().resp = 3;
  CHECK(h.run({"GET", "k"}) == "_\r\n");
  CHECK(h.run({"SET", "k", "v", "XX"}) == "_\r\n");
  CHECK(h.run({"SET", "k", "v", "GET"}) == "_\r\n");
  CHECK(h.run({"SET", "k", "v2", "GET"}) == bulk("v"));
  CHECK(h.run({"MGET", "k", "x"}) == "*2\r\n" + bulk("v2") + "_\r\n");
  CHECK(h.run({"GETSET", "x", "1"}) == "_\r\n");
  CHECK(h.run({"GETDEL", "y"}) == "_\r\n");
}

TEST_CASE("SETNX") {
  FamilyHarness h;
  CHECK(h.run({"SETNX", "k", "v"}) == integer(1));
  CHECK(h.run({"SETNX", "k", "v2"}) == integer(0));
  CHECK(h.run({"GET", "k"}) == bulk("v"));
  CHECK(h.run({"SETNX", "k"}) == "-ERR wrong number of arguments for 'setnx' command\r\n");
}

TEST_CASE("SETEX and PSETEX") {
  FamilyHarness h;
  CHECK(h.run({"SETEX", "s", "10", "v"}) == kOk);
  CHECK(h.run({"TTL", "s"}) == integer(10));
  CHECK(h.run({"GET", "s"}) == bulk("v"));
  CHECK(h.run({"PSETEX", "p", "1500", "v"}) == kOk);
  CHECK(h.run({"PTTL", "p"}) == integer(1500));
  h.clock().advance_ms(1500);
  CHECK(h.run({"GET", "p"}) == kNil);
  CHECK(h.run({"SETEX", "s", "0", "v"}) == invalid_expire("setex"));
  CHECK(h.run({"SETEX", "s", "-5", "v"}) == invalid_expire("setex"));
  CHECK(h.run({"SETEX", "s", "abc", "v"}) == kNotInt);
  CHECK(h.run({"SETEX", "s", "9223372036854775807", "v"}) == invalid_expire("setex"));
  CHECK(h.run({"PSETEX", "s", "0", "v"}) == invalid_expire("psetex"));
  CHECK(h.run({"PSETEX", "s", "9223372036854775807", "v"}) == invalid_expire("psetex"));
  CHECK(h.run({"SETEX", "s", "10"}) == "-ERR wrong number of arguments for 'setex' command\r\n");
  CHECK(h.run({"PSETEX", "s"}) == "-ERR wrong number of arguments for 'psetex' command\r\n");
  // An existing TTL is replaced.
  CHECK(h.run({"SETEX", "s", "100", "w"}) == kOk);
  CHECK(h.run({"TTL", "s"}) == integer(100));
}

TEST_CASE("GETSET and GETDEL") {
  FamilyHarness h;
  CHECK(h.run({"GETSET", "k", "v"}) == kNil);
  CHECK(h.run({"GETSET", "k", "v2"}) == bulk("v"));
  CHECK(h.run({"GET", "k"}) == bulk("v2"));
  CHECK(h.run({"SET", "t", "v", "EX", "100"}) == kOk);
  CHECK(h.run({"GETSET", "t", "w"}) == bulk("v"));
  CHECK(h.run({"TTL", "t"}) == integer(-1));
  CHECK(h.run({"GETDEL", "k"}) == bulk("v2"));
  CHECK(h.run({"GETDEL", "k"}) == kNil);
  CHECK(h.run({"EXISTS", "k"}) == integer(0));
  CHECK(h.run({"GETSET"}) == "-ERR wrong number of arguments for 'getset' command\r\n");
  CHECK(h.run({"GETDEL", "a", "b"}) == "-ERR wrong number of arguments for 'getdel' command\r\n");
}

TEST_CASE("MGET and MSET") {
  FamilyHarness h;
  CHECK(h.run({"MSET", "a", "1", "b", "2", "a", "3"}) == kOk);
  CHECK(h.run({"MGET", "a", "b", "c", "a"}) == "*4\r\n" + bulk("3") + bulk("2") + kNil + bulk("3"));
  CHECK(h.run({"MGET", "c"}) == "*1\r\n" + kNil);
  CHECK(h.run({"MSET", "a"}) == "-ERR wrong number of arguments for 'mset' command\r\n");
  CHECK(h.run({"MSET", "a", "1", "b"}) == "-ERR wrong number of arguments for 'mset' command\r\n");
  CHECK(h.run({"MSET"}) == "-ERR wrong number of arguments for 'mset' command\r\n");
  CHECK(h.run({"MGET"}) == "-ERR wrong number of arguments for 'mget' command\r\n");
  // MSET clears TTLs like SET.
  CHECK(h.run({"SET", "t", "v", "EX", "100"}) == kOk);
  CHECK(h.run({"MSET", "t", "w"}) == kOk);
  CHECK(h.run({"TTL", "t"}) == integer(-1));
  CHECK(h.run({"GET", "b"}) == bulk("2"));
}

TEST_CASE("APPEND and STRLEN") {
  FamilyHarness h;
  CHECK(h.run({"STRLEN", "k"}) == integer(0));
  CHECK(h.run({"APPEND", "k", "hello"}) == integer(5));
  CHECK(h.run({"APPEND", "k", ""}) == integer(5));
  CHECK(h.run({"APPEND", "k", " world"}) == integer(11));
  CHECK(h.run({"GET", "k"}) == bulk("hello world"));
  CHECK(h.run({"STRLEN", "k"}) == integer(11));
  // Appending nothing to a missing key still creates it.
  CHECK(h.run({"APPEND", "e", ""}) == integer(0));
  CHECK(h.run({"EXISTS", "e"}) == integer(1));
  // APPEND keeps the TTL.
  CHECK(h.run({"SET", "t", "5", "EX", "100"}) == kOk);
  CHECK(h.run({"APPEND", "t", "xx"}) == integer(3));
  CHECK(h.run({"TTL", "t"}) == integer(100));
  CHECK(h.run({"APPEND", "k"}) == "-ERR wrong number of arguments for 'append' command\r\n");
  CHECK(h.run({"STRLEN"}) == "-ERR wrong number of arguments for 'strlen' command\r\n");
}

TEST_CASE("INCR, DECR, INCRBY, DECRBY") {
  FamilyHarness h;
  CHECK(h.run({"INCR", "n"}) == integer(1));
  CHECK(h.run({"INCR", "n"}) == integer(2));
  CHECK(h.run({"DECR", "n"}) == integer(1));
  CHECK(h.run({"DECR", "m"}) == integer(-1));
  CHECK(h.run({"INCRBY", "n", "10"}) == integer(11));
  CHECK(h.run({"INCRBY", "n", "-20"}) == integer(-9));
  CHECK(h.run({"DECRBY", "n", "-9"}) == integer(0));
  CHECK(h.run({"DECRBY", "n", "5"}) == integer(-5));
  CHECK(h.run({"GET", "n"}) == bulk("-5"));
  CHECK(h.run({"SET", "z", "10"}) == kOk);
  CHECK(h.run({"INCRBY", "z", "0"}) == integer(10));
  CHECK(h.run({"INCR"}) == "-ERR wrong number of arguments for 'incr' command\r\n");
  CHECK(h.run({"INCR", "a", "b"}) == "-ERR wrong number of arguments for 'incr' command\r\n");
  CHECK(h.run({"INCRBY", "a"}) == "-ERR wrong number of arguments for 'incrby' command\r\n");
  CHECK(h.run({"DECRBY", "a"}) == "-ERR wrong number of arguments for 'decrby' command\r\n");
  CHECK(h.run({"DECR"}) == "-ERR wrong number of arguments for 'decr' command\r\n");
}

TEST_CASE("INCR rejects values that are not canonical integers") {
  FamilyHarness h;
  for (const char* bad : {"abc", " 1", "1 ", "007", "-0", "+1", "", "1.0", "9223372036854775808"}) {
    CAPTURE(bad);
    CHECK(h.run({"SET", "k", bad}) == kOk);
    CHECK(h.run({"INCR", "k"}) == kNotInt);
    CHECK(h.run({"DECRBY", "k", "1"}) == kNotInt);
    CHECK(h.run({"GET", "k"}) == bulk(bad));
  }
  CHECK(h.run({"INCRBY", "k", "abc"}) == kNotInt);
  CHECK(h.run({"INCRBY", "n", " 5"}) == kNotInt);
  CHECK(h.run({"INCRBY", "n", "9223372036854775808"}) == kNotInt);
  CHECK(h.run({"DECRBY", "n", "1.5"}) == kNotInt);
  CHECK(h.run({"EXISTS", "n"}) == integer(0));
}

TEST_CASE("INCR family overflow") {
  FamilyHarness h;
  CHECK(h.run({"SET", "a", "9223372036854775807"}) == kOk);
  CHECK(h.run({"INCR", "a"}) == kOverflow);
  CHECK(h.run({"INCRBY", "a", "1"}) == kOverflow);
  CHECK(h.run({"DECRBY", "a", "-1"}) == kOverflow);
  CHECK(h.run({"INCRBY", "a", "-1"}) == integer(9223372036854775806LL));
  CHECK(h.run({"GET", "a"}) == bulk("9223372036854775806"));
  CHECK(h.run({"DECRBY", "k", "9223372036854775807"}) == integer(-9223372036854775807LL));
  CHECK(h.run({"DECR", "k"}) == ":-9223372036854775808\r\n");
  CHECK(h.run({"GET", "k"}) == bulk("-9223372036854775808"));
  CHECK(h.run({"DECR", "k"}) == kOverflow);
  CHECK(h.run({"DECRBY", "k", "1"}) == kOverflow);
  CHECK(h.run({"INCRBY", "k", "-1"}) == kOverflow);
  CHECK(h.run({"DECRBY", "k", "-1"}) == integer(-9223372036854775807LL));
  // The negation of the smallest int64 is reported before the key is looked at.
  CHECK(h.run({"SET", "s", "abc"}) == kOk);
  CHECK(h.run({"DECRBY", "s", "-9223372036854775808"}) == "-ERR decrement would overflow\r\n");
  CHECK(h.run({"INCRBY", "x", "-9223372036854775808"}) == ":-9223372036854775808\r\n");
}

TEST_CASE("INCR keeps the TTL") {
  FamilyHarness h;
  CHECK(h.run({"SET", "t", "5", "EX", "100"}) == kOk);
  h.clock().advance_ms(1000);
  CHECK(h.run({"INCR", "t"}) == integer(6));
  CHECK(h.run({"TTL", "t"}) == integer(99));
  h.clock().advance_ms(99000);
  CHECK(h.run({"INCR", "t"}) == integer(1));
  CHECK(h.run({"TTL", "t"}) == integer(-1));
}

}  // namespace
}  // namespace shardis::test
