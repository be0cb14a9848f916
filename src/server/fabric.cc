#include <shardis/server/fabric.h>

namespace shardis::server {

Fabric::Fabric(uint32_t shards, size_t ring_capacity)
    : n_(shards),
      capacity_(ring_capacity),
      wake_handle_(shards, -1),
      state_(std::make_unique<ShardState[]>(shards)) {
  rings_.reserve(static_cast<size_t>(n_) * n_);
  push_rings_.reserve(static_cast<size_t>(n_) * n_);
  for (uint32_t i = 0; i < n_ * n_; ++i) {
    rings_.push_back(std::make_unique<runtime::SpscQueue<Hop>>(ring_capacity));
    push_rings_.push_back(std::make_unique<runtime::SpscQueue<Hop>>(kPushRingCapacity));
  }
  capacity_ = rings_.empty() ? ring_capacity : rings_[0]->capacity();
}

}  // namespace shardis::server
