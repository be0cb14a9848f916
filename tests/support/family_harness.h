#pragma once
// In-process command runner for family tests: one shard (a ShardCore with no fabric), a manual
// clock, the full registry, and one client connection with no socket.
// run({"SET","k","v"}) returns the exact RESP bytes the server would send ("+OK\r\n"): the
// command goes through the same router and executor as a command read from a socket.
#include <shardis/base/clock.h>
#include <shardis/server/command.h>
#include <shardis/server/connection.h>
#include <shardis/server/db.h>
#include <shardis/server/exec/executor.h>
#include <shardis/server/registry.h>
#include <shardis/server/shard_core.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace shardis::test {

// Records what the executor reports for every command run (and every expiry): the changes and
// events of each outcome, and its propagated form.
class OutcomeLog final : public server::OutcomeObserver {
 public:
  void on_outcome(const server::CommandSpec* spec, server::ArgList args, int db,
                  const server::Outcome& out) override;
  // "db event key" per change with an event and per event, in order ("0 lpush mylist"); a
  // change with no event reads "db (modified) key".
  std::vector<std::string> take_events();
  // The commands as they would be logged, one string each, arguments joined by spaces.
  std::vector<std::string> take_propagated();
  // Dirty count reported since the last take_dirty().
  uint64_t take_dirty();
  // All three since the last take: "[events] [propagated commands] dirty", events and commands
  // separated by ", " ("[0 del k] [DEL k] 1").
  std::string take_report();

 private:
  std::vector<std::string> events_;
  std::vector<std::string> propagated_;
  uint64_t dirty_ = 0;
};

class FamilyHarness : public server::ClientIo {
 public:
  FamilyHarness();
  ~FamilyHarness() override;
  // Runs one command and returns what the client received for it (and anything pushed to it
  // meanwhile).
  std::string run(std::initializer_list<std::string_view> args);
  std::string run(const std::vector<std::string>& args);

  base::ManualClock& clock() { return clock_; }
  server::ClientState& client() { return conn_->client; }
  server::ShardStore& store() { return core_->store(); }
  server::ShardCore& core() { return *core_; }
  const server::Registry& registry() const { return registry_; }
  // What the commands run so far reported (see OutcomeLog).
  OutcomeLog& log() { return log_; }

  // ClientIo: output stays in the connection until run() takes it.
  void output_ready(server::Connection&) override {}
  void close_client(server::Connection& c, const char*) override { c.closed = true; }

 private:
  std::string run_args(std::span<const std::string_view> argv);

  base::ManualClock clock_;
  server::Registry registry_;
  server::ServerInfo info_;
  std::unique_ptr<server::ShardCore> core_;
  std::unique_ptr<server::Connection> conn_;
  OutcomeLog log_;
};

// Runs args on `store` as the one shard owning every key, through a fresh Executor, for
// `client` (connection commands change it). Returns the reply bytes.
std::string run_on_store(const server::Registry& registry, const server::ServerInfo& info,
                         server::ShardStore& store, server::ClientState& client,
                         const std::vector<std::string>& args);

// Keys spread over several shards' stores (each key on its owner, by the real shard_of), next
// to a FamilyHarness whose one store holds every key from the start. run_spread routes a
// command as the server does: keys all on one shard run there, keys on several shards run as a
// MigrateTxn does (txn/txn.h): each owner detaches its keys (Db::detach), the harness's
// ShardCore attaches them into its scratch store and runs the command there (run_scratch), and
// every key is attached back into its owner (Db::attach). Single thread, no locks: the
// transaction's ordering is not what is tested here, its data path is.
class SpreadStores {
 public:
  explicit SpreadStores(uint32_t shards);

  uint32_t owner(std::string_view key) const;
  // Runs a write on the owner of args[1] and on the whole store; the whole store's reply.
  std::string load(const std::vector<std::string>& args);
  // The reply of args on the store holding every key.
  std::string run_whole(const std::vector<std::string>& args) { return whole_.run(args); }
  // The reply of args with the keys spread over the shards.
  std::string run_spread(const std::vector<std::string>& args);
  // The reply of args on the store owning key alone (no routing).
  std::string run_on_owner(std::string_view key, const std::vector<std::string>& args);
  // TYPE, OBJECT ENCODING, PTTL and the value (SMEMBERS, ZRANGE ... WITHSCORES, HGETALL, LRANGE
  // or GET by type) of key, as reply bytes: on the whole store, and on the key's owner.
  std::string key_state_whole(std::string_view key);
  std::string key_state_spread(std::string_view key);

  // Commands run_spread ran through the scratch store (their keys spanned shards).
  uint64_t migrated() const { return migrated_; }
  FamilyHarness& whole() { return whole_; }
  server::ClientState& client() { return whole_.client(); }

 private:
  std::string run_on(server::ShardStore& store, const std::vector<std::string>& args);
  template <typename Run>
  static std::string key_state(std::string_view key, Run&& run);

  FamilyHarness whole_;
  server::ServerInfo info_;
  std::vector<std::unique_ptr<server::ShardStore>> stores_;
  uint64_t migrated_ = 0;
};

}  // namespace shardis::test
