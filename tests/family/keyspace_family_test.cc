// Keyspace family against Redis 7.0's exact replies (checked on redis-server 7.0.15).
#include <doctest/doctest.h>
#include <shardis/proto/reply_buffer.h>
#include <shardis/server/exec/executor.h>
#include <shardis/server/txn/txn_command.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/family_harness.h"
#include "support/resp_expect.h"

namespace shardis::test {
namespace {

const std::string kNxConflict =
    "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n";
const std::string kGtLtConflict = "-ERR GT and LT options at the same time are not compatible\r\n";
const std::string kNoSuchKey = "-ERR no such key\r\n";
const std::string kSameObject = "-ERR source and destination objects are the same\r\n";
const std::string kDbRange = "-ERR DB index is out of range\r\n";
const std::string kIntRange =
    "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n";
const std::string kRespNull3 = "_\r\n";
// The harness clock starts at 1,700,000,000,000 ms.
constexpr long long kNowMs = 1'700'000'000'000;
constexpr long long kNowS = kNowMs / 1000;

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
  CHECK(h.run({"PEXPIREAT", "k", "99999999999999"}) == integer(0));
  CHECK(h.run({"EXPIRETIME", "k"}) == integer(-2));
  CHECK(h.run({"PEXPIRETIME", "k"}) == integer(-2));
  CHECK(h.run({"RENAME", "k", "k2"}) == kNoSuchKey);
  CHECK(h.run({"RENAMENX", "k", "k2"}) == kNoSuchKey);
  CHECK(h.run({"COPY", "k", "k2"}) == integer(0));
  CHECK(h.run({"MOVE", "k", "1"}) == integer(0));
  CHECK(h.run({"OBJECT", "ENCODING", "k"}) == kNil);
  CHECK(h.run({"MEMORY", "USAGE", "k"}) == kNil);
  CHECK(h.run({"TOUCH", "k"}) == integer(0));
}

TEST_CASE("an expired key does not block RENAMENX, COPY or MOVE targets") {
  FamilyHarness h;
  CHECK(h.run({"SET", "src", "1"}) == kOk);
  CHECK(h.run({"SET", "dst", "old", "PX", "10"}) == kOk);
  CHECK(h.run({"SELECT", "1"}) == kOk);
  CHECK(h.run({"SET", "dst", "x", "PX", "10"}) == kOk);
  CHECK(h.run({"SELECT", "0"}) == kOk);
  h.clock().advance_ms(10);
  CHECK(h.run({"COPY", "src", "dst"}) == integer(1));
  CHECK(h.run({"DEL", "dst"}) == integer(1));
  CHECK(h.run({"SET", "dst", "old", "PX", "10"}) == kOk);
  h.clock().advance_ms(10);
  CHECK(h.run({"RENAMENX", "src", "dst"}) == integer(1));
  CHECK(h.run({"MOVE", "dst", "1"}) == integer(1));
  CHECK(h.run({"SELECT", "1"}) == kOk);
  CHECK(h.run({"GET", "dst"}) == bulk("1"));
  CHECK(h.run({"DBSIZE"}) == integer(1));
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

TEST_CASE("EXISTS and TYPE do not count as an access; TOUCH does") {
  FamilyHarness h;
  CHECK(h.run({"SET", "k", "v"}) == kOk);
  h.clock().advance_ms(5000);
  h.store().refresh_clock();
  CHECK(h.run({"EXISTS", "k"}) == integer(1));
  CHECK(h.run({"TYPE", "k"}) == "+string\r\n");
  CHECK(h.run({"TTL", "k"}) == integer(-1));
  CHECK(h.run({"OBJECT", "IDLETIME", "k"}) == integer(5));
  CHECK(h.run({"TOUCH", "k"}) == integer(1));
  CHECK(h.run({"OBJECT", "IDLETIME", "k"}) == integer(0));
}

TEST_CASE("EXPIREAT and PEXPIREAT") {
  FamilyHarness h;
  const std::string in10s = std::to_string(kNowS + 10);
  const std::string in1500ms = std::to_string(kNowMs + 1500);
  CHECK(h.run({"EXPIREAT", "k", in10s}) == integer(0));
  CHECK(h.run({"SET", "k", "v"}) == kOk);
  CHECK(h.run({"EXPIREAT", "k", in10s}) == integer(1));
  CHECK(h.run({"TTL", "k"}) == integer(10));
  CHECK(h.run({"EXPIRETIME", "k"}) == integer(kNowS + 10));
  CHECK(h.run({"PEXPIREAT", "k", in1500ms}) == integer(1));
  CHECK(h.run({"PTTL", "k"}) == integer(1500));
  CHECK(h.run({"PEXPIRETIME", "k"}) == integer(kNowMs + 1500));
  h.clock().advance_ms(1500);
  CHECK(h.run({"EXISTS", "k"}) == integer(0));
  // A time not in the future deletes the key, the present included.
  CHECK(h.run({"SET", "k", "v"}) == kOk);
  CHECK(h.run({"PEXPIREAT", "k", std::to_string(kNowMs + 1500)}) == integer(1));
  CHECK(h.run({"EXISTS", "k"}) == integer(0));
  CHECK(h.run({"SET", "k", "v"}) == kOk);
  CHECK(h.run({"EXPIREAT", "k", "100"}) == integer(1));
  CHECK(h.run({"EXISTS", "k"}) == integer(0));
  CHECK(h.run({"SET", "k", "v"}) == kOk);
  CHECK(h.run({"PEXPIREAT", "k", "-5"}) == integer(1));
  CHECK(h.run({"EXISTS", "k"}) == integer(0));
}

TEST_CASE("EXPIREAT and PEXPIREAT options and errors") {
  FamilyHarness h;
  CHECK(h.run({"SET", "k", "v"}) == kOk);
  CHECK(h.run({"EXPIREAT", "k", "99999999999", "XX"}) == integer(0));
  CHECK(h.run({"EXPIREAT", "k", "99999999999", "NX"}) == integer(1));
  CHECK(h.run({"EXPIREAT", "k", "99999999998", "GT"}) == integer(0));
  CHECK(h.run({"EXPIREAT", "k", "99999999999", "LT"}) == integer(0));
  CHECK(h.run({"EXPIREAT", "k", "99999999990", "lt"}) == integer(1));
  CHECK(h.run({"EXPIRETIME", "k"}) == integer(99999999990));
  CHECK(h.run({"PEXPIREAT", "k", "99999999990001", "gt"}) == integer(1));
  CHECK(h.run({"PEXPIRETIME", "k"}) == integer(99999999990001));
  CHECK(h.run({"EXPIREAT", "k", "0", "NX", "XX"}) == kNxConflict);
  CHECK(h.run({"PEXPIREAT", "k", "0", "GT", "LT"}) == kGtLtConflict);
  CHECK(h.run({"EXPIREAT", "k", "10", "foo"}) == "-ERR Unsupported option foo\r\n");
  CHECK(h.run({"EXPIREAT", "k", "abc"}) == kNotInt);
  CHECK(h.run({"PEXPIREAT", "k", "1.5"}) == kNotInt);
  CHECK(h.run({"EXPIREAT", "k", "9223372036854775807"}) == invalid_expire("expireat"));
  CHECK(h.run({"EXPIREAT", "k", "-9223372036854776"}) == invalid_expire("expireat"));
  // In ms there is no addition, so the whole int64 range is accepted.
  CHECK(h.run({"PEXPIREAT", "k", "9223372036854775807"}) == integer(1));
  CHECK(h.run({"PEXPIRETIME", "k"}) == integer(9223372036854775807LL));
  CHECK(h.run({"EXPIREAT", "k", "9223372036854775"}) == integer(1));
  CHECK(h.run({"PEXPIRETIME", "k"}) == integer(9223372036854775000LL));
  CHECK(h.run({"EXPIREAT", "k"}) == wrong_args("expireat"));
  CHECK(h.run({"PEXPIREAT", "k"}) == wrong_args("pexpireat"));
  CHECK(h.run({"EXPIREAT"}) == wrong_args("expireat"));
}

TEST_CASE("EXPIRETIME and PEXPIRETIME") {
  FamilyHarness h;
  CHECK(h.run({"EXPIRETIME", "k"}) == integer(-2));
  CHECK(h.run({"PEXPIRETIME", "k"}) == integer(-2));
  CHECK(h.run({"SET", "k", "v"}) == kOk);
  CHECK(h.run({"EXPIRETIME", "k"}) == integer(-1));
  CHECK(h.run({"PEXPIRETIME", "k"}) == integer(-1));
  // EXPIRETIME rounds to the nearest second, as TTL does.
  CHECK(h.run({"PEXPIREAT", "k", "99999999999499"}) == integer(1));
  CHECK(h.run({"EXPIRETIME", "k"}) == integer(99999999999));
  CHECK(h.run({"PEXPIREAT", "k", "99999999999500"}) == integer(1));
  CHECK(h.run({"EXPIRETIME", "k"}) == integer(100000000000));
  // Near INT64_MAX the rounding does not wrap (redis-server 7.0.15 replies the same).
  CHECK(h.run({"PEXPIREAT", "k", "9223372036854775806"}) == integer(1));
  CHECK(h.run({"EXPIRETIME", "k"}) == integer(9223372036854776LL));
  CHECK(h.run({"PEXPIRETIME", "k"}) == integer(9223372036854775806LL));
  // The time left does not change it.
  CHECK(h.run({"EXPIRE", "k", "100"}) == integer(1));
  h.clock().advance_ms(40000);
  CHECK(h.run({"EXPIRETIME", "k"}) == integer(kNowS + 100));
  CHECK(h.run({"TTL", "k"}) == integer(60));
  CHECK(h.run({"PERSIST", "k"}) == integer(1));
  CHECK(h.run({"EXPIRETIME", "k"}) == integer(-1));
  CHECK(h.run({"EXPIRETIME"}) == wrong_args("expiretime"));
  CHECK(h.run({"EXPIRETIME", "a", "b"}) == wrong_args("expiretime"));
  CHECK(h.run({"PEXPIRETIME"}) == wrong_args("pexpiretime"));
}

TEST_CASE("RENAME") {
  FamilyHarness h;
  CHECK(h.run({"RENAME", "a", "b"}) == kNoSuchKey);
  CHECK(h.run({"RENAME", "a", "a"}) == kNoSuchKey);
  CHECK(h.run({"SET", "a", "1"}) == kOk);
  // Renaming a key to itself is allowed in 7.0 and changes nothing.
  CHECK(h.run({"RENAME", "a", "a"}) == kOk);
  CHECK(h.run({"GET", "a"}) == bulk("1"));
  CHECK(h.run({"EXPIRE", "a", "100"}) == integer(1));
  CHECK(h.run({"RENAME", "a", "b"}) == kOk);
  CHECK(h.run({"EXISTS", "a"}) == integer(0));
  CHECK(h.run({"GET", "b"}) == bulk("1"));
  CHECK(h.run({"TTL", "b"}) == integer(100));
  // Overwrites the target, its TTL included.
  CHECK(h.run({"SET", "c", "2"}) == kOk);
  CHECK(h.run({"RENAME", "c", "b"}) == kOk);
  CHECK(h.run({"GET", "b"}) == bulk("2"));
  CHECK(h.run({"TTL", "b"}) == integer(-1));
  CHECK(h.run({"RENAME", "a"}) == wrong_args("rename"));
  CHECK(h.run({"RENAME", "a", "b", "c"}) == wrong_args("rename"));
}

TEST_CASE("RENAMENX") {
  FamilyHarness h;
  CHECK(h.run({"RENAMENX", "a", "b"}) == kNoSuchKey);
  CHECK(h.run({"RENAMENX", "a", "a"}) == kNoSuchKey);
  CHECK(h.run({"SET", "a", "1"}) == kOk);
  CHECK(h.run({"RENAMENX", "a", "a"}) == integer(0));
  CHECK(h.run({"SET", "b", "2"}) == kOk);
  CHECK(h.run({"RENAMENX", "a", "b"}) == integer(0));
  CHECK(h.run({"GET", "b"}) == bulk("2"));
  CHECK(h.run({"PEXPIRE", "a", "5000"}) == integer(1));
  CHECK(h.run({"RENAMENX", "a", "c"}) == integer(1));
  CHECK(h.run({"EXISTS", "a"}) == integer(0));
  CHECK(h.run({"GET", "c"}) == bulk("1"));
  CHECK(h.run({"PTTL", "c"}) == integer(5000));
  h.clock().advance_ms(5000);
  CHECK(h.run({"EXISTS", "c"}) == integer(0));
  CHECK(h.run({"RENAMENX", "a"}) == wrong_args("renamenx"));
  CHECK(h.run({"RENAMENX", "a", "b", "c"}) == wrong_args("renamenx"));
}

TEST_CASE("COPY in the same database") {
  FamilyHarness h;
  CHECK(h.run({"COPY", "x", "y"}) == integer(0));
  CHECK(h.run({"COPY", "x", "x"}) == kSameObject);
  CHECK(h.run({"SET", "a", "hello", "EX", "100"}) == kOk);
  CHECK(h.run({"COPY", "a", "a"}) == kSameObject);
  CHECK(h.run({"COPY", "a", "b"}) == integer(1));
  CHECK(h.run({"GET", "b"}) == bulk("hello"));
  CHECK(h.run({"TTL", "b"}) == integer(100));
  // The copy is independent of the source.
  CHECK(h.run({"APPEND", "b", "!"}) == integer(6));
  CHECK(h.run({"GET", "a"}) == bulk("hello"));
  CHECK(h.run({"COPY", "a", "b"}) == integer(0));
  CHECK(h.run({"GET", "b"}) == bulk("hello!"));
  CHECK(h.run({"COPY", "a", "b", "REPLACE"}) == integer(1));
  CHECK(h.run({"GET", "b"}) == bulk("hello"));
  CHECK(h.run({"COPY", "a", "b", "replace", "REPLACE"}) == integer(1));
  // An int and a raw string copy with their encodings.
  CHECK(h.run({"SET", "n", "123"}) == kOk);
  CHECK(h.run({"COPY", "n", "n2"}) == integer(1));
  CHECK(h.run({"OBJECT", "ENCODING", "n2"}) == bulk("int"));
  CHECK(h.run({"INCR", "n2"}) == integer(124));
  CHECK(h.run({"GET", "n"}) == bulk("123"));
  const std::string big(100, 'x');
  CHECK(h.run({"SET", "r", big}) == kOk);
  CHECK(h.run({"COPY", "r", "r2"}) == integer(1));
  CHECK(h.run({"GET", "r2"}) == bulk(big));
  CHECK(h.run({"DEL", "r"}) == integer(1));
  CHECK(h.run({"GET", "r2"}) == bulk(big));
}

TEST_CASE("COPY to another database") {
  FamilyHarness h;
  CHECK(h.run({"SET", "a", "1"}) == kOk);
  CHECK(h.run({"COPY", "a", "a", "DB", "0"}) == kSameObject);
  CHECK(h.run({"COPY", "a", "a", "db", "1"}) == integer(1));
  CHECK(h.run({"COPY", "a", "a", "db", "1"}) == integer(0));
  CHECK(h.run({"COPY", "a", "a", "db", "1", "replace"}) == integer(1));
  // The last DB option wins.
  CHECK(h.run({"COPY", "a", "b", "DB", "1", "DB", "2"}) == integer(1));
  CHECK(h.run({"SELECT", "1"}) == kOk);
  CHECK(h.run({"KEYS", "*"}) == "*1\r\n" + bulk("a"));
  CHECK(h.run({"SELECT", "2"}) == kOk);
  CHECK(h.run({"GET", "b"}) == bulk("1"));
  // From the selected database, not database 0.
  CHECK(h.run({"COPY", "b", "c", "DB", "0"}) == integer(1));
  CHECK(h.run({"SELECT", "0"}) == kOk);
  CHECK(h.run({"GET", "c"}) == bulk("1"));
}

TEST_CASE("COPY argument errors") {
  FamilyHarness h;
  CHECK(h.run({"SET", "a", "1"}) == kOk);
  CHECK(h.run({"COPY"}) == wrong_args("copy"));
  CHECK(h.run({"COPY", "a"}) == wrong_args("copy"));
  CHECK(h.run({"COPY", "a", "b", "DB"}) == kSyntax);
  CHECK(h.run({"COPY", "a", "b", "foo"}) == kSyntax);
  CHECK(h.run({"COPY", "a", "b", "DB", "16"}) == kDbRange);
  CHECK(h.run({"COPY", "a", "b", "DB", "-1"}) == kDbRange);
  CHECK(h.run({"COPY", "a", "b", "DB", "abc"}) == kNotInt);
  CHECK(h.run({"COPY", "a", "b", "DB", "01"}) == kNotInt);
  CHECK(h.run({"COPY", "a", "b", "DB", "99999999999"}) == kIntRange);
  // Options are checked in order, and before the same-key check.
  CHECK(h.run({"COPY", "x", "x", "DB", "16"}) == kDbRange);
  CHECK(h.run({"COPY", "x", "d", "DB", "16", "foo"}) == kDbRange);
  CHECK(h.run({"COPY", "x", "d", "foo", "DB", "16"}) == kSyntax);
  CHECK(h.run({"EXISTS", "b"}) == integer(0));
}

TEST_CASE("MOVE") {
  FamilyHarness h;
  CHECK(h.run({"MOVE", "a", "1"}) == integer(0));
  CHECK(h.run({"SET", "a", "1", "EX", "100"}) == kOk);
  CHECK(h.run({"MOVE", "a", "0"}) == kSameObject);
  CHECK(h.run({"MOVE", "x", "0"}) == kSameObject);
  CHECK(h.run({"MOVE", "a", "16"}) == kDbRange);
  CHECK(h.run({"MOVE", "a", "-1"}) == kDbRange);
  CHECK(h.run({"MOVE", "x", "16"}) == kDbRange);
  CHECK(h.run({"MOVE", "a", "abc"}) == kNotInt);
  CHECK(h.run({"MOVE", "a", "99999999999"}) == kIntRange);
  CHECK(h.run({"MOVE", "a", "1"}) == integer(1));
  CHECK(h.run({"EXISTS", "a"}) == integer(0));
  CHECK(h.run({"SELECT", "1"}) == kOk);
  CHECK(h.run({"GET", "a"}) == bulk("1"));
  CHECK(h.run({"TTL", "a"}) == integer(100));
  // The target database already has the key: nothing moves.
  CHECK(h.run({"SET", "b", "db1"}) == kOk);
  CHECK(h.run({"SELECT", "0"}) == kOk);
  CHECK(h.run({"SET", "b", "db0"}) == kOk);
  CHECK(h.run({"MOVE", "b", "1"}) == integer(0));
  CHECK(h.run({"GET", "b"}) == bulk("db0"));
  CHECK(h.run({"MOVE", "a"}) == wrong_args("move"));
  CHECK(h.run({"MOVE", "a", "1", "2"}) == wrong_args("move"));
  // The moved key keeps expiring in its new database.
  h.clock().advance_ms(100000);
  CHECK(h.run({"SELECT", "1"}) == kOk);
  CHECK(h.run({"EXISTS", "a"}) == integer(0));
}

TEST_CASE("OBJECT ENCODING") {
  FamilyHarness h;
  CHECK(h.run({"OBJECT", "ENCODING", "k"}) == kNil);
  CHECK(h.run({"SET", "i", "12345"}) == kOk);
  CHECK(h.run({"OBJECT", "ENCODING", "i"}) == bulk("int"));
  CHECK(h.run({"SET", "e", "hello"}) == kOk);
  CHECK(h.run({"object", "encoding", "e"}) == bulk("embstr"));
  CHECK(h.run({"SET", "r", std::string(45, 'x')}) == kOk);
  CHECK(h.run({"OBJECT", "Encoding", "r"}) == bulk("raw"));
  CHECK(h.run({"APPEND", "e", "!"}) == integer(6));
  CHECK(h.run({"OBJECT", "ENCODING", "e"}) == bulk("raw"));
  h.client().resp = 3;
  CHECK(h.run({"OBJECT", "ENCODING", "k"}) == kRespNull3);
}

TEST_CASE("OBJECT REFCOUNT: the shared integers 0..9999 read INT_MAX") {
  FamilyHarness h;
  CHECK(h.run({"OBJECT", "REFCOUNT", "k"}) == kNil);
  CHECK(h.run({"MSET", "a", "0", "b", "9999", "c", "10000", "d", "-1", "e", "hello"}) == kOk);
  CHECK(h.run({"OBJECT", "REFCOUNT", "a"}) == integer(2147483647));
  CHECK(h.run({"OBJECT", "REFCOUNT", "b"}) == integer(2147483647));
  CHECK(h.run({"OBJECT", "REFCOUNT", "c"}) == integer(1));
  CHECK(h.run({"OBJECT", "REFCOUNT", "d"}) == integer(1));
  CHECK(h.run({"OBJECT", "REFCOUNT", "e"}) == integer(1));
  CHECK(h.run({"INCR", "b"}) == integer(10000));
  CHECK(h.run({"OBJECT", "REFCOUNT", "b"}) == integer(1));
  CHECK(h.run({"INCR", "a"}) == integer(1));
  CHECK(h.run({"OBJECT", "REFCOUNT", "a"}) == integer(2147483647));
  CHECK(h.run({"SET", "t", "1", "EX", "100"}) == kOk);
  CHECK(h.run({"OBJECT", "REFCOUNT", "t"}) == integer(2147483647));
  CHECK(h.run({"APPEND", "t", "2"}) == integer(2));
  CHECK(h.run({"OBJECT", "REFCOUNT", "t"}) == integer(1));
  // A COPY of a shared integer is a private object, and stays one through EXPIRE, RENAME and MOVE.
  CHECK(h.run({"SET", "s", "5"}) == kOk);
  CHECK(h.run({"COPY", "s", "s2"}) == integer(1));
  CHECK(h.run({"OBJECT", "REFCOUNT", "s2"}) == integer(1));
  CHECK(h.run({"EXPIRE", "s2", "100"}) == integer(1));
  CHECK(h.run({"RENAME", "s2", "s3"}) == kOk);
  CHECK(h.run({"OBJECT", "REFCOUNT", "s3"}) == integer(1));
  CHECK(h.run({"MOVE", "s3", "1"}) == integer(1));
  CHECK(h.run({"SELECT", "1"}) == kOk);
  CHECK(h.run({"OBJECT", "REFCOUNT", "s3"}) == integer(1));
  CHECK(h.run({"INCRBY", "s3", "0"}) == integer(5));
  CHECK(h.run({"OBJECT", "REFCOUNT", "s3"}) == integer(2147483647));
  h.client().resp = 3;
  CHECK(h.run({"OBJECT", "REFCOUNT", "k"}) == kRespNull3);
}

TEST_CASE("OBJECT IDLETIME and FREQ") {
  FamilyHarness h;
  CHECK(h.run({"OBJECT", "IDLETIME", "k"}) == kNil);
  CHECK(h.run({"OBJECT", "FREQ", "k"}) == kNil);
  CHECK(h.run({"SET", "k", "v"}) == kOk);
  CHECK(h.run({"OBJECT", "IDLETIME", "k"}) == integer(0));
  h.clock().advance_ms(3000);
  h.store().refresh_clock();
  CHECK(h.run({"OBJECT", "IDLETIME", "k"}) == integer(3));
  // OBJECT itself does not count as an access; GET does.
  CHECK(h.run({"OBJECT", "IDLETIME", "k"}) == integer(3));
  CHECK(h.run({"GET", "k"}) == bulk("v"));
  CHECK(h.run({"OBJECT", "IDLETIME", "k"}) == integer(0));
  CHECK(h.run({"OBJECT", "FREQ", "k"}) ==
        "-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
        "that when switching between policies at runtime LRU and LFU data will take some time to "
        "adjust.\r\n");
}

TEST_CASE("OBJECT HELP and subcommand errors") {
  FamilyHarness h;
  CHECK(h.run({"OBJECT", "HELP"}) ==
        "*15\r\n"
        "+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
        "+ENCODING <key>\r\n"
        "+    Return the kind of internal representation used in order to store the value\r\n"
        "+    associated with a <key>.\r\n"
        "+FREQ <key>\r\n"
        "+    Return the access frequency index of the <key>. The returned integer is\r\n"
        "+    proportional to the logarithm of the recent access frequency of the key.\r\n"
        "+IDLETIME <key>\r\n"
        "+    Return the idle time of the <key>, that is the approximated number of\r\n"
        "+    seconds elapsed since the last access to the key.\r\n"
        "+REFCOUNT <key>\r\n"
        "+    Return the number of references of the value associated with the specified\r\n"
        "+    <key>.\r\n"
        "+HELP\r\n"
        "+    Prints this help.\r\n");
  CHECK(h.run({"OBJECT"}) == wrong_args("object"));
  CHECK(h.run({"OBJECT", "HELP", "x"}) == wrong_args("object|help"));
  CHECK(h.run({"OBJECT", "ENCODING"}) == wrong_args("object|encoding"));
  CHECK(h.run({"OBJECT", "ENCODING", "a", "b"}) == wrong_args("object|encoding"));
  CHECK(h.run({"OBJECT", "REFCOUNT"}) == wrong_args("object|refcount"));
  CHECK(h.run({"OBJECT", "IDLETIME"}) == wrong_args("object|idletime"));
  CHECK(h.run({"OBJECT", "FREQ", "a", "b"}) == wrong_args("object|freq"));
  CHECK(h.run({"OBJECT", "foo"}) == "-ERR unknown subcommand 'foo'. Try OBJECT HELP.\r\n");
  CHECK(h.run({"OBJECT", "foo", "bar"}) == "-ERR unknown subcommand 'foo'. Try OBJECT HELP.\r\n");
}

TEST_CASE("MEMORY USAGE") {
  FamilyHarness h;
  CHECK(h.run({"MEMORY", "USAGE", "k"}) == kNil);
  CHECK(h.run({"SET", "small", "v"}) == kOk);
  CHECK(h.run({"SET", "big", std::string(1000, 'x')}) == kOk);
  std::string small = h.run({"MEMORY", "USAGE", "small"});
  std::string big = h.run({"MEMORY", "USAGE", "big"});
  REQUIRE(small.size() > 3);
  REQUIRE(big.size() > 3);
  CHECK(small[0] == ':');
  long long s = std::stoll(small.substr(1));
  long long b = std::stoll(big.substr(1));
  CHECK(s > 0);
  CHECK(b >= s + 1000);
  // SAMPLES is accepted (the figure is exact, not sampled).
  CHECK(h.run({"MEMORY", "USAGE", "small", "SAMPLES", "0"}) == small);
  CHECK(h.run({"memory", "usage", "small", "samples", "5", "SAMPLES", "6"}) == small);
  // Options are checked even for a missing key.
  CHECK(h.run({"MEMORY", "USAGE", "k", "SAMPLES"}) == kSyntax);
  CHECK(h.run({"MEMORY", "USAGE", "k", "SAMPLES", "-1"}) == kSyntax);
  CHECK(h.run({"MEMORY", "USAGE", "k", "SAMPLES", "abc"}) == kNotInt);
  CHECK(h.run({"MEMORY", "USAGE", "k", "foo"}) == kSyntax);
  CHECK(h.run({"MEMORY", "USAGE"}) == wrong_args("memory|usage"));
  CHECK(h.run({"MEMORY"}) == wrong_args("memory"));
  CHECK(h.run({"MEMORY", "HELP", "x"}) == wrong_args("memory|help"));
  CHECK(h.run({"MEMORY", "foo"}) == "-ERR unknown subcommand 'foo'. Try MEMORY HELP.\r\n");
  CHECK(h.run({"MEMORY", "HELP"})
            .rfind("*6\r\n+MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
                   "+USAGE <key> [SAMPLES <count>]\r\n",
                   0) == 0);
  h.client().resp = 3;
  CHECK(h.run({"MEMORY", "USAGE", "k"}) == kRespNull3);
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

TEST_CASE("DEL and UNLINK: events and propagation") {
  FamilyHarness h;
  CHECK(h.run({"MSET", "c", "1", "d", "2"}) == kOk);
  reported(h);
  CHECK(h.run({"DEL", "d", "f", "nosuch"}) == integer(1));
  CHECK(reported(h) == "[0 del d] [DEL d f nosuch] 1");
  CHECK(h.run({"UNLINK", "c"}) == integer(1));
  CHECK(reported(h) == "[0 del c] [UNLINK c] 1");
  CHECK(h.run({"DEL", "c", "d"}) == integer(0));
  CHECK(reported(h) == kNothing);
}

// A shard owning only some of the keys runs its part: DEL (UNLINK) of its own keys is what it
// propagates, when it deleted any.
TEST_CASE("DEL on part of its keys propagates that part") {
  FamilyHarness h;
  server::ShardStore store(h.clock());
  server::Executor exec(store);
  OutcomeLog log;
  exec.add_observer(&log);
  const server::CommandSpec* spec = h.registry().find("unlink");
  REQUIRE(spec != nullptr);
  store.db(0).set_string("a", "1");
  store.db(0).set_string("c", "1");
  std::vector<std::string_view> args{"UNLINK", "a", "b", "c", "d"};
  std::vector<uint32_t> idx{1, 4};
  server::PartResult part;
  exec.run_part(*spec, args, 0, idx, part);
  CHECK(reported(log) == "[0 del a] [UNLINK a d] 1");
  exec.run_part(*spec, args, 0, idx, part);
  CHECK(reported(log) == kNothing);
  idx = {1, 2, 3, 4};
  exec.run_part(*spec, args, 0, idx, part);
  CHECK(reported(log) == "[0 del c] [UNLINK a b c d] 1");
}

// The EXPIRE family is propagated as PEXPIREAT with the absolute time, its options as sent;
// a time already past deletes the key, and is propagated as DEL.
TEST_CASE("EXPIRE family and PERSIST: events and propagation") {
  FamilyHarness h;
  CHECK(h.run({"SET", "k", "v"}) == kOk);
  reported(h);
  CHECK(h.run({"EXPIRE", "k", "100"}) == integer(1));
  CHECK(reported(h) == "[0 expire k] [PEXPIREAT k 1700000100000] 1");
  CHECK(h.run({"EXPIRE", "k", "100", "nx"}) == integer(0));
  CHECK(reported(h) == kNothing);
  CHECK(h.run({"EXPIRE", "k", "200", "xx"}) == integer(1));
  CHECK(reported(h) == "[0 expire k] [PEXPIREAT k 1700000200000 xx] 1");
  CHECK(h.run({"PEXPIRE", "k", "300000", "GT"}) == integer(1));
  CHECK(reported(h) == "[0 expire k] [PEXPIREAT k 1700000300000 GT] 1");
  CHECK(h.run({"EXPIREAT", "k", "99999999999"}) == integer(1));
  CHECK(reported(h) == "[0 expire k] [PEXPIREAT k 99999999999000] 1");
  CHECK(h.run({"PEXPIREAT", "k", "99999999999999", "lt"}) == integer(0));
  CHECK(reported(h) == kNothing);
  CHECK(h.run({"pexpireat", "k", "99999999999998"}) == integer(1));
  CHECK(reported(h) == "[0 expire k] [pexpireat k 99999999999998] 1");
  CHECK(h.run({"EXPIRE", "nokey", "10"}) == integer(0));
  CHECK(h.run({"EXPIRE", "k", "x"}) == kNotInt);
  CHECK(reported(h) == kNothing);
  CHECK(h.run({"PERSIST", "k"}) == integer(1));
  CHECK(reported(h) == "[0 persist k] [PERSIST k] 1");
  CHECK(h.run({"PERSIST", "k"}) == integer(0));
  CHECK(h.run({"PERSIST", "nokey"}) == integer(0));
  CHECK(reported(h) == kNothing);
  CHECK(h.run({"EXPIRE", "k", "-1"}) == integer(1));
  CHECK(reported(h) == "[0 del k] [DEL k] 1");
  CHECK(h.run({"SET", "k", "v"}) == kOk);
  CHECK(h.run({"PEXPIREAT", "k", "1"}) == integer(1));
  CHECK(h.run({"SET", "k", "v"}) == kOk);
  CHECK(h.run({"EXPIRE", "k", "0", "LT"}) == integer(1));
  CHECK(reported(h) == "[0 set k, 0 del k, 0 set k, 0 del k] [SET k v, DEL k, SET k v, DEL k] 4");
}

TEST_CASE("RENAME, RENAMENX, COPY, MOVE: events and propagation") {
  FamilyHarness h;
  CHECK(h.run({"SET", "a", "1"}) == kOk);
  reported(h);
  CHECK(h.run({"RENAME", "a", "b"}) == kOk);
  CHECK(reported(h) == "[0 rename_from a, 0 rename_to b] [RENAME a b] 1");
  // Renaming a key to itself changes nothing.
  CHECK(h.run({"RENAME", "b", "b"}) == kOk);
  CHECK(h.run({"RENAMENX", "b", "b"}) == integer(0));
  CHECK(h.run({"RENAME", "nosuch", "x"}) == kNoSuchKey);
  CHECK(reported(h) == kNothing);
  CHECK(h.run({"SET", "c", "1"}) == kOk);
  reported(h);
  CHECK(h.run({"RENAMENX", "b", "c"}) == integer(0));
  CHECK(reported(h) == kNothing);
  CHECK(h.run({"RENAMENX", "b", "d"}) == integer(1));
  CHECK(reported(h) == "[0 rename_from b, 0 rename_to d] [RENAMENX b d] 1");
  // Nothing is reported for the destination a rename replaces, nor for the TTL it carries.
  CHECK(h.run({"SET", "e", "1", "EX", "100"}) == kOk);
  reported(h);
  CHECK(h.run({"RENAME", "e", "d"}) == kOk);
  CHECK(reported(h) == "[0 rename_from e, 0 rename_to d] [RENAME e d] 1");

  CHECK(h.run({"COPY", "d", "f"}) == integer(1));
  CHECK(reported(h) == "[0 copy_to f] [COPY d f] 1");
  CHECK(h.run({"COPY", "d", "f"}) == integer(0));
  CHECK(h.run({"COPY", "nosuch", "g"}) == integer(0));
  CHECK(h.run({"COPY", "d", "d"}) == kSameObject);
  CHECK(reported(h) == kNothing);
  CHECK(h.run({"COPY", "d", "f", "REPLACE"}) == integer(1));
  CHECK(h.run({"COPY", "d", "f", "DB", "1"}) == integer(1));
  CHECK(reported(h) == "[0 copy_to f, 1 copy_to f] [COPY d f REPLACE, COPY d f DB 1] 2");

  CHECK(h.run({"MOVE", "f", "2"}) == integer(1));
  CHECK(reported(h) == "[0 move_from f, 2 move_to f] [MOVE f 2] 1");
  CHECK(h.run({"MOVE", "f", "2"}) == integer(0));
  CHECK(h.run({"MOVE", "nosuch", "2"}) == integer(0));
  CHECK(h.run({"MOVE", "d", "0"}) == kSameObject);
  CHECK(reported(h) == kNothing);
  CHECK(h.run({"SELECT", "3"}) == kOk);
  CHECK(h.run({"SET", "z", "1"}) == kOk);
  reported(h);
  CHECK(h.run({"MOVE", "z", "0"}) == integer(1));
  CHECK(reported(h) == "[3 move_from z, 0 move_to z] [MOVE z 0] 1");
}

TEST_CASE("keyspace reads report nothing") {
  FamilyHarness h;
  CHECK(h.run({"SET", "a", "1", "EX", "100"}) == kOk);
  reported(h);
  h.run({"EXISTS", "a", "b"});
  h.run({"TOUCH", "a", "b"});
  h.run({"TYPE", "a"});
  h.run({"TTL", "a"});
  h.run({"PTTL", "a"});
  h.run({"EXPIRETIME", "a"});
  h.run({"PEXPIRETIME", "a"});
  h.run({"OBJECT", "ENCODING", "a"});
  h.run({"MEMORY", "USAGE", "a"});
  h.run({"KEYS", "*"});
  h.run({"SCAN", "0"});
  h.run({"RANDOMKEY"});
  h.run({"DBSIZE"});
  h.run({"INFO", "keyspace"});
  CHECK(reported(h) == kNothing);
}

// Runs args as a MigrateTxn runs a command whose keys span shards: the keys it locks leave h's
// store, the command runs on h's scratch store, and the keys come back. Returns the reply; the
// changes reported for the keys' owners go to *changes as "db event key".
std::string run_scratch(FamilyHarness& h, const std::vector<std::string>& args,
                        std::vector<std::string>* changes) {
  std::vector<std::string_view> argv(args.begin(), args.end());
  const server::CommandSpec* spec = h.registry().find(argv[0]);
  server::TxnCommand cmd;
  cmd.spec = spec;
  cmd.db = h.client().db;
  cmd.resp = h.client().resp;
  cmd.set_args(argv);
  std::vector<std::pair<int, std::string>> names;
  for (const server::LockKeyRef& r : server::lock_key_refs(*spec, cmd.args, cmd.db)) {
    std::pair<int, std::string> name{r.db, std::string(cmd.args[r.argv])};
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  h.store().refresh_clock();
  std::vector<server::DetachedKey> keys(names.size());
  for (size_t k = 0; k < names.size(); ++k) {
    h.store().db(names[k].first).detach(names[k].second, keys[k]);
  }
  proto::ReplyBuffer out;
  std::vector<server::KeyChangeRecord> records;
  h.core().run_scratch(cmd, keys, out, records);
  for (server::DetachedKey& k : keys) h.store().db(k.db).attach(k);
  for (const server::KeyChangeRecord& c : records) {
    changes->push_back(std::to_string(c.db) + " " + c.event + " " + c.key);
  }
  return out.to_string();
}

// Across shards these commands run on a scratch store, which hands back only changes: each of
// their events must be one, so that the keys' owners report them all.
TEST_CASE("multi-key writes report the same changes on a scratch store") {
  const std::vector<std::vector<std::string>> setup = {{"SET", "a", "1"},
                                                       {"SET", "e", "2", "EX", "100"},
                                                       {"SET", "c", "3"},
                                                       {"SET", "s1", "a"},
                                                       {"SET", "s2", "b"}};
  const std::vector<std::vector<std::string>> cmds = {
      {"RENAME", "a", "b"},
      {"RENAMENX", "b", "c"},
      {"RENAMENX", "b", "d"},
      {"RENAME", "e", "d"},
      {"RENAME", "d", "d"},
      {"COPY", "d", "f"},
      {"COPY", "d", "f"},
      {"COPY", "d", "f", "REPLACE"},
      {"COPY", "d", "f", "DB", "1"},
      {"MOVE", "f", "2"},
      {"MOVE", "f", "2"},
      {"MSETNX", "x", "1", "y", "2"},
      {"MSETNX", "x", "1", "z", "2"},
      {"BITOP", "AND", "dst", "s1", "s2"},
      {"BITOP", "OR", "dst", "n1", "n2"},
      {"BITOP", "OR", "dst", "n1", "n2"},
      {"LCS", "s1", "s2"},
  };
  FamilyHarness direct, scratch;
  for (const auto& c : setup) {
    direct.run(c);
    scratch.run(c);
  }
  reported(direct);
  for (const auto& c : cmds) {
    CAPTURE(c[0]);
    std::vector<std::string> changes;
    CHECK(run_scratch(scratch, c, &changes) == direct.run(c));
    CHECK(joined(changes) == joined(direct.log().take_events()));
  }
  for (std::string_view db : {"0", "1", "2"}) {
    CHECK(direct.run({"SELECT", db}) == scratch.run({"SELECT", db}));
    for (std::string_view key : {"a", "b", "c", "d", "e", "f", "x", "y", "z", "dst"}) {
      CHECK(direct.run({"GET", key}) == scratch.run({"GET", key}));
      CHECK(direct.run({"PTTL", key}) == scratch.run({"PTTL", key}));
    }
  }
}

}  // namespace
}  // namespace shardis::test
