// Bitmap family against Redis 7.0's exact replies (checked on redis-server 7.0.15).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support/family_harness.h"
#include "support/resp_expect.h"

namespace shardis::test {
namespace {

const std::string kBitOffset = "-ERR bit offset is not an integer or out of range\r\n";
const std::string kBitValue = "-ERR bit is not an integer or out of range\r\n";
const std::string kBitArg = "-ERR The bit argument must be 1 or 0.\r\n";
const std::string kFieldType =
    "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but "
    "i64 is.\r\n";

TEST_CASE("SETBIT and GETBIT") {
  FamilyHarness h;
  CHECK(h.run({"SETBIT", "k", "7", "1"}) == integer(0));
  CHECK(h.run({"GET", "k"}) == bulk("\x01"));
  CHECK(h.run({"GETBIT", "k", "7"}) == integer(1));
  CHECK(h.run({"GETBIT", "k", "6"}) == integer(0));
  CHECK(h.run({"SETBIT", "k", "7", "0"}) == integer(1));
  CHECK(h.run({"SETBIT", "k", "7", "0"}) == integer(0));
  // Writing past the end zero-pads.
  CHECK(h.run({"SETBIT", "k", "100", "1"}) == integer(0));
  CHECK(h.run({"STRLEN", "k"}) == integer(13));
  CHECK(h.run({"GETBIT", "k", "100"}) == integer(1));
  CHECK(h.run({"GETBIT", "k", "104"}) == integer(0));
  CHECK(h.run({"GETBIT", "k", "4294967295"}) == integer(0));
  // Setting a 0 bit on a new key still creates it.
  CHECK(h.run({"SETBIT", "new", "0", "0"}) == integer(0));
  CHECK(h.run({"GET", "new"}) == bulk(std::string("\0", 1)));
  CHECK(h.run({"GETBIT", "nokey", "0"}) == integer(0));
  CHECK(h.run({"GETBIT", "nokey", "4294967295"}) == integer(0));
  CHECK(h.run({"SETBIT", "k"}) == wrong_args("setbit"));
  CHECK(h.run({"GETBIT", "k"}) == wrong_args("getbit"));
}

TEST_CASE("SETBIT and GETBIT argument errors") {
  FamilyHarness h;
  CHECK(h.run({"SETBIT", "k", "-1", "1"}) == kBitOffset);
  CHECK(h.run({"SETBIT", "k", "a", "1"}) == kBitOffset);
  CHECK(h.run({"SETBIT", "k", "4294967296", "1"}) == kBitOffset);
  CHECK(h.run({"SETBIT", "k", "9223372036854775807", "1"}) == kBitOffset);
  CHECK(h.run({"SETBIT", "k", "18446744073709551616", "1"}) == kBitOffset);
  CHECK(h.run({"SETBIT", "k", "#1", "1"}) == kBitOffset);
  CHECK(h.run({"SETBIT", "k", "+1", "1"}) == kBitOffset);
  CHECK(h.run({"SETBIT", "k", " 1", "1"}) == kBitOffset);
  CHECK(h.run({"SETBIT", "k", "0", "2"}) == kBitValue);
  CHECK(h.run({"SETBIT", "k", "0", "-1"}) == kBitValue);
  CHECK(h.run({"SETBIT", "k", "0", "a"}) == kBitValue);
  CHECK(h.run({"SETBIT", "k", "0", "01"}) == kBitValue);
  // The offset is checked first.
  CHECK(h.run({"SETBIT", "k", "a", "2"}) == kBitOffset);
  CHECK(h.run({"EXISTS", "k"}) == integer(0));
  CHECK(h.run({"GETBIT", "nokey", "-1"}) == kBitOffset);
  CHECK(h.run({"GETBIT", "nokey", "4294967296"}) == kBitOffset);
}

TEST_CASE("Bit commands read an int-encoded value as its text") {
  FamilyHarness h;
  CHECK(h.run({"SET", "n", "1"}) == kOk);  // "1" is 0x31
  CHECK(h.run({"GETBIT", "n", "2"}) == integer(1));
  CHECK(h.run({"GETBIT", "n", "3"}) == integer(1));
  CHECK(h.run({"GETBIT", "n", "7"}) == integer(1));
  CHECK(h.run({"GETBIT", "n", "8"}) == integer(0));
  CHECK(h.run({"OBJECT", "ENCODING", "n"}) == bulk("int"));
  CHECK(h.run({"SETBIT", "n", "6", "1"}) == integer(0));
  CHECK(h.run({"GET", "n"}) == bulk("3"));
  CHECK(h.run({"OBJECT", "ENCODING", "n"}) == bulk("raw"));
  CHECK(h.run({"INCR", "n"}) == integer(4));
  CHECK(h.run({"SET", "n", "12"}) == kOk);
  CHECK(h.run({"SETBIT", "n", "7", "0"}) == integer(1));
  CHECK(h.run({"OBJECT", "ENCODING", "n"}) == bulk("raw"));
  CHECK(h.run({"INCRBY", "n", "5"}) == kNotInt);
  CHECK(h.run({"SET", "e", "5"}) == kOk);
  CHECK(h.run({"GETBIT", "e", "5"}) == integer(1));
  CHECK(h.run({"BITPOS", "e", "1"}) == integer(2));
  CHECK(h.run({"BITCOUNT", "e"}) == integer(4));
  CHECK(h.run({"SET", "n", "123"}) == kOk);
  CHECK(h.run({"BITCOUNT", "n"}) == integer(10));
  CHECK(h.run({"SET", "n", "99"}) == kOk);
  CHECK(h.run({"BITFIELD", "n", "GET", "u8", "0"}) == "*1\r\n:57\r\n");
  CHECK(h.run({"OBJECT", "ENCODING", "n"}) == bulk("int"));
  CHECK(h.run({"SET", "m", "-12"}) == kOk);
  CHECK(h.run({"BITOP", "NOT", "d", "m"}) == integer(3));
  CHECK(h.run({"GET", "d"}) == bulk("\xd2\xce\xcd"));
  CHECK(h.run({"OBJECT", "ENCODING", "d"}) == bulk("raw"));
}

TEST_CASE("SETBIT keeps the TTL") {
  FamilyHarness h;
  CHECK(h.run({"SET", "t", "v", "EX", "100"}) == kOk);
  h.clock().advance_ms(1000);
  CHECK(h.run({"SETBIT", "t", "0", "1"}) == integer(0));
  CHECK(h.run({"TTL", "t"}) == integer(99));
  CHECK(h.run({"BITFIELD", "t", "SET", "u8", "0", "120"}) == "*1\r\n:246\r\n");
  CHECK(h.run({"TTL", "t"}) == integer(99));
  CHECK(h.run({"GET", "t"}) == bulk("x"));
  h.clock().advance_ms(99000);
  CHECK(h.run({"GETBIT", "t", "1"}) == integer(0));
  CHECK(h.run({"SETBIT", "t", "1", "1"}) == integer(0));
  CHECK(h.run({"TTL", "t"}) == integer(-1));
}

TEST_CASE("BITCOUNT") {
  FamilyHarness h;
  CHECK(h.run({"SET", "k", "foobar"}) == kOk);
  CHECK(h.run({"BITCOUNT", "k"}) == integer(26));
  CHECK(h.run({"BITCOUNT", "k", "0", "0"}) == integer(4));
  CHECK(h.run({"BITCOUNT", "k", "1", "1"}) == integer(6));
  CHECK(h.run({"BITCOUNT", "k", "1", "1", "BYTE"}) == integer(6));
  CHECK(h.run({"BITCOUNT", "k", "5", "30", "BIT"}) == integer(17));
  CHECK(h.run({"BITCOUNT", "k", "5", "30", "bit"}) == integer(17));
  CHECK(h.run({"BITCOUNT", "k", "0", "-1", "BIT"}) == integer(26));
  CHECK(h.run({"BITCOUNT", "k", "-1", "-2"}) == integer(0));
  CHECK(h.run({"BITCOUNT", "k", "-2", "-1"}) == integer(7));
  CHECK(h.run({"BITCOUNT", "k", "-100", "100"}) == integer(26));
  CHECK(h.run({"BITCOUNT", "k", "3", "1"}) == integer(0));
  CHECK(h.run({"BITCOUNT", "k", "9223372036854775807", "9223372036854775807"}) == integer(0));
  CHECK(h.run({"BITCOUNT", "k", "-9223372036854775808", "-9223372036854775808"}) == integer(4));
  CHECK(h.run({"BITCOUNT", "k", "-9223372036854775808", "9223372036854775807", "BIT"}) ==
        integer(26));
  CHECK(h.run({"BITCOUNT", "k", "-1", "-1", "BIT"}) == integer(0));
  CHECK(h.run({"BITCOUNT", "k", "-3", "-9", "BIT"}) == integer(0));
  CHECK(h.run({"BITCOUNT", "k", "47", "47", "BIT"}) == integer(0));
  CHECK(h.run({"BITCOUNT", "k", "48", "100", "BIT"}) == integer(0));
  CHECK(h.run({"SET", "e", ""}) == kOk);
  CHECK(h.run({"BITCOUNT", "e"}) == integer(0));
  CHECK(h.run({"BITCOUNT", "e", "0", "-1"}) == integer(0));
  CHECK(h.run({"BITCOUNT", "e", "0", "-1", "BIT"}) == integer(0));
  CHECK(h.run({"BITCOUNT"}) == wrong_args("bitcount"));
}

TEST_CASE("BITCOUNT over long values, word by word") {
  FamilyHarness h;
  std::string v(1000, '\xff');
  v[0] = '\x01';
  v[999] = '\x80';
  v[500] = '\0';
  CHECK(h.run(std::vector<std::string>{"SET", "k", v}) == kOk);
  CHECK(h.run({"BITCOUNT", "k"}) == integer(7978));
  CHECK(h.run({"BITCOUNT", "k", "1", "-2"}) == integer(7976));
  CHECK(h.run({"BITCOUNT", "k", "7", "7992", "BIT"}) == integer(7978));
  CHECK(h.run({"BITCOUNT", "k", "8", "7991", "BIT"}) == integer(7976));
  CHECK(h.run({"BITCOUNT", "k", "13", "4002", "BIT"}) == integer(3987));
  CHECK(h.run({"BITCOUNT", "k", "3", "3"}) == integer(8));
}

TEST_CASE("BITCOUNT reads the key before its arguments") {
  FamilyHarness h;
  // Redis 7.0: a missing key answers 0 whatever the range.
  CHECK(h.run({"BITCOUNT", "nokey"}) == integer(0));
  CHECK(h.run({"BITCOUNT", "nokey", "0"}) == integer(0));
  CHECK(h.run({"BITCOUNT", "nokey", "a", "b"}) == integer(0));
  CHECK(h.run({"BITCOUNT", "nokey", "0", "1", "FOO"}) == integer(0));
  CHECK(h.run({"BITCOUNT", "nokey", "0", "1", "2", "3"}) == integer(0));
  CHECK(h.run({"SET", "k", "foobar"}) == kOk);
  CHECK(h.run({"BITCOUNT", "k", "0"}) == kSyntax);
  CHECK(h.run({"BITCOUNT", "k", "0", "1", "2"}) == kSyntax);
  CHECK(h.run({"BITCOUNT", "k", "0", "1", "BIT", "x"}) == kSyntax);
  CHECK(h.run({"BITCOUNT", "k", "0", "1", "FOO"}) == kSyntax);
  CHECK(h.run({"BITCOUNT", "k", "a", "1"}) == kNotInt);
  CHECK(h.run({"BITCOUNT", "k", "0", "b"}) == kNotInt);
  CHECK(h.run({"BITCOUNT", "k", "a", "-2", "FOO"}) == kNotInt);
  // Two negative indexes in the wrong order answer 0 before the unit is looked at.
  CHECK(h.run({"BITCOUNT", "k", "-1", "-2", "FOO"}) == integer(0));
  CHECK(h.run({"BITCOUNT", "k", "-2", "-1", "FOO"}) == kSyntax);
}

TEST_CASE("BITPOS") {
  FamilyHarness h;
  CHECK(h.run({"SET", "k", "foobar"}) == kOk);
  CHECK(h.run({"BITPOS", "k", "1"}) == integer(1));
  CHECK(h.run({"BITPOS", "k", "0"}) == integer(0));
  CHECK(h.run({"BITPOS", "k", "1", "-1"}) == integer(41));
  CHECK(h.run({"BITPOS", "k", "0", "-1"}) == integer(40));
  CHECK(h.run({"BITPOS", "k", "1", "2", "1"}) == integer(-1));
  CHECK(h.run({"BITPOS", "k", "1", "-1", "-2"}) == integer(-1));
  CHECK(h.run({"BITPOS", "k", "1", "2", "2", "BIT"}) == integer(2));
  CHECK(h.run({"BITPOS", "k", "1", "2", "3", "bit"}) == integer(2));
  CHECK(h.run({"BITPOS", "k", "0", "0", "0", "BIT"}) == integer(0));
  CHECK(h.run({"BITPOS", "k", "0", "1", "1", "BIT"}) == integer(-1));
  CHECK(h.run({"BITPOS", "k", "1", "-3", "-1", "BIT"}) == integer(46));
  CHECK(h.run({"BITPOS", "k", "0", "-3", "-1", "BIT"}) == integer(45));
  CHECK(h.run({"BITPOS", "k", "1", "0", "-1", "BYTE"}) == integer(1));
  CHECK(h.run({"BITPOS"}) == wrong_args("bitpos"));
  CHECK(h.run({"BITPOS", "k"}) == wrong_args("bitpos"));
}

TEST_CASE("BITPOS looking for 0 past the end") {
  FamilyHarness h;
  CHECK(h.run({"SET", "ff", "\xff\xff\xff"}) == kOk);
  // Without an end the value counts as zero-padded; with one, the range has no 0.
  CHECK(h.run({"BITPOS", "ff", "0"}) == integer(24));
  CHECK(h.run({"BITPOS", "ff", "0", "0"}) == integer(24));
  CHECK(h.run({"BITPOS", "ff", "0", "0", "-1"}) == integer(-1));
  CHECK(h.run({"BITPOS", "ff", "0", "0", "-1", "BIT"}) == integer(-1));
  CHECK(h.run({"BITPOS", "ff", "0", "5", "30", "BIT"}) == integer(-1));
  CHECK(h.run({"BITPOS", "ff", "1", "1"}) == integer(8));
  CHECK(h.run({"SET", "z", std::string(3, '\0')}) == kOk);
  CHECK(h.run({"BITPOS", "z", "1"}) == integer(-1));
  CHECK(h.run({"BITPOS", "z", "0"}) == integer(0));
  CHECK(h.run({"BITPOS", "z", "1", "1", "2"}) == integer(-1));
  CHECK(h.run({"BITPOS", "z", "1", "1", "2", "BIT"}) == integer(-1));
  // An empty value has no bit at all.
  CHECK(h.run({"SET", "e", ""}) == kOk);
  CHECK(h.run({"BITPOS", "e", "0"}) == integer(-1));
  CHECK(h.run({"BITPOS", "e", "1"}) == integer(-1));
  CHECK(h.run({"BITPOS", "e", "0", "0"}) == integer(-1));
  CHECK(h.run({"BITPOS", "e", "0", "0", "-1"}) == integer(-1));
}

TEST_CASE("BITPOS over long runs, word by word") {
  FamilyHarness h;
  std::string ones(17, '\xff');
  ones.push_back('\xf0');
  CHECK(h.run(std::vector<std::string>{"SET", "ff", ones}) == kOk);
  CHECK(h.run({"BITPOS", "ff", "0"}) == integer(140));
  CHECK(h.run({"BITPOS", "ff", "0", "3"}) == integer(140));
  CHECK(h.run({"BITPOS", "ff", "0", "3", "-1"}) == integer(140));
  CHECK(h.run({"BITPOS", "ff", "0", "3", "16"}) == integer(-1));
  CHECK(h.run({"BITPOS", "ff", "0", "3", "140", "BIT"}) == integer(140));
  CHECK(h.run({"BITPOS", "ff", "0", "3", "139", "BIT"}) == integer(-1));
  CHECK(h.run({"BITPOS", "ff", "1", "3", "139", "BIT"}) == integer(3));
  std::string zeros(1000, '\0');
  zeros[777] = '\x04';
  CHECK(h.run(std::vector<std::string>{"SET", "z", zeros}) == kOk);
  CHECK(h.run({"BITPOS", "z", "1"}) == integer(6221));
  CHECK(h.run({"BITPOS", "z", "1", "777", "777"}) == integer(6221));
  CHECK(h.run({"BITPOS", "z", "1", "6221", "6221", "BIT"}) == integer(6221));
  CHECK(h.run({"BITPOS", "z", "1", "6222", "-1", "BIT"}) == integer(-1));
  CHECK(h.run({"BITPOS", "z", "1", "13", "6220", "BIT"}) == integer(-1));
  CHECK(h.run({"BITPOS", "z", "0", "6221", "-1", "BIT"}) == integer(6222));
}

TEST_CASE("BITPOS argument errors and order") {
  FamilyHarness h;
  // The bit is checked first, then the key, then the range.
  CHECK(h.run({"BITPOS", "nokey", "2"}) == kBitArg);
  CHECK(h.run({"BITPOS", "nokey", "-1"}) == kBitArg);
  CHECK(h.run({"BITPOS", "nokey", "a"}) == kNotInt);
  CHECK(h.run({"BITPOS", "nokey", "1"}) == integer(-1));
  CHECK(h.run({"BITPOS", "nokey", "0"}) == integer(0));
  CHECK(h.run({"BITPOS", "nokey", "0", "a"}) == integer(0));
  CHECK(h.run({"BITPOS", "nokey", "1", "0", "1", "FOO"}) == integer(-1));
  CHECK(h.run({"BITPOS", "nokey", "1", "0", "1", "BIT", "5"}) == integer(-1));
  CHECK(h.run({"SET", "k", "foobar"}) == kOk);
  CHECK(h.run({"BITPOS", "k", "2"}) == kBitArg);
  CHECK(h.run({"BITPOS", "k", "a"}) == kNotInt);
  CHECK(h.run({"BITPOS", "k", "1", "a"}) == kNotInt);
  CHECK(h.run({"BITPOS", "k", "1", "0", "a"}) == kNotInt);
  CHECK(h.run({"BITPOS", "k", "1", "0", "1", "FOO"}) == kSyntax);
  CHECK(h.run({"BITPOS", "k", "1", "a", "1", "FOO"}) == kNotInt);
  CHECK(h.run({"BITPOS", "k", "1", "0", "a", "FOO"}) == kSyntax);
  CHECK(h.run({"BITPOS", "k", "1", "0", "1", "BIT", "x"}) == kSyntax);
  CHECK(h.run({"BITPOS", "k", "1", "7", "BIT"}) == kNotInt);
}

TEST_CASE("BITOP") {
  FamilyHarness h;
  CHECK(h.run({"SET", "a", "foobar"}) == kOk);
  CHECK(h.run({"SET", "b", "abcdef"}) == kOk);
  CHECK(h.run({"BITOP", "AND", "d", "a", "b"}) == integer(6));
  CHECK(h.run({"GET", "d"}) == bulk("`bc`ab"));
  CHECK(h.run({"BITOP", "or", "d", "a", "b"}) == integer(6));
  CHECK(h.run({"GET", "d"}) == bulk("goofev"));
  CHECK(h.run({"BITOP", "XOR", "d", "a", "b"}) == integer(6));
  CHECK(h.run({"GET", "d"}) == bulk("\x07\r\x0c\x06\x04\x14"));
  CHECK(h.run({"BITOP", "NOT", "d", "a"}) == integer(6));
  CHECK(h.run({"GET", "d"}) == bulk("\x99\x90\x90\x9d\x9e\x8d"));
  // Shorter and missing sources are zero-padded.
  CHECK(h.run({"BITOP", "AND", "d", "a", "nokey"}) == integer(6));
  CHECK(h.run({"GET", "d"}) == bulk(std::string(6, '\0')));
  CHECK(h.run({"BITOP", "OR", "d", "a", "nokey"}) == integer(6));
  CHECK(h.run({"GET", "d"}) == bulk("foobar"));
  CHECK(h.run({"SET", "s", "x"}) == kOk);
  CHECK(h.run({"BITOP", "AND", "d", "a", "s"}) == integer(6));
  CHECK(h.run({"GET", "d"}) == bulk(std::string("`\0\0\0\0\0", 6)));
  CHECK(h.run({"BITOP", "OR", "d", "a", "s"}) == integer(6));
  CHECK(h.run({"GET", "d"}) == bulk("~oobar"));
  CHECK(h.run({"BITOP", "AND", "d", "s", "a"}) == integer(6));
  CHECK(h.run({"GET", "d"}) == bulk(std::string("`\0\0\0\0\0", 6)));
  // The destination may be a source.
  CHECK(h.run({"BITOP", "AND", "a", "a", "b"}) == integer(6));
  CHECK(h.run({"GET", "a"}) == bulk("`bc`ab"));
  // Int-encoded sources read as text; the result is a raw string.
  CHECK(h.run({"SET", "n", "12"}) == kOk);
  CHECK(h.run({"BITOP", "OR", "d", "n"}) == integer(2));
  CHECK(h.run({"GET", "d"}) == bulk("12"));
  CHECK(h.run({"OBJECT", "ENCODING", "d"}) == bulk("raw"));
}

TEST_CASE("BITOP over long values, word by word") {
  FamilyHarness h;
  std::string a(100, '\x0f'), b(77, '\xf5'), c(130, '\x33');
  CHECK(h.run(std::vector<std::string>{"MSET", "a", a, "b", b, "c", c}) == kOk);
  CHECK(h.run({"BITOP", "AND", "d", "a", "b", "c"}) == integer(130));
  CHECK(h.run({"GET", "d"}) == bulk(std::string(77, '\x01') + std::string(53, '\0')));
  CHECK(h.run({"BITOP", "OR", "d", "a", "b", "c"}) == integer(130));
  CHECK(h.run({"GET", "d"}) ==
        bulk(std::string(77, '\xff') + std::string(23, '\x3f') + std::string(30, '\x33')));
  CHECK(h.run({"BITOP", "XOR", "d", "a", "b", "c"}) == integer(130));
  CHECK(h.run({"GET", "d"}) ==
        bulk(std::string(77, '\xc9') + std::string(23, '\x3c') + std::string(30, '\x33')));
  CHECK(h.run({"BITOP", "NOT", "d", "c"}) == integer(130));
  CHECK(h.run({"GET", "d"}) == bulk(std::string(130, '\xcc')));
}

TEST_CASE("BITOP errors and empty results") {
  FamilyHarness h;
  CHECK(h.run({"SET", "a", "foobar"}) == kOk);
  CHECK(h.run({"BITOP", "NOT", "d", "a", "b"}) ==
        error("ERR BITOP NOT must be called with a single source key."));
  CHECK(h.run({"BITOP", "FOO", "d", "a"}) == kSyntax);
  CHECK(h.run({"BITOP", "AND", "d"}) == wrong_args("bitop"));
  CHECK(h.run({"BITOP", "NOT", "d"}) == wrong_args("bitop"));
  // An empty result deletes the destination.
  CHECK(h.run({"SET", "d", "x"}) == kOk);
  CHECK(h.run({"BITOP", "NOT", "d", "nokey"}) == integer(0));
  CHECK(h.run({"EXISTS", "d"}) == integer(0));
  CHECK(h.run({"BITOP", "AND", "x", "nokey", "nokey2"}) == integer(0));
  CHECK(h.run({"EXISTS", "x"}) == integer(0));
  CHECK(h.run({"SET", "e", ""}) == kOk);
  CHECK(h.run({"SET", "t", "v"}) == kOk);
  CHECK(h.run({"BITOP", "AND", "t", "e"}) == integer(0));
  CHECK(h.run({"EXISTS", "t"}) == integer(0));
}

TEST_CASE("BITOP clears the destination's TTL") {
  FamilyHarness h;
  CHECK(h.run({"SET", "a", "foobar"}) == kOk);
  CHECK(h.run({"SET", "t", "v", "EX", "100"}) == kOk);
  CHECK(h.run({"BITOP", "AND", "t", "a"}) == integer(6));
  CHECK(h.run({"TTL", "t"}) == integer(-1));
  CHECK(h.run({"OBJECT", "ENCODING", "t"}) == bulk("raw"));
}

TEST_CASE("BITOP sees an expired source as missing") {
  FamilyHarness h;
  CHECK(h.run({"SET", "s", "abc", "PX", "100"}) == kOk);
  h.clock().advance_ms(100);
  CHECK(h.run({"BITOP", "OR", "d", "s"}) == integer(0));
}

TEST_CASE("BITFIELD GET, SET, INCRBY") {
  FamilyHarness h;
  CHECK(h.run({"BITFIELD", "k"}) == "*0\r\n");
  CHECK(h.run({"BITFIELD", "k", "GET", "u8", "0"}) == "*1\r\n:0\r\n");
  // Only GETs: nothing is created.
  CHECK(h.run({"EXISTS", "k"}) == integer(0));
  CHECK(h.run({"BITFIELD", "k", "SET", "u8", "0", "255", "GET", "u8", "0", "GET", "i8", "0"}) ==
        "*3\r\n:0\r\n:255\r\n:-1\r\n");
  CHECK(h.run({"BITFIELD", "k", "INCRBY", "u8", "0", "10"}) == "*1\r\n:9\r\n");
  CHECK(h.run({"BITFIELD", "k", "OVERFLOW", "WRAP", "INCRBY", "i8", "0", "200"}) ==
        "*1\r\n:-47\r\n");
  CHECK(h.run({"BITFIELD", "k", "SET", "i8", "#1", "-1", "GET", "u16", "0", "GET", "u16", "#1",
               "GET", "i64", "0", "GET", "u63", "1"}) ==
        "*5\r\n:0\r\n:53759\r\n:0\r\n:-3314930800721395712\r\n:5908441236133380096\r\n");
  CHECK(h.run({"GET", "k"}) == bulk("\xd1\xff"));
  // Fields that cross byte boundaries.
  CHECK(h.run({"BITFIELD", "x", "SET", "u5", "7", "23"}) == "*1\r\n:0\r\n");
  CHECK(h.run({"GET", "x"}) == bulk("\x01\x70"));
  CHECK(h.run({"BITFIELD", "x", "GET", "u5", "7", "GET", "i5", "7", "GET", "u3", "5"}) ==
        "*3\r\n:23\r\n:-9\r\n:1\r\n");
  CHECK(h.run({"BITFIELD", "y", "SET", "i1", "0", "1", "GET", "i1", "0", "GET", "u1", "0"}) ==
        "*3\r\n:0\r\n:-1\r\n:1\r\n");
  CHECK(h.run({"BITFIELD", "y", "SET", "u1", "0", "2", "GET", "u1", "0"}) == "*2\r\n:1\r\n:0\r\n");
  // Offsets up to the 512MB limit can be read; "#N" counts in fields of the type's width.
  CHECK(h.run({"BITFIELD", "k", "GET", "u8", "4294967295"}) == "*1\r\n:0\r\n");
  CHECK(h.run({"BITFIELD", "k", "GET", "u8", "#536870911"}) == "*1\r\n:0\r\n");
  CHECK(h.run({"BITFIELD", "k", "GET", "i64", "#288230376151711745"}) == "*1\r\n:0\r\n");
  // A write creates and zero-pads the value up to its last bit, even if FAIL refuses it.
  CHECK(h.run({"BITFIELD", "new", "OVERFLOW", "FAIL", "SET", "u2", "0", "10"}) == "*1\r\n$-1\r\n");
  CHECK(h.run({"GET", "new"}) == bulk(std::string(1, '\0')));
  CHECK(h.run({"BITFIELD", "new2", "OVERFLOW", "FAIL", "SET", "u2", "100", "10"}) ==
        "*1\r\n$-1\r\n");
  CHECK(h.run({"GET", "new2"}) == bulk(std::string(13, '\0')));
  CHECK(h.run({"BITFIELD"}) == wrong_args("bitfield"));
}

TEST_CASE("BITFIELD overflow") {
  FamilyHarness h;
  CHECK(h.run({"BITFIELD", "k", "SET", "u8", "0", "255"}) == "*1\r\n:0\r\n");
  CHECK(h.run({"BITFIELD", "k", "OVERFLOW", "SAT", "INCRBY", "u8", "0", "300", "INCRBY", "i8", "0",
               "-300"}) == "*2\r\n:255\r\n:-128\r\n");
  CHECK(h.run({"BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "300", "INCRBY", "u8", "0",
               "1"}) == "*2\r\n$-1\r\n:129\r\n");
  CHECK(h.run({"BITFIELD", "k", "OVERFLOW", "WRAP", "INCRBY", "i8", "0", "200"}) ==
        "*1\r\n:73\r\n");
  CHECK(h.run({"BITFIELD", "k", "get", "u8", "0", "overflow", "sat", "set", "u8", "0", "1000",
               "get", "u8", "0"}) == "*3\r\n:73\r\n:73\r\n:255\r\n");
  CHECK(h.run({"BITFIELD", "k", "overflow", "fail", "set", "u8", "0", "1000", "get", "u8", "0",
               "set", "i8", "0", "-129", "set", "i8", "0", "-128"}) ==
        "*4\r\n$-1\r\n:255\r\n$-1\r\n:-1\r\n");
  CHECK(h.run({"BITFIELD", "k", "overflow", "wrap", "set", "u8", "0", "-1", "set", "i4", "0", "8",
               "get", "i4", "0"}) == "*3\r\n:128\r\n:-1\r\n:-8\r\n");
  CHECK(h.run({"BITFIELD", "k", "overflow", "sat", "set", "u8", "0", "-1", "set", "i4", "0", "8",
               "get", "i4", "0", "set", "i4", "0", "-100"}) == "*4\r\n:143\r\n:-1\r\n:7\r\n:7\r\n");
  CHECK(h.run({"GET", "k"}) == bulk("\x8f"));
  // Wrapping keeps the low bits, sign-extended.
  CHECK(h.run({"BITFIELD", "w", "INCRBY", "i33", "64", "9223372036854775807"}) == "*1\r\n:-1\r\n");
  CHECK(h.run({"BITFIELD", "w", "INCRBY", "u7", "0", "-1", "INCRBY", "u7", "0", "130"}) ==
        "*2\r\n:127\r\n:1\r\n");
  // 64-bit fields and the extremes.
  CHECK(h.run({"BITFIELD", "b", "OVERFLOW", "SAT", "SET", "i64", "0", "9223372036854775807",
               "INCRBY", "i64", "0", "1", "INCRBY", "i64", "0", "-1"}) ==
        "*3\r\n:0\r\n:9223372036854775807\r\n:9223372036854775806\r\n");
  CHECK(h.run({"BITFIELD", "b", "OVERFLOW", "WRAP", "INCRBY", "i64", "0", "1", "INCRBY", "i64", "0",
               "1"}) == "*2\r\n:9223372036854775807\r\n:-9223372036854775808\r\n");
  CHECK(h.run({"BITFIELD", "b", "OVERFLOW", "FAIL", "INCRBY", "i64", "0", "-1", "INCRBY", "i64",
               "0", "1"}) == "*2\r\n$-1\r\n:-9223372036854775807\r\n");
  CHECK(h.run({"BITFIELD", "b", "OVERFLOW", "SAT", "SET", "u63", "0", "-1", "GET", "u63", "0",
               "INCRBY", "u63", "0", "-9223372036854775808"}) ==
        "*3\r\n:4611686018427387904\r\n:9223372036854775807\r\n:0\r\n");
  CHECK(h.run({"BITFIELD", "s", "OVERFLOW", "SAT", "SET", "u1", "0", "2", "GET", "u1", "0",
               "INCRBY", "i1", "0", "-1", "INCRBY", "i1", "0", "5"}) ==
        "*4\r\n:0\r\n:1\r\n:-1\r\n:0\r\n");
  CHECK(h.run({"BITFIELD", "q", "OVERFLOW", "SAT", "SET", "i8", "0", "-9223372036854775000", "GET",
               "i8", "0"}) == "*2\r\n:0\r\n:-128\r\n");
  CHECK(h.run({"BITFIELD", "q", "OVERFLOW", "SAT", "SET", "i8", "0", "200", "GET", "i8", "0"}) ==
        "*2\r\n:-128\r\n:127\r\n");
  // Redis computes the saturation bounds with wrapping arithmetic: a value within 127 of the
  // smallest int64 saturates to the maximum.
  CHECK(h.run({"BITFIELD", "q", "OVERFLOW", "SAT", "SET", "i8", "0", "-9223372036854775808", "GET",
               "i8", "0"}) == "*2\r\n:127\r\n:127\r\n");
  CHECK(h.run({"BITFIELD", "q", "OVERFLOW", "SAT", "SET", "i8", "0", "-9223372036854775681", "GET",
               "i8", "0"}) == "*2\r\n:127\r\n:127\r\n");
  CHECK(h.run({"BITFIELD", "q", "OVERFLOW", "SAT", "SET", "i8", "0", "-9223372036854775680", "GET",
               "i8", "0"}) == "*2\r\n:127\r\n:-128\r\n");
}

TEST_CASE("BITFIELD argument errors") {
  FamilyHarness h;
  CHECK(h.run({"BITFIELD", "k", "GET", "u64", "0"}) == kFieldType);
  CHECK(h.run({"BITFIELD", "k", "GET", "i65", "0"}) == kFieldType);
  CHECK(h.run({"BITFIELD", "k", "GET", "i0", "0"}) == kFieldType);
  CHECK(h.run({"BITFIELD", "k", "GET", "x8", "0"}) == kFieldType);
  CHECK(h.run({"BITFIELD", "k", "GET", "u", "0"}) == kFieldType);
  CHECK(h.run({"BITFIELD", "k", "GET", "U8", "0"}) == kFieldType);
  CHECK(h.run({"BITFIELD", "k", "GET", "u08", "0"}) == kFieldType);
  CHECK(h.run({"BITFIELD", "k", "GET", "i-1", "0"}) == kFieldType);
  CHECK(h.run({"BITFIELD", "k", "GET", "", "0"}) == kFieldType);
  CHECK(h.run({"BITFIELD", "k", "GET", "u+8", "0"}) == kFieldType);
  // The width is read up to a NUL, as Redis reads it with strlen.
  CHECK(h.run(std::vector<std::string>{"BITFIELD", "k", "GET", std::string("u8\0x", 4), "0"}) ==
        "*1\r\n:0\r\n");
  CHECK(h.run({"BITFIELD", "k", "GET", "u8", "-1"}) == kBitOffset);
  CHECK(h.run({"BITFIELD", "k", "GET", "u8", "#-1"}) == kBitOffset);
  CHECK(h.run({"BITFIELD", "k", "GET", "u8", "a"}) == kBitOffset);
  CHECK(h.run({"BITFIELD", "k", "GET", "u8", "4294967296"}) == kBitOffset);
  CHECK(h.run({"BITFIELD", "k", "GET", "u8", "#536870912"}) == kBitOffset);
  CHECK(h.run({"BITFIELD", "k", "GET", "u8", "##1"}) == kBitOffset);
  CHECK(h.run({"BITFIELD", "k", "GET", "u8", "#"}) == kBitOffset);
  CHECK(h.run({"BITFIELD", "k", "GET", "i64", "#144115188075855873"}) == kBitOffset);
  CHECK(h.run({"BITFIELD", "k", "GET", "i1", "#9223372036854775807"}) == kBitOffset);
  CHECK(h.run({"BITFIELD", "k", "GET", "u8"}) == kSyntax);
  CHECK(h.run({"BITFIELD", "k", "SET", "u8", "0"}) == kSyntax);
  CHECK(h.run({"BITFIELD", "k", "SET", "u8", "0", "a"}) == kNotInt);
  CHECK(h.run({"BITFIELD", "k", "INCRBY", "u8", "0", "1.5"}) == kNotInt);
  CHECK(h.run({"BITFIELD", "k", "OVERFLOW", "foo"}) ==
        error("ERR Invalid OVERFLOW type specified"));
  CHECK(h.run({"BITFIELD", "k", "OVERFLOW"}) == kSyntax);
  CHECK(h.run({"BITFIELD", "k", "FOO", "u8", "0"}) == kSyntax);
  // Errors stop everything: earlier writes do not happen.
  CHECK(h.run({"BITFIELD", "k", "SET", "u8", "0", "1", "GET", "u64", "0"}) == kFieldType);
  CHECK(h.run({"EXISTS", "k"}) == integer(0));
}

TEST_CASE("BITFIELD_RO") {
  FamilyHarness h;
  CHECK(h.run({"BITFIELD", "k", "SET", "u8", "0", "143", "SET", "u8", "8", "255"}) ==
        "*2\r\n:0\r\n:0\r\n");
  CHECK(h.run({"BITFIELD_RO", "k", "GET", "u8", "0", "GET", "i8", "8"}) == "*2\r\n:143\r\n:-1\r\n");
  CHECK(h.run({"BITFIELD_RO", "k", "OVERFLOW", "SAT", "GET", "u8", "0"}) == "*1\r\n:143\r\n");
  CHECK(h.run({"BITFIELD_RO", "k", "OVERFLOW", "SAT"}) == "*0\r\n");
  CHECK(h.run({"BITFIELD_RO", "k"}) == "*0\r\n");
  CHECK(h.run({"BITFIELD_RO", "nokey", "GET", "u8", "0"}) == "*1\r\n:0\r\n");
  const std::string ro_only = error("ERR BITFIELD_RO only supports the GET subcommand");
  CHECK(h.run({"BITFIELD_RO", "k", "SET", "u8", "0", "1"}) == ro_only);
  CHECK(h.run({"BITFIELD_RO", "k", "INCRBY", "u8", "0", "1"}) == ro_only);
  CHECK(h.run({"BITFIELD_RO", "nokey", "SET", "u8", "0", "1"}) == ro_only);
  CHECK(h.run({"BITFIELD_RO", "k", "GET", "u64", "0"}) == kFieldType);
  CHECK(h.run({"EXISTS", "nokey"}) == integer(0));
  CHECK(h.run({"BITFIELD_RO"}) == wrong_args("bitfield_ro"));
}

TEST_CASE("Bitmaps on binary values") {
  FamilyHarness h;
  const std::string v("\0\r\n\xff", 4);
  CHECK(h.run(std::vector<std::string>{"SET", "b", v}) == kOk);
  CHECK(h.run({"BITCOUNT", "b"}) == integer(13));
  CHECK(h.run({"BITPOS", "b", "1"}) == integer(12));
  CHECK(h.run({"BITPOS", "b", "0", "3"}) == integer(32));
  CHECK(h.run({"GETBIT", "b", "12"}) == integer(1));
  CHECK(h.run({"BITFIELD_RO", "b", "GET", "u16", "8"}) == "*1\r\n:3338\r\n");
  CHECK(h.run({"SETBIT", "b", "0", "1"}) == integer(0));
  CHECK(h.run({"GET", "b"}) == bulk(std::string("\x80\r\n\xff", 4)));
}

TEST_CASE("Bitmap replies in RESP3") {
  FamilyHarness h;
  h.client().resp = 3;
  CHECK(h.run({"BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "5", "GET", "u2", "0"}) ==
        "*2\r\n_\r\n:0\r\n");
  CHECK(h.run({"BITFIELD_RO", "k", "GET", "u2", "0"}) == "*1\r\n:0\r\n");
  CHECK(h.run({"BITCOUNT", "k"}) == integer(0));
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

// SETBIT and BITFIELD fire "setbit" only when they change the value: create it, grow it or
// change a bit (Redis 7.0.15 counts so; dirty counts BITFIELD's changed writes).
TEST_CASE("SETBIT and BITFIELD: events and propagation") {
  FamilyHarness h;
  CHECK(h.run({"SETBIT", "b", "7", "1"}) == integer(0));
  CHECK(reported(h) == "[0 setbit b] [SETBIT b 7 1] 1");
  CHECK(h.run({"SETBIT", "b", "7", "1"}) == integer(1));
  CHECK(h.run({"SETBIT", "b", "3", "0"}) == integer(0));
  CHECK(reported(h) == kNothing);
  CHECK(h.run({"SETBIT", "b", "7", "0"}) == integer(1));
  CHECK(h.run({"SETBIT", "b", "100", "0"}) == integer(0));
  CHECK(h.run({"SETBIT", "nb", "0", "0"}) == integer(0));
  CHECK(reported(h) ==
        "[0 setbit b, 0 setbit b, 0 setbit nb] [SETBIT b 7 0, SETBIT b 100 0, SETBIT nb 0 0] 3");

  CHECK(h.run({"BITFIELD", "bf", "GET", "u8", "0"}) == "*1\r\n:0\r\n");
  CHECK(h.run({"BITFIELD_RO", "bf", "GET", "u8", "0"}) == "*1\r\n:0\r\n");
  CHECK(reported(h) == kNothing);
  CHECK(h.run({"BITFIELD", "bf", "SET", "u8", "0", "0"}) == "*1\r\n:0\r\n");
  CHECK(reported(h) == "[0 setbit bf] [BITFIELD bf SET u8 0 0] 1");
  CHECK(h.run({"BITFIELD", "bf", "SET", "u8", "0", "0"}) == "*1\r\n:0\r\n");
  CHECK(reported(h) == kNothing);
  // Growing the value counts every write that ran.
  CHECK(h.run({"BITFIELD", "bf", "SET", "u8", "0", "5", "SET", "u8", "8", "0", "INCRBY", "u8", "0",
               "1"}) == "*3\r\n:0\r\n:0\r\n:6\r\n");
  CHECK(reported(h) == "[0 setbit bf] [BITFIELD bf SET u8 0 5 SET u8 8 0 INCRBY u8 0 1] 3");
  CHECK(h.run({"BITFIELD", "bf", "SET", "u8", "0", "6", "SET", "u8", "16", "0"}) ==
        "*2\r\n:6\r\n:0\r\n");
  CHECK(reported(h) == "[0 setbit bf] [BITFIELD bf SET u8 0 6 SET u8 16 0] 2");
  // Otherwise only the writes that change their field: two of these three.
  CHECK(h.run({"BITFIELD", "bf", "SET", "u8", "0", "7", "SET", "u8", "8", "1", "SET", "u8", "16",
               "0"}) == "*3\r\n:6\r\n:0\r\n:0\r\n");
  CHECK(reported(h) == "[0 setbit bf] [BITFIELD bf SET u8 0 7 SET u8 8 1 SET u8 16 0] 2");
  // Writes refused by OVERFLOW FAIL count nothing, even where the value was created or grown.
  CHECK(h.run({"BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "u2", "100", "10"}) ==
        "*1\r\n$-1\r\n");
  CHECK(h.run({"BITFIELD", "bf2", "OVERFLOW", "FAIL", "INCRBY", "u2", "100", "10"}) ==
        "*1\r\n$-1\r\n");
  CHECK(reported(h) == kNothing);
  CHECK(h.run({"STRLEN", "bf2"}) == integer(13));
  CHECK(h.run({"BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "u2", "100", "10"}) ==
        "*1\r\n:3\r\n");
  CHECK(reported(h) == "[0 setbit bf] [BITFIELD bf OVERFLOW SAT INCRBY u2 100 10] 1");
  CHECK(h.run({"BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "i8", "0", "-1000"}) ==
        "*1\r\n:-128\r\n");
  CHECK(reported(h) == "[0 setbit bf] [BITFIELD bf OVERFLOW SAT INCRBY i8 0 -1000] 1");
  CHECK(h.run({"BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "i8", "0", "-1000"}) ==
        "*1\r\n:-128\r\n");
  CHECK(reported(h) == kNothing);
}

TEST_CASE("BITOP: events and propagation") {
  FamilyHarness h;
  CHECK(h.run({"SET", "s1", "a"}) == kOk);
  CHECK(h.run({"SET", "s2", "b"}) == kOk);
  reported(h);
  CHECK(h.run({"BITOP", "AND", "dst", "s1", "s2"}) == integer(1));
  CHECK(reported(h) == "[0 set dst] [BITOP AND dst s1 s2] 1");
  // An empty result deletes the destination: "del", only when there was one.
  CHECK(h.run({"BITOP", "OR", "dst", "nosuch1", "nosuch2"}) == integer(0));
  CHECK(reported(h) == "[0 del dst] [BITOP OR dst nosuch1 nosuch2] 1");
  CHECK(h.run({"BITOP", "OR", "dst", "nosuch1", "nosuch2"}) == integer(0));
  CHECK(reported(h) == kNothing);
  CHECK(h.run({"BITOP", "NOT", "dst", "s1"}) == integer(1));
  CHECK(reported(h) == "[0 set dst] [BITOP NOT dst s1] 1");
  CHECK(h.run({"RPUSH", "lst", "a"}) == integer(1));
  reported(h);
  CHECK(h.run({"BITOP", "AND", "dst", "lst", "s1"}) ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(reported(h) == kNothing);
}

TEST_CASE("bitmap reads report nothing") {
  FamilyHarness h;
  CHECK(h.run({"SET", "a", "hello"}) == kOk);
  reported(h);
  h.run({"GETBIT", "a", "3"});
  h.run({"BITCOUNT", "a"});
  h.run({"BITPOS", "a", "1"});
  h.run({"BITFIELD_RO", "a", "GET", "u8", "0"});
  h.run({"BITFIELD", "a", "GET", "u8", "0"});
  CHECK(reported(h) == kNothing);
}

}  // namespace
}  // namespace shardis::test
