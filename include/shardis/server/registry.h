#pragma once
// Registry: the command table. Filled once at start-up by the family register functions, then
// read-only and shared by every shard thread (no locking needed after start-up).
#include <shardis/server/command.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace shardis::server {

class Registry {
 public:
  // Adds a command; computes its derived fields. Aborts on a duplicate name.
  void add(CommandSpec spec);
  // Case-insensitive lookup; nullptr when unknown.
  const CommandSpec* find(std::string_view name) const;
  const std::vector<std::unique_ptr<CommandSpec>>& all() const { return specs_; }

 private:
  std::vector<std::unique_ptr<CommandSpec>> specs_;
  // Keys view the specs' names (lower-case string literals with static lifetime).
  std::unordered_map<std::string_view, const CommandSpec*> by_name_;
};

// Every family's commands. Each family file defines one register_<family>_family.
void register_string_family(Registry& r);         // families/string_family.cc
void register_keyspace_family(Registry& r);       // families/keyspace_family.cc
void register_dump_family(Registry& r);           // families/dump_family.cc
void register_persistence_family(Registry& r);    // families/persistence_family.cc
void register_keyspace_scan_family(Registry& r);  // families/keyspace_scan.cc
void register_bitmap_family(Registry& r);         // families/bitmap_family.cc
void register_lcs_family(Registry& r);            // families/lcs_family.cc
void register_info_family(Registry& r);           // families/info_family.cc
void register_server_family(Registry& r);         // families/server_family.cc
void register_connection_family(Registry& r);     // families/connection_family.cc
void register_command_family(Registry& r);        // families/command_family.cc
void register_list_family(Registry& r);           // families/list_family.cc
void register_list_blocking_family(Registry& r);  // families/list_blocking_family.cc
void register_hash_family(Registry& r);           // families/hash_family.cc
void register_set_family(Registry& r);            // families/set_family.cc
void register_zset_family(Registry& r);           // families/zset_family.cc
void register_zset_blocking_family(Registry& r);  // families/zset_blocking_family.cc
void register_transaction_family(Registry& r);    // families/transaction_family.cc
void register_pubsub_family(Registry& r);         // families/pubsub_family.cc
void register_config_family(Registry& r);         // families/config_family.cc
void register_all_families(Registry& r);

}  // namespace shardis::server
