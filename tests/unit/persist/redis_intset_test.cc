// Redis intset blobs: the narrowest encoding at each width boundary, real DUMP payloads from
// redis-server 7.0.15, random round trips, and the parser refusing what
// intsetValidateIntegrity refuses.
#include <doctest/doctest.h>
#include <shardis/persist/redis_intset.h>

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

std::string blob_of(std::vector<int64_t> v) {
  return redis_intset_blob(v);
}

std::string parse_error(std::string_view blob) {
  std::vector<int64_t> out;
  std::string error;
  return parse_redis_intset(blob, &out, &error) ? "accepted" : error;
}

TEST_SUITE("persist/redis_intset") {
  TEST_CASE("exact bytes, narrowest width") {
    CHECK(blob_of({1, 2}) == bytes({2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 2, 0}));
    CHECK(blob_of({INT16_MIN, INT16_MAX}) ==
          bytes({2, 0, 0, 0, 2, 0, 0, 0, 0x00, 0x80, 0xff, 0x7f}));
    CHECK(blob_of({INT16_MAX + 1}) == bytes({4, 0, 0, 0, 1, 0, 0, 0, 0x00, 0x80, 0, 0}));
    CHECK(blob_of({INT16_MIN - 1, 0}) ==
          bytes({4, 0, 0, 0, 2, 0, 0, 0, 0xff, 0x7f, 0xff, 0xff, 0, 0, 0, 0}));
    CHECK(blob_of({INT32_MIN, INT32_MAX}).substr(0, 4) == bytes({4, 0, 0, 0}));
    CHECK(blob_of({int64_t{INT32_MAX} + 1}) ==
          bytes({8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 0, 0}));
    CHECK(blob_of({int64_t{INT32_MIN} - 1}).substr(0, 4) == bytes({8, 0, 0, 0}));
    // One wide value widens them all.
    CHECK(blob_of({-1, int64_t{1} << 40}) ==
          bytes({8, 0, 0, 0, 2, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  //
                 0, 0, 0, 0, 0, 1, 0, 0}));
    // A width kept from values since removed.
    const std::vector<int64_t> small = {1, 2};
    CHECK(redis_intset_blob(small, 8) ==
          bytes({8, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0}));
    CHECK(redis_intset_blob(small, 4).size() == 16);
    const std::vector<int64_t> wide = {int64_t{1} << 40};
    CHECK(redis_intset_blob(wide, 4).substr(0, 4) == bytes({8, 0, 0, 0}));
    // No values: what a new intset holds (Redis never saves one).
    CHECK(blob_of({}) == bytes({2, 0, 0, 0, 0, 0, 0, 0}));
  }

  TEST_CASE("real DUMP payloads of redis-server 7.0.15") {
    // SADD s 1 2 3 -5 70000 (type 11; RDB string; version 10; CRC-64).
    const std::string dump32 = from_hex(
        "0b1c0400000005000000fbffffff010000000200000003000000701101000a0023e5f3765598617d");
    // SADD s -1 1099511627776.
    const std::string dump64 =
        from_hex("0b180800000002000000ffffffffffffffff00000000000100000a00198b74b37c138b2a");
    const std::vector<int64_t> v32 = {-5, 1, 2, 3, 70000};
    const std::vector<int64_t> v64 = {-1, int64_t{1} << 40};
    CHECK(dump32.substr(2, dump32.size() - 12) == redis_intset_blob(v32));
    CHECK(dump64.substr(2, dump64.size() - 12) == redis_intset_blob(v64));
    std::vector<int64_t> out;
    std::string error;
    REQUIRE(parse_redis_intset(dump32.substr(2, dump32.size() - 12), &out, &error));
    CHECK(out == v32);
  }

  TEST_CASE("random sets round trip") {
    std::mt19937_64 rng(17);
    for (int round = 0; round < 500; ++round) {
      std::vector<int64_t> v;
      const int n = 1 + static_cast<int>(rng() % 40);
      const int shift = static_cast<int>(rng() % 64);
      for (int i = 0; i < n; ++i) v.push_back(static_cast<int64_t>(rng()) >> shift);
      std::sort(v.begin(), v.end());
      v.erase(std::unique(v.begin(), v.end()), v.end());
      const std::string blob = redis_intset_blob(v);
      std::vector<int64_t> out;
      std::string error;
      REQUIRE(parse_redis_intset(blob, &out, &error));
      CHECK(out == v);
      const int64_t widest = std::max(-(v.front() + 1), v.back());
      const int width = widest > INT32_MAX ? 8 : widest > INT16_MAX ? 4 : 2;
      CHECK(blob.size() == 8 + v.size() * static_cast<size_t>(width));
      CHECK(static_cast<int>(blob[0]) == width);
    }
  }

  TEST_CASE("the parser refuses what Redis refuses") {
    const std::string good = blob_of({-3, 7, 1000});
    CHECK(parse_error(good) == "accepted");
    // A wider encoding than needed is legal: Redis never narrows an intset.
    CHECK(parse_error(bytes({8, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0})) == "accepted");
    for (size_t cut = 0; cut < good.size(); ++cut) {
      CHECK(parse_error(good.substr(0, cut)).find(" at offset ") != std::string::npos);
    }
    CHECK(parse_error(good + bytes({0})) ==
          "intset: length does not match the blob size at offset 4");
    CHECK(parse_error(bytes({1, 2, 3})) == "intset: blob shorter than its header at offset 0");
    for (int enc : {0, 1, 3, 16}) {
      std::string b = good;
      b[0] = static_cast<char>(enc);
      CHECK(parse_error(b) == "intset: invalid encoding at offset 0");
    }
    CHECK(parse_error(bytes({2, 0, 0, 0, 0, 0, 0, 0})) == "intset: empty intset at offset 4");
    // A length whose product with the width overflows 32 bits must not wrap around.
    CHECK(parse_error(bytes({8, 0, 0, 0, 0, 0, 0, 0x20})) ==
          "intset: length does not match the blob size at offset 4");
    // Out of order and duplicate values.
    CHECK(parse_error(bytes({2, 0, 0, 0, 2, 0, 0, 0, 5, 0, 4, 0})) ==
          "intset: values not strictly ascending at offset 10");
    CHECK(parse_error(bytes({2, 0, 0, 0, 3, 0, 0, 0, 1, 0, 5, 0, 5, 0})) ==
          "intset: values not strictly ascending at offset 12");
    // Negative values sort first: 0xffff is -1, below 0.
    CHECK(parse_error(bytes({2, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0xff, 0xff})) ==
          "intset: values not strictly ascending at offset 10");
    // On failure *out is left as it was.
    std::vector<int64_t> out = {42};
    std::string error;
    CHECK_FALSE(parse_redis_intset(bytes({2, 0, 0, 0, 2, 0, 0, 0, 5, 0, 4, 0}), &out, &error));
    CHECK(out == std::vector<int64_t>{42});
  }
}

}  // namespace
}  // namespace shardis::persist
