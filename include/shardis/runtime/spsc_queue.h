#pragma once
// SpscQueue: bounded lock-free ring for exactly one producer thread and one consumer thread.
//
// Contract:
//   * try_push/publish/free_slots are called only by the producer; try_pop/empty/peek_nonempty
//     only by the consumer. Nothing else touches the ring.
//   * Pushed items become visible to the consumer only at publish(): the producer batches a
//     whole loop turn of messages behind one release store.
//   * The consumer frees a slot as soon as it pops it (release store of head), so the producer
//     never overwrites an item still being read.
//   * Only acquire/release ordering is used; producer and consumer indices live on separate
//     cache lines, each side keeps a cached copy of the other's index, and every slot is
//     cache-line padded so neighbouring items never share a line.
//   * The ring never grows: try_push fails when full, and the caller applies backpressure.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <utility>

namespace shardis::runtime {

inline constexpr size_t kCacheLine = 64;

template <typename T>
class SpscQueue {
 public:
  // capacity is rounded up to a power of two.
  explicit SpscQueue(size_t capacity) {
    size_t cap = 2;
    while (cap < capacity) cap <<= 1;
    mask_ = cap - 1;
    slots_ = std::make_unique<Slot[]>(cap);
  }
  SpscQueue(const SpscQueue&) = delete;
  SpscQueue& operator=(const SpscQueue&) = delete;

  size_t capacity() const { return mask_ + 1; }

  // Producer: stores v in the next slot without making it visible. False when full.
  bool try_push(T v) {
    if (prod_.local_tail - prod_.cached_head > mask_) {
      prod_.cached_head = head_.value.load(std::memory_order_acquire);
      if (prod_.local_tail - prod_.cached_head > mask_) return false;
    }
    slots_[prod_.local_tail & mask_].value = std::move(v);
    ++prod_.local_tail;
    return true;
  }

  // Producer: makes every pushed item visible. Returns true if anything new was published.
  bool publish() {
    if (prod_.local_tail == prod_.published) return false;
    prod_.published = prod_.local_tail;
    tail_.value.store(prod_.local_tail, std::memory_order_release);
    return true;
  }

  bool has_unpublished() const { return prod_.local_tail != prod_.published; }

  // Producer: slots that can certainly be pushed (may underestimate).
  size_t free_slots() const { return capacity() - (prod_.local_tail - prod_.cached_head); }

  // Consumer: takes the oldest published item. False when none is visible.
  bool try_pop(T& out) {
    if (cons_.local_head == cons_.cached_tail) {
      cons_.cached_tail = tail_.value.load(std::memory_order_acquire);
      if (cons_.local_head == cons_.cached_tail) return false;
    }
    Slot& s = slots_[cons_.local_head & mask_];
    out = std::move(s.value);
    ++cons_.local_head;
    head_.value.store(cons_.local_head, std::memory_order_release);
    return true;
  }

  // Consumer: how many items are published and not yet popped. The acquire load also makes
  // visible whatever the producer did before publishing them (its other queues included).
  size_t available() {
    cons_.cached_tail = tail_.value.load(std::memory_order_acquire);
    return static_cast<size_t>(cons_.cached_tail - cons_.local_head);
  }

  // Consumer: true if an item is published and not yet popped.
  bool peek_nonempty() {
    if (cons_.local_head != cons_.cached_tail) return true;
    cons_.cached_tail = tail_.value.load(std::memory_order_acquire);
    return cons_.local_head != cons_.cached_tail;
  }

 private:
  struct alignas(kCacheLine) Slot {
    T value{};
  };
  struct alignas(kCacheLine) Index {
    std::atomic<uint64_t> value{0};
  };
  struct alignas(kCacheLine) ProducerSide {
    uint64_t local_tail = 0;
    uint64_t published = 0;
    uint64_t cached_head = 0;
  };
  struct alignas(kCacheLine) ConsumerSide {
    uint64_t local_head = 0;
    uint64_t cached_tail = 0;
  };

  Index head_;  // written by the consumer
  Index tail_;  // written by the producer
  ProducerSide prod_;
  ConsumerSide cons_;
  size_t mask_ = 0;
  std::unique_ptr<Slot[]> slots_;
};

}  // namespace shardis::runtime
