#include <shardis/server/routing.h>
#include <xxhash.h>

namespace shardis::server {

std::string_view hash_slice(std::string_view key) {
  size_t open = key.find('{');
  if (open == std::string_view::npos) return key;
  size_t close = key.find('}', open + 1);
  if (close == std::string_view::npos || close == open + 1) return key;
  return key.substr(open + 1, close - open - 1);
}

uint32_t shard_of(std::string_view key, uint32_t shard_count) {
  if (shard_count <= 1) return 0;
  std::string_view s = hash_slice(key);
  return static_cast<uint32_t>(XXH3_64bits(s.data(), s.size()) % shard_count);
}

}  // namespace shardis::server
