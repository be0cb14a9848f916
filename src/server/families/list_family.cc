// list commands (placeholder until the family lands).
#include <shardis/server/registry.h>

#include "command_meta.h"

namespace shardis::server {

std::span<const RedisMeta> list_command_meta() {
  return {};
}

void register_list_family(Registry&) {}

}  // namespace shardis::server
