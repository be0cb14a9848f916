#pragma once
// SCAN cursors across shards. Each shard scans only its own key index (Db::scan, Redis's
// reverse-binary table cursor), so a client's cursor must name both the shard and the position
// in that shard's table:
//
//   cursor = table_cursor * shards + shard
//
// A scan starts at cursor 0 (shard 0, table cursor 0). One SCAN call scans one shard only. When
// a shard's table scan comes back to 0, the reply points at the start of the next shard, which is
// just `shard + 1`; the last shard replies 0, which ends the scan. A table cursor is always below
// the table's bucket count, so the product cannot overflow. Any 64-bit cursor decodes to a valid
// shard, as Redis accepts any cursor and just continues from it.
//
// Pure functions; safe on any shard.
#include <cstdint>

namespace shardis::server {

struct ScanCursor {
  uint64_t table = 0;  // the Db::scan cursor on `shard`
  uint32_t shard = 0;  // in [0, shards)
};

inline ScanCursor decode_scan_cursor(uint64_t cursor, uint32_t shards) {
  return {cursor / shards, static_cast<uint32_t>(cursor % shards)};
}

// The cursor to reply after a step of `shard`'s table scan returned next_table.
inline uint64_t next_scan_cursor(uint64_t next_table, uint32_t shard, uint32_t shards) {
  if (next_table != 0) return next_table * shards + shard;
  return shard + 1 < shards ? shard + 1 : 0;
}

}  // namespace shardis::server
