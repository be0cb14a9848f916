// SAVE, LASTSAVE and SHUTDOWN, with Redis 7.0's replies (server/persist/snapshot.h has the files).
//
// SAVE runs on every shard as one transaction over all of them (Route::kAllShards under the
// lock table), so the parts are one cut in the transaction order: each shard writes its own
// part from its own thread, in parallel, and the coordinator publishes them (manifest or single
// file) once all are written. As Redis's SAVE, it blocks: no shard runs anything else meanwhile.
// LASTSAVE is the newest successful save of any shard (start-up counts as one, as in Redis).
#include <shardis/base/log.h>
#include <shardis/base/number_format.h>
#include <shardis/server/command.h>
#include <shardis/server/persist/snapshot.h>
#include <shardis/server/registry.h>
#include <shardis/server/shard_services.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "command_meta.h"

namespace shardis::server {
namespace {

void part_save(ExecContext& ctx, std::span<const uint32_t>, PartResult& out) {
  PartSnapshot& p = out.emplace<PartSnapshot>();
  PersistState& state = ctx.store.persist_state();
  p.part = write_shard_part(ctx.store, ctx.store.persist().rdb_per_shard, ++state.next_tag);
  if (!p.part.ok) return;
  state.lastsave_s = ctx.db.now_ms() / 1000;
  ++state.saves;
  if (ctx.services != nullptr) state.dirty_at_save = ctx.services->dirty();
}

void merge_save(ArgList, std::span<PartResult> parts, proto::ReplyBuilder& rb) {
  std::vector<SnapshotPart> files;
  uint64_t keys = 0;
  for (PartResult& r : parts) {
    files.push_back(std::move(std::get<PartSnapshot>(r).part));
    keys += files.back().keys;
  }
  std::string error;
  if (!publish_snapshot(files[0].settings, files, &error)) {
    SHARDIS_LOG_WARN("SAVE failed: %s", error.c_str());
    rb.error("ERR");
    return;
  }
  SHARDIS_LOG_INFO("DB saved on disk (%llu keys, %zu part%s)",
                   static_cast<unsigned long long>(keys), files.size(),
                   files.size() == 1 ? "" : "s");
  rb.ok();
}

void part_lastsave(ExecContext& ctx, std::span<const uint32_t>, PartResult& out) {
  out.emplace<PartCount>().n = ctx.store.persist_state().lastsave_s;
}

void merge_lastsave(ArgList, std::span<PartResult> parts, proto::ReplyBuilder& rb) {
  int64_t newest = 0;
  for (PartResult& r : parts) newest = std::max(newest, std::get<PartCount>(r).n);
  rb.integer(newest);
}

// ---- SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT] ----
//
// Saves as SIGTERM does (when save rules are set, or with SAVE; never with NOSAVE), as one
// transaction over all shards, then stops the process without saving again. The client gets no
// reply: its connection closes, as with redis-server. A failed save answers an error and the
// server keeps running, unless FORCE. NOW has nothing to skip (no replicas to wait for); ABORT
// finds no shutdown in progress, since a shutdown here never waits.

enum ShutdownFlag : unsigned { kNoSave = 1, kSave = 2, kNow = 4, kForce = 8, kAbort = 16 };

unsigned shutdown_flags(ArgList args) {
  unsigned f = 0;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string_view a = args[i];
    if (base::iequals(a, "nosave")) {
      f |= kNoSave;
    } else if (base::iequals(a, "save")) {
      f |= kSave;
    } else if (base::iequals(a, "now")) {
      f |= kNow;
    } else if (base::iequals(a, "force")) {
      f |= kForce;
    } else if (base::iequals(a, "abort")) {
      f |= kAbort;
    } else {
      return ~0u;
    }
  }
  return f;
}

std::string check_shutdown(ArgList args) {
  const unsigned f = shutdown_flags(args);
  if (f == ~0u || ((f & kAbort) && f != kAbort) || ((f & kNoSave) && (f & kSave))) {
    return std::string(kErrSyntax);
  }
  if (f & kAbort) return "ERR No shutdown in progress.";
  return {};
}

void part_shutdown(ExecContext& ctx, std::span<const uint32_t>, PartResult& out) {
  PartSnapshot& p = out.emplace<PartSnapshot>();
  const unsigned f = shutdown_flags(ctx.args);
  std::vector<std::pair<int64_t, int64_t>> rules;
  parse_save_rules(ctx.store.persist().save, &rules);
  p.part.wanted = (f & kSave) || (!(f & kNoSave) && !rules.empty());
  if (!p.part.wanted) return;
  p.part = write_shard_part(ctx.store, ctx.store.persist().rdb_per_shard,
                            ++ctx.store.persist_state().next_tag);
  p.part.wanted = true;
}

void merge_shutdown(ArgList args, std::span<PartResult> parts, proto::ReplyBuilder& rb) {
  std::vector<SnapshotPart> files;
  for (PartResult& r : parts) files.push_back(std::move(std::get<PartSnapshot>(r).part));
  if (files[0].wanted) {
    std::string error;
    if (!publish_snapshot(files[0].settings, files, &error)) {
      SHARDIS_LOG_WARN("Error trying to save the DB, can't exit: %s", error.c_str());
      if (!(shutdown_flags(args) & kForce)) {
        rb.error("ERR Errors trying to SHUTDOWN. Check logs.");
        return;
      }
    } else {
      SHARDIS_LOG_INFO("DB saved on disk");
    }
  }
  SHARDIS_LOG_INFO("User requested shutdown...");
  request_shutdown_without_save();
}

constexpr RedisMeta kLastsaveMeta{.tips = "nondeterministic_output"};

#include "persistence_family_args.inc"

constexpr RedisMeta kShutdownMeta{
    .history = {{{"7.0.0", "Added the `NOW`, `FORCE` and `ABORT` modifiers."}}},
    .args = kShutdownArgs};

}  // namespace

void register_persistence_family(Registry& r) {
  r.add({.name = "save",
         .arity = 1,
         .flags = kAdmin | kNoScript | kNoAsyncLoading | kNoMulti,
         .route = Route::kAllShards,
         .part = part_save,
         .merge = Merge::kCustom,
         .merge_fn = merge_save,
         .acl = kAclAdmin | kAclSlow | kAclDangerous,
         .group = "server",
         .summary = "Synchronously save the dataset to disk",
         .since = "1.0.0",
         .complexity = "O(N) where N is the total number of keys in all databases"});
  r.add({.name = "lastsave",
         .arity = 1,
         .flags = kLoading | kStale | kFast,
         .route = Route::kAllShards,
         .part = part_lastsave,
         .merge = Merge::kCustom,
         .merge_fn = merge_lastsave,
         .lock = LockPolicy::kNone,
         .acl = kAclAdmin | kAclFast | kAclDangerous,
         .group = "server",
         .summary = "Get the UNIX time stamp of the last successful save to disk",
         .since = "1.0.0",
         .complexity = "O(1)",
         .meta = &kLastsaveMeta});
  r.add({.name = "shutdown",
         .arity = -1,
         .flags = kAdmin | kNoScript | kLoading | kStale | kNoMulti | kAllowBusy,
         .route = Route::kAllShards,
         .part = part_shutdown,
         .merge = Merge::kCustom,
         .merge_fn = merge_shutdown,
         .check = check_shutdown,
         .acl = kAclAdmin | kAclSlow | kAclDangerous,
         .group = "server",
         .summary = "Synchronously save the dataset to disk and then shut down the server",
         .since = "1.0.0",
         .complexity = "O(N) when saving, where N is the total number of keys in all databases "
                       "when saving data, otherwise O(1)",
         .meta = &kShutdownMeta});
}

}  // namespace shardis::server
