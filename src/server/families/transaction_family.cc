// Transaction commands: MULTI, EXEC, DISCARD, WATCH and UNWATCH, with Redis 7.0's replies and
// errors. They run on the connection's shard (Route::kCoordinator); EXEC and WATCH start the
// transactions of txn/multi.h. Queuing itself happens in the router, which sends every command
// but these (and QUIT) into MultiState while a MULTI is open.
#include <shardis/server/command.h>
#include <shardis/server/connection.h>
#include <shardis/server/registry.h>
#include <shardis/server/shard_core.h>
#include <shardis/server/txn/multi.h>

#include "command_meta.h"

namespace shardis::server {
namespace {

bool cmd_multi(CoordContext& ctx) {
  Connection& c = ctx.conn;
  if (!c.multi) c.multi = std::make_unique<MultiState>();
  if (c.multi->active) {
    ctx.rb.error("ERR MULTI calls can not be nested");
    return true;
  }
  c.multi->active = true;
  ctx.rb.ok();
  return true;
}

bool cmd_exec(CoordContext& ctx) {
  Connection& c = ctx.conn;
  if (!c.multi || !c.multi->active) {
    ctx.rb.error("ERR EXEC without MULTI");
    return true;
  }
  if (c.multi->dirty_exec) {
    ctx.rb.error("EXECABORT Transaction discarded because of previous errors.");
    multi_reset(c);
    unwatch_all(ctx.core, c);
    return true;
  }
  return exec_start(ctx.core, c);
}

bool cmd_discard(CoordContext& ctx) {
  Connection& c = ctx.conn;
  if (!c.multi || !c.multi->active) {
    ctx.rb.error("ERR DISCARD without MULTI");
    return true;
  }
  multi_reset(c);
  unwatch_all(ctx.core, c);
  ctx.rb.ok();
  return true;
}

bool cmd_watch(CoordContext& ctx) {
  Connection& c = ctx.conn;
  if (c.multi && c.multi->active) {
    ctx.rb.error("ERR WATCH inside MULTI is not allowed");
    return true;
  }
  return watch_start(ctx.core, c, ctx.args);
}

bool cmd_unwatch(CoordContext& ctx) {
  unwatch_all(ctx.core, ctx.conn);
  ctx.rb.ok();
  return true;
}

// Queued in MULTI: EXEC checks the watches before any command and drops them all, so UNWATCH
// inside the block changes nothing.
const CommandSpec* unwatch_in_exec(CoordContext& ctx) {
  ctx.rb.ok();
  return nullptr;
}

#include "transaction_family_args.inc"

constexpr RedisMeta kMultiMeta{};
constexpr RedisMeta kExecMeta{};
constexpr RedisMeta kDiscardMeta{};
constexpr RedisMeta kWatchMeta{.key_flags = "RO", .args = kWatchArgs};
constexpr RedisMeta kUnwatchMeta{};

constexpr uint32_t kTxnFlags = kNoScript | kLoading | kStale;
constexpr uint32_t kAclFastTxn = kAclFast | kAclTransaction;

}  // namespace

CoordHandler exec_handler() {
  return cmd_exec;
}

void register_transaction_family(Registry& r) {
  r.add({.name = "multi",
         .arity = 1,
         .flags = kTxnFlags | kFast | kAllowBusy | kRunsInMulti,
         .route = Route::kCoordinator,
         .run_coord = cmd_multi,
         .acl = kAclFastTxn,
         .group = "transactions",
         .summary = "Mark the start of a transaction block",
         .since = "1.2.0",
         .complexity = "O(1)",
         .meta = &kMultiMeta});
  r.add({.name = "exec",
         .arity = 1,
         .flags = kTxnFlags | kSkipSlowlog | kRunsInMulti,
         .route = Route::kCoordinator,
         .run_coord = cmd_exec,
         .acl = kAclSlow | kAclTransaction,
         .group = "transactions",
         .summary = "Execute all commands issued after MULTI",
         .since = "1.2.0",
         .complexity = "Depends on commands in the transaction",
         .meta = &kExecMeta});
  r.add({.name = "discard",
         .arity = 1,
         .flags = kTxnFlags | kFast | kAllowBusy | kRunsInMulti,
         .route = Route::kCoordinator,
         .run_coord = cmd_discard,
         .acl = kAclFastTxn,
         .group = "transactions",
         .summary = "Discard all commands issued after MULTI",
         .since = "2.0.0",
         .complexity = "O(N), when N is the number of queued commands",
         .meta = &kDiscardMeta});
  r.add({.name = "watch",
         .arity = -2,
         .flags = kTxnFlags | kFast | kAllowBusy | kRunsInMulti,
         .keys = {1, -1, 1},
         .route = Route::kCoordinator,
         .run_coord = cmd_watch,
         .acl = kAclFastTxn,
         .group = "transactions",
         .summary = "Watch the given keys to determine execution of the MULTI/EXEC block",
         .since = "2.2.0",
         .complexity = "O(1) for every key.",
         .meta = &kWatchMeta});
  r.add({.name = "unwatch",
         .arity = 1,
         .flags = kTxnFlags | kFast | kAllowBusy,
         .route = Route::kCoordinator,
         .run_coord = cmd_unwatch,
         .exec_as = unwatch_in_exec,
         .acl = kAclFastTxn,
         .group = "transactions",
         .summary = "Forget about all watched keys",
         .since = "2.2.0",
         .complexity = "O(1)",
         .meta = &kUnwatchMeta});
}

}  // namespace shardis::server
