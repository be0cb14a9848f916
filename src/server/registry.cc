#include <shardis/server/registry.h>

#include <cstdio>
#include <cstdlib>

namespace shardis::server {

namespace {
constexpr size_t kMaxNameLen = 64;

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
}  // namespace

void Registry::add(CommandSpec spec) {
  spec.has_keys = spec.keys.first > 0 || spec.find_keys != nullptr;
  if (spec.keys.first > 0 && spec.keys.step <= 0) {
    std::fprintf(stderr, "command %.*s: keys need a positive step\n",
                 static_cast<int>(spec.name.size()), spec.name.data());
    std::abort();
  }
  if (spec.find_keys != nullptr) spec.flags |= kMovableKeys;
  spec.variadic = spec.arity < 0;
  auto owned = std::make_unique<CommandSpec>(spec);
  if (!by_name_.emplace(spec.name, owned.get()).second) {
    std::fprintf(stderr, "duplicate command %.*s\n", static_cast<int>(spec.name.size()),
                 spec.name.data());
    std::abort();
  }
  specs_.push_back(std::move(owned));
}

const CommandSpec* Registry::find(std::string_view name) const {
  if (name.size() > kMaxNameLen) return nullptr;
  char buf[kMaxNameLen];
  for (size_t i = 0; i < name.size(); ++i) buf[i] = lower(name[i]);
  auto it = by_name_.find(std::string_view(buf, name.size()));
  return it == by_name_.end() ? nullptr : it->second;
}

void register_all_families(Registry& r) {
  register_connection_family(r);
  register_server_family(r);
  register_command_family(r);
  register_string_family(r);
  register_keyspace_family(r);
  register_keyspace_scan_family(r);
  register_dump_family(r);
  register_persistence_family(r);
  register_bitmap_family(r);
  register_lcs_family(r);
  register_info_family(r);
  register_list_family(r);
  register_list_blocking_family(r);
  register_hash_family(r);
  register_set_family(r);
  register_zset_family(r);
  register_zset_blocking_family(r);
  register_transaction_family(r);
  register_pubsub_family(r);
  register_config_family(r);
}

}  // namespace shardis::server
