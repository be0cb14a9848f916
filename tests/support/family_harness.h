#pragma once
// In-process command runner for family tests: one shard (a ShardCore with no fabric), a manual
// clock, the full registry, and one client connection with no socket.
// run({"SET","k","v"}) returns the exact RESP bytes the server would send ("+OK\r\n"): the
// command goes through the same router and executor as a command read from a socket.
#include <shardis/base/clock.h>
#include <shardis/server/command.h>
#include <shardis/server/connection.h>
#include <shardis/server/db.h>
#include <shardis/server/registry.h>
#include <shardis/server/shard_core.h>

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace shardis::test {

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

  // ClientIo: output stays in the connection until run() takes it.
  void output_ready(server::Connection&) override {}

 private:
  std::string run_args(std::span<const std::string_view> argv);

  base::ManualClock clock_;
  server::Registry registry_;
  server::ServerInfo info_;
  std::unique_ptr<server::ShardCore> core_;
  std::unique_ptr<server::Connection> conn_;
};

// Runs args on `store` as the one shard owning every key, through a fresh Executor, for
// `client` (connection commands change it). Returns the reply bytes.
std::string run_on_store(const server::Registry& registry, const server::ServerInfo& info,
                         server::ShardStore& store, server::ClientState& client,
                         const std::vector<std::string>& args);

}  // namespace shardis::test
