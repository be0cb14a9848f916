#pragma once
// Fabric: the cross-shard message network. One bounded SPSC ring per ordered pair of shards
// (from -> to), plus what shards need to wake each other.
//
// Deadlock freedom: the ring from A to B carries A's requests to B and A's responses to B's
// requests. A sends a request to B only while it holds a credit for B (at most capacity/2
// requests in flight A -> B), and B holds at most capacity/2 requests to A, so A's responses to
// them fit too. A push therefore never fails, no shard ever waits on a ring, and a shard out of
// credits simply stops reading from the connection that needs them (backpressure) until
// responses return the credits. There is no cycle of waits because nothing waits.
//
// Pushes (messages a shard starts itself: published messages, wake-ups) travel on a second ring
// per ordered pair, so they never take the room credits guarantee to requests and responses.
// A push is never waited on: the receiver applies each one without sending anything back, so
// the push rings always drain. A sender whose push ring is full keeps the rest in an overflow
// queue (FabricLink) and, past a bound, stops reading its own clients until it drains.
//
// Wake-up: a shard about to block sets its sleeping flag, fences, and re-checks its incoming
// rings; a producer publishes, fences, and wakes the target if it sees the flag. One of the two
// always sees the other's write.
#include <shardis/runtime/spsc_queue.h>
#include <shardis/server/hop.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace shardis::server {

class Fabric {
 public:
  static constexpr size_t kPushRingCapacity = 1024;

  Fabric(uint32_t shards, size_t ring_capacity);

  uint32_t shards() const { return n_; }
  size_t ring_capacity() const { return capacity_; }
  // Requests one shard may have in flight to another.
  uint32_t credits_per_pair() const { return static_cast<uint32_t>(capacity_ / 2); }

  runtime::SpscQueue<Hop>& ring(uint32_t from, uint32_t to) { return *rings_[from * n_ + to]; }
  runtime::SpscQueue<Hop>& push_ring(uint32_t from, uint32_t to) {
    return *push_rings_[from * n_ + to];
  }

  // Set by the shard's own thread at start (its engine's wake handle).
  void set_wake_handle(uint32_t shard, int handle) { wake_handle_[shard] = handle; }
  int wake_handle(uint32_t shard) const { return wake_handle_[shard]; }
  std::atomic<bool>& sleeping(uint32_t shard) { return state_[shard].sleeping; }


  // Shutdown: each shard reports once that it has drained its clients.
  void init_drain_count() { busy_shards_.store(n_); }
  // Returns true if the caller was the last busy shard.
  bool report_drained() { return busy_shards_.fetch_sub(1) == 1; }
  bool all_drained() const { return busy_shards_.load() == 0; }

 private:
  struct alignas(runtime::kCacheLine) ShardState {
    std::atomic<bool> sleeping{false};
  };
  uint32_t n_;
  size_t capacity_;
  std::vector<std::unique_ptr<runtime::SpscQueue<Hop>>> rings_;
  std::vector<std::unique_ptr<runtime::SpscQueue<Hop>>> push_rings_;
  std::vector<int> wake_handle_;
  std::unique_ptr<ShardState[]> state_;
  std::atomic<uint32_t> busy_shards_{0};
};

}  // namespace shardis::server
