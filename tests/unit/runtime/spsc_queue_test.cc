#include <doctest/doctest.h>
#include <shardis/runtime/spsc_queue.h>

#include <cstdint>
#include <thread>
#include <vector>

using shardis::runtime::SpscQueue;

TEST_CASE("spsc: capacity rounds up and a full ring refuses pushes") {
  SpscQueue<int> q(5);
  CHECK(q.capacity() == 8);
  for (int i = 0; i < 8; ++i) CHECK(q.try_push(i));
  CHECK_FALSE(q.try_push(99));
  int v = -1;
  CHECK_FALSE(q.try_pop(v));  // nothing published yet
  CHECK(q.publish());
  CHECK_FALSE(q.publish());  // nothing new
  CHECK(q.try_pop(v));
  CHECK(v == 0);
  CHECK(q.try_push(8));  // the freed slot is reusable
  CHECK(q.publish());
  for (int i = 1; i <= 8; ++i) {
    REQUIRE(q.try_pop(v));
    CHECK(v == i);
  }
  CHECK_FALSE(q.try_pop(v));
  CHECK_FALSE(q.peek_nonempty());
}

TEST_CASE("spsc: items stay invisible until publish") {
  SpscQueue<uint64_t> q(16);
  CHECK(q.try_push(1));
  CHECK(q.has_unpublished());
  CHECK_FALSE(q.peek_nonempty());
  q.publish();
  CHECK(q.peek_nonempty());
  CHECK_FALSE(q.has_unpublished());
}

// Producer and consumer on two threads; 10 million sequence numbers in batches of varying
// size. The consumer must see every number exactly once and in order.
TEST_CASE("spsc: 10 million messages across threads, none lost, duplicated or reordered") {
  constexpr uint64_t kMessages = 10'000'000;
  SpscQueue<uint64_t> q(1024);
  std::thread producer([&] {
    uint64_t next = 0;
    uint64_t batch = 1;
    while (next < kMessages) {
      uint64_t pushed = 0;
      while (pushed < batch && next < kMessages && q.try_push(next)) {
        ++next;
        ++pushed;
      }
      q.publish();
      if (pushed == 0) std::this_thread::yield();
      batch = batch % 97 + 1;
    }
  });
  uint64_t expected = 0;
  uint64_t wrong = 0;
  uint64_t v = 0;
  while (expected < kMessages) {
    if (q.try_pop(v)) {
      if (v != expected) ++wrong;
      expected = v + 1;
    } else {
      std::this_thread::yield();
    }
  }
  producer.join();
  CHECK(wrong == 0);
  CHECK(expected == kMessages);
  CHECK_FALSE(q.try_pop(v));
}

TEST_CASE("spsc: available() counts published items only") {
  SpscQueue<int> q(8);
  CHECK(q.available() == 0);
  CHECK(q.try_push(1));
  CHECK(q.try_push(2));
  CHECK(q.available() == 0);  // not published yet
  q.publish();
  CHECK(q.available() == 2);
  int v = 0;
  CHECK(q.try_pop(v));
  CHECK(q.available() == 1);
}

// The fabric's drain order (FabricLink::drain): items of a second queue, counted before the first
// queue is drained to empty, never overtake items the producer published on the first queue
// before them. Marker i goes on `second` only after item i was published on `first`; when the
// consumer takes marker i, it must already have taken item i.
TEST_CASE("spsc: counted items of a second queue never overtake the first queue's earlier items") {
  constexpr uint64_t kItems = 2'000'000;
  constexpr uint64_t kMarkers = (kItems + 2) / 3;
  SpscQueue<uint64_t> first(256);
  SpscQueue<uint64_t> second(256);
  std::thread producer([&] {
    for (uint64_t i = 0; i < kItems; ++i) {
      while (!first.try_push(i)) {
        first.publish();
        std::this_thread::yield();
      }
      if (i % 3 == 0) {
        first.publish();
        while (!second.try_push(i)) {
          second.publish();
          std::this_thread::yield();
        }
      }
      if (i % 5 == 0) second.publish();
    }
    first.publish();
    second.publish();
  });
  uint64_t taken_first = 0;  // items 0 .. taken_first-1 were taken
  uint64_t markers = 0;
  uint64_t overtaken = 0;
  while (taken_first < kItems || markers < kMarkers) {
    size_t ready = second.available();
    uint64_t v = 0;
    size_t done = 0;
    while (done < 64 && first.try_pop(v)) {
      ++done;
      taken_first = v + 1;
    }
    if (done == 64 && first.peek_nonempty()) continue;
    for (size_t i = 0; i < ready && second.try_pop(v); ++i) {
      if (v >= taken_first) ++overtaken;
      ++markers;
    }
  }
  producer.join();
  CHECK(markers == kMarkers);
  CHECK(overtaken == 0);
}
