// String family against Redis 7.0's exact replies (checked on redis-server 7.0.15).
#include <doctest/doctest.h>
#include <shardis/server/exec/executor.h>

#include <string>
#include <string_view>
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

TEST_CASE("GETRANGE and SUBSTR") {
  FamilyHarness h;
  CHECK(h.run({"SET", "k", "hello"}) == kOk);
  CHECK(h.run({"GETRANGE", "k", "0", "-1"}) == bulk("hello"));
  CHECK(h.run({"GETRANGE", "k", "-100", "-1"}) == bulk("hello"));
  CHECK(h.run({"GETRANGE", "k", "2", "100"}) == bulk("llo"));
  CHECK(h.run({"GETRANGE", "k", "-1", "-2"}) == bulk(""));
  CHECK(h.run({"GETRANGE", "k", "3", "1"}) == bulk(""));
  CHECK(h.run({"GETRANGE", "k", "9223372036854775807", "9223372036854775807"}) == bulk(""));
  CHECK(h.run({"GETRANGE", "k", "-9223372036854775808", "-9223372036854775808"}) == bulk("h"));
  CHECK(h.run({"SUBSTR", "k", "1", "-2"}) == bulk("ell"));
  // A missing key reads as the empty string; the indexes are checked before the key.
  CHECK(h.run({"GETRANGE", "nokey", "0", "-1"}) == bulk(""));
  CHECK(h.run({"GETRANGE", "nokey", "a", "b"}) == kNotInt);
  CHECK(h.run({"GETRANGE", "k", "0", "9223372036854775808"}) == kNotInt);
  CHECK(h.run({"GETRANGE", "k", "a", "1"}) == kNotInt);
  CHECK(h.run({"GETRANGE", "k", "1", "b"}) == kNotInt);
  CHECK(h.run({"SET", "e", ""}) == kOk);
  CHECK(h.run({"GETRANGE", "e", "0", "-1"}) == bulk(""));
  CHECK(h.run({"GETRANGE", "e", "-1", "0"}) == bulk(""));
  CHECK(h.run({"SUBSTR", "k", "0"}) == wrong_args("substr"));
  CHECK(h.run({"GETRANGE", "k", "0", "1", "2"}) == wrong_args("getrange"));
  // Binary values and int-encoded values.
  const std::string bin("a\0b\r\nc", 6);
  CHECK(h.run(std::vector<std::string>{"SET", "b", bin}) == kOk);
  CHECK(h.run({"GETRANGE", "b", "1", "4"}) == bulk(std::string("\0b\r\n", 4)));
  CHECK(h.run({"SET", "n", "12345"}) == kOk);
  CHECK(h.run({"GETRANGE", "n", "1", "2"}) == bulk("23"));
  CHECK(h.run({"SUBSTR", "n", "1", "-1"}) == bulk("2345"));
  CHECK(h.run({"SET", "n", "7"}) == kOk);
  CHECK(h.run({"GETRANGE", "n", "-1", "-1"}) == bulk("7"));
  CHECK(h.run({"GETRANGE", "n", "5", "10"}) == bulk(""));
  h.client().resp = 3;
  CHECK(h.run({"GETRANGE", "nokey", "0", "-1"}) == bulk(""));
}

TEST_CASE("SETRANGE") {
  FamilyHarness h;
  CHECK(h.run({"SETRANGE", "k", "0", "hello"}) == integer(5));
  CHECK(h.run({"SETRANGE", "k", "7", "xy"}) == integer(9));
  CHECK(h.run({"GET", "k"}) == bulk(std::string("hello\0\0xy", 9)));
  CHECK(h.run({"SETRANGE", "k", "1", "EL"}) == integer(9));
  CHECK(h.run({"GET", "k"}) == bulk(std::string("hELlo\0\0xy", 9)));
  CHECK(h.run({"SETRANGE", "k", "-1", "x"}) == error("ERR offset is out of range"));
  CHECK(h.run({"SETRANGE", "k", "a", "x"}) == kNotInt);
  CHECK(h.run({"SETRANGE", "k", "9223372036854775808", "x"}) == kNotInt);
  // An empty value writes nothing: 0 for a missing key (which is not created), else the length.
  CHECK(h.run({"SETRANGE", "nokey", "100", ""}) == integer(0));
  CHECK(h.run({"EXISTS", "nokey"}) == integer(0));
  CHECK(h.run({"SETRANGE", "nokey", "-1", ""}) == error("ERR offset is out of range"));
  CHECK(h.run({"SETRANGE", "nokey", "99999999999", ""}) == integer(0));
  CHECK(h.run({"SETRANGE", "k", "99999999999", ""}) == integer(9));
  // The result may not pass 512MB.
  const std::string too_large =
      error("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
  CHECK(h.run({"SETRANGE", "k", "536870912", "x"}) == too_large);
  CHECK(h.run({"SETRANGE", "nokey2", "536870912", "x"}) == too_large);
  CHECK(h.run({"SETRANGE", "k", "9223372036854775807", "x"}) == too_large);
  CHECK(h.run({"SETRANGE", "k", "536870911", "xy"}) == too_large);
  CHECK(h.run({"EXISTS", "nokey2"}) == integer(0));
  CHECK(h.run({"SETRANGE", "k"}) == wrong_args("setrange"));
  // Binary-safe, zero padding on a new key.
  CHECK(h.run(std::vector<std::string>{"SETRANGE", "b", "1", std::string("a\0\r\n", 4)}) ==
        integer(5));
  CHECK(h.run({"GET", "b"}) == bulk(std::string("\0a\0\r\n", 5)));
  // The TTL is kept.
  CHECK(h.run({"SET", "t", "v", "EX", "100"}) == kOk);
  CHECK(h.run({"SETRANGE", "t", "2", "zz"}) == integer(4));
  CHECK(h.run({"TTL", "t"}) == integer(100));
  CHECK(h.run({"GET", "t"}) == bulk(std::string("v\0zz", 4)));
}

TEST_CASE("Encodings do not change what the commands see") {
  FamilyHarness h;
  // SETRANGE on an int-encoded value edits its text; INCR reads the edited text.
  CHECK(h.run({"SET", "n", "123"}) == kOk);
  CHECK(h.run({"SETRANGE", "n", "1", "9"}) == integer(3));
  CHECK(h.run({"GET", "n"}) == bulk("193"));
  CHECK(h.run({"OBJECT", "ENCODING", "n"}) == bulk("raw"));
  CHECK(h.run({"INCR", "n"}) == integer(194));
  CHECK(h.run({"OBJECT", "ENCODING", "n"}) == bulk("int"));
  CHECK(h.run({"SET", "n", "123"}) == kOk);
  CHECK(h.run({"SETRANGE", "n", "0", "4"}) == integer(3));
  CHECK(h.run({"INCR", "n"}) == integer(424));
  CHECK(h.run({"GET", "n"}) == bulk("424"));
  // APPEND on an int-encoded value, even of nothing, makes it raw.
  CHECK(h.run({"SET", "n", "123"}) == kOk);
  CHECK(h.run({"APPEND", "n", ""}) == integer(3));
  CHECK(h.run({"OBJECT", "ENCODING", "n"}) == bulk("raw"));
  CHECK(h.run({"SET", "n", "123"}) == kOk);
  CHECK(h.run({"APPEND", "n", "4"}) == integer(4));
  CHECK(h.run({"OBJECT", "ENCODING", "n"}) == bulk("raw"));
  CHECK(h.run({"GET", "n"}) == bulk("1234"));
  CHECK(h.run({"INCR", "n"}) == integer(1235));
  CHECK(h.run({"OBJECT", "ENCODING", "n"}) == bulk("int"));
  // A new key from SETRANGE is raw; MSETNX encodes as SET does; GETEX leaves the encoding.
  CHECK(h.run({"SETRANGE", "new", "3", "abc"}) == integer(6));
  CHECK(h.run({"OBJECT", "ENCODING", "new"}) == bulk("raw"));
  CHECK(h.run({"MSETNX", "a", "10", "b", "xyz"}) == integer(1));
  CHECK(h.run({"OBJECT", "ENCODING", "a"}) == bulk("int"));
  CHECK(h.run({"OBJECT", "ENCODING", "b"}) == bulk("embstr"));
  CHECK(h.run({"GETEX", "a", "PERSIST"}) == bulk("10"));
  CHECK(h.run({"OBJECT", "ENCODING", "a"}) == bulk("int"));
  // INCRBYFLOAT reads an int-encoded value.
  CHECK(h.run({"INCRBYFLOAT", "a", "0.5"}) == bulk("10.5"));
  CHECK(h.run({"SET", "m", "12345"}) == kOk);
  CHECK(h.run({"LCS", "m", "a"}) == bulk("15"));
}

TEST_CASE("INCRBYFLOAT") {
  FamilyHarness h;
  CHECK(h.run({"INCRBYFLOAT", "f", "1.5"}) == bulk("1.5"));
  CHECK(h.run({"INCRBYFLOAT", "f", "1.5"}) == bulk("3"));
  CHECK(h.run({"INCRBYFLOAT", "f", "0.1"}) == bulk("3.1"));
  CHECK(h.run({"INCRBYFLOAT", "f", "-3.1"}) == bulk("0"));
  CHECK(h.run({"INCRBYFLOAT", "f", "1e10"}) == bulk("10000000000"));
  CHECK(h.run({"INCRBYFLOAT", "f", "5.0e3"}) == bulk("10000005000"));
  CHECK(h.run({"INCRBYFLOAT", "f", "0x10"}) == bulk("10000005016"));
  CHECK(h.run({"GET", "f"}) == bulk("10000005016"));
  CHECK(h.run({"INCRBYFLOAT", "x", "1."}) == bulk("1"));
  CHECK(h.run({"INCRBYFLOAT", "x", ".5"}) == bulk("1.5"));
  CHECK(h.run({"INCRBYFLOAT", "x", "+5"}) == bulk("6.5"));
  CHECK(h.run({"SET", "h", "0.1"}) == kOk);
  CHECK(h.run({"INCRBYFLOAT", "h", "0.2"}) == bulk("0.3"));
  CHECK(h.run({"SET", "h", "1e5"}) == kOk);
  CHECK(h.run({"INCRBYFLOAT", "h", "0"}) == bulk("100000"));
  CHECK(h.run({"SET", "h", "-0"}) == kOk);
  CHECK(h.run({"INCRBYFLOAT", "h", "0"}) == bulk("0"));
  CHECK(h.run({"INCRBYFLOAT", "z", "-0.0"}) == bulk("0"));
  CHECK(h.run({"INCRBYFLOAT", "z", "1e-20"}) == bulk("0"));
  CHECK(h.run({"INCRBYFLOAT", "z", "1.23456789012345678901"}) == bulk("1.23456789012345679"));
  CHECK(h.run({"SET", "big", "1"}) == kOk);
  CHECK(h.run({"INCRBYFLOAT", "big", "10"}) == bulk("11"));
  CHECK(h.run({"INCRBYFLOAT", "big", "1e-17"}) == bulk("11.00000000000000001"));
  CHECK(h.run({"SET", "big", "9223372036854775807"}) == kOk);
  CHECK(h.run({"INCRBYFLOAT", "big", "1"}) == bulk("9223372036854775808"));
  CHECK(h.run({"INCRBYFLOAT", "b2", "123456789012345678901234567890"}) ==
        bulk("123456789012345678899921813504"));
  CHECK(h.run({"INCRBYFLOAT", "g", "1e308"}) ==
        bulk("99999999999999999996685879655845645660560099847415567207797047994921734868838061"
             "87210012692188853932044674722505401322315213474959396058359742081443019641876795"
             "91000196031907786631096045071066679391533957889389145605435630612683649016186302"
             "17086589253444881623791300855757318142424510452728255046343928578048"));
  CHECK(h.run({"STRLEN", "g"}) == integer(308));
}

TEST_CASE("INCRBYFLOAT errors") {
  FamilyHarness h;
  const std::string not_float = error("ERR value is not a valid float");
  const std::string nan_inf = error("ERR increment would produce NaN or Infinity");
  CHECK(h.run({"INCRBYFLOAT", "f", "abc"}) == not_float);
  CHECK(h.run({"INCRBYFLOAT", "f", ""}) == not_float);
  CHECK(h.run({"INCRBYFLOAT", "f", " 1"}) == not_float);
  CHECK(h.run({"INCRBYFLOAT", "f", "1 "}) == not_float);
  CHECK(h.run({"INCRBYFLOAT", "f", "nan"}) == not_float);
  CHECK(h.run({"INCRBYFLOAT", "f", "5e"}) == not_float);
  CHECK(h.run({"INCRBYFLOAT", "f", "1e4933"}) == not_float);
  CHECK(h.run(std::vector<std::string>{"INCRBYFLOAT", "f", std::string("1\0", 2)}) == not_float);
  CHECK(h.run({"INCRBYFLOAT", "f", "inf"}) == nan_inf);
  CHECK(h.run({"INCRBYFLOAT", "f", "-inf"}) == nan_inf);
  CHECK(h.run({"INCRBYFLOAT", "f", "infinity"}) == nan_inf);
  CHECK(h.run({"EXISTS", "f"}) == integer(0));
  // The stored value is checked first.
  CHECK(h.run({"SET", "s", "abc"}) == kOk);
  CHECK(h.run({"INCRBYFLOAT", "s", "1"}) == not_float);
  CHECK(h.run({"INCRBYFLOAT", "s", "abc"}) == not_float);
  CHECK(h.run({"SET", "s", " 1"}) == kOk);
  CHECK(h.run({"INCRBYFLOAT", "s", "1"}) == not_float);
  CHECK(h.run({"SET", "s", "inf"}) == kOk);
  CHECK(h.run({"INCRBYFLOAT", "s", "1"}) == nan_inf);
  CHECK(h.run({"SET", "g", "1e308"}) == kOk);
  CHECK(h.run({"INCRBYFLOAT", "g", "1e308"}) ==
        bulk("19999999999999999999337175931169129132112019969483113441559409598984346973767612"
             "37442002538437770786408934944501080264463042694991879211671948416288603928375359"
             "18200039206381557326219209014213335878306791577877829121087126122536729803237260"
             "434173178506889763247582601711514636284849020905456510092687857156096"));
  CHECK(h.run({"INCRBYFLOAT", "f"}) == wrong_args("incrbyfloat"));
  CHECK(h.run({"INCRBYFLOAT", "f", "1", "2"}) == wrong_args("incrbyfloat"));
}

TEST_CASE("INCRBYFLOAT keeps the TTL") {
  FamilyHarness h;
  CHECK(h.run({"SET", "t", "5", "EX", "100"}) == kOk);
  h.clock().advance_ms(1000);
  CHECK(h.run({"INCRBYFLOAT", "t", "1.5"}) == bulk("6.5"));
  CHECK(h.run({"TTL", "t"}) == integer(99));
  h.clock().advance_ms(99000);
  CHECK(h.run({"INCRBYFLOAT", "t", "1.5"}) == bulk("1.5"));
  CHECK(h.run({"TTL", "t"}) == integer(-1));
}

TEST_CASE("GETEX") {
  FamilyHarness h;
  CHECK(h.run({"GETEX", "nokey"}) == kNil);
  CHECK(h.run({"SET", "t", "v", "EX", "100"}) == kOk);
  CHECK(h.run({"GETEX", "t"}) == bulk("v"));
  CHECK(h.run({"TTL", "t"}) == integer(100));
  CHECK(h.run({"GETEX", "t", "EX", "50"}) == bulk("v"));
  CHECK(h.run({"TTL", "t"}) == integer(50));
  CHECK(h.run({"GETEX", "t", "PX", "20000"}) == bulk("v"));
  CHECK(h.run({"PTTL", "t"}) == integer(20000));
  CHECK(h.run({"GETEX", "t", "PERSIST"}) == bulk("v"));
  CHECK(h.run({"TTL", "t"}) == integer(-1));
  CHECK(h.run({"GETEX", "t", "PERSIST", "PERSIST"}) == bulk("v"));
  // The last of repeated options wins.
  CHECK(h.run({"GETEX", "t", "EX", "10", "EX", "20"}) == bulk("v"));
  CHECK(h.run({"TTL", "t"}) == integer(20));
  // An absolute time already past returns the value and deletes the key.
  CHECK(h.run({"SET", "k", "abc"}) == kOk);
  CHECK(h.run({"GETEX", "k", "EXAT", "1"}) == bulk("abc"));
  CHECK(h.run({"EXISTS", "k"}) == integer(0));
  CHECK(h.run({"SET", "k", "abc"}) == kOk);
  CHECK(h.run({"GETEX", "k", "PXAT", "1"}) == bulk("abc"));
  CHECK(h.run({"GET", "k"}) == kNil);
  // Int-encoded values read as their text.
  CHECK(h.run({"SET", "n", "123"}) == kOk);
  CHECK(h.run({"GETEX", "n", "EX", "100"}) == bulk("123"));
  CHECK(h.run({"TTL", "n"}) == integer(100));
  const std::string bin("\0\r\n", 3);
  CHECK(h.run(std::vector<std::string>{"SET", "b", bin}) == kOk);
  CHECK(h.run({"GETEX", "b"}) == bulk(bin));
  CHECK(h.run({"GETEX"}) == wrong_args("getex"));
}

TEST_CASE("GETEX EXAT and PXAT on the clock") {
  FamilyHarness h;
  CHECK(h.run({"SET", "t", "v"}) == kOk);
  const long long now = h.clock().now_ms();
  CHECK(h.run({"GETEX", "t", "EXAT", std::to_string(now / 1000 + 30)}) == bulk("v"));
  CHECK(h.run({"TTL", "t"}) == integer(30));
  CHECK(h.run({"GETEX", "t", "pxat", std::to_string(now + 2500)}) == bulk("v"));
  CHECK(h.run({"PTTL", "t"}) == integer(2500));
  h.clock().advance_ms(1000);
  CHECK(h.run({"GETEX", "t", "PX", "500"}) == bulk("v"));
  h.clock().advance_ms(499);
  CHECK(h.run({"GETEX", "t"}) == bulk("v"));
  h.clock().advance_ms(1);
  CHECK(h.run({"GETEX", "t"}) == kNil);
  CHECK(h.run({"EXISTS", "t"}) == integer(0));
}

TEST_CASE("GETEX errors") {
  FamilyHarness h;
  // Options are checked before the key; the expiry value only for an existing key.
  CHECK(h.run({"GETEX", "nokey", "FOO"}) == kSyntax);
  CHECK(h.run({"GETEX", "nokey", "EX"}) == kSyntax);
  CHECK(h.run({"GETEX", "nokey", "PERSIST", "EX", "10"}) == kSyntax);
  CHECK(h.run({"GETEX", "nokey", "EX", "10"}) == kNil);
  CHECK(h.run({"GETEX", "nokey", "EX", "abc"}) == kNil);
  CHECK(h.run({"GETEX", "nokey", "EX", "-1"}) == kNil);
  CHECK(h.run({"SET", "t", "v"}) == kOk);
  CHECK(h.run({"GETEX", "t", "EX", "10", "PX", "20"}) == kSyntax);
  CHECK(h.run({"GETEX", "t", "EX", "10", "PERSIST"}) == kSyntax);
  CHECK(h.run({"GETEX", "t", "ex", "10", "persist"}) == kSyntax);
  CHECK(h.run({"GETEX", "t", "PERSIST", "EX", "10"}) == kSyntax);
  CHECK(h.run({"GETEX", "t", "KEEPTTL"}) == kSyntax);
  CHECK(h.run({"GETEX", "t", "NX"}) == kSyntax);
  CHECK(h.run({"GETEX", "t", "GET"}) == kSyntax);
  CHECK(h.run({"GETEX", "t", "EX", "abc"}) == kNotInt);
  CHECK(h.run({"GETEX", "t", "EX", "1.5"}) == kNotInt);
  CHECK(h.run({"GETEX", "t", "EX", "0"}) == invalid_expire("getex"));
  CHECK(h.run({"GETEX", "t", "EX", "-5"}) == invalid_expire("getex"));
  CHECK(h.run({"GETEX", "t", "EX", "9223372036854775807"}) == invalid_expire("getex"));
  CHECK(h.run({"GETEX", "t", "EX", "9223372036854775"}) == invalid_expire("getex"));
  CHECK(h.run({"GETEX", "t", "PX", "9223372036854775807"}) == invalid_expire("getex"));
  CHECK(h.run({"GETEX", "t", "EXAT", "9223372036854775807"}) == invalid_expire("getex"));
  CHECK(h.run({"TTL", "t"}) == integer(-1));
  CHECK(h.run({"GETEX", "t", "EXAT", "9223372036854775"}) == bulk("v"));
  CHECK(h.run({"GETEX", "t", "PXAT", "9223372036854775807"}) == bulk("v"));
  h.client().resp = 3;
  CHECK(h.run({"GETEX", "nokey"}) == "_\r\n");
}

TEST_CASE("MSETNX") {
  FamilyHarness h;
  CHECK(h.run({"MSETNX", "a", "1", "b", "2"}) == integer(1));
  CHECK(h.run({"MSETNX", "a", "1", "c", "3"}) == integer(0));
  CHECK(h.run({"EXISTS", "c"}) == integer(0));
  // A key named twice takes its last value.
  CHECK(h.run({"MSETNX", "c", "1", "c", "2"}) == integer(1));
  CHECK(h.run({"GET", "c"}) == bulk("2"));
  CHECK(h.run({"MGET", "a", "b"}) == "*2\r\n" + bulk("1") + bulk("2"));
  CHECK(h.run({"MSETNX", "a"}) == wrong_args("msetnx"));
  CHECK(h.run({"MSETNX", "a", "1", "b"}) == wrong_args("msetnx"));
  CHECK(h.run({"MSETNX"}) == wrong_args("msetnx"));
  const std::string bin("x\0\r\n", 4);
  CHECK(h.run(std::vector<std::string>{"MSETNX", bin, bin}) == integer(1));
  CHECK(h.run(std::vector<std::string>{"GET", bin}) == bulk(bin));
}

TEST_CASE("MSETNX ignores expired keys and sets no TTL") {
  FamilyHarness h;
  CHECK(h.run({"SET", "t", "v", "PX", "100"}) == kOk);
  h.clock().advance_ms(100);
  CHECK(h.run({"MSETNX", "t", "w", "u", "x"}) == integer(1));
  CHECK(h.run({"GET", "t"}) == bulk("w"));
  CHECK(h.run({"TTL", "t"}) == integer(-1));
}

TEST_CASE("LCS") {
  FamilyHarness h;
  CHECK(h.run({"MSET", "key1", "ohmytext", "key2", "mynewtext"}) == kOk);
  CHECK(h.run({"LCS", "key1", "key2"}) == bulk("mytext"));
  CHECK(h.run({"LCS", "key1", "key2", "LEN"}) == integer(6));
  CHECK(h.run({"LCS", "key1", "key2", "LEN", "WITHMATCHLEN"}) == integer(6));
  CHECK(h.run({"LCS", "key1", "key2", "MINMATCHLEN", "3"}) == bulk("mytext"));
  const std::string idx =
      "*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:"
      "3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n";
  CHECK(h.run({"LCS", "key1", "key2", "IDX"}) == idx);
  CHECK(h.run({"LCS", "key1", "key2", "idx", "minmatchlen", "-5"}) == idx);
  CHECK(
      h.run({"LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"}) ==
      "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:"
      "6\r\n");
  CHECK(h.run({"LCS", "key1", "key2", "IDX", "WITHMATCHLEN"}) ==
        "*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n*3\r\n*2\r\n:"
        "2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n");
  CHECK(h.run({"MSET", "a", "abcXdefYghi", "b", "abcdefghi"}) == kOk);
  CHECK(
      h.run({"LCS", "a", "b", "IDX"}) ==
      "*4\r\n$7\r\nmatches\r\n*3\r\n*2\r\n*2\r\n:8\r\n:10\r\n*2\r\n:6\r\n:8\r\n*2\r\n*2\r\n:4\r\n:"
      "6\r\n*2\r\n:3\r\n:5\r\n*2\r\n*2\r\n:0\r\n:2\r\n*2\r\n:0\r\n:2\r\n$3\r\nlen\r\n:9\r\n");
  // Missing keys are empty strings; int-encoded values read as their text.
  CHECK(h.run({"LCS", "key1", "nokey"}) == bulk(""));
  CHECK(h.run({"LCS", "nokey", "nokey2", "IDX"}) ==
        "*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n");
  CHECK(h.run({"LCS", "nokey", "nokey2", "LEN"}) == integer(0));
  CHECK(h.run({"MSET", "n1", "12345", "n2", "2345"}) == kOk);
  CHECK(
      h.run({"LCS", "n1", "n2", "IDX", "WITHMATCHLEN"}) ==
      "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:1\r\n:4\r\n*2\r\n:0\r\n:3\r\n:4\r\n$3\r\nlen\r\n:"
      "4\r\n");
  const std::string x("a\0\r\nb", 5), y("\0b\r\n", 4);
  CHECK(h.run(std::vector<std::string>{"MSET", "x", x, "y", y}) == kOk);
  CHECK(h.run({"LCS", "x", "y"}) == bulk(std::string("\0\r\n", 3)));
}

TEST_CASE("LCS errors") {
  FamilyHarness h;
  CHECK(h.run({"MSET", "key1", "ohmytext", "key2", "mynewtext"}) == kOk);
  CHECK(h.run({"LCS", "key1", "key2", "MINMATCHLEN", "abc"}) == kNotInt);
  CHECK(h.run({"LCS", "key1", "key2", "MINMATCHLEN"}) == kSyntax);
  CHECK(h.run({"LCS", "key1", "key2", "FOO"}) == kSyntax);
  CHECK(h.run({"LCS", "key1", "key2", "LEN", "IDX"}) ==
        error("ERR If you want both the length and indexes, please just use IDX."));
  CHECK(h.run({"LCS", "key1"}) == wrong_args("lcs"));
  // The table may not need more than 512MB (12002 * 12002 * 4 bytes do).
  CHECK(h.run({"SETRANGE", "a", "12000", "x"}) == integer(12001));
  CHECK(h.run({"SETRANGE", "b", "12000", "y"}) == integer(12001));
  CHECK(h.run({"LCS", "a", "b", "LEN"}) ==
        error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"));
}

TEST_CASE("LCS IDX replies a map in RESP3") {
  FamilyHarness h;
  h.client().resp = 3;
  CHECK(h.run({"MSET", "key1", "ohmytext", "key2", "mynewtext"}) == kOk);
  CHECK(h.run({"LCS", "key1", "key2", "IDX"}) ==
        "%2\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:"
        "3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n");
  CHECK(h.run({"LCS", "key1", "key2", "IDX", "WITHMATCHLEN"}) ==
        "%2\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n*3\r\n*2\r\n:"
        "2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n");
  CHECK(h.run({"LCS", "nokey", "nokey2", "IDX"}) ==
        "%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n");
  CHECK(h.run({"LCS", "key1", "key2", "LEN"}) == integer(6));
}

// ---- Keyspace events, dirty and propagation (checked against redis-server 7.0.15 with
// notify-keyspace-events KEA, its append-only file and rdb_changes_since_last_save) ----

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) {
    if (!out.empty()) out.append(", ");
    out.append(s);
  }
  return out;
}

// What a log recorded since the last call: "[events] [propagated commands] dirty", each event
// "db event key", each command its arguments joined by spaces.
std::string reported(OutcomeLog& log) {
  std::string out = "[" + joined(log.take_events()) + "] [";
  out.append(joined(log.take_propagated()));
  out.append("] ");
  out.append(std::to_string(log.take_dirty()));
  return out;
}
std::string reported(FamilyHarness& h) {
  return reported(h.log());
}
const std::string kNothing = "[] [] 0";
const std::string kWrongTypeText =
    "WRONGTYPE Operation against a key holding the wrong kind of value";

TEST_CASE("SET: events and propagation") {
  FamilyHarness h;
  CHECK(h.run({"SET", "k", "v"}) == kOk);
  CHECK(reported(h) == "[0 set k] [SET k v] 1");
  // GET is left out of what is propagated, whatever its case.
  CHECK(h.run({"SET", "k", "v2", "GET"}) == bulk("v"));
  CHECK(reported(h) == "[0 set k] [SET k v2] 1");
  CHECK(h.run({"SET", "k", "v4", "XX", "GET", "get"}) == bulk("v2"));
  CHECK(reported(h) == "[0 set k] [SET k v4 XX] 1");
  CHECK(h.run({"SET", "k", "v6", "KEEPTTL"}) == kOk);
  CHECK(reported(h) == "[0 set k] [SET k v6 KEEPTTL] 1");
  // Not written: nothing.
  CHECK(h.run({"SET", "k", "v3", "get", "NX", "GET"}) == bulk("v6"));
  CHECK(h.run({"SET", "n", "v", "XX"}) == kNil);
  CHECK(h.run({"SET", "k", "v", "EX", "0"}) == error("ERR invalid expire time in 'set' command"));
  CHECK(reported(h) == kNothing);
  // A TTL: "set" then "expire", propagated with an absolute PXAT whatever the options.
  CHECK(h.run({"SET", "k", "v5", "EX", "100", "GET"}) == bulk("v6"));
  CHECK(reported(h) == "[0 set k, 0 expire k] [SET k v5 PXAT 1700000100000] 1");
  CHECK(h.run({"SET", "k", "v", "NX", "PX", "5"}) == kNil);
  CHECK(reported(h) == kNothing);
  CHECK(h.run({"SET", "k", "v", "XX", "PX", "5"}) == kOk);
  CHECK(reported(h) == "[0 set k, 0 expire k] [SET k v PXAT 1700000000005] 1");
  CHECK(h.run({"SET", "k", "v", "EXAT", "1800000000"}) == kOk);
  CHECK(reported(h) == "[0 set k, 0 expire k] [SET k v PXAT 1800000000000] 1");
  CHECK(h.run({"SET", "k", "v", "PXAT", "1800000000001"}) == kOk);
  CHECK(reported(h) == "[0 set k, 0 expire k] [SET k v PXAT 1800000000001] 1");
  // A time already past: Redis sets the key, then its expiry reclaims it ("expired", DEL).
  CHECK(h.run({"SET", "k", "v7", "PXAT", "1"}) == kOk);
  CHECK(reported(h) == "[0 set k, 0 expire k, 0 expired k] [SET k v7 PXAT 1, DEL k] 1");
  CHECK(h.run({"GET", "k"}) == kNil);
  CHECK(reported(h) == kNothing);
}

TEST_CASE("SETNX, SETEX, PSETEX, GETSET, GETDEL: events and propagation") {
  FamilyHarness h;
  CHECK(h.run({"SETNX", "k", "v"}) == integer(1));
  CHECK(reported(h) == "[0 set k] [SETNX k v] 1");
  CHECK(h.run({"SETNX", "k", "v"}) == integer(0));
  CHECK(reported(h) == kNothing);
  CHECK(h.run({"SETEX", "k3", "10", "v"}) == kOk);
  CHECK(reported(h) == "[0 set k3, 0 expire k3] [SET k3 v PXAT 1700000010000] 1");
  CHECK(h.run({"PSETEX", "k3", "10000", "v"}) == kOk);
  CHECK(reported(h) == "[0 set k3, 0 expire k3] [SET k3 v PXAT 1700000010000] 1");
  CHECK(h.run({"SETEX", "k3", "0", "v"}) == error("ERR invalid expire time in 'setex' command"));
  CHECK(reported(h) == kNothing);
  CHECK(h.run({"GETSET", "k3", "w"}) == bulk("v"));
  CHECK(reported(h) == "[0 set k3] [SET k3 w] 1");
  CHECK(h.run({"getset", "k4", "w"}) == kNil);
  CHECK(reported(h) == "[0 set k4] [SET k4 w] 1");
  CHECK(h.run({"GETDEL", "k4"}) == bulk("w"));
  CHECK(reported(h) == "[0 del k4] [DEL k4] 1");
  CHECK(h.run({"GETDEL", "k4"}) == kNil);
  CHECK(reported(h) == kNothing);
  CHECK(h.run({"RPUSH", "l", "a"}) == integer(1));
  reported(h);
  CHECK(h.run({"GETSET", "l", "w"}) == error(kWrongTypeText));
  CHECK(h.run({"GETDEL", "l"}) == error(kWrongTypeText));
  CHECK(h.run({"SET", "l", "w", "GET"}) == error(kWrongTypeText));
  CHECK(reported(h) == kNothing);
}

TEST_CASE("GETEX: events and propagation") {
  FamilyHarness h;
  CHECK(h.run({"SET", "t", "v"}) == kOk);
  reported(h);
  // No TTL change: nothing.
  CHECK(h.run({"GETEX", "t"}) == bulk("v"));
  CHECK(h.run({"GETEX", "t", "PERSIST"}) == bulk("v"));
  CHECK(h.run({"GETEX", "missing", "EX", "10"}) == kNil);
  CHECK(reported(h) == kNothing);
  // Never propagated as sent: as PEXPIREAT, PERSIST or DEL.
  CHECK(h.run({"GETEX", "t", "EX", "100"}) == bulk("v"));
  CHECK(reported(h) == "[0 expire t] [PEXPIREAT t 1700000100000] 1");
  CHECK(h.run({"GETEX", "t", "PX", "100000"}) == bulk("v"));
  CHECK(reported(h) == "[0 expire t] [PEXPIREAT t 1700000100000] 1");
  CHECK(h.run({"GETEX", "t", "PXAT", "99999999999999"}) == bulk("v"));
  CHECK(reported(h) == "[0 expire t] [PEXPIREAT t 99999999999999] 1");
  CHECK(h.run({"GETEX", "t", "PERSIST"}) == bulk("v"));
  CHECK(reported(h) == "[0 persist t] [PERSIST t] 1");
  CHECK(h.run({"GETEX", "t", "EXAT", "1"}) == bulk("v"));
  CHECK(reported(h) == "[0 del t] [DEL t] 1");
  CHECK(h.run({"EXISTS", "t"}) == integer(0));
}

TEST_CASE("MSET and MSETNX: events and propagation") {
  FamilyHarness h;
  CHECK(h.run({"MSET", "a", "1", "b", "2", "a", "3"}) == kOk);
  CHECK(reported(h) == "[0 set a, 0 set b, 0 set a] [MSET a 1 b 2 a 3] 3");
  CHECK(h.run({"MSETNX", "a", "1", "c", "2"}) == integer(0));
  CHECK(reported(h) == kNothing);
  CHECK(h.run({"MSETNX", "c", "1", "d", "2"}) == integer(1));
  CHECK(reported(h) == "[0 set c, 0 set d] [MSETNX c 1 d 2] 2");
}

// A shard owning only some of MSET's keys runs its part: it reports and propagates its own pairs
// only (the whole command, replayed there, would write the other shards' keys).
TEST_CASE("MSET on part of its keys propagates that part") {
  FamilyHarness h;
  server::ShardStore store(h.clock());
  server::Executor exec(store);
  OutcomeLog log;
  exec.add_observer(&log);
  const server::CommandSpec* spec = h.registry().find("mset");
  REQUIRE(spec != nullptr);
  std::vector<std::string_view> args{"MSET", "a", "1", "b", "2", "c", "3"};
  std::vector<uint32_t> idx{1, 5};
  server::PartResult part;
  exec.run_part(*spec, args, 0, idx, part);
  CHECK(reported(log) == "[0 set a, 0 set c] [MSET a 1 c 3] 2");
  idx = {1, 3, 5};
  exec.run_part(*spec, args, 0, idx, part);
  CHECK(reported(log) == "[0 set a, 0 set b, 0 set c] [MSET a 1 b 2 c 3] 3");
}

TEST_CASE("APPEND, SETRANGE and the INCR family: events and propagation") {
  FamilyHarness h;
  CHECK(h.run({"SET", "a", "1"}) == kOk);
  reported(h);
  CHECK(h.run({"APPEND", "a", "x"}) == integer(2));
  CHECK(reported(h) == "[0 append a] [APPEND a x] 1");
  // Appending nothing still counts, and creates an empty string.
  CHECK(h.run({"APPEND", "e", ""}) == integer(0));
  CHECK(h.run({"APPEND", "e", ""}) == integer(0));
  CHECK(reported(h) == "[0 append e, 0 append e] [APPEND e , APPEND e ] 2");
  // Writing nothing does not.
  CHECK(h.run({"SETRANGE", "f", "0", ""}) == integer(0));
  CHECK(h.run({"SETRANGE", "a", "0", ""}) == integer(2));
  CHECK(reported(h) == kNothing);
  CHECK(h.run({"SETRANGE", "a", "1", "z"}) == integer(2));
  CHECK(reported(h) == "[0 setrange a] [SETRANGE a 1 z] 1");
  CHECK(h.run({"SETRANGE", "g", "2", "z"}) == integer(3));
  CHECK(reported(h) == "[0 setrange g] [SETRANGE g 2 z] 1");
  CHECK(h.run({"INCR", "i"}) == integer(1));
  CHECK(h.run({"DECR", "i"}) == integer(0));
  CHECK(h.run({"INCRBY", "i", "5"}) == integer(5));
  CHECK(h.run({"DECRBY", "i", "5"}) == integer(0));
  CHECK(reported(h) ==
        "[0 incrby i, 0 incrby i, 0 incrby i, 0 incrby i] "
        "[INCR i, DECR i, INCRBY i 5, DECRBY i 5] 4");
  // INCRBYFLOAT is propagated as the value it produced, keeping the TTL.
  CHECK(h.run({"INCRBYFLOAT", "i", "1.5"}) == bulk("1.5"));
  CHECK(h.run({"INCRBYFLOAT", "i", "1e3"}) == bulk("1001.5"));
  CHECK(reported(h) ==
        "[0 incrbyfloat i, 0 incrbyfloat i] [SET i 1.5 KEEPTTL, SET i 1001.5 KEEPTTL] 2");
  // Errors: nothing.
  CHECK(h.run({"INCR", "a"}) == kNotInt);
  CHECK(h.run({"INCRBYFLOAT", "a", "1"}) == error("ERR value is not a valid float"));
  CHECK(reported(h) == kNothing);
  CHECK(h.run({"SET", "m", "9223372036854775807"}) == kOk);
  reported(h);
  CHECK(h.run({"INCR", "m"}) == kOverflow);
  CHECK(h.run({"DECRBY", "m", "-9223372036854775808"}) == error("ERR decrement would overflow"));
  CHECK(reported(h) == kNothing);
}

TEST_CASE("string reads report nothing") {
  FamilyHarness h;
  CHECK(h.run({"SET", "a", "hello"}) == kOk);
  reported(h);
  h.run({"GET", "a"});
  h.run({"MGET", "a", "b"});
  h.run({"STRLEN", "a"});
  h.run({"GETRANGE", "a", "0", "1"});
  h.run({"SUBSTR", "a", "0", "1"});
  h.run({"LCS", "a", "a"});
  CHECK(reported(h) == kNothing);
}

}  // namespace
}  // namespace shardis::test
