// CRC-64 (Redis's) and CRC-32C against their published check values, against a bit-at-a-time
// model of their definitions on random data of every length up to 64 and some longer, and fed
// in random pieces (a CRC continued from an earlier result equals the CRC of the whole).
#include <doctest/doctest.h>
#include <shardis/base/crc.h>

#include <random>
#include <string>

namespace shardis::base {
namespace {

// The definitions, one bit at a time (reflected input and output).
uint64_t model_crc64(const std::string& s) {
  uint64_t c = 0;
  for (unsigned char b : s) {
    c ^= b;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x95ac9329ac4bc9b5ULL : c >> 1;
  }
  return c;
}

uint32_t model_crc32c(const std::string& s) {
  uint32_t c = 0xffffffffU;
  for (unsigned char b : s) {
    c ^= b;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82f63b78U : c >> 1;
  }
  return ~c;
}

std::string random_bytes(std::mt19937_64& rng, size_t n) {
  std::string s(n, '\0');
  for (char& ch : s) ch = static_cast<char>(rng());
  return s;
}

TEST_CASE("crc: check values") {
  CHECK(crc64(0, "123456789") == 0xe9c6d914c4b8d9caULL);
  CHECK(crc32c(0, "123456789") == 0xe3069283U);
  CHECK(crc32c_portable(0, "123456789", 9) == 0xe3069283U);
  CHECK(crc64(0, "") == 0);
  CHECK(crc32c(0, "") == 0);
}

TEST_CASE("crc: same as the bit-at-a-time definition") {
  std::mt19937_64 rng(7);
  for (size_t n = 0; n < 200; ++n) {
    size_t len = n <= 64 ? n : 64 + rng() % 5000;
    std::string s = random_bytes(rng, len);
    INFO("length " << len);
    CHECK(crc64(0, s) == model_crc64(s));
    CHECK(crc32c(0, s) == model_crc32c(s));
    CHECK(crc32c_portable(0, s.data(), s.size()) == model_crc32c(s));
  }
}

TEST_CASE("crc: continued in pieces") {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 100; ++round) {
    std::string s = random_bytes(rng, rng() % 3000);
    uint64_t c64 = 0;
    uint32_t c32 = 0;
    for (size_t at = 0; at < s.size();) {
      size_t piece = std::min<size_t>(s.size() - at, rng() % 40);
      std::string_view part(s.data() + at, piece);
      c64 = crc64(c64, part);
      c32 = crc32c(c32, part);
      at += piece;
    }
    CHECK(c64 == crc64(0, s));
    CHECK(c32 == crc32c(0, s));
  }
}

}  // namespace
}  // namespace shardis::base
