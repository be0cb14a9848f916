#pragma once
// The one routing function: which shard owns a key. xxh3 of the key, or of the part inside
// the first non-empty {...} (Redis Cluster hash tags), modulo the shard count.
#include <cstdint>
#include <string_view>

namespace shardis::server {

// The bytes that are hashed for key: the hash tag if there is a non-empty one, else the key.
std::string_view hash_slice(std::string_view key);
uint32_t shard_of(std::string_view key, uint32_t shard_count);

}  // namespace shardis::server
