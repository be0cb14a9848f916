#pragma once
// ShardServices: what a command handler running on a shard may use beyond that shard's keyspace
// (pub/sub delivery and introspection, runtime configuration, blocked clients). Implemented by
// ShardCore; absent (nullptr) where a command runs on a scratch store.
//
// Thread: the shard's own.
#include <cstdint>

namespace shardis::server {

class PubSub;
class Blocking;
struct ServerInfo;
struct PersistSettings;

class ShardServices {
 public:
  virtual ~ShardServices() = default;
  virtual PubSub& pubsub() = 0;
  virtual Blocking& blocking() = 0;
  virtual const ServerInfo& info() const = 0;
  // notify-keyspace-events on this shard (kNotify* bits, exec/outcome.h).
  virtual uint32_t notify_flags() const = 0;
  // This shard's client connections, and those of them waiting in a blocking command.
  virtual int64_t connected_clients() const = 0;
  virtual int64_t blocked_clients() const = 0;
  // notify-keyspace-events changed on this shard.
  virtual void on_notify_flags_changed() = 0;
  // Changes made on this shard since start (Redis's server.dirty, this shard's share).
  virtual uint64_t dirty() const = 0;
  // This shard's persistence settings (dir, dbfilename, save, ...).
  virtual const PersistSettings& persist_settings() const = 0;
  // CONFIG SET changed this shard's store's persistence settings.
  virtual void on_persist_settings_changed() = 0;
  // The shard's append-only file, for INFO persistence.
  struct AofStatus {
    bool enabled = false;
    bool last_write_ok = true;
    int64_t size = 0;           // bytes of the segment
    int64_t buffer_length = 0;  // bytes not yet written
  };
  virtual AofStatus aof_status() const { return {}; }
};

}  // namespace shardis::server
