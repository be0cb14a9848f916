// Redis ziplists and zipmaps, read only: blobs built by hand from the format (every integer
// encoding, 6/14/32-bit string lengths, 1 and 5-byte prevlens), the examples of Redis's own
// format notes, and the validators refusing each kind of damage with an offset.
#include <doctest/doctest.h>
#include <shardis/base/number_format.h>
#include <shardis/persist/redis_ziplist.h>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <set>
#include <string>
#include <vector>

#include "support/byte_strings.h"

namespace shardis::persist {
namespace {

using test::bytes;
using test::from_hex;

std::string le(uint64_t v, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s.push_back(static_cast<char>(v >> (8 * i)));
  return s;
}

// Encoding and payload of a string entry, in the shortest form unless `force32`.
std::string str_body(std::string_view s, bool force32 = false) {
  const size_t n = s.size();
  std::string e;
  if (n <= 63 && !force32) {
    e = bytes({static_cast<int>(n)});
  } else if (n <= 16383 && !force32) {
    e = bytes({0x40 | static_cast<int>(n >> 8), static_cast<int>(n & 0xff)});
  } else {
    e = bytes({0x80, static_cast<int>(n >> 24), static_cast<int>((n >> 16) & 0xff),
               static_cast<int>((n >> 8) & 0xff), static_cast<int>(n & 0xff)});
  }
  return e + std::string(s);
}

// A ziplist of the given entry bodies (encoding + payload); prevlens computed, in the 5-byte form
// for the entries listed in `big_prevlen` even when one byte would do.
std::string ziplist(const std::vector<std::string>& bodies, std::set<size_t> big_prevlen = {}) {
  std::string entries;
  size_t prev = 0;
  size_t tail = 10;
  for (size_t i = 0; i < bodies.size(); ++i) {
    std::string e;
    if (prev < 254 && big_prevlen.count(i) == 0) {
      e = bytes({static_cast<int>(prev)});
    } else {
      e = bytes({0xfe}) + le(prev, 4);
    }
    e += bodies[i];
    tail = 10 + entries.size();
    entries += e;
    prev = e.size();
  }
  const size_t total = 10 + entries.size() + 1;
  return le(total, 4) + le(tail, 4) + le(bodies.size() < 65535 ? bodies.size() : 65535, 2) +
         entries + bytes({0xff});
}

std::vector<std::string> read_all(std::string_view blob) {
  std::vector<std::string> out;
  RedisZiplistReader r(blob);
  core::LpValue v;
  while (r.next(&v)) {
    out.push_back(v.is_int ? "i:" + base::int64_to_string(v.i) : "s:" + std::string(v.s));
  }
  return out;
}

std::string zl_error(std::string_view blob) {
  std::string error;
  return validate_redis_ziplist(blob, &error) ? "accepted" : error;
}

std::string zm_error(std::string_view blob) {
  std::string error;
  return validate_redis_zipmap(blob, &error) ? "accepted" : error;
}

TEST_SUITE("persist/redis_ziplist") {
  TEST_CASE("the examples of Redis's format notes") {
    // "2" and "5" as 4-bit immediates.
    const std::string two_five =
        bytes({0x0f, 0, 0, 0, 0x0c, 0, 0, 0, 0x02, 0, 0x00, 0xf3, 0x02, 0xf6, 0xff});
    CHECK(zl_error(two_five) == "accepted");
    CHECK(read_all(two_five) == std::vector<std::string>{"i:2", "i:5"});
    CHECK(ziplist({bytes({0xf3}), bytes({0xf6})}) == two_five);
    // ... with "Hello World" appended.
    const std::string hello = ziplist({bytes({0xf3}), bytes({0xf6}), str_body("Hello World")});
    CHECK(hello.substr(14, 3) == bytes({0x02, 0x0b, 'H'}));
    CHECK(zl_error(hello) == "accepted");
    CHECK(read_all(hello) == std::vector<std::string>{"i:2", "i:5", "s:Hello World"});
    // The empty ziplist: header, terminator, zltail at the header's end.
    const std::string empty = bytes({0x0b, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0, 0xff});
    CHECK(ziplist({}) == empty);
    CHECK(zl_error(empty) == "accepted");
    CHECK(read_all(empty).empty());
  }

  TEST_CASE("every integer encoding") {
    std::vector<std::string> bodies;
    std::vector<std::string> want;
    for (int v = 0; v <= 12; ++v) {
      bodies.push_back(bytes({0xf1 + v}));
      want.push_back("i:" + std::to_string(v));
    }
    struct Int {
      int enc;
      int width;
      int64_t v;
    };
    const Int ints[] = {
        {0xfe, 1, -128},      {0xfe, 1, 127},       {0xfe, 1, -1},        {0xc0, 2, INT16_MIN},
        {0xc0, 2, INT16_MAX}, {0xc0, 2, -300},      {0xf0, 3, -8388608},  {0xf0, 3, 8388607},
        {0xf0, 3, -1},        {0xf0, 3, 70000},     {0xd0, 4, INT32_MIN}, {0xd0, 4, INT32_MAX},
        {0xd0, 4, -100000},   {0xe0, 8, INT64_MIN}, {0xe0, 8, INT64_MAX}, {0xe0, 8, -5000000000},
    };
    for (const Int& x : ints) {
      bodies.push_back(bytes({x.enc}) + le(static_cast<uint64_t>(x.v), x.width));
      want.push_back("i:" + base::int64_to_string(x.v));
    }
    const std::string zl = ziplist(bodies);
    CHECK(zl_error(zl) == "accepted");
    CHECK(read_all(zl) == want);
  }

  TEST_CASE("string lengths of 6, 14 and 32 bits; 1 and 5-byte prevlens") {
    const std::string s300(300, 'a');
    const std::string s16383(16383, 'b');
    const std::string s16384(16384, 'c');
    CHECK(str_body(s300).substr(0, 2) == bytes({0x41, 0x2c}));  // 14 bits, big-endian
    CHECK(str_body(s16384).substr(0, 5) == bytes({0x80, 0x00, 0x00, 0x40, 0x00}));
    const std::string zl =
        ziplist({str_body(""), str_body(std::string(63, 'x')), str_body(s300), str_body("after"),
                 str_body(s16383), str_body(s16384), str_body("x", true), bytes({0xf1})});
    CHECK(zl_error(zl) == "accepted");
    const std::vector<std::string> want = {"s:",          "s:" + std::string(63, 'x'),
                                           "s:" + s300,   "s:after",
                                           "s:" + s16383, "s:" + s16384,
                                           "s:x",         "i:0"};
    CHECK(read_all(zl) == want);
    // The 300-byte string's entry (prevlen 1, encoding 2, 300 bytes) starts at 77; the entry
    // after it records its 303 bytes in the 5-byte form.
    const size_t after = 10 + 2 + 65;
    CHECK(zl.substr(after, 3) == bytes({65, 0x41, 0x2c}));
    CHECK(zl.substr(after + 303, 5) == bytes({0xfe}) + le(303, 4));
    // The 5-byte form may hold a small size (Redis leaves it so after a cascade update).
    const std::string big = ziplist({str_body("a"), str_body("b"), bytes({0xf2})}, {1, 2});
    CHECK(big.substr(13, 5) == bytes({0xfe, 0x03, 0, 0, 0}));
    CHECK(zl_error(big) == "accepted");
    CHECK(read_all(big) == std::vector<std::string>{"s:a", "s:b", "i:1"});
    // 65535 in zllen means "count it yourself".
    std::string unknown = ziplist({str_body("a"), str_body("b")});
    unknown[8] = unknown[9] = static_cast<char>(0xff);
    CHECK(zl_error(unknown) == "accepted");
  }

  TEST_CASE("ziplist validation refuses damage, naming an offset") {
    const std::string good =
        ziplist({str_body("hello"), bytes({0xc0}) + le(1000, 2), str_body(std::string(260, 'z')),
                 bytes({0xfe, 0x80}), bytes({0xf5})});
    REQUIRE(zl_error(good) == "accepted");
    // Entry offsets: 10 (7 bytes), 17 (4), 21 (1 + 2 + 260), 284 (5 + 2), 291 (2); end 293.
    REQUIRE(good.size() == 294);
    const std::vector<size_t> starts = {10, 17, 21, 284, 291};

    for (size_t cut = 0; cut < good.size(); ++cut) {
      INFO(cut);
      std::string b = good.substr(0, cut);
      CHECK(zl_error(b).find(" at offset ") != std::string::npos);
      if (cut < 11) continue;
      // Patched: right zlbytes, a terminator, zltail at the last whole entry.
      b.back() = static_cast<char>(0xff);
      b.replace(0, 4, le(cut, 4));
      size_t tail = 10;
      for (size_t s : starts) {
        if (s < cut - 1) tail = s;
      }
      b.replace(4, 4, le(tail, 4));
      const std::string e = zl_error(b);
      CHECK(e.find(" at offset ") != std::string::npos);
      const bool between = std::find(starts.begin(), starts.end(), cut - 1) != starts.end();
      // A cut between entries only shows in zllen.
      CHECK((e.find("zllen") != std::string::npos) == between);
    }

    std::string b = good;
    b[0] = static_cast<char>(b[0] - 1);
    CHECK(zl_error(b) == "ziplist: zlbytes differs from size at offset 0");
    b = good;
    b.back() = 0;
    CHECK(zl_error(b) == "ziplist: missing terminator at offset 293");
    b = good;
    b.replace(4, 4, le(284, 4));
    CHECK(zl_error(b) == "ziplist: zltail is not the last entry at offset 4");
    b.replace(4, 4, le(294, 4));
    CHECK(zl_error(b) == "ziplist: zltail past the terminator at offset 4");
    b = good;
    b[8] = 4;
    CHECK(zl_error(b) == "ziplist: zllen differs from the entries at offset 8");
    // prevlen of the second entry says 6, the first entry has 7 bytes.
    b = good;
    b[17] = 6;
    CHECK(zl_error(b) == "ziplist: prevlen differs from the previous entry at offset 17");
    // The first entry must record 0.
    b = good;
    b[10] = 1;
    CHECK(zl_error(b).find("prevlen") != std::string::npos);
    // Bytes that are no encoding.
    for (int enc : {0xc1, 0xc8, 0xd1, 0xe5, 0xff}) {
      b = good;
      b[18] = static_cast<char>(enc);
      INFO(enc);
      CHECK(zl_error(b) == "ziplist: invalid entry encoding at offset 18");
    }
    // A string longer than what is left.
    b = good;
    b[11] = 0x3f;
    CHECK(zl_error(b) != "accepted");
    b = good;
    b.replace(11, 1, bytes({0x80}));
    CHECK(zl_error(b) != "accepted");
    // A 32-bit length of 4 GiB - 1 on the 260-byte string.
    b = good;
    b[22] = static_cast<char>(0x80);
    CHECK(zl_error(b) != "accepted");
    // The terminator byte where an entry starts.
    b = good;
    b[17] = static_cast<char>(0xff);
    CHECK(zl_error(b) == "ziplist: terminator before the end of the blob at offset 17");
    CHECK(zl_error(bytes({0x0a, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0})) ==
          "ziplist: blob shorter than header and terminator at offset 0");
  }

  TEST_CASE("zipmap: Redis's example, free bytes, long lengths") {
    const std::string example = bytes({0x02, 0x03}) + "foo" + bytes({0x03, 0x00}) + "bar" +
                                bytes({0x05}) + "hello" + bytes({0x05, 0x00}) + "world" +
                                bytes({0xff});
    ZipmapPairs pairs;
    std::string error;
    REQUIRE(redis_zipmap_pairs(example, &pairs, &error));
    REQUIRE(pairs.size() == 2);
    CHECK(pairs[0] == std::pair<std::string_view, std::string_view>("foo", "bar"));
    CHECK(pairs[1] == std::pair<std::string_view, std::string_view>("hello", "world"));
    CHECK(zm_error(example) == "accepted");

    // A value "hi" with 2 free bytes after it, a 300-byte value (5-byte length), and count 254
    // ("count it yourself").
    const std::string v300(300, 'v');
    const std::string zm = bytes({254, 1, 'a', 2, 2, 'h', 'i', 0, 0, 1, 'b', 254}) + le(300, 4) +
                           bytes({0}) + v300 + bytes({0xff});
    pairs.clear();
    REQUIRE(redis_zipmap_pairs(zm, &pairs, &error));
    REQUIRE(pairs.size() == 2);
    CHECK(pairs[0].first == "a");
    CHECK(pairs[0].second == "hi");
    CHECK(pairs[1].first == "b");
    CHECK(pairs[1].second == v300);
  }

  TEST_CASE("zipmap validation refuses damage, naming an offset") {
    const std::string good = bytes({2, 1, 'k', 3, 1, 'a', 'b', 'c', 0, 2, 'k', '2', 0, 0, 0xff});
    REQUIRE(zm_error(good) == "accepted");
    for (size_t cut = 0; cut < good.size(); ++cut) {
      std::string b = good.substr(0, cut);
      CHECK(zm_error(b).find(" at offset ") != std::string::npos);
      if (cut < 2) continue;
      b.back() = static_cast<char>(0xff);
      CHECK(zm_error(b).find(" at offset ") != std::string::npos);
    }
    CHECK(zm_error(bytes({0, 0xff})) == "zipmap: empty zipmap at offset 1");
    std::string b = good;
    b[0] = 3;
    CHECK(zm_error(b) == "zipmap: count differs from the pairs at offset 0");
    b = good;
    b.back() = 0;
    CHECK(zm_error(b) == "zipmap: missing terminator at offset 14");
    // A free count that runs past the end.
    b = good;
    b[4] = 9;
    CHECK(zm_error(b) == "zipmap: value runs past the end at offset 3");
    // A key longer than the blob.
    b = good;
    b[1] = 100;
    CHECK(zm_error(b) == "zipmap: key runs past the end at offset 1");
    // A 5-byte length holding less than 254: Redis's reader would size it as one byte.
    const std::string small_big = bytes({1, 254}) + le(1, 4) + bytes({'k', 1, 0, 'v', 0xff});
    CHECK(zm_error(small_big) == "zipmap: bad key length at offset 1");
    // On failure the output is left as it was.
    ZipmapPairs pairs = {{"x", "y"}};
    std::string error;
    CHECK_FALSE(redis_zipmap_pairs(small_big, &pairs, &error));
    CHECK(pairs.size() == 1);
  }
}

}  // namespace
}  // namespace shardis::persist
