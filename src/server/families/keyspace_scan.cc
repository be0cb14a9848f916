// Commands that walk the whole keyspace: KEYS, SCAN and RANDOMKEY, with Redis 7.0's replies and
// errors.
//
// KEYS and RANDOMKEY run on every shard (Route::kAllShards): each part_* walks its own shard's
// Db and the coordinator merges (Merge::kConcat, Merge::kRandomOne). SCAN is a keyless
// Route::kKey command: its cursor names the shard (see keyspace_scan.h), pick_shard decodes it
// and one call scans that shard only.
#include <shardis/base/glob.h>
#include <shardis/base/number_format.h>
#include <shardis/server/command.h>
#include <shardis/server/db.h>
#include <shardis/server/families/family_util.h>
#include <shardis/server/families/keyspace_scan.h>
#include <shardis/server/registry.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "command_meta.h"

namespace shardis::server {
namespace {

// Redis skips matching for the lone "*" pattern (which would not match the empty key).
bool matches_all(std::string_view pattern) {
  return pattern == "*";
}

// ---- KEYS ----

// Keys expired but not yet reclaimed are left out, and left alone: KEYS only reads.
void part_keys(ExecContext& ctx, std::span<const uint32_t>, PartResult& result) {
  std::vector<std::string>& out = result.emplace<PartKeys>().keys;
  std::string_view pattern = ctx.args[1];
  bool all = matches_all(pattern);
  const Db& db = ctx.db;
  db.for_each([&](const core::Entry* e) {
    std::string_view key = e->key();
    if ((all || base::glob_match(pattern, key)) && !db.is_expired(e)) out.emplace_back(key);
  });
}

// ---- RANDOMKEY ----

void part_randomkey(ExecContext& ctx, std::span<const uint32_t>, PartResult& out) {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  PartKeys& keys = out.emplace<PartKeys>();
  const core::Entry* e = ctx.db.random(gen());
  if (e != nullptr) keys.keys.emplace_back(e->key());
}

// ---- SCAN ----

std::string parse_scan(ArgList args, ScanArgs* out) {
  std::optional<uint64_t> cursor = parse_scan_cursor(args[1]);
  if (!cursor) return std::string(kErrInvalidCursor);
  out->cursor = *cursor;
  return parse_scan_options(args, 2, true, out);
}

std::string check_scan(ArgList args) {
  ScanArgs a;
  return parse_scan(args, &a);
}

uint32_t pick_scan_shard(ArgList args, uint32_t shards) {
  return decode_scan_cursor(parse_scan_cursor(args[1]).value_or(0), shards).shard;
}

struct ScanPage {
  uint64_t next_table = 0;
  std::vector<std::string> keys;     // live keys that passed the filters
  std::vector<std::string> expired;  // expired keys seen, to reclaim
};

// One SCAN step over a Db, as Redis's scanGenericCommand: visits buckets until `count` keys were
// seen (before filtering) or count * 10 more buckets were visited or the scan is complete.
ScanPage op_scan(const Db& db, uint64_t table_cursor, const ScanArgs& a) {
  ScanPage page;
  uint64_t seen = 0;
  const uint64_t count = static_cast<uint64_t>(a.count);
  const uint64_t max_extra = count > std::numeric_limits<uint64_t>::max() / 10
                                 ? std::numeric_limits<uint64_t>::max()
                                 : count * 10;
  auto visit = [&](const core::Entry* e) {
    ++seen;
    std::string_view key = e->key();
    if (a.use_pattern && !base::glob_match(a.pattern, key)) return;
    if (db.is_expired(e)) {
      page.expired.emplace_back(key);
      return;
    }
    if (a.use_type && !base::iequals(a.type, type_name(Db::type_of(e)))) return;
    page.keys.emplace_back(key);
  };
  uint64_t cursor = db.scan(table_cursor, visit);
  for (uint64_t extra = 0; cursor != 0 && extra < max_extra && seen < count; ++extra) {
    cursor = db.scan(cursor, visit);
  }
  page.next_table = cursor;
  return page;
}

// Runs on the shard the cursor names (pick_scan_shard). In a single-shard run the cursor's shard
// is this one.
void cmd_scan(ExecContext& ctx) {
  ScanArgs a;
  std::string err = parse_scan(ctx.args, &a);
  if (!err.empty()) return ctx.rb.error(err);
  uint32_t shards = ctx.store.shards();
  uint32_t shard = ctx.store.shard_id();
  ScanCursor c = decode_scan_cursor(a.cursor, shards);
  ScanPage page = op_scan(ctx.db, c.table, a);
  // Expired keys met on the way are reclaimed, as Redis's expireIfNeeded does: a lookup erases
  // them. After the walk, since it invalidates entry pointers.
  for (const std::string& key : page.expired) ctx.db.peek(key);
  uint64_t next = next_scan_cursor(page.next_table, shard, shards);
  ctx.rb.array(2);
  ctx.rb.bulk(std::to_string(next));
  ctx.rb.array(page.keys.size());
  for (const std::string& key : page.keys) ctx.rb.bulk(key);
}

// ---- COMMAND INFO / DOCS metadata (checked against redis-server 7.0.15) ----

#include "keyspace_scan_args.inc"

constexpr RedisMeta kKeysMeta{.tips = "request_policy:all_shards nondeterministic_output_order",
                              .args = kKeysArgs};
constexpr RedisMeta kScanMeta{.tips = "nondeterministic_output request_policy:special",
                              .history = {{{"6.0.0", "Added the `TYPE` subcommand."}}},
                              .args = kScanArgs};
constexpr RedisMeta kRandomkeyMeta{.tips = "request_policy:all_shards nondeterministic_output"};

}  // namespace

void register_keyspace_scan_family(Registry& r) {
  r.add({.name = "keys",
         .arity = 2,
         .flags = kReadOnly,
         .route = Route::kAllShards,
         .part = part_keys,
         .merge = Merge::kConcat,
         .acl = kAclKeyspace | kAclRead | kAclSlow | kAclDangerous,
         .group = "generic",
         .summary = "Find all keys matching the given pattern",
         .since = "1.0.0",
         .complexity =
             "O(N) with N being the number of keys in the database, under the assumption that "
             "the key names in the database and the given pattern have limited length.",
         .meta = &kKeysMeta});
  r.add({.name = "scan",
         .arity = -2,
         .flags = kReadOnly,
         .route = Route::kKey,
         .run = cmd_scan,
         .check = check_scan,
         .pick_shard = pick_scan_shard,
         .acl = kAclKeyspace | kAclRead | kAclSlow,
         .group = "generic",
         .summary = "Incrementally iterate the keys space",
         .since = "2.8.0",
         .complexity =
             "O(1) for every call. O(N) for a complete iteration, including enough command calls "
             "for the cursor to return back to 0. N is the number of elements inside the "
             "collection.",
         .meta = &kScanMeta});
  r.add({.name = "randomkey",
         .arity = 1,
         .flags = kReadOnly,
         .route = Route::kAllShards,
         .part = part_randomkey,
         .merge = Merge::kRandomOne,
         .acl = kAclKeyspace | kAclRead | kAclSlow,
         .group = "generic",
         .summary = "Return a random key from the keyspace",
         .since = "1.0.0",
         .complexity = "O(1)",
         .meta = &kRandomkeyMeta});
}

}  // namespace shardis::server
