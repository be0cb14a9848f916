#include <shardis/runtime/uring_engine.h>
#include <shardis/server/shard_loop.h>

#include <exception>

namespace shardis::server {

ShardLoop::ShardLoop(std::vector<Shard*> shards, uint32_t shard_count, const ShardOptions& options)
    : shards_(std::move(shards)), shard_count_(shard_count), opts_(options) {}

ShardLoop::~ShardLoop() = default;

bool ShardLoop::init(std::string* error) {
  try {
    engine_ = std::make_unique<runtime::UringEngine>(opts_.ring_entries);
  } catch (const std::exception& e) {
    *error = e.what();
    return false;
  }
  if (opts_.recv_multishot &&
      !engine_->setup_recv_pool(opts_.recv_pool_buffers, opts_.recv_pool_buffer_size, error)) {
    return false;
  }
  for (Shard* s : shards_) s->init(engine_.get(), this);
  return true;
}

Shard* ShardLoop::owner_of(const runtime::Completion& comp) const {
  if (shards_.size() == 1) return shards_[0];
  uint64_t tag = comp.tag;
  for (Shard* s : shards_) {
    if (s->owns_tag(tag)) return s;
  }
  if (tag < 0x1000) return nullptr;  // a wake-up: nobody's
  // A connection's client id names the shard that accepted it.
  const auto* c = reinterpret_cast<const Connection*>(tag & ~uint64_t{7});
  uint32_t owner = ShardCore::client_shard(c->client.id, shard_count_);
  for (Shard* s : shards_) {
    if (s->id() == owner) return s;
  }
  return nullptr;
}

void ShardLoop::on_completion(const runtime::Completion& comp) {
  if (Shard* s = owner_of(comp)) s->on_completion(comp);
}

bool ShardLoop::any_incoming() {
  for (Shard* s : shards_) {
    if (s->incoming_nonempty()) return true;
  }
  return false;
}

void ShardLoop::run() {
  for (Shard* s : shards_) s->start_loop();
  bool left = false;  // some shard has work for the next turn at once
  bool busy = false;  // the last turn had completions to handle
  for (;;) {
    bool block = !left;
    // Bounded polling (docs/event-loop.md): after a turn that had work, look for more for a few
    // microseconds before going to sleep. A busy client's next request often comes that soon,
    // and it then costs no sleep and no wake-up.
    if (block && busy && opts_.idle_poll_us > 0 &&
        engine_->poll_for_work(opts_.idle_poll_us, [this] { return any_incoming(); })) {
      block = false;
    }
    int timeout_ms = -1;
    for (Shard* s : shards_) s->prepare_wait(&block, &timeout_ms);
    busy = engine_->run_once(block, timeout_ms, *this) > 0;
    bool finished = true;
    // Hops between the shards of this loop are answered in the same turn, without another
    // system call, for a bounded number of passes.
    for (int pass = 0; pass < kMaxPasses; ++pass) {
      left = false;
      finished = true;
      for (Shard* s : shards_) {
        left = s->after_wait() || left;
        finished = finished && s->finished();
      }
      if (shards_.size() == 1 || !any_incoming()) break;
    }
    if (finished) break;
  }
}

}  // namespace shardis::server
