#include <pthread.h>
#include <sched.h>
#include <shardis/base/log.h>
#include <shardis/runtime/socket_util.h>
#include <shardis/server/loading_responder.h>
#include <shardis/server/persist/aof_files.h>
#include <shardis/server/shard_loop.h>
#include <shardis/server/shard_set.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <memory>
#include <unordered_set>

namespace shardis::server {

namespace {

// CPUs this process may run on (respects taskset), in order.
std::vector<int> allowed_cpus() {
  std::vector<int> cpus;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    for (int i = 0; i < CPU_SETSIZE; ++i) {
      if (CPU_ISSET(i, &set)) cpus.push_back(i);
    }
  }
  return cpus;
}

// Loads shard's keys from the current snapshot, on its thread, before it serves anyone.
bool load_snapshot(Shard& shard, std::string* error) {
  ShardStore& store = shard.core().store();
  LoadStats stats;
  const auto start = std::chrono::steady_clock::now();
  if (!load_shard_snapshot(store, &stats, error)) return false;
  if (!stats.found) return true;
  store.persist_state().loaded_keys = static_cast<int64_t>(stats.keys);
  store.persist_state().loaded_expired = static_cast<int64_t>(stats.expired);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  SHARDIS_LOG_INFO("loaded %llu keys (%llu expired, %llu empty skipped) from %s in %lld ms",
                   static_cast<unsigned long long>(stats.keys),
                   static_cast<unsigned long long>(stats.expired),
                   static_cast<unsigned long long>(stats.empty), stats.files.c_str(),
                   static_cast<long long>(ms));
  if (stats.functions_skipped > 0) {
    SHARDIS_LOG_WARN(
        "%llu function libraries in the snapshot were skipped: Shardis has no "
        "scripting",
        static_cast<unsigned long long>(stats.functions_skipped));
  }
  return true;
}

}  // namespace

ShardSet::ShardSet(ServerConfig config, const Registry& registry)
    : config_(std::move(config)),
      registry_(registry),
      fabric_(config_.shards, config_.ring_capacity) {
  info_.shards = static_cast<int>(config_.shards);
  info_.port = config_.port;
}

ShardSet::~ShardSet() {
  stop();
}

bool ShardSet::start(std::string* error) {
  std::vector<int> fds;
  for (uint32_t i = 0; i < config_.shards; ++i) {
    int fd = runtime::open_reuseport_listener(config_.bind, config_.port, error);
    if (fd < 0) {
      for (int f : fds) ::close(f);
      return false;
    }
    fds.push_back(fd);
  }
  for (uint32_t i = 0; i < config_.shards; ++i) {
    shards_.push_back(
        std::make_unique<Shard>(i, fds[i], fabric_, registry_, info_, config_.options));
  }
  fabric_.init_drain_count();
  stop_parts_.resize(config_.shards);

  // One loop per shard, or, when the process may use fewer CPUs than it has shards, one loop
  // per CPU with the shards dealt out to them (shard_loop.h).
  std::vector<int> cpus = allowed_cpus();
  uint32_t nloops = config_.shards;
  if (!cpus.empty() && cpus.size() < nloops) nloops = static_cast<uint32_t>(cpus.size());
  for (uint32_t l = 0; l < nloops; ++l) {
    std::vector<Shard*> mine;
    for (uint32_t i = l; i < config_.shards; i += nloops) mine.push_back(shards_[i].get());
    loops_.push_back(std::make_unique<ShardLoop>(std::move(mine), config_.shards, config_.options));
  }
  if (nloops < config_.shards) {
    SHARDIS_LOG_INFO(
        "%u shards on %u usable CPU(s): one event loop thread per CPU, shards shared out",
        config_.shards, nloops);
  }

  // The append-only file, when on: its manifest, if it exists yet (persist/aof_files.h).
  const PersistSettings& persist = config_.options.core.persist;
  const bool aof = persist.appendonly;
  AofManifest manifest;
  bool no_manifest = true;
  if (aof && !read_aof_manifest(persist, &manifest, &no_manifest, error) && !no_manifest) {
    return false;
  }
  if (aof && !no_manifest &&
      ::access(join_path(persist.dir, persist.dbfilename).c_str(), F_OK) == 0) {
    SHARDIS_LOG_INFO("appendonly yes: loading the append only file; %s is not read",
                     persist.dbfilename.c_str());
  }
  const uint64_t generation =
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count());

  // Start-up rendezvous. It lives on the heap, shared with the threads, because a thread may
  // still be returning from go.wait() after start() has returned. Every thread loads (or
  // prepares its AOF), then waits for `merged` (the transactions recovery leaves out), replays,
  // and waits for `go`.
  struct Rendezvous {
    Rendezvous(uint32_t n, uint32_t shards) : scanned(n), ready(n), errors(n), scans(shards) {}
    std::latch scanned;
    std::latch merged{1};
    std::latch ready;
    std::latch go{1};
    std::atomic<bool> failed{false};
    std::vector<std::string> errors;
    std::vector<AofShardScan> scans;
    std::unordered_set<uint64_t> left_out;
    uint64_t max_txn_id = 0;
  };
  auto rv = std::make_shared<Rendezvous>(nloops, config_.shards);
  const AofManifest* found = no_manifest ? nullptr : &manifest;
  for (uint32_t l = 0; l < nloops; ++l) {
    int cpu = cpus.empty() ? -1 : cpus[l % cpus.size()];
    threads_.emplace_back([this, l, cpu, rv, nloops, aof, found, generation] {
      std::string tag = "shard " + std::to_string(l);
      base::set_thread_log_tag(tag.c_str());
      if (cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
      }
      bool ok = loops_[l]->init(&rv->errors[l]);
      for (uint32_t i = l; ok && i < config_.shards; i += nloops) {
        ok = aof ? prepare_shard_aof(shards_[i]->core(), found, generation, &rv->scans[i],
                                     &rv->errors[l])
                 : load_snapshot(*shards_[i], &rv->errors[l]);
      }
      if (!ok) rv->failed = true;
      rv->scanned.count_down();
      rv->merged.wait();
      for (uint32_t i = l; ok && aof && !rv->failed && i < config_.shards; i += nloops) {
        ok = replay_shard_aof(shards_[i]->core(), rv->scans[i], rv->left_out, rv->max_txn_id,
                              &rv->errors[l]);
      }
      if (!ok) rv->failed = true;
      rv->ready.count_down();
      rv->go.wait();
      if (!ok || rv->failed) return;
      loops_[l]->run();
      for (uint32_t i = l; i < config_.shards; i += nloops) {
        std::string why;
        if (!shards_[i]->core().aof().close(&why)) SHARDIS_LOG_ERROR("%s", why.c_str());
      }
      if (!save_on_stop_.load()) return;
      for (uint32_t i = l; i < config_.shards; i += nloops) {
        ShardStore& store = shards_[i]->core().store();
        std::vector<std::pair<int64_t, int64_t>> rules;
        if (!parse_save_rules(store.persist().save, &rules) || rules.empty()) continue;
        stop_parts_[i] = write_shard_part(store, store.persist().rdb_per_shard,
                                          ++store.persist_state().next_tag);
        stop_parts_[i].wanted = true;
      }
    });
  }
  // Clients that connect meanwhile are answered -LOADING, as by redis-server.
  std::vector<int> listeners;
  for (const auto& shard : shards_) listeners.push_back(shard->listen_fd());
  LoadingResponder responder(listeners);
  responder.run([&rv] { return rv->scanned.try_wait(); });
  if (aof && !rv->failed) {
    merge_aof_scans(rv->scans, &rv->left_out, &rv->max_txn_id);
    if (found == nullptr) {
      AofManifest fresh;
      fresh.shards = config_.shards;
      for (const AofShardScan& s : rv->scans) {
        fresh.base.push_back(s.base);
        fresh.incr.push_back(s.incr);
      }
      if (!write_aof_manifest(persist, fresh, &rv->errors[0])) rv->failed = true;
    }
  }
  rv->merged.count_down();
  responder.run([&rv] { return rv->ready.try_wait(); });
  if (!rv->failed) {
    for (LoadingResponder::Handover& h : responder.take()) {
      shards_[h.shard]->adopt(h.fd, std::move(h.input));
    }
  }
  rv->go.count_down();
  if (rv->failed) {
    for (auto& t : threads_) t.join();
    threads_.clear();
    shards_.clear();
    loops_.clear();
    for (const auto& e : rv->errors) {
      if (!e.empty()) {
        *error = e;
        break;
      }
    }
    return false;
  }
  return true;
}

bool ShardSet::stop(bool save, std::string* error) {
  if (threads_.empty()) return true;
  save_on_stop_ = save;
  for (auto& s : shards_) s->request_stop();
  for (auto& t : threads_) t.join();
  bool ok = true;
  // Every shard has the same save rules (CONFIG SET applies them to all): all parts or none.
  if (save && stop_parts_[0].wanted) {
    std::string why;
    ok = publish_snapshot(stop_parts_[0].settings, stop_parts_, &why);
    if (!ok && error != nullptr) *error = why;
    uint64_t keys = 0;
    for (const SnapshotPart& p : stop_parts_) keys += p.keys;
    if (ok) SHARDIS_LOG_INFO("DB saved on disk (%llu keys)", static_cast<unsigned long long>(keys));
  }
  threads_.clear();
  shards_.clear();
  loops_.clear();  // after the shards, which point at their loop's engine
  return ok;
}

}  // namespace shardis::server
