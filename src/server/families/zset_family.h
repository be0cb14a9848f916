#pragma once
// What the sorted-set command files share (zset_family.cc, zset_range_family.cc,
// zset_algebra_family.cc, zset_blocking_family.cc): the key lookup, Redis 7.0's reply shapes and
// error texts, storing a computed result, popping, how both are reported, and the registration
// of each file's commands.
//
// Replies are written from a ZsetObject that the Db owns: callers write them before their next
// call into the Db (entry pointers die then).
#include <shardis/core/zset_object.h>
#include <shardis/proto/reply_builder.h>
#include <shardis/server/command.h>
#include <shardis/server/db.h>
#include <shardis/server/registry.h>

#include <span>
#include <string_view>
#include <vector>

namespace shardis::server {

inline constexpr std::string_view kErrMinMaxNotFloat = "ERR min or max is not a float";
inline constexpr std::string_view kErrMinMaxNotLex = "ERR min or max not valid string range item";

// A sorted-set key looked up for a command: the object (nullptr when the key is absent or holds
// another type) and whether it holds another type.
struct ZsetRef {
  core::ZsetObject* zset = nullptr;
  bool wrong_type = false;
};
ZsetRef find_zset(Db& db, std::string_view key);

// The zset at key, created empty (and owned by the Db) when the key is absent. The caller has
// checked that the key does not hold another type.
core::ZsetObject* zset_for_write(Db& db, std::string_view key, ZsetRef ref);

// Element lists as Redis 7.0 sends them (ZRANGE, ZPOPMIN with a count, ZRANDMEMBER, ZUNION...):
// members only; or with scores, flat (member, score, ...) in RESP2 and an array of
// [member, score] pairs in RESP3 (scores as doubles).
void reply_elements_header(proto::ReplyBuilder& rb, size_t n, bool withscores);
void reply_element(proto::ReplyBuilder& rb, std::string_view member, double score, bool withscores);

// Replaces key with a sorted set holding `sorted` (ascending, distinct members), in the encoding
// Redis 7.0 gives a result it builds whole and then converts (ZUNIONSTORE, ZINTERSTORE,
// ZDIFFSTORE; see ZsetObject::from_sorted), or deletes key when `sorted` is empty. Returns
// whether key changed: false only when the result is empty and key did not exist.
bool store_zset(Db& db, std::string_view key, std::span<const core::ZsetElement> sorted);

// What a *STORE command reports once it stored `size` elements at key (the command's event), or
// stored nothing and `deleted` an existing key ("del"); nothing when it stored nothing over no
// key.
void report_store(ExecContext& ctx, std::string_view key, std::string_view event, size_t size,
                  bool deleted);

// Pops up to count elements (count > 0) of z, the sorted set at key, lowest scores first or
// highest first, as Redis's genericZpopCommand: one change per element popped with the event
// "zpopmin" or "zpopmax", then, when that emptied z, the key is deleted with a "del" event (z is
// freed then). Returns the elements in the order popped.
std::vector<core::ZsetEntry> pop_reported(ExecContext& ctx, std::string_view key,
                                          core::ZsetObject& z, bool from_max, size_t count);

// The commands of the other sorted-set files; register_zset_family calls them.
void register_zset_range_family(Registry& r);
void register_zset_algebra_family(Registry& r);

}  // namespace shardis::server
