#pragma once
// ShardLoop: one thread's event loop. It owns the io_uring engine and drives the shards given to
// it, each turn: prepare_wait of every shard -> one run_once (completions routed to the shard
// that owns them) -> after_wait of every shard.
//
// A loop drives one shard, unless the process may use fewer CPUs than it has shards (taskset,
// cgroups): then ShardSet gives each CPU one loop and spreads the shards over them. Shards that
// share a loop exchange hops through the same SPSC rings as any others, but a hop between them
// needs no wake-up and no context switch: the loop runs the receiver in the same turn or the
// next. Two threads on one CPU would instead switch for every batch of hops and of client
// traffic (docs/event-loop.md, "More shards than CPUs").
//
// Thread: everything here runs on the loop's thread, from init() on.
#include <shardis/runtime/io_engine.h>
#include <shardis/server/shard.h>

#include <memory>
#include <string>
#include <vector>

namespace shardis::server {

class ShardLoop final : public runtime::CompletionHandler {
 public:
  // shards: the ones this loop drives; shard_count: the server's total.
  ShardLoop(std::vector<Shard*> shards, uint32_t shard_count, const ShardOptions& options);
  ~ShardLoop() override;

  // On the loop's thread: creates the engine and the shards' cores. Returns false with *error.
  bool init(std::string* error);
  // Returns when the server is stopping and every shard has drained.
  void run();

  void on_completion(const runtime::Completion& comp) override;

 private:
  Shard* owner_of(const runtime::Completion& comp) const;
  bool any_incoming();

  // Rounds of after_wait per turn while the loop's shards have hops for each other.
  static constexpr int kMaxPasses = 4;

  std::vector<Shard*> shards_;
  uint32_t shard_count_;
  ShardOptions opts_;
  std::unique_ptr<runtime::IoEngine> engine_;
};

}  // namespace shardis::server
