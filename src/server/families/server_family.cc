// Server commands: DBSIZE, FLUSHDB, FLUSHALL and SWAPDB, with Redis 7.0's replies and errors.
//
// DBSIZE, the FLUSH commands and SWAPDB run on every shard (Route::kAllShards): each part_* works
// on its own shard's databases and the coordinator merges. Their arguments are checked once, on the
// coordinator, before anything runs.
#include <shardis/base/number_format.h>
#include <shardis/server/command.h>
#include <shardis/server/db.h>
#include <shardis/server/families/family_util.h>
#include <shardis/server/registry.h>

#include <cstdint>
#include <iterator>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "command_meta.h"

namespace shardis::server {
namespace {

// ---- DBSIZE / FLUSHDB / FLUSHALL ----

void part_dbsize(ExecContext& ctx, std::span<const uint32_t>, PartResult& out) {
  out.emplace<PartCount>().n = static_cast<int64_t>(ctx.db.size());
}

// FLUSHDB [ASYNC|SYNC] and FLUSHALL [ASYNC|SYNC]. Both modes flush at once: a flush is the same
// work either way here. Like SWAPDB they fire no keyspace event (Redis has none for them); dirty
// counts the keys removed, and the command is propagated as sent even when there was nothing to
// remove (Redis's forceCommandPropagation).
std::string check_flush(ArgList args) {
  if (args.size() == 1) return {};
  if (args.size() == 2 && (base::iequals(args[1], "async") || base::iequals(args[1], "sync"))) {
    return {};
  }
  return std::string(kErrSyntax);
}

void part_flushdb(ExecContext& ctx, std::span<const uint32_t>, PartResult&) {
  ctx.out.flushed(ctx.db.index(), ctx.db.size());
  ctx.out.propagate(ctx.args);
  ctx.db.clear();
}

void part_flushall(ExecContext& ctx, std::span<const uint32_t>, PartResult&) {
  uint64_t keys = 0;
  for (int i = 0; i < ShardStore::kNumDbs; ++i) keys += ctx.store.db(i).size();
  ctx.out.flushed(-1, keys);
  ctx.out.propagate(ctx.args);
  ctx.store.flush_all();
}

// ---- SWAPDB ----

// A database index as Redis's getIntFromObjectOrReply reads it: an int64 in int range.
std::optional<int> parse_int_arg(std::string_view arg) {
  std::optional<int64_t> v = base::parse_int64(arg);
  if (!v || *v < std::numeric_limits<int>::min() || *v > std::numeric_limits<int>::max()) {
    return std::nullopt;
  }
  return static_cast<int>(*v);
}

bool db_index_ok(int i) {
  return i >= 0 && i < ShardStore::kNumDbs;
}

// SWAPDB index1 index2: both indices are parsed before either is range-checked, as in Redis.
std::string check_swapdb(ArgList args) {
  std::optional<int> a = parse_int_arg(args[1]);
  if (!a) return "ERR invalid first DB index";
  std::optional<int> b = parse_int_arg(args[2]);
  if (!b) return "ERR invalid second DB index";
  if (!db_index_ok(*a) || !db_index_ok(*b)) return "ERR DB index is out of range";
  return {};
}

// Every shard swaps its two Dbs, so that every client selecting one index sees the other's
// keys, as Redis's dbSwapDatabases. Shards swap independently: a command running on another
// shard meanwhile may still see the old order there. Swapping a database with itself changes
// nothing but still counts as a write and is propagated, as in Redis.
void part_swapdb(ExecContext& ctx, std::span<const uint32_t>, PartResult&) {
  int a = *parse_int_arg(ctx.args[1]);
  int b = *parse_int_arg(ctx.args[2]);
  if (a == b) return ctx.out.add_dirty(1);
  ctx.out.flushed(a, 1, b);
  ctx.out.flushed(b, 0, a);
  ctx.store.db(a).swap(ctx.store.db(b));
}

// ---- COMMAND INFO / DOCS metadata (checked against redis-server 7.0.15) ----

#include "server_family_args.inc"

constexpr std::string_view kAllShardsOk = "request_policy:all_shards response_policy:all_succeeded";
constexpr HistoryEntry kFlushAsync = {"4.0.0", "Added the `ASYNC` flushing mode modifier."};
constexpr HistoryEntry kFlushSync = {"6.2.0", "Added the `SYNC` flushing mode modifier."};

constexpr RedisMeta kDbsizeMeta{.tips = "request_policy:all_shards response_policy:agg_sum"};
constexpr RedisMeta kFlushdbMeta{
    .tips = kAllShardsOk, .history = {{kFlushAsync, kFlushSync}}, .args = kFlushdbArgs};
constexpr RedisMeta kFlushallMeta{
    .tips = kAllShardsOk, .history = {{kFlushAsync, kFlushSync}}, .args = kFlushallArgs};
constexpr RedisMeta kSwapdbMeta{.args = kSwapdbArgs};

}  // namespace

void register_server_family(Registry& r) {
  r.add({.name = "dbsize",
         .arity = 1,
         .flags = kReadOnly | kFast,
         .route = Route::kAllShards,
         .part = part_dbsize,
         .merge = Merge::kSumInteger,
         .acl = kAclKeyspace | kAclRead | kAclFast,
         .group = "server",
         .summary = "Return the number of keys in the selected database",
         .since = "1.0.0",
         .complexity = "O(1)",
         .meta = &kDbsizeMeta});
  r.add({.name = "flushdb",
         .arity = -1,
         .flags = kWrite,
         .route = Route::kAllShards,
         .part = part_flushdb,
         .merge = Merge::kOk,
         .check = check_flush,
         .acl = kAclKeyspace | kAclWrite | kAclSlow | kAclDangerous,
         .group = "server",
         .summary = "Remove all keys from the current database",
         .since = "1.0.0",
         .complexity = "O(N) where N is the number of keys in the selected database",
         .meta = &kFlushdbMeta});
  r.add({.name = "flushall",
         .arity = -1,
         .flags = kWrite,
         .route = Route::kAllShards,
         .part = part_flushall,
         .merge = Merge::kOk,
         .check = check_flush,
         .acl = kAclKeyspace | kAclWrite | kAclSlow | kAclDangerous,
         .group = "server",
         .summary = "Remove all keys from all databases",
         .since = "1.0.0",
         .complexity = "O(N) where N is the total number of keys in all databases",
         .meta = &kFlushallMeta});
  r.add({.name = "swapdb",
         .arity = 3,
         .flags = kWrite | kFast,
         .route = Route::kAllShards,
         .part = part_swapdb,
         .merge = Merge::kOk,
         .check = check_swapdb,
         .acl = kAclKeyspace | kAclWrite | kAclFast | kAclDangerous,
         .group = "server",
         .summary = "Swaps two Redis databases",
         .since = "4.0.0",
         .complexity =
             "O(N) where N is the count of clients watching or blocking on keys from both "
             "databases.",
         .meta = &kSwapdbMeta});
}

}  // namespace shardis::server
