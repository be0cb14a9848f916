// zset commands (placeholder until the family lands).
#include <shardis/server/registry.h>

namespace shardis::server {

void register_zset_family(Registry&) {}

}  // namespace shardis::server
