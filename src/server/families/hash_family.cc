// hash commands (placeholder until the family lands).
#include <shardis/server/registry.h>

namespace shardis::server {

void register_hash_family(Registry&) {}

}  // namespace shardis::server
