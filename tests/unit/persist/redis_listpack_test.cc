// Redis listpack blobs: the exact bytes of every encoding at its boundaries (from the format:
// 7-bit, 13-bit, 16/24/32/64-bit integers, 6/12/32-bit strings, 1 to 3-byte back-lengths), real
// DUMP payloads from redis-server 7.0.15 as fixtures, round trips of random mixes, and the
// validator refusing each kind of damage with an offset.
#include <doctest/doctest.h>
#include <shardis/base/crc.h>
#include <shardis/base/number_format.h>
#include <shardis/persist/rdb_codec.h>
#include <shardis/persist/redis_listpack.h>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <random>
#include <string>
#include <vector>

#include "support/byte_strings.h"

namespace shardis::persist {
namespace {

using test::bytes;
using test::from_hex;

// The bytes of one entry as the writer encodes it (the blob minus header and terminator).
std::string entry(std::string_view s) {
  RedisListpackWriter w;
  w.add(s);
  std::string blob = w.finish();
  return blob.substr(RedisListpackWriter::kHeaderBytes, blob.size() - 7);
}

std::string int_entry(int64_t v) {
  RedisListpackWriter w;
  w.add_int(v);
  std::string blob = w.finish();
  return blob.substr(RedisListpackWriter::kHeaderBytes, blob.size() - 7);
}

std::vector<std::string> read_all(std::string_view blob) {
  std::vector<std::string> out;
  RedisListpackReader r(blob);
  core::LpValue v;
  while (r.next(&v)) out.push_back(v.is_int ? base::int64_to_string(v.i) : std::string(v.s));
  return out;
}

std::string validate_error(std::string_view blob) {
  std::string error;
  if (validate_redis_listpack(blob, &error)) return "accepted";
  return error;
}

// The RDB string inside a DUMP payload of the given type, `skip` bytes after the type byte, after
// checking the payload's footer (RDB version 10, CRC-64 of everything before it).
std::string dump_blob(std::string_view payload, uint8_t type, size_t skip = 0) {
  REQUIRE(payload.size() > 11);
  CHECK(static_cast<uint8_t>(payload[0]) == type);
  const std::string_view body = payload.substr(0, payload.size() - 8);
  CHECK(body.substr(body.size() - 2) == bytes({0x0a, 0x00}));
  uint64_t crc = 0;
  for (int i = 7; i >= 0; --i) {
    crc = (crc << 8) | static_cast<uint8_t>(payload[payload.size() - 8 + static_cast<size_t>(i)]);
  }
  CHECK(crc == base::crc64(0, body));
  RdbReader r(body.substr(1 + skip, body.size() - 3 - skip));
  std::string blob;
  REQUIRE(r.string(&blob));
  CHECK(r.left() == 0);
  return blob;
}

TEST_SUITE("persist/redis_listpack") {
  TEST_CASE("integers: each encoding at its bounds") {
    CHECK(entry("0") == bytes({0x00, 0x01}));
    CHECK(entry("127") == bytes({0x7f, 0x01}));
    CHECK(entry("128") == bytes({0xc0, 0x80, 0x02}));
    CHECK(entry("-1") == bytes({0xdf, 0xff, 0x02}));
    CHECK(entry("4095") == bytes({0xcf, 0xff, 0x02}));
    CHECK(entry("-4096") == bytes({0xd0, 0x00, 0x02}));
    CHECK(entry("4096") == bytes({0xf1, 0x00, 0x10, 0x03}));
    CHECK(entry("-4097") == bytes({0xf1, 0xff, 0xef, 0x03}));
    CHECK(entry("32767") == bytes({0xf1, 0xff, 0x7f, 0x03}));
    CHECK(entry("-32768") == bytes({0xf1, 0x00, 0x80, 0x03}));
    CHECK(entry("32768") == bytes({0xf2, 0x00, 0x80, 0x00, 0x04}));
    CHECK(entry("-32769") == bytes({0xf2, 0xff, 0x7f, 0xff, 0x04}));
    CHECK(entry("8388607") == bytes({0xf2, 0xff, 0xff, 0x7f, 0x04}));
    CHECK(entry("-8388608") == bytes({0xf2, 0x00, 0x00, 0x80, 0x04}));
    CHECK(entry("8388608") == bytes({0xf3, 0x00, 0x00, 0x80, 0x00, 0x05}));
    CHECK(entry("-8388609") == bytes({0xf3, 0xff, 0xff, 0x7f, 0xff, 0x05}));
    CHECK(entry("2147483647") == bytes({0xf3, 0xff, 0xff, 0xff, 0x7f, 0x05}));
    CHECK(entry("-2147483648") == bytes({0xf3, 0x00, 0x00, 0x00, 0x80, 0x05}));
    CHECK(entry("2147483648") == bytes({0xf4, 0, 0, 0, 0x80, 0, 0, 0, 0, 0x09}));
    CHECK(entry("-2147483649") ==
          bytes({0xf4, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0x09}));
    CHECK(entry("9223372036854775807") ==
          bytes({0xf4, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x09}));
    CHECK(entry("-9223372036854775808") == bytes({0xf4, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x09}));
    // add_int writes what add writes for the decimal form.
    for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{4096}, int64_t{-8388609}, INT64_MIN}) {
      CHECK(int_entry(v) == entry(base::int64_to_string(v)));
    }
  }

  TEST_CASE("strings: 6-bit, 12-bit and 32-bit lengths, back-lengths of 1 to 3 bytes") {
    CHECK(entry("") == bytes({0x80, 0x01}));
    CHECK(entry("a") == bytes({0x81, 'a', 0x02}));
    const std::string s63(63, 'x');
    CHECK(entry(s63) == bytes({0xbf}) + s63 + bytes({0x40}));
    const std::string s64(64, 'y');
    CHECK(entry(s64) == bytes({0xe0, 0x40}) + s64 + bytes({0x42}));
    // 125 bytes + 2 = 127, the last one-byte back-length; 126 bytes need two.
    const std::string s125(125, 'b');
    CHECK(entry(s125) == bytes({0xe0, 0x7d}) + s125 + bytes({0x7f}));
    const std::string s126(126, 'b');
    CHECK(entry(s126) == bytes({0xe0, 0x7e}) + s126 + bytes({0x01, 0x80}));
    const std::string s4095(4095, 'z');
    CHECK(entry(s4095) == bytes({0xef, 0xff}) + s4095 + bytes({0x20, 0x81}));
    const std::string s4096(4096, 'w');
    CHECK(entry(s4096) == bytes({0xf0, 0x00, 0x10, 0x00, 0x00}) + s4096 + bytes({0x20, 0x85}));
    // Entries of 16382 and 16383 bytes: Redis switches to 3 back-length bytes at 16383.
    const std::string s16377(16377, 'q');
    CHECK(entry(s16377) == bytes({0xf0, 0xf9, 0x3f, 0, 0}) + s16377 + bytes({0x7f, 0xfe}));
    const std::string s16378(16378, 'q');
    CHECK(entry(s16378) == bytes({0xf0, 0xfa, 0x3f, 0, 0}) + s16378 + bytes({0x00, 0xff, 0xff}));
    // Not the canonical form of an int64: stored as strings, byte for byte.
    for (std::string s : {"007", "-0", "+1", " 1", "1 ", "00", "-", "1.0", "0x1",
                          "9223372036854775808", "-9223372036854775809"}) {
      INFO(s);
      CHECK(entry(s) == bytes({0x80 | static_cast<int>(s.size())}) + s +
                            bytes({static_cast<int>(s.size()) + 1}));
    }
  }

  TEST_CASE("whole blobs: header, count, terminator") {
    RedisListpackWriter w;
    CHECK(w.bytes() == 7);
    CHECK(w.finish() == bytes({0x07, 0, 0, 0, 0, 0, 0xff}));
    w.add("a");
    w.add_int(5);
    CHECK(w.count() == 2);
    CHECK(w.bytes() == 12);
    const std::string blob = w.finish();
    CHECK(blob == bytes({0x0c, 0, 0, 0, 0x02, 0, 0x81, 'a', 0x02, 0x05, 0x01, 0xff}));
    CHECK(validate_error(blob) == "accepted");
    // finish() left the writer empty.
    CHECK(w.count() == 0);
    CHECK(w.finish() == bytes({0x07, 0, 0, 0, 0, 0, 0xff}));
  }

  TEST_CASE("real DUMP payloads of redis-server 7.0.15") {
    // HSET h a 1 b hello (rdbcompression no).
    const std::string hash1 =
        from_hex("101616000000040081610201018162028568656c6c6f06ff0a00e8c5fe99ee07955d");
    // HSET h n -4096 m 4096 big 9223372036854775807 s 007.
    const std::string hash2 = from_hex(
        "102b2b0000000800816e02d00002816d02f10010038362696704f4ffffffffffffff7f09817302833030"
        "3704ff0a0020dc94cacda5569d");
    // ZADD z 1 a 2.5 b -3 c: members and scores in score order, scores as Redis formats them.
    const std::string zset =
        from_hex("111a1a0000000600816302dffd02816102010181620283322e3504ff0a00a68a1ab1a9f2dcc2");
    struct Case {
      const std::string* payload;
      uint8_t type;
      std::vector<std::string> values;
    };
    const std::vector<Case> cases = {
        {&hash1, 16, {"a", "1", "b", "hello"}},
        {&hash2, 16, {"n", "-4096", "m", "4096", "big", "9223372036854775807", "s", "007"}},
        {&zset, 17, {"c", "-3", "a", "1", "b", "2.5"}},
    };
    for (const Case& c : cases) {
      const std::string blob = dump_blob(*c.payload, c.type);
      CHECK(validate_error(blob) == "accepted");
      CHECK(read_all(blob) == c.values);
      RedisListpackWriter w;
      for (const std::string& v : c.values) w.add(v);
      CHECK(w.bytes() == blob.size());
      CHECK(w.finish() == blob);
    }
    // RPUSH l x 12 -200000 "hello world": a quicklist (type 18) of one packed node.
    const std::string list = from_hex(
        "1201021e1e00000004008178020c01f2c0f2fc048b68656c6c6f20776f726c640cff0a00f4ee81ae9c3d"
        "b9f6");
    // Skipped: the node count (1) and the node's container kind (2, packed).
    const std::string node = dump_blob(list, 18, 2);
    RedisListpackWriter w;
    for (const char* v : {"x", "12", "-200000", "hello world"}) w.add(v);
    CHECK(w.finish() == node);
  }

  TEST_CASE("a count of 65535 or more is stored as 65535") {
    RedisListpackWriter w;
    for (int i = 0; i < 65534; ++i) w.add_int(1);
    std::string blob = w.finish();
    CHECK(blob.substr(4, 2) == bytes({0xfe, 0xff}));
    CHECK(validate_error(blob) == "accepted");
    for (int i = 0; i < 65535; ++i) w.add_int(1);
    blob = w.finish();
    CHECK(blob.substr(4, 2) == bytes({0xff, 0xff}));
    CHECK(validate_error(blob) == "accepted");
    CHECK(read_all(blob).size() == 65535);
    // 65535 means "unknown": any number of entries agrees with it.
    w.add("x");
    blob = w.finish();
    blob[4] = blob[5] = static_cast<char>(0xff);
    CHECK(validate_error(blob) == "accepted");
  }

  TEST_CASE("random mixes round trip through write, validate and read") {
    struct Sent {
      std::string text;
      bool is_int;
    };
    std::mt19937_64 rng(11);
    for (int round = 0; round < 300; ++round) {
      RedisListpackWriter w;
      std::vector<Sent> sent;
      const int n = static_cast<int>(rng() % 60);
      for (int i = 0; i < n; ++i) {
        std::string v;
        switch (rng() % 5) {
          case 0:
            v = base::int64_to_string(static_cast<int64_t>(rng()) >> (rng() % 64));
            break;
          case 1: {
            const int64_t x = static_cast<int64_t>(rng()) >> (rng() % 64);
            w.add_int(x);
            sent.push_back({base::int64_to_string(x), true});
            continue;
          }
          case 2:
            v.resize(rng() % (round % 10 == 0 ? 5000 : 200));
            for (char& c : v) c = static_cast<char>(rng());
            break;
          case 3:
            v = std::string(1 + rng() % 3, "0-+ 1"[rng() % 5]);
            break;
          default:
            v.resize(rng() % 22);
            for (char& c : v) c = "0123456789-"[rng() % 11];
            break;
        }
        w.add(v);
        sent.push_back({v, base::parse_int64(v).has_value()});
      }
      CHECK(w.count() == sent.size());
      const size_t expect_bytes = w.bytes();
      const std::string blob = w.finish();
      REQUIRE(blob.size() == expect_bytes);
      REQUIRE(validate_error(blob) == "accepted");
      RedisListpackReader r(blob);
      core::LpValue v;
      size_t i = 0;
      for (; r.next(&v); ++i) {
        REQUIRE(i < sent.size());
        CHECK(v.is_int == sent[i].is_int);
        CHECK((v.is_int ? base::int64_to_string(v.i) : std::string(v.s)) == sent[i].text);
      }
      CHECK(i == sent.size());
    }
  }

  TEST_CASE("validation refuses damaged blobs, naming an offset") {
    RedisListpackWriter w;
    for (const char* v : {"hello", "-4097", "12", "world", "8388608"}) w.add(v);
    w.add(std::string(300, 'L'));
    const std::string good = w.finish();
    REQUIRE(validate_error(good) == "accepted");

    // Where each entry ends: 6 + the sizes of the entries before it.
    std::vector<size_t> ends;
    for (size_t at : {13, 17, 19, 26, 32}) ends.push_back(at);
    // Cut at every length: refused as is, and refused with the total and terminator patched up.
    for (size_t cut = 0; cut < good.size(); ++cut) {
      INFO(cut);
      std::string b = good.substr(0, cut);
      CHECK(validate_error(b).find(" at offset ") != std::string::npos);
      if (cut < 7) continue;
      b.back() = static_cast<char>(0xff);
      for (int i = 0; i < 4; ++i) b[static_cast<size_t>(i)] = static_cast<char>(cut >> (8 * i));
      const std::string e = validate_error(b);
      CHECK(e.find(" at offset ") != std::string::npos);
      // A cut between entries leaves a well-formed listpack: only its count gives it away.
      const bool between = cut == 7 || std::find(ends.begin(), ends.end(), cut - 1) != ends.end();
      CHECK((e.find("count") != std::string::npos) == between);
    }

    std::string b = good;
    b[0] = static_cast<char>(b[0] + 1);
    CHECK(validate_error(b) == "listpack: header total bytes differ from size at offset 0");
    b = good + bytes({0xff});
    CHECK(validate_error(b) != "accepted");

    b = good;
    b[4] = 5;
    CHECK(validate_error(b) == "listpack: header entry count differs from the entries at offset 4");
    b[4] = 7;
    CHECK(validate_error(b) != "accepted");

    b = good;
    b.back() = 0;
    CHECK(validate_error(b) ==
          "listpack: missing terminator at offset " + std::to_string(good.size() - 1));

    // The back-length of "hello" (entry 6..11, back-length at 12).
    b = good;
    REQUIRE(b[12] == 6);
    b[12] = 7;
    CHECK(validate_error(b) == "listpack: back-length does not match its entry at offset 12");
    // The two-byte back-length of the 300-byte string, with its continuation bit cleared.
    b = good;
    b[b.size() - 2] = static_cast<char>(b[b.size() - 2] & 0x7f);
    CHECK(validate_error(b).find("back-length") != std::string::npos);

    // An encoding byte no entry may start with.
    for (int tag = 0xf5; tag <= 0xfe; ++tag) {
      b = good;
      b[6] = static_cast<char>(tag);
      CHECK(validate_error(b) == "listpack: invalid entry encoding at offset 6");
    }
    // A string whose length runs past the end.
    b = good;
    b[6] = static_cast<char>(0xbf);
    CHECK(validate_error(b) != "accepted");
    // A 32-bit string length of 4 GiB - 1.
    b = good;
    b[6] = static_cast<char>(0xf0);
    b[7] = b[8] = b[9] = b[10] = static_cast<char>(0xff);
    CHECK(validate_error(b) == "listpack: entry runs past the end at offset 6");
    // A terminator where an entry should start.
    b = good;
    b[6] = static_cast<char>(0xff);
    CHECK(validate_error(b) == "listpack: terminator before the end of the blob at offset 6");
    // Too short to hold a header and a terminator.
    CHECK(validate_error(bytes({0x06, 0, 0, 0, 0, 0})) ==
          "listpack: blob shorter than header and terminator at offset 0");
  }
}

}  // namespace
}  // namespace shardis::persist
