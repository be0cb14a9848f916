#pragma once
// In-process command runner for family tests: one shard, a manual clock, the full registry.
// run({"SET","k","v"}) returns the exact RESP bytes the server would send ("+OK\r\n").
#include <shardis/base/clock.h>
#include <shardis/server/command.h>
#include <shardis/server/db.h>
#include <shardis/server/registry.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace shardis::test {

class FamilyHarness {
 public:
  FamilyHarness();
  // Runs one command through the same code the server runs for a local command.
  std::string run(std::initializer_list<std::string_view> args);
  std::string run(const std::vector<std::string>& args);

  base::ManualClock& clock() { return clock_; }
  server::ClientState& client() { return client_; }
  server::ShardStore& store() { return store_; }

 private:
  base::ManualClock clock_;
  server::Registry registry_;
  server::ServerInfo info_;
  server::ShardStore store_;
  server::ClientState client_;
};

}  // namespace shardis::test
