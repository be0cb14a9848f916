#pragma once
// PubSub: the subscriptions of one shard's connections, delivery of published messages to them,
// and keyspace notifications.
//
// Contract
// - A client subscribes on its own shard; the registry here lists only this shard's clients.
//   PUBLISH fans out to every shard (a request per shard, answered with the number of receivers
//   there), so a message reaches subscribers everywhere and PUBLISH replies the exact total.
//   Messages of one publisher travel to a shard through one FIFO ring, so they arrive in order.
// - Delivery never waits: a message is appended to the subscriber's output (Connection::push).
//   A subscriber whose unsent output passes the pubsub limits (hard 32 MB, or soft 8 MB for 60 s,
//   Redis's client-output-buffer-limit pubsub defaults) is disconnected, as Redis does, and slows
//   nobody.
// - Keyspace notifications (notify-keyspace-events) are built from the executor's outcomes (this
//   is an OutcomeObserver) on the shard owning the key, delivered here and pushed to every other
//   shard.
//
// Thread: the owning shard's only.
#include <shardis/server/connection.h>
#include <shardis/server/exec/executor.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace shardis::server {

class ShardCore;

// A client's subscriptions (client state, on its connection).
struct Subscriptions {
  std::unordered_set<std::string> channels;
  std::vector<std::string> patterns;  // in subscription order, as Redis keeps them
  std::unordered_set<std::string> shard_channels;
  size_t count() const { return channels.size() + patterns.size(); }  // Redis's for (P)SUBSCRIBE
  size_t total() const { return count() + shard_channels.size(); }
};

// Keyspace notification classes from and to Redis's letters (notify.c).
uint32_t notify_flags_from_string(std::string_view s, bool* ok);
std::string notify_flags_to_string(uint32_t flags);

class PubSub final : public OutcomeObserver {
 public:
  static constexpr size_t kHardLimit = 32ull * 1024 * 1024;
  static constexpr size_t kSoftLimit = 8ull * 1024 * 1024;
  static constexpr int64_t kSoftSeconds = 60;

  explicit PubSub(ShardCore& core);

  // ---- Subscriptions of c (its shard is this one) ----
  // true when newly subscribed.
  bool subscribe(Connection& c, std::string_view channel, bool sharded);
  bool unsubscribe(Connection& c, std::string_view channel, bool sharded);
  bool psubscribe(Connection& c, std::string_view pattern);
  bool punsubscribe(Connection& c, std::string_view pattern);
  // Drops every subscription of a closing connection.
  void forget(Connection& c);

  // ---- Delivery on this shard ----
  // Delivers to the subscribers here; returns how many received it.
  int64_t publish(std::string_view channel, std::string_view message, bool sharded);

  // ---- Introspection of this shard (PUBSUB) ----
  void channels(std::string_view pattern, bool all, bool sharded,
                std::vector<std::string>& out) const;
  int64_t numsub(std::string_view channel, bool sharded) const;
  void patterns(std::vector<std::string>& out) const;

  // ---- Keyspace notifications ----
  uint32_t notify_flags() const { return notify_flags_; }
  void set_notify_flags(uint32_t f) { notify_flags_ = f; }
  void on_outcome(const CommandSpec* spec, ArgList args, int db, const Outcome& out) override;
  void on_key_added(int db, std::string_view key, ObjType type) override;

 private:
  void deliver(uint64_t client, std::string_view bytes2, std::string_view bytes3);
  void notify(uint32_t cls, std::string_view event, std::string_view key, int db);
  // Publishes here and on every other shard (keyspace events: nobody counts receivers).
  void broadcast(std::string_view channel, std::string_view message);

  ShardCore& core_;
  std::unordered_map<std::string, std::vector<uint64_t>> channels_;
  std::unordered_map<std::string, std::vector<uint64_t>> shard_channels_;
  std::unordered_map<std::string, std::vector<uint64_t>> patterns_;
  uint32_t notify_flags_ = 0;
};

}  // namespace shardis::server
