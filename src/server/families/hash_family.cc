// hash commands (placeholder until the family lands).
#include <shardis/server/registry.h>

#include "command_meta.h"

namespace shardis::server {

std::span<const RedisMeta> hash_command_meta() {
  return {};
}

void register_hash_family(Registry&) {}

}  // namespace shardis::server
