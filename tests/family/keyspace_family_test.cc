// Keyspace family against Redis 7.0's exact replies (checked on redis-server 7.0.15).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support/family_harness.h"
#include "support/resp_expect.h"

namespace shardis::test {
namespace {

const std::string kNxConflict =
    "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n";
const std::string kGtLtConflict = "-ERR GT and LT options at the same time are not compatible\r\n";

TEST_CASE("DEL and UNLINK count each removed key once") {
  FamilyHarness h;
  CHECK(h.run({"MSET", "a", "1", "b", "2"}) == kOk);
  CHECK(h.run({"DEL", "a", "a", "b", "c"}) == integer(2));
  CHECK(h.run({"EXISTS", "a", "b"}) == integer(0));
  CHECK(h.run({"MSET", "a", "1", "b", "2"}) == kOk);
  CHECK(h.run({"UNLINK", "a", "a", "b"}) == integer(2));
  CHECK(h.run({"DEL", "a"}) == integer(0));
  CHECK(h.run({"DEL"}) == wrong_args("del"));
  CHECK(h.run({"UNLINK"}) == wrong_args("unlink"));
}

TEST_CASE("EXISTS and TOUCH count repeated keys each time") {
  FamilyHarness h;
  CHECK(h.run({"MSET", "a", "1", "b", "2"}) == kOk);
  CHECK(h.run({"EXISTS", "a", "a", "b", "c"}) == integer(3));
  CHECK(h.run({"TOUCH", "a", "a", "b", "c"}) == integer(3));
  CHECK(h.run({"EXISTS", "c"}) == integer(0));
  CHECK(h.run({"EXISTS"}) == wrong_args("exists"));
  CHECK(h.run({"TOUCH"}) == wrong_args("touch"));
}

TEST_CASE("expired keys are gone for every keyspace command") {
  FamilyHarness h;
  CHECK(h.run({"SET", "k", "v", "PX", "100"}) == kOk);
  h.clock().advance_ms(99);
  CHECK(h.run({"EXISTS", "k"}) == integer(1));
  h.clock().advance_ms(1);
  CHECK(h.run({"EXISTS", "k"}) == integer(0));
  CHECK(h.run({"TYPE", "k"}) == "+none\r\n");
  CHECK(h.run({"TTL", "k"}) == integer(-2));
  CHECK(h.run({"DEL", "k"}) == integer(0));
  CHECK(h.run({"PERSIST", "k"}) == integer(0));
  CHECK(h.run({"EXPIRE", "k", "10"}) == integer(0));
}

TEST_CASE("binary keys") {
  FamilyHarness h;
  const std::string key("a\0\r\n", 4);
  CHECK(h.run(std::vector<std::string>{"SET", key, "v"}) == kOk);
  CHECK(h.run(std::vector<std::string>{"EXISTS", key, "a"}) == integer(1));
  CHECK(h.run(std::vector<std::string>{"EXPIRE", key, "10"}) == integer(1));
  CHECK(h.run(std::vector<std::string>{"TTL", key}) == integer(10));
  CHECK(h.run(std::vector<std::string>{"TYPE", key}) == "+string\r\n");
  CHECK(h.run(std::vector<std::string>{"DEL", key}) == integer(1));
}

TEST_CASE("TYPE") {
  FamilyHarness h;
  CHECK(h.run({"TYPE", "k"}) == "+none\r\n");
  CHECK(h.run({"SET", "k", "1"}) == kOk);
  CHECK(h.run({"TYPE", "k"}) == "+string\r\n");
  CHECK(h.run({"TYPE"}) == wrong_args("type"));
  h.client().resp = 3;
  CHECK(h.run({"TYPE", "k"}) == "+string\r\n");
}

TEST_CASE("EXPIRE, PEXPIRE, TTL, PTTL") {
  FamilyHarness h;
  CHECK(h.run({"TTL", "k"}) == integer(-2));
  CHECK(h.run({"PTTL", "k"}) == integer(-2));
  CHECK(h.run({"EXPIRE", "k", "10"}) == integer(0));
  CHECK(h.run({"SET", "k", "v"}) == kOk);
  CHECK(h.run({"TTL", "k"}) == integer(-1));
  CHECK(h.run({"PTTL", "k"}) == integer(-1));
  CHECK(h.run({"EXPIRE", "k", "10"}) == integer(1));
  CHECK(h.run({"TTL", "k"}) == integer(10));
  CHECK(h.run({"PTTL", "k"}) == integer(10000));
  // TTL rounds to the nearest second.
  h.clock().advance_ms(9400);
  CHECK(h.run({"PTTL", "k"}) == integer(600));
  CHECK(h.run({"TTL", "k"}) == integer(1));
  h.clock().advance_ms(200);
  CHECK(h.run({"TTL", "k"}) == integer(0));
  h.clock().advance_ms(400);
  CHECK(h.run({"TTL", "k"}) == integer(-2));
  CHECK(h.run({"SET", "k", "v"}) == kOk);
  CHECK(h.run({"PEXPIRE", "k", "1500"}) == integer(1));
  CHECK(h.run({"PTTL", "k"}) == integer(1500));
  CHECK(h.run({"TTL", "k"}) == integer(2));
  h.clock().advance_ms(1500);
  CHECK(h.run({"GET", "k"}) == kNil);
}

TEST_CASE("EXPIRE with a time not in the future deletes the key") {
  FamilyHarness h;
  CHECK(h.run({"SET", "k", "v"}) == kOk);
  CHECK(h.run({"EXPIRE", "k", "0"}) == integer(1));
  CHECK(h.run({"EXISTS", "k"}) == integer(0));
  CHECK(h.run({"SET", "k", "v"}) == kOk);
  CHECK(h.run({"EXPIRE", "k", "-1"}) == integer(1));
  CHECK(h.run({"EXISTS", "k"}) == integer(0));
  CHECK(h.run({"SET", "k", "v"}) == kOk);
  CHECK(h.run({"PEXPIRE", "k", "-9223372036854775808"}) == integer(1));
  CHECK(h.run({"EXISTS", "k"}) == integer(0));
  CHECK(h.run({"SET", "k", "v"}) == kOk);
  CHECK(h.run({"EXPIRE", "k", "-9223372036854775"}) == integer(1));
  CHECK(h.run({"EXISTS", "k"}) == integer(0));
}

TEST_CASE("EXPIRE time errors") {
  FamilyHarness h;
  CHECK(h.run({"SET", "k", "v"}) == kOk);
  CHECK(h.run({"EXPIRE", "k", "abc"}) == kNotInt);
  CHECK(h.run({"EXPIRE", "k", "1.5"}) == kNotInt);
  CHECK(h.run({"EXPIRE", "k", "9223372036854775807"}) == invalid_expire("expire"));
  CHECK(h.run({"EXPIRE", "k", "9223372036854775"}) == invalid_expire("expire"));
  CHECK(h.run({"EXPIRE", "k", "9223372036854774"}) == invalid_expire("expire"));
  CHECK(h.run({"EXPIRE", "k", "-9223372036854775808"}) == invalid_expire("expire"));
  CHECK(h.run({"PEXPIRE", "k", "9223372036854775807"}) == invalid_expire("pexpire"));
  CHECK(h.run({"PEXPIRE", "k", "9223372036854775000"}) == invalid_expire("pexpire"));
  CHECK(h.run({"TTL", "k"}) == integer(-1));
  CHECK(h.run({"EXPIRE", "k", "92233720368547"}) == integer(1));
  CHECK(h.run({"TTL", "k"}) == integer(92233720368547));
  // The time is checked even when the key is missing.
  CHECK(h.run({"EXPIRE", "missing", "abc"}) == kNotInt);
  CHECK(h.run({"EXPIRE", "k"}) == wrong_args("expire"));
  CHECK(h.run({"PEXPIRE", "k"}) == wrong_args("pexpire"));
}

TEST_CASE("EXPIRE option errors come before the time") {
  FamilyHarness h;
  CHECK(h.run({"SET", "k", "v"}) == kOk);
  CHECK(h.run({"EXPIRE", "k", "10", "NX", "XX"}) == kNxConflict);
  CHECK(h.run({"EXPIRE", "k", "10", "NX", "GT"}) == kNxConflict);
  CHECK(h.run({"EXPIRE", "k", "10", "nx", "lt"}) == kNxConflict);
  CHECK(h.run({"EXPIRE", "k", "10", "xx", "nx"}) == kNxConflict);
  CHECK(h.run({"EXPIRE", "k", "1", "gt", "lt", "nx"}) == kNxConflict);
  CHECK(h.run({"EXPIRE", "k", "10", "GT", "LT"}) == kGtLtConflict);
  CHECK(h.run({"EXPIRE", "k", "10", "lt", "gt", "xx"}) == kGtLtConflict);
  CHECK(h.run({"EXPIRE", "k", "10", "foo"}) == "-ERR Unsupported option foo\r\n");
  CHECK(h.run({"EXPIRE", "k", "1", "2"}) == "-ERR Unsupported option 2\r\n");
  CHECK(h.run({"EXPIRE", "k", "1", "nx", "xx", "foo"}) == "-ERR Unsupported option foo\r\n");
  CHECK(h.run({"PEXPIRE", "k", "10", "foo"}) == "-ERR Unsupported option foo\r\n");
  CHECK(h.run({"EXPIRE", "k", "abc", "foo"}) == "-ERR Unsupported option foo\r\n");
  CHECK(h.run({"EXPIRE", "missing", "abc", "NX", "XX"}) == kNxConflict);
  CHECK(h.run(std::vector<std::string>{"EXPIRE", "k", "1", std::string("ab\0c", 4)}) ==
        "-ERR Unsupported option ab\r\n");
  CHECK(h.run({"TTL", "k"}) == integer(-1));
}

TEST_CASE("EXPIRE NX, XX, GT, LT") {
  FamilyHarness h;
  CHECK(h.run({"SET", "k", "v"}) == kOk);
  // Without a TTL: XX and GT fail (no TTL counts as infinite), LT succeeds.
  CHECK(h.run({"EXPIRE", "k", "10", "XX"}) == integer(0));
  CHECK(h.run({"EXPIRE", "k", "10", "GT"}) == integer(0));
  CHECK(h.run({"EXPIRE", "k", "10", "XX", "GT"}) == integer(0));
  CHECK(h.run({"TTL", "k"}) == integer(-1));
  CHECK(h.run({"EXPIRE", "k", "10", "LT"}) == integer(1));
  CHECK(h.run({"TTL", "k"}) == integer(10));
  CHECK(h.run({"PERSIST", "k"}) == integer(1));
  CHECK(h.run({"EXPIRE", "k", "10", "NX"}) == integer(1));
  CHECK(h.run({"EXPIRE", "k", "20", "NX"}) == integer(0));
  CHECK(h.run({"EXPIRE", "k", "20", "nx", "nx"}) == integer(0));
  CHECK(h.run({"TTL", "k"}) == integer(10));
  CHECK(h.run({"EXPIRE", "k", "20", "XX"}) == integer(1));
  // GT and LT need a strictly greater or smaller time.
  CHECK(h.run({"EXPIRE", "k", "20", "GT"}) == integer(0));
  CHECK(h.run({"EXPIRE", "k", "20", "LT"}) == integer(0));
  CHECK(h.run({"EXPIRE", "k", "30", "GT"}) == integer(1));
  CHECK(h.run({"EXPIRE", "k", "5", "GT"}) == integer(0));
  CHECK(h.run({"EXPIRE", "k", "5", "XX", "LT"}) == integer(1));
  CHECK(h.run({"EXPIRE", "k", "50", "LT"}) == integer(0));
  CHECK(h.run({"PEXPIRE", "k", "5001", "GT"}) == integer(1));
  CHECK(h.run({"PTTL", "k"}) == integer(5001));
  // A past time still obeys the options before deleting.
  CHECK(h.run({"EXPIRE", "k", "-1", "NX"}) == integer(0));
  CHECK(h.run({"EXPIRE", "k", "-1", "GT"}) == integer(0));
  CHECK(h.run({"EXISTS", "k"}) == integer(1));
  CHECK(h.run({"EXPIRE", "k", "-1", "LT"}) == integer(1));
  CHECK(h.run({"EXISTS", "k"}) == integer(0));
  CHECK(h.run({"EXPIRE", "missing", "10", "LT"}) == integer(0));
}

TEST_CASE("PERSIST") {
  FamilyHarness h;
  CHECK(h.run({"PERSIST", "k"}) == integer(0));
  CHECK(h.run({"SET", "k", "v", "EX", "10"}) == kOk);
  CHECK(h.run({"PERSIST", "k"}) == integer(1));
  CHECK(h.run({"PERSIST", "k"}) == integer(0));
  CHECK(h.run({"TTL", "k"}) == integer(-1));
  h.clock().advance_ms(20000);
  CHECK(h.run({"GET", "k"}) == "$1\r\nv\r\n");
  CHECK(h.run({"PERSIST"}) == wrong_args("persist"));
  CHECK(h.run({"TTL"}) == wrong_args("ttl"));
  CHECK(h.run({"TTL", "a", "b"}) == wrong_args("ttl"));
  CHECK(h.run({"PTTL"}) == wrong_args("pttl"));
}

}  // namespace
}  // namespace shardis::test
