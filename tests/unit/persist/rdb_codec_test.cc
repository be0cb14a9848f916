// RDB lengths and strings: the exact bytes redis-server writes for each length form and each
// string encoding (from the format: lengths 6/14/32/64-bit, integers of 8/16/32 bits, raw
// otherwise), round trips of random strings and lengths, LZF-compressed strings, and malformed
// input, which must fail with an offset and never read past the input.
#include <doctest/doctest.h>
#include <shardis/persist/rdb_codec.h>

#include <random>
#include <string>
#include <vector>

#include "support/byte_strings.h"

namespace shardis::persist {
namespace {

using test::bytes;
using test::from_hex;

std::string enc_len(uint64_t n) {
  std::string out;
  RdbWriter(out).len(n);
  return out;
}

std::string enc_str(std::string_view s) {
  std::string out;
  RdbWriter(out).string(s);
  return out;
}

TEST_CASE("rdb: length forms") {
  CHECK(enc_len(0) == bytes({0x00}));
  CHECK(enc_len(63) == bytes({0x3f}));
  CHECK(enc_len(64) == bytes({0x40, 0x40}));
  CHECK(enc_len(16383) == bytes({0x7f, 0xff}));
  CHECK(enc_len(16384) == bytes({0x80, 0x00, 0x00, 0x40, 0x00}));
  CHECK(enc_len(0xffffffffULL) == bytes({0x80, 0xff, 0xff, 0xff, 0xff}));
  CHECK(enc_len(0x100000000ULL) == bytes({0x81, 0, 0, 0, 1, 0, 0, 0, 0}));
  std::mt19937_64 rng(3);
  for (int i = 0; i < 2000; ++i) {
    uint64_t n = rng() >> (rng() % 64);
    std::string e = enc_len(n);
    RdbReader r(e);
    uint64_t got = 0;
    REQUIRE(r.len(&got));
    CHECK(got == n);
    CHECK(r.left() == 0);
  }
}

TEST_CASE("rdb: strings that are integers") {
  CHECK(enc_str("0") == bytes({0xc0, 0x00}));
  CHECK(enc_str("12") == bytes({0xc0, 12}));
  CHECK(enc_str("-128") == bytes({0xc0, 0x80}));
  CHECK(enc_str("127") == bytes({0xc0, 0x7f}));
  CHECK(enc_str("128") == bytes({0xc1, 0x80, 0x00}));
  CHECK(enc_str("-129") == bytes({0xc1, 0x7f, 0xff}));
  CHECK(enc_str("32768") == bytes({0xc2, 0x00, 0x80, 0x00, 0x00}));
  CHECK(enc_str("100000") == bytes({0xc2, 0xa0, 0x86, 0x01, 0x00}));
  CHECK(enc_str("-2147483648") == bytes({0xc2, 0x00, 0x00, 0x00, 0x80}));
  // Not the canonical form of a 32-bit integer: written raw.
  for (std::string s : {"2147483648", "-2147483649", "012", "-0", "+1", " 1", "1 ", "1.0", "",
                        "99999999999", "abc"}) {
    INFO(s);
    CHECK(enc_str(s) == enc_len(s.size()) + s);
  }
  for (std::string s : {"0", "-1", "127", "-32768", "2147483647", "-2147483648", "65535"}) {
    std::string e = enc_str(s);
    RdbReader r(e);
    std::string got;
    REQUIRE(r.string(&got));
    CHECK(got == s);
    CHECK(r.left() == 0);
  }
}

TEST_CASE("rdb: random strings round trip, binary safe") {
  std::mt19937_64 rng(5);
  std::string stream;
  RdbWriter w(stream);
  std::vector<std::string> sent;
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    if (i % 3 == 0) {
      s = std::to_string(static_cast<int64_t>(rng()) >> (rng() % 64));
    } else {
      s.resize(rng() % (i % 7 == 0 ? 20000 : 80));
      for (char& c : s) c = static_cast<char>(rng());
    }
    w.string(s);
    sent.push_back(s);
  }
  RdbReader r(stream);
  for (const std::string& s : sent) {
    std::string got;
    REQUIRE(r.string(&got));
    CHECK(got == s);
  }
  CHECK(r.left() == 0);
}

TEST_CASE("rdb: LZF-compressed strings") {
  // "abcabcabc": a literal run of 3, then a copy of 6 bytes from 3 back (overlapping).
  std::string packed = bytes({0x02, 'a', 'b', 'c', 0x80, 0x02});
  std::string out;
  REQUIRE(lzf_decompress(packed, 9, &out));
  CHECK(out == "abcabcabc");
  std::string rec = bytes({0xc3}) + enc_len(packed.size()) + enc_len(9) + packed;
  RdbReader r(rec);
  std::string got;
  REQUIRE(r.string(&got));
  CHECK(got == "abcabcabc");
  // A long copy: length 7 + 255 + 2 = 264 'x's after one literal 'x'.
  std::string long_copy = bytes({0x00, 'x', 0xe0, 0xff, 0x00});
  REQUIRE(lzf_decompress(long_copy, 265, &out));
  CHECK(out == std::string(265, 'x'));
  // Malformed: a copy from before the start, sizes that do not match, truncated runs.
  CHECK_FALSE(lzf_decompress(bytes({0x80, 0x02}), 6, &out));
  CHECK_FALSE(lzf_decompress(packed, 8, &out));
  CHECK_FALSE(lzf_decompress(packed, 10, &out));
  CHECK_FALSE(lzf_decompress(bytes({0x05, 'a', 'b'}), 6, &out));
  CHECK_FALSE(lzf_decompress(bytes({0x00, 'x', 0xe0}), 265, &out));
  CHECK_FALSE(lzf_decompress(bytes({0x00, 'x', 0x20}), 4, &out));
}

TEST_CASE("rdb: LZF compression round trips and matches redis-server's bytes") {
  std::mt19937_64 rng(9);
  int shrunk = 0;
  for (int i = 0; i < 400; ++i) {
    std::string in(200 + rng() % (i % 10 == 0 ? 70000 : 600), '\0');
    switch (i % 4) {
      case 0:  // random bytes: rarely compressible
        for (char& c : in) c = static_cast<char>(rng());
        break;
      case 1:  // a small alphabet
        for (char& c : in) c = "ab"[rng() % 2];
        break;
      case 2:  // one repeated phrase
        for (size_t k = 0; k < in.size(); ++k) in[k] = "shardis and redis "[k % 18];
        break;
      default:  // a random block repeated, with the odd changed byte
        for (size_t k = 0; k < in.size(); ++k) {
          in[k] = k < 40 ? static_cast<char>(rng()) : in[k - 40];
          if (rng() % 97 == 0) in[k] = static_cast<char>(rng());
        }
        break;
    }
    std::string packed;
    if (!lzf_compress(in, &packed)) {
      CHECK(i % 4 == 0);
      continue;
    }
    CHECK(packed.size() <= in.size() - 4);
    ++shrunk;
    std::string back;
    REQUIRE(lzf_decompress(packed, in.size(), &back));
    CHECK(back == in);
  }
  CHECK(shrunk >= 300);
  // Repetitive input shrinks a lot: the longest back reference copies 264 bytes for 3.
  std::string packed;
  REQUIRE(lzf_compress(std::string(100000, 'x'), &packed));
  CHECK(packed.size() < 1200);
  // Nothing to gain at 4 bytes or less, nor from bytes without repeats.
  CHECK_FALSE(lzf_compress("aaaa", &packed));
  CHECK_FALSE(lzf_compress("", &packed));
  CHECK_FALSE(lzf_compress("abcdefghijklmnopqrstuvwxyz0123456789", &packed));
  // redis-server 7.0.15's DUMP of SET k abcabcabcabcabcabcabcabc and of the fox sentence twice
  // (type 0, then the 0xC3 string: compressed length, original length, bytes).
  const std::string abc = "abcabcabcabcabcabcabcabc";
  REQUIRE(lzf_compress(abc, &packed));
  CHECK(packed == from_hex("0361626361e00a020063"));
  const std::string fox =
      "The quick brown fox jumps over the lazy dog. The quick brown fox jumps over the lazy dog.";
  REQUIRE(lzf_compress(fox, &packed));
  CHECK(packed == from_hex("1f54686520717569636b2062726f776e20666f78206a756d7073206f76657220742"
                           "01e0a6c617a7920646f672e2054200de01d2c01672e"));
}

TEST_CASE("rdb: RdbWriter with compression writes what redis-server writes") {
  std::string out;
  RdbWriter w(out, true);
  const std::string abc = "abcabcabcabcabcabcabcabc";
  w.string(abc);
  CHECK(out == from_hex("c30a180361626361e00a020063"));
  // Integers first; 20 bytes and less raw; incompressible raw.
  for (std::string s : {std::string("12345"), std::string("-2147483648"), std::string(20, 'a'),
                        std::string("abcdefghijklmnopqrstuvwxyz0123456789")}) {
    out.clear();
    w.string(s);
    std::string plain;
    RdbWriter(plain).string(s);
    CHECK(out == plain);
  }
  // 21 bytes compress; without the switch they stay raw.
  out.clear();
  w.string(std::string(21, 'a'));
  CHECK(out == bytes({0xc3, 0x06, 0x15, 0x01, 'a', 'a', 0xe0, 0x0a, 0x00}));
  out.clear();
  RdbWriter(out).string(std::string(21, 'a'));
  CHECK(out == enc_len(21) + std::string(21, 'a'));
  // Whatever it writes, RdbReader reads back.
  std::mt19937_64 rng(13);
  std::string stream;
  RdbWriter cw(stream, true);
  std::vector<std::string> sent;
  size_t compressed = 0;
  for (int i = 0; i < 500; ++i) {
    std::string s(rng() % 3000, '\0');
    for (size_t k = 0; k < s.size(); ++k) {
      s[k] = i % 2 ? static_cast<char>(rng()) : "0123 "[rng() % 5];
    }
    const size_t before = stream.size();
    cw.string(s);
    compressed += static_cast<uint8_t>(stream[before]) == 0xc3;
    sent.push_back(s);
  }
  CHECK(compressed >= 200);
  RdbReader r(stream);
  for (const std::string& s : sent) {
    std::string got;
    REQUIRE(r.string(&got));
    CHECK(got == s);
  }
  CHECK(r.left() == 0);
}

TEST_CASE("rdb: malformed input fails with an offset, never reads past the end") {
  std::string ok = enc_str(std::string(300, 'q'));
  for (size_t cut = 0; cut < ok.size(); ++cut) {
    RdbReader r(std::string_view(ok.data(), cut));
    std::string got;
    CHECK_FALSE(r.string(&got));
    CHECK(r.error().find("offset") != std::string::npos);
  }
  {
    std::string unknown = bytes({0xc4});
    RdbReader r(unknown);
    std::string got;
    CHECK_FALSE(r.string(&got));
    CHECK(r.error() == "unknown string encoding at offset 1");
  }
  {
    std::string bad_len = bytes({0x82, 0x00});
    RdbReader r(bad_len);
    uint64_t n = 0;
    CHECK_FALSE(r.len(&n));
  }
  {
    // A length of 2^40 bytes with nothing behind it: refused before any allocation.
    std::string huge = enc_len(1ULL << 40);
    RdbReader r(huge);
    std::string got;
    CHECK_FALSE(r.string(&got));
    CHECK(r.error().find("512 MB") != std::string::npos);
  }
  {
    // An LZF string that claims 100 MB from 6 compressed bytes: refused before allocating.
    std::string lzf = bytes({0xc3}) + enc_len(6) + enc_len(100'000'000) +
                      bytes({0x02, 'a', 'b', 'c', 0x80, 0x02});
    RdbReader r(lzf);
    std::string got;
    CHECK_FALSE(r.string(&got));
    CHECK(r.error().find("corrupt LZF") != std::string::npos);
  }
  {
    // The first byte of an encoded string where a length is expected: redis-server's
    // rdbLoadLen reads its low six bits as the length, and so does this.
    std::string enc = bytes({0xc1, 0x01});
    RdbReader r(enc);
    uint64_t n = 0;
    CHECK(r.len(&n));
    CHECK(n == 1);
    CHECK(r.offset() == 1);
  }
}

}  // namespace
}  // namespace shardis::persist
