// Micro benchmark for core::HashTable with entries in a core::Slab: ns/op for insert, find
// (hit and miss) and erase at 1M and 10M keys, the slowest single insert while growing, bucket
// bytes per key and RSS per key (table plus 24-byte entries).
//
//   build/bench/hash_table_bench [max_keys]      (default 10000000)
#include <shardis/core/hash_table.h>
#include <shardis/core/slab.h>
#include <xxhash.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <numeric>
#include <random>
#include <string_view>
#include <vector>

namespace {

using shardis::core::HashTable;
using shardis::core::Slab;
using Clock = std::chrono::steady_clock;

// A 24-byte keyspace entry: short key inline, an 8-byte value.
struct Item {
  uint8_t len;
  char key[15];
  uint64_t value;
};
static_assert(sizeof(Item) == 24);

struct ItemTraits {
  static std::string_view key(const Item* e) { return {e->key, e->len}; }
  static uint64_t hash(std::string_view k) { return XXH3_64bits(k.data(), k.size()); }
};

using Table = HashTable<Item, ItemTraits>;

// "key:<i>" (or "miss:<i>") into buf; returns the length.
size_t make_key(char* buf, const char* prefix, uint64_t i) {
  size_t n = std::strlen(prefix);
  std::memcpy(buf, prefix, n);
  char digits[20];
  size_t d = 0;
  do {
    digits[d++] = static_cast<char>('0' + i % 10);
    i /= 10;
  } while (i != 0);
  while (d > 0) buf[n++] = digits[--d];
  return n;
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

size_t rss_bytes() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long pages = 0, resident = 0;
  if (std::fscanf(f, "%lu %lu", &pages, &resident) != 2) resident = 0;
  std::fclose(f);
  return resident * 4096;
}

void run(size_t n) {
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937_64(n));
  char buf[32];
  // Per-call insert times (allocated and faulted in before the RSS baseline).
  std::vector<float> per_call(n);

  const size_t rss0 = rss_bytes();
  Slab slab;
  Table t;
  // Insert with per-call timing, for the slowest single insert (clock overhead included). Wall
  // time: preemption and page faults (the new array is faulted in as the rehash walks it) count.
  size_t max_at = 0;
  const auto t_ins = Clock::now();
  for (size_t i = 0; i < n; ++i) {
    auto* e = static_cast<Item*>(slab.alloc(sizeof(Item)));
    e->len = static_cast<uint8_t>(make_key(e->key, "key:", i));
    e->value = i;
    const auto t0 = Clock::now();
    t.insert(e, ItemTraits::hash(ItemTraits::key(e)));
    per_call[i] = std::chrono::duration<float, std::nano>(Clock::now() - t0).count();
    if (per_call[i] > per_call[max_at]) max_at = i;
  }
  const double insert_timed_s = seconds_since(t_ins);
  const double max_insert_ns = per_call[max_at];
  std::sort(per_call.begin(), per_call.end(), std::greater<>());
  const double p999_ns = per_call[n / 1000];
  const double p99999_ns = per_call[n / 100000];
  const size_t rss1 = rss_bytes();
  const double bucket_bytes_per_key = double(t.bucket_bytes()) / double(t.size());
  const size_t buckets = t.bucket_count();

  // Insert again without per-call timing, for ns/op.
  Slab slab2;
  Table t2;
  const auto t_ins2 = Clock::now();
  for (size_t i = 0; i < n; ++i) {
    auto* e = static_cast<Item*>(slab2.alloc(sizeof(Item)));
    e->len = static_cast<uint8_t>(make_key(e->key, "key:", i));
    e->value = i;
    t2.insert(e, ItemTraits::hash(ItemTraits::key(e)));
  }
  const double insert_s = seconds_since(t_ins2);
  t2.clear([&](Item* e) { slab2.free(e, sizeof(Item)); });

  uint64_t sum = 0;
  auto t_find = Clock::now();
  for (size_t i = 0; i < n; ++i) {
    const size_t len = make_key(buf, "key:", order[i]);
    Item** s = t.find({buf, len}, ItemTraits::hash({buf, len}));
    sum += s ? (*s)->value : 1;
  }
  const double find_s = seconds_since(t_find);
  auto t_miss = Clock::now();
  for (size_t i = 0; i < n; ++i) {
    const size_t len = make_key(buf, "miss:", order[i]);
    sum += t.find({buf, len}, ItemTraits::hash({buf, len})) != nullptr;
  }
  const double miss_s = seconds_since(t_miss);
  auto t_erase = Clock::now();
  for (size_t i = 0; i < n; ++i) {
    const size_t len = make_key(buf, "key:", order[i]);
    Item* e = t.erase({buf, len}, ItemTraits::hash({buf, len}));
    if (e != nullptr) slab.free(e, sizeof(Item));
  }
  const double erase_s = seconds_since(t_erase);
  if (sum != uint64_t(n) * (n - 1) / 2 || t.size() != 0) std::printf("MISMATCH\n");

  const double k = 1e9 / double(n);
  std::printf(
      "%9zu keys: insert %6.1f ns/op (%.1f with per-call clock), find hit %6.1f, miss %6.1f,"
      " erase %6.1f ns/op\n",
      n, insert_s * k, insert_timed_s * k, find_s * k, miss_s * k, erase_s * k);
  std::printf("           single insert: p99.9 %.1f us, p99.999 %.1f us, max %.1f us (#%zu)\n",
              p999_ns / 1000, p99999_ns / 1000, max_insert_ns / 1000, max_at);
  std::printf(
      "           %zu buckets, bucket bytes/key %.1f, RSS/key %.1f (table + 24-byte entries)\n",
      buckets, bucket_bytes_per_key, double(rss1 - rss0) / double(n));
}

}  // namespace

int main(int argc, char** argv) {
  const size_t max_keys = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10'000'000;
  for (size_t n : {size_t{1'000'000}, size_t{10'000'000}}) {
    if (n <= max_keys) run(n);
  }
  return 0;
}
