// base::Fifo against std::deque: random pushes, pops and removals from the middle, and after
// every step the same size, front and contents in order.
#include <doctest/doctest.h>
#include <shardis/base/fifo.h>

#include <algorithm>
#include <deque>
#include <random>

namespace shardis::base {
namespace {

TEST_CASE("fifo: behaves as a deque under random pushes, pops and removals") {
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    std::mt19937 rng(seed);
    Fifo<int> fifo;
    std::deque<int> model;
    int next = 0;
    for (int step = 0; step < 5000; ++step) {
      unsigned op = rng() % 10;
      if (op < 5) {
        fifo.push_back(next);
        model.push_back(next);
        ++next;
      } else if (op < 8) {
        if (!model.empty()) {
          CHECK(fifo.front() == model.front());
          fifo.pop_front();
          model.pop_front();
        }
      } else {
        int v = next == 0 ? 0 : static_cast<int>(rng() % static_cast<unsigned>(next));
        auto pos = std::find(model.begin(), model.end(), v);
        bool present = pos != model.end();
        if (present) model.erase(pos);
        CHECK(fifo.erase_first(v) == present);
      }
      REQUIRE(fifo.size() == model.size());
      CHECK(fifo.empty() == model.empty());
      if (!model.empty()) CHECK(fifo.front() == model.front());
    }
    // Drain: the rest comes out in order.
    while (!model.empty()) {
      REQUIRE(!fifo.empty());
      CHECK(fifo.front() == model.front());
      fifo.pop_front();
      model.pop_front();
    }
    CHECK(fifo.empty());
  }
}

TEST_CASE("fifo: erase_first_if removes the first match only") {
  Fifo<int> fifo;
  for (int v : {1, 2, 3, 2, 1}) fifo.push_back(v);
  CHECK(fifo.erase_first_if([](int x) { return x == 2; }));
  CHECK(fifo.size() == 4);
  fifo.pop_front();
  CHECK(fifo.front() == 3);
  CHECK_FALSE(fifo.erase_first(7));
}

}  // namespace
}  // namespace shardis::base
