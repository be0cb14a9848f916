#include <doctest/doctest.h>
#include <shardis/server/routing.h>

#include <string>
#include <vector>

using shardis::server::hash_slice;
using shardis::server::shard_of;

TEST_CASE("routing: hash tags follow Redis Cluster rules") {
  CHECK(hash_slice("user:{42}:name") == "42");
  CHECK(hash_slice("{a}{b}") == "a");         // first tag only
  CHECK(hash_slice("{}x") == "{}x");          // empty tag: whole key
  CHECK(hash_slice("x{}{a}") == "x{}{a}");    // first '{' has an empty tag: whole key
  CHECK(hash_slice("foo{bar") == "foo{bar");  // unclosed
  CHECK(hash_slice("foo}bar{") == "foo}bar{");
  CHECK(hash_slice("a{b}c}") == "b");
  CHECK(hash_slice(std::string("k\0{z}", 6)) == "z");
}

TEST_CASE("routing: keys with the same tag share a shard; one shard owns everything") {
  for (uint32_t n : {2u, 3u, 4u, 8u}) {
    uint32_t s = shard_of("{user1}.a", n);
    CHECK(s < n);
    CHECK(shard_of("{user1}.b", n) == s);
    CHECK(shard_of("user1", n) == s);
  }
  CHECK(shard_of("anything", 1) == 0);
}

TEST_CASE("routing: keys spread over every shard") {
  for (uint32_t n : {2u, 4u}) {
    std::vector<int> count(n, 0);
    for (int i = 0; i < 4000; ++i) ++count[shard_of("key:" + std::to_string(i), n)];
    for (uint32_t s = 0; s < n; ++s) {
      CHECK(count[s] > 4000 / static_cast<int>(n) / 2);
    }
  }
}
