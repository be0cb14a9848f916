#pragma once
// ShardSet: the whole server. Owns the shards, the fabric between them, and the event loop
// threads that drive them (one per shard, or one per usable CPU when there are fewer). start() and
// stop() are called from the main thread.
#include <shardis/server/fabric.h>
#include <shardis/server/persist/snapshot.h>
#include <shardis/server/registry.h>
#include <shardis/server/shard.h>
#include <shardis/server/shard_loop.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace shardis::server {

struct ServerConfig {
  std::string bind = "127.0.0.1";
  uint16_t port = 6379;
  uint32_t shards = 1;
  size_t ring_capacity = 4096;  // per ordered pair of shards
  ShardOptions options;
};

class ShardSet {
 public:
  ShardSet(ServerConfig config, const Registry& registry);
  ~ShardSet();

  // Opens one listener per shard and starts the shard threads. On failure returns false with
  // *error and nothing left running.
  bool start(std::string* error);
  // Stops accepting and reading, lets every shard send the replies already computed, joins.
  // With save, each shard whose save rules are set (as redis-server saves on SIGTERM) then
  // writes its part of a snapshot from its own thread (nothing runs any more, so the parts are
  // one cut) and the parts are published; false with *error when that failed.
  bool stop(bool save = false, std::string* error = nullptr);

 private:
  ServerConfig config_;
  const Registry& registry_;
  ServerInfo info_;
  Fabric fabric_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::vector<std::unique_ptr<ShardLoop>> loops_;  // one per thread
  std::vector<std::thread> threads_;
  std::atomic<bool> save_on_stop_{false};
  std::vector<SnapshotPart> stop_parts_;  // one per shard, each written by its shard's thread
};

}  // namespace shardis::server
