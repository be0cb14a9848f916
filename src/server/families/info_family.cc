// INFO [section ...]: the server, clients, memory, persistence and keyspace sections, in Redis
// 7.0's format.
//
// INFO runs on every shard (Route::kAllShards): each part reports its databases' key and TTL
// counts and its store's memory into a PartShardStats; the coordinator formats the text. The memory
// figures that are process-wide (used_memory from the allocator, RSS) are read on the
// coordinator. Sections Shardis does not keep (replication, stats, ...) are left out; persistence
// reports the snapshot fields (the AOF and BGSAVE fields read as a server without them).
#include <malloc.h>
#include <shardis/base/number_format.h>
#include <shardis/server/command.h>
#include <shardis/server/db.h>
#include <shardis/server/registry.h>
#include <shardis/server/shard_services.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "command_meta.h"

#if defined(__SANITIZE_ADDRESS__)
#define SHARDIS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SHARDIS_ASAN 1
#endif
#endif
#ifndef SHARDIS_ASAN
#define SHARDIS_ASAN 0
#endif
#if SHARDIS_ASAN
// From the sanitizer runtime (sanitizer/allocator_interface.h, which not every compiler ships).
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#endif

namespace shardis::server {
namespace {

void part_info(ExecContext& ctx, std::span<const uint32_t>, PartResult& out) {
  PartShardStats& st = out.emplace<PartShardStats>();
  int64_t now = ctx.db.now_ms();
  for (int i = 0; i < ShardStore::kNumDbs; ++i) {
    Db& db = ctx.store.db(i);
    st.dbs[i] = {static_cast<int64_t>(db.size()), static_cast<int64_t>(db.expires()),
                 db.ttl_remaining_sum(now)};
    st.index_bytes += static_cast<int64_t>(db.index_bytes());
    st.mapped_bytes += static_cast<int64_t>(db.mapped_bytes());
  }
  st.entry_bytes = static_cast<int64_t>(ctx.store.slab().bytes_in_use());
  st.persist = ctx.store.persist_state();
  if (ctx.services != nullptr) {
    st.clients = ctx.services->connected_clients();
    st.blocked = ctx.services->blocked_clients();
    st.changes_since_save = static_cast<int64_t>(ctx.services->dirty() - st.persist.dirty_at_save);
    const ShardServices::AofStatus aof = ctx.services->aof_status();
    st.aof_enabled = aof.enabled;
    st.aof_write_ok = aof.last_write_ok;
    st.aof_size = aof.size;
    st.aof_buffer = aof.buffer_length;
  }
}

// The allocator's bytes in use, over the whole process (as Redis's used_memory counts every
// allocation); bucket arrays mapped directly are added by the caller.
int64_t allocated_bytes() {
#if SHARDIS_ASAN
  // AddressSanitizer replaces malloc: glibc's arenas hold almost nothing, and walking them
  // (mallinfo2) races with the few allocations that still reach them.
  return static_cast<int64_t>(__sanitizer_get_current_allocated_bytes());
#else
  struct mallinfo2 mi = mallinfo2();
  return static_cast<int64_t>(mi.uordblks + mi.hblkhd);
#endif
}

int64_t rss_bytes() {
  long pages = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    long size = 0;
    if (std::fscanf(f, "%ld %ld", &size, &pages) != 2) pages = 0;
    std::fclose(f);
  }
  return static_cast<int64_t>(pages) * sysconf(_SC_PAGESIZE);
}

std::string human_bytes(int64_t n) {
  char buf[64];
  double d = static_cast<double>(n);
  if (n < 1024) {
    std::snprintf(buf, sizeof(buf), "%lldB", static_cast<long long>(n));
  } else if (n < 1024 * 1024) {
    std::snprintf(buf, sizeof(buf), "%.2fK", d / 1024);
  } else if (n < 1024LL * 1024 * 1024) {
    std::snprintf(buf, sizeof(buf), "%.2fM", d / (1024 * 1024));
  } else {
    std::snprintf(buf, sizeof(buf), "%.2fG", d / (1024.0 * 1024 * 1024));
  }
  return buf;
}

void line(std::string& out, std::string_view name, int64_t v) {
  out.append(name);
  out.push_back(':');
  out.append(base::int64_to_string(v));
  out.append("\r\n");
}

void line(std::string& out, std::string_view name, std::string_view v) {
  out.append(name);
  out.push_back(':');
  out.append(v);
  out.append("\r\n");
}

bool wanted(ArgList args, std::string_view section, bool in_default) {
  if (args.size() == 1) return in_default;
  for (size_t i = 1; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (base::iequals(a, section) || base::iequals(a, "all") || base::iequals(a, "everything") ||
        (in_default && base::iequals(a, "default"))) {
      return true;
    }
  }
  return false;
}

void merge_info(ArgList args, std::span<PartResult> results, proto::ReplyBuilder& rb) {
  std::vector<const PartShardStats*> parts;
  for (const PartResult& r : results) parts.push_back(&std::get<PartShardStats>(r));
  std::string out;
  auto section = [&](std::string_view title) {
    if (!out.empty()) out.append("\r\n");
    out.append("# ");
    out.append(title);
    out.append("\r\n");
  };
  if (wanted(args, "server", true)) {
    section("Server");
    line(out, "redis_version", "7.0.15");
    line(out, "redis_mode", "standalone");
    line(out, "server_name", "shardis");
    line(out, "arch_bits", static_cast<int64_t>(sizeof(void*) * 8));
    line(out, "process_id", static_cast<int64_t>(getpid()));
    line(out, "shards", static_cast<int64_t>(parts.size()));
  }
  if (wanted(args, "clients", true)) {
    int64_t clients = 0, blocked = 0;
    for (const PartShardStats* p : parts) {
      clients += p->clients;
      blocked += p->blocked;
    }
    section("Clients");
    line(out, "connected_clients", clients);
    line(out, "cluster_connections", int64_t{0});
    line(out, "maxclients", int64_t{10000});
    line(out, "blocked_clients", blocked);
    line(out, "tracking_clients", int64_t{0});
  }
  if (wanted(args, "memory", true)) {
    int64_t rss = rss_bytes();
    int64_t slab = 0, index = 0, mapped = 0;
    for (const PartShardStats* p : parts) {
      slab += p->entry_bytes;
      index += p->index_bytes;
      mapped += p->mapped_bytes;
    }
    int64_t used = allocated_bytes() + mapped;
    section("Memory");
    line(out, "used_memory", used);
    line(out, "used_memory_human", human_bytes(used));
    line(out, "used_memory_rss", rss);
    line(out, "used_memory_rss_human", human_bytes(rss));
    line(out, "keyspace_entry_bytes", slab);
    line(out, "keyspace_index_bytes", index);
    line(out, "maxmemory", int64_t{0});
    line(out, "maxmemory_policy", "noeviction");
    line(out, "mem_allocator", "libc");
  }
  if (wanted(args, "persistence", true)) {
    int64_t changes = 0, lastsave = 0, saves = 0, loaded = 0, expired = 0;
    int64_t aof_size = 0, aof_buffer = 0;
    bool aof_on = false, aof_ok = true;
    for (const PartShardStats* p : parts) {
      aof_on = aof_on || p->aof_enabled;
      aof_ok = aof_ok && p->aof_write_ok;
      aof_size += p->aof_size;
      aof_buffer += p->aof_buffer;
      changes += p->changes_since_save;
      lastsave = std::max(lastsave, p->persist.lastsave_s);
      saves = std::max(saves, p->persist.saves);  // every SAVE counts once on every shard
      loaded += p->persist.loaded_keys;
      expired += p->persist.loaded_expired;
    }
    section("Persistence");
    line(out, "loading", int64_t{0});
    line(out, "async_loading", int64_t{0});
    // No fork: the copy-on-write and fork fields read as a server with no save in progress.
    line(out, "current_cow_peak", int64_t{0});
    line(out, "current_cow_size", int64_t{0});
    line(out, "current_cow_size_age", int64_t{0});
    line(out, "current_fork_perc", "0.00");
    line(out, "current_save_keys_processed", int64_t{0});
    line(out, "current_save_keys_total", int64_t{0});
    line(out, "rdb_changes_since_last_save", changes);
    line(out, "rdb_bgsave_in_progress", int64_t{0});
    line(out, "rdb_last_save_time", lastsave);
    line(out, "rdb_last_bgsave_status", "ok");
    line(out, "rdb_last_bgsave_time_sec", int64_t{-1});
    line(out, "rdb_current_bgsave_time_sec", int64_t{-1});
    line(out, "rdb_saves", saves);
    line(out, "rdb_last_cow_size", int64_t{0});
    line(out, "rdb_last_load_keys_expired", expired);
    line(out, "rdb_last_load_keys_loaded", loaded);
    line(out, "aof_enabled", int64_t{aof_on ? 1 : 0});
    line(out, "aof_rewrite_in_progress", int64_t{0});
    line(out, "aof_rewrite_scheduled", int64_t{0});
    line(out, "aof_last_rewrite_time_sec", int64_t{-1});
    line(out, "aof_current_rewrite_time_sec", int64_t{-1});
    line(out, "aof_last_bgrewrite_status", "ok");
    line(out, "aof_rewrites", int64_t{0});
    line(out, "aof_rewrites_consecutive_failures", int64_t{0});
    line(out, "aof_last_write_status", aof_ok ? "ok" : "err");
    line(out, "aof_last_cow_size", int64_t{0});
    line(out, "module_fork_in_progress", int64_t{0});
    line(out, "module_fork_last_cow_size", int64_t{0});
    if (aof_on) {
      line(out, "aof_current_size", aof_size);
      line(out, "aof_base_size", int64_t{0});
      line(out, "aof_pending_rewrite", int64_t{0});
      line(out, "aof_buffer_length", aof_buffer);
      line(out, "aof_pending_bio_fsync", int64_t{0});
      line(out, "aof_delayed_fsync", int64_t{0});
    }
  }
  if (wanted(args, "keyspace", true)) {
    section("Keyspace");
    for (int i = 0; i < ShardStore::kNumDbs; ++i) {
      int64_t keys = 0, expires = 0, ttl_sum = 0;
      for (const PartShardStats* p : parts) {
        keys += p->dbs[i].keys;
        expires += p->dbs[i].expires;
        ttl_sum += p->dbs[i].ttl_sum_ms;
      }
      if (keys == 0) continue;
      std::string v = "keys=" + base::int64_to_string(keys) +
                      ",expires=" + base::int64_to_string(expires) +
                      ",avg_ttl=" + base::int64_to_string(expires > 0 ? ttl_sum / expires : 0);
      line(out, "db" + std::to_string(i), v);
    }
  }
  rb.verbatim("txt", out);
}

// ---- COMMAND INFO / DOCS metadata (checked against redis-server 7.0.15) ----

#include "info_family_args.inc"

constexpr RedisMeta kInfoMeta{
    .tips = "nondeterministic_output request_policy:all_shards response_policy:special",
    .history = {{{"7.0.0", "Added support for taking multiple section arguments."}}},
    .args = kInfoArgs};

}  // namespace

void register_info_family(Registry& r) {
  r.add({.name = "info",
         .arity = -1,
         .flags = kLoading | kStale,
         .route = Route::kAllShards,
         .part = part_info,
         .merge = Merge::kCustom,
         .merge_fn = merge_info,
         .lock = LockPolicy::kNone,
         .acl = kAclSlow | kAclDangerous,
         .group = "server",
         .summary = "Get information and statistics about the server",
         .since = "1.0.0",
         .complexity = "O(1)",
         .meta = &kInfoMeta});
}

}  // namespace shardis::server
