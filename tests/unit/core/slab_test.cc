#include <doctest/doctest.h>
#include <shardis/core/slab.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

namespace shardis::core {
namespace {

TEST_CASE("slab: block sizes are multiples of 8 up to kMaxSmall, exact above") {
  CHECK(Slab::block_size(0) == 8);
  CHECK(Slab::block_size(1) == 8);
  CHECK(Slab::block_size(8) == 8);
  CHECK(Slab::block_size(9) == 16);
  CHECK(Slab::block_size(24) == 24);
  CHECK(Slab::block_size(255) == 256);
  CHECK(Slab::block_size(256) == 256);
  CHECK(Slab::block_size(257) == 257);
  CHECK(Slab::block_size(1000) == 1000);
}

TEST_CASE("slab: freed blocks are reused by their class; pages are carved then added") {
  Slab s;
  CHECK(s.bytes_in_use() == 0);
  CHECK(s.bytes_reserved() == 0);
  void* a = s.alloc(24);
  CHECK(reinterpret_cast<uintptr_t>(a) % 8 == 0);
  CHECK(s.bytes_in_use() == 24);
  CHECK(s.bytes_reserved() == Slab::kPageBytes);
  s.free(a, 24);
  CHECK(s.bytes_in_use() == 0);
  void* b = s.alloc(17);  // same class (24)
  CHECK(b == a);
  void* c = s.alloc(16);  // another class, another page
  CHECK(c != a);
  CHECK(s.bytes_reserved() == 2 * Slab::kPageBytes);
  void* z = s.alloc(0);
  CHECK(z != nullptr);
  CHECK(s.bytes_in_use() == 24 + 16 + 8);
  s.free(z, 0);
  s.free(c, 16);
  s.free(b, 17);
  CHECK(s.bytes_in_use() == 0);

  // One page holds kPageBytes / 256 blocks of 256; the next block needs a new page.
  std::vector<void*> blocks;
  for (size_t i = 0; i < Slab::kPageBytes / 256; ++i) blocks.push_back(s.alloc(256));
  CHECK(s.bytes_reserved() == 4 * Slab::kPageBytes);  // 8-, 16-, 24- and 256-byte classes
  blocks.push_back(s.alloc(256));
  CHECK(s.bytes_reserved() == 5 * Slab::kPageBytes);
  for (void* p : blocks) s.free(p, 256);
  CHECK(s.bytes_in_use() == 0);
  CHECK(s.bytes_reserved() == 5 * Slab::kPageBytes);  // pages are kept

  void* big = s.alloc(1000);
  CHECK(s.bytes_in_use() == 1000);
  CHECK(s.bytes_reserved() == 5 * Slab::kPageBytes + 1000);
  s.free(big, 1000);
  CHECK(s.bytes_in_use() == 0);
  CHECK(s.bytes_reserved() == 5 * Slab::kPageBytes);
}

struct Block {
  unsigned char* p;
  size_t n;
  uint32_t id;
};

unsigned char pattern(uint32_t id, size_t i) {
  return static_cast<unsigned char>(id * 131 + i);
}

void fill(const Block& b) {
  for (size_t i = 0; i < b.n; ++i) b.p[i] = pattern(b.id, i);
}

bool intact(const Block& b) {
  for (size_t i = 0; i < b.n; ++i) {
    if (b.p[i] != pattern(b.id, i)) return false;
  }
  return true;
}

TEST_CASE("slab: random allocations and frees keep blocks disjoint and intact") {
  const uint64_t seed = 4242;
  INFO("seed = ", seed);
  std::mt19937_64 rng(seed);
  Slab s;
  std::vector<Block> live;
  size_t expect_in_use = 0;
  uint32_t next_id = 0;
  size_t reused = 0;
  size_t corrupted = 0;
  std::vector<uintptr_t> freed_small;  // addresses freed since the last check, for reuse counts

  auto check_disjoint = [&] {
    std::vector<std::pair<uintptr_t, uintptr_t>> spans;
    for (const Block& b : live) {
      const auto start = reinterpret_cast<uintptr_t>(b.p);
      spans.emplace_back(start, start + Slab::block_size(b.n));
    }
    std::sort(spans.begin(), spans.end());
    size_t overlaps = 0;
    for (size_t i = 1; i < spans.size(); ++i) overlaps += spans[i].first < spans[i - 1].second;
    CHECK(overlaps == 0);
    size_t bad = 0;
    for (const Block& b : live) bad += !intact(b);
    CHECK(bad == 0);
  };

  for (int op = 0; op < 400000; ++op) {
    // Phases of mostly-alloc and mostly-free, so free lists fill up and get drained.
    const bool alloc_phase = (op / 50000) % 2 == 0;
    const bool do_alloc = live.empty() || rng() % 100 < (alloc_phase ? 65u : 35u);
    if (do_alloc) {
      const size_t n = 1 + rng() % 600;
      auto* p = static_cast<unsigned char*>(s.alloc(n));
      REQUIRE(p != nullptr);
      CHECK(reinterpret_cast<uintptr_t>(p) % 8 == 0);
      if (n <= Slab::kMaxSmall && std::find(freed_small.begin(), freed_small.end(),
                                            reinterpret_cast<uintptr_t>(p)) != freed_small.end()) {
        ++reused;
      }
      Block b{p, n, next_id++};
      fill(b);
      live.push_back(b);
      expect_in_use += Slab::block_size(n);
    } else {
      const size_t k = rng() % live.size();
      Block b = live[k];
      corrupted += !intact(b);
      live[k] = live.back();
      live.pop_back();
      s.free(b.p, b.n);
      expect_in_use -= Slab::block_size(b.n);
      if (b.n <= Slab::kMaxSmall) {
        if (freed_small.size() >= 64) freed_small.erase(freed_small.begin());
        freed_small.push_back(reinterpret_cast<uintptr_t>(b.p));
      }
    }
    if (s.bytes_in_use() != expect_in_use) FAIL("bytes_in_use differs at op ", op);
    if (op % 50000 == 49999) check_disjoint();
  }
  CHECK(corrupted == 0);
  CHECK(reused > 1000);
  check_disjoint();
  size_t large = 0;
  for (const Block& b : live) large += b.n > Slab::kMaxSmall ? b.n : 0;
  CHECK(s.bytes_reserved() >= s.bytes_in_use());
  CHECK(s.bytes_reserved() - large == (s.bytes_reserved() - large) / Slab::kPageBytes *
                                          Slab::kPageBytes);  // pages plus live large blocks
  for (const Block& b : live) s.free(b.p, b.n);
  CHECK(s.bytes_in_use() == 0);
  CHECK(s.bytes_reserved() % Slab::kPageBytes == 0);
}

}  // namespace
}  // namespace shardis::core
