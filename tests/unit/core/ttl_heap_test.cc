// TtlHeap against a reference multimap: random pushes, updates and removals; every node's index
// as reported through the hooks must point back at it, and the top must be the minimum.
#include <doctest/doctest.h>
#include <shardis/core/ttl_heap.h>

#include <cstdint>
#include <map>
#include <random>
#include <vector>

namespace shardis::core {
namespace {

struct Item {
  uint32_t index = 0;
  int64_t when = 0;
  bool in_heap = false;
};

struct Hooks {
  static void set_index(Item* it, uint32_t i) { it->index = i; }
};

using Heap = TtlHeap<Item*, Hooks>;

void check_consistent(const Heap& heap, const std::vector<Item>& items) {
  size_t live = 0;
  int64_t min = INT64_MAX;
  for (const Item& it : items) {
    if (!it.in_heap) continue;
    ++live;
    REQUIRE(it.index < heap.size());
    REQUIRE(heap.handle(it.index) == &it);
    REQUIRE(heap.when(it.index) == it.when);
    min = std::min(min, it.when);
  }
  REQUIRE(heap.size() == live);
  if (live > 0) REQUIRE(heap.top().when == min);
}

TEST_CASE("random push, update, remove and pop keep the heap and the indexes right") {
  const uint64_t seed = 20261122;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  std::vector<Item> items(2000);
  Heap heap;
  for (int step = 0; step < 200000; ++step) {
    Item& it = items[rng() % items.size()];
    int op = static_cast<int>(rng() % 4);
    int64_t when = static_cast<int64_t>(rng() % 1000);
    if (!it.in_heap) {
      it.when = when;
      it.in_heap = true;
      heap.push(when, &it);
    } else if (op == 0) {
      it.when = when;
      heap.update(it.index, when);
    } else if (op == 1) {
      heap.remove(it.index);
      it.in_heap = false;
    } else if (op == 2 && !heap.empty()) {
      Item* top = heap.top().handle;
      heap.pop();
      top->in_heap = false;
    }
    if (step % 1000 == 0) check_consistent(heap, items);
  }
  check_consistent(heap, items);
  int64_t last = -1;
  while (!heap.empty()) {
    CHECK(heap.top().when >= last);
    last = heap.top().when;
    heap.top().handle->in_heap = false;
    heap.pop();
  }
}

TEST_CASE("rebind points a node at a moved handle") {
  Heap heap;
  Item a, b;
  heap.push(10, &a);
  heap.push(5, &b);
  Item moved = a;
  heap.rebind(a.index, &moved);
  CHECK(heap.handle(moved.index) == &moved);
  heap.update(moved.index, 1);
  CHECK(heap.top().handle == &moved);
}

}  // namespace
}  // namespace shardis::core
