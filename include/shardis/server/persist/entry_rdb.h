#pragma once
// Keys of a Db in Redis's RDB value encoding: what DUMP returns and RESTORE reads, and what
// snapshots write and load, built on persist/rdb_value.h.
//
// A DUMP payload is the RDB object type and value, then the RDB version (2 bytes,
// little-endian, 10 for Redis 7.0) and a CRC-64 (Redis's, little-endian) of everything before
// it. redis-server 7.0 and Shardis read each other's payloads.
//
// Thread: the shard that owns the Db.
#include <shardis/persist/rdb_codec.h>
#include <shardis/persist/rdb_value.h>
#include <shardis/server/db.h>

#include <string>
#include <string_view>

namespace shardis::server {

// The RDB version Shardis writes, and the newest it reads (Redis 7.0's).
inline constexpr uint16_t kRdbVersion = 10;

// Writes a live entry as an RDB file holds it: its type byte, its key (with_key: a file; a
// DUMP payload has none), then its value.
void write_entry(persist::RdbWriter& w, const core::Entry* e, bool with_key);

// Sets key in db to a value read back (its TTL cleared, as SET does); the object moves in.
void store_rdb_object(Db& db, std::string_view key, persist::RdbObject&& value);

// The DUMP payload of a live entry; compress as rdbcompression.
std::string dump_payload(const core::Entry* e, bool compress);

enum class PayloadStatus : uint8_t { kOk, kBadFooter, kBadData };
// Checks a DUMP payload's version and checksum (kBadFooter, Redis's "DUMP payload version or
// checksum are wrong"), then reads its value (kBadData, "Bad data format"; the reason goes to
// *why when it is not null).
PayloadStatus read_dump_payload(std::string_view payload, persist::RdbObject* out,
                                std::string* why = nullptr);

}  // namespace shardis::server
