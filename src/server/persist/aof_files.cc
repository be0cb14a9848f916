#include <shardis/base/log.h>
#include <shardis/persist/aof_format.h>
#include <shardis/proto/reply_builder.h>
#include <shardis/server/persist/aof_files.h>
#include <shardis/server/persist/snapshot.h>
#include <shardis/server/shard_core.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <sstream>

namespace shardis::server {

namespace {

constexpr std::string_view kManifestMagic = "shardis-aof-manifest 1";

std::string manifest_path(const PersistSettings& st) {
  return join_path(aof_dir_path(st), st.appendfilename + ".manifest");
}

std::string shard_file(const PersistSettings& st, uint64_t generation, uint32_t shard,
                       uint32_t shards, const char* kind) {
  return st.appendfilename + "." + std::to_string(generation) + "." + std::to_string(shard) +
         "-of-" + std::to_string(shards) + "." + kind;
}

// Creates the shard's base (its keys now) and an empty segment.
bool create_shard_files(ShardStore& store, uint64_t generation, AofShardScan* scan,
                        std::string* error) {
  const PersistSettings& st = store.persist();
  const std::string dir = aof_dir_path(st);
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    *error = errno_text("cannot create the append only directory", dir);
    return false;
  }
  const uint32_t i = store.shard_id();
  const uint32_t n = store.shards();
  scan->base = shard_file(st, generation, i, n, "base.rdb");
  scan->incr = shard_file(st, generation, i, n, "incr.saof");
  SnapshotPart part = write_shard_part(store, true, ++store.persist_state().next_tag);
  if (!part.ok) {
    *error = part.error;
    return false;
  }
  const std::string base_path = join_path(dir, scan->base);
  if (std::rename(part.path.c_str(), base_path.c_str()) != 0) {
    *error = errno_text("cannot rename " + part.path + " to", base_path);
    ::unlink(part.path.c_str());
    return false;
  }
  std::string header;
  persist::write_aof_header(header, persist::AofSegmentHeader{persist::kAofVersion, i, n, 1});
  if (!write_text_file(join_path(dir, scan->incr), header, error)) return false;
  scan->created = true;
  return true;
}

// Checks every record of the segment; cuts a torn tail off (aof-load-truncated yes).
bool scan_segment(const PersistSettings& st, uint32_t shard, uint32_t shards, AofShardScan* scan,
                  std::string* error) {
  scan->file = std::make_unique<MappedFile>();
  if (!scan->file->open(scan->path)) {
    *error = errno_text("cannot open the append only file", scan->path);
    return false;
  }
  persist::AofSegmentReader r(scan->file->view());
  persist::AofSegmentHeader h;
  if (!r.read_header(&h)) {
    *error = scan->path + ": " + r.error();
    return false;
  }
  if (h.shard != shard || h.shards != shards) {
    *error = scan->path + ": the segment of shard " + std::to_string(h.shard) + " of " +
             std::to_string(h.shards) + ", where shard " + std::to_string(shard) + " of " +
             std::to_string(shards) + " was expected";
    return false;
  }
  persist::AofRecord rec;
  for (;;) {
    const persist::AofSegmentReader::Next next = r.next(&rec);
    if (next == persist::AofSegmentReader::Next::kRecord) {
      ++scan->records;
      if (rec.txn_id > scan->max_txn_id) scan->max_txn_id = rec.txn_id;
      if (rec.txn_id != 0 && rec.participants > 1) scan->txns[rec.txn_id] = rec.participants;
      continue;
    }
    scan->valid_end = r.offset();
    if (next == persist::AofSegmentReader::Next::kEnd) return true;
    if (next == persist::AofSegmentReader::Next::kCorrupt) {
      *error = scan->path + ": " + r.error() +
               "; a valid record follows, so the segment is damaged in place, not cut short "
               "(shardis-aof-check --fix cuts it there, dropping every later record)";
      return false;
    }
    // A torn tail: a write cut short by a crash.
    if (!st.aof_load_truncated) {
      *error = scan->path + ": " + r.error() +
               " (the segment ends in a partial record; aof-load-truncated is no: start with "
               "aof-load-truncated yes, or cut it with shardis-aof-check --fix)";
      return false;
    }
    const size_t size = scan->file->view().size();
    if (::truncate(scan->path.c_str(), static_cast<off_t>(scan->valid_end)) != 0) {
      *error = errno_text("cannot truncate the append only file", scan->path);
      return false;
    }
    SHARDIS_LOG_WARN(
        "!!! the append only file %s ends in a partial record (%s): loading the %zu bytes of whole "
        "records before it and truncating the %zu bytes after them (aof-load-truncated yes)",
        scan->path.c_str(), r.error().c_str(), scan->valid_end, size - scan->valid_end);
    return true;
  }
}

}  // namespace

std::string aof_dir_path(const PersistSettings& st) {
  return join_path(st.dir, st.appenddirname);
}

bool read_aof_manifest(const PersistSettings& st, AofManifest* m, bool* missing,
                       std::string* error) {
  const std::string path = manifest_path(st);
  std::vector<std::string> lines;
  if (!read_text_lines(path, kManifestMagic, "AOF manifest", &lines, missing, error)) return false;
  for (const std::string& line : lines) {
    std::istringstream fields(line);
    std::string word;
    fields >> word;
    if (word == "shards") {
      fields >> m->shards;
    } else if (word == "shard") {
      uint32_t i = 0;
      std::string base;
      std::string incr;
      fields >> i >> base >> incr;
      if (i != m->base.size() || base.empty() || incr.empty()) {
        *error = path + ": malformed line \"" + line + "\"";
        return false;
      }
      m->base.push_back(base);
      m->incr.push_back(incr);
    } else if (!word.empty()) {
      *error = path + ": unknown manifest line \"" + line + "\"";
      return false;
    }
  }
  if (m->shards == 0 || m->base.size() != m->shards) {
    *error = path + ": the manifest names " + std::to_string(m->base.size()) +
             " shards' files for " + std::to_string(m->shards) + " shards";
    return false;
  }
  return true;
}

bool write_aof_manifest(const PersistSettings& st, const AofManifest& m, std::string* error) {
  std::string text(kManifestMagic);
  text += "\nshards " + std::to_string(m.shards) + "\n";
  for (uint32_t i = 0; i < m.shards; ++i) {
    text += "shard " + std::to_string(i) + " " + m.base[i] + " " + m.incr[i] + "\n";
  }
  return replace_text_file(aof_dir_path(st), manifest_path(st), text, error);
}

bool prepare_shard_aof(ShardCore& core, const AofManifest* manifest, uint64_t generation,
                       AofShardScan* scan, std::string* error) {
  ShardStore& store = core.store();
  const PersistSettings& st = store.persist();
  const uint32_t i = store.shard_id();
  const uint32_t n = store.shards();
  LoadStats stats;
  if (manifest != nullptr) {
    if (manifest->shards != n) {
      *error = manifest_path(st) + ": the append only file was written by " +
               std::to_string(manifest->shards) +
               " shards (each segment holds one shard's keys); "
               "start with --cores " +
               std::to_string(manifest->shards);
      return false;
    }
    scan->base = manifest->base[i];
    scan->incr = manifest->incr[i];
    if (!load_snapshot_file(store, join_path(aof_dir_path(st), scan->base), true, &stats, error)) {
      return false;
    }
  } else {
    // No AOF yet: it starts from what the snapshot holds.
    if (!load_shard_snapshot(store, &stats, error)) return false;
    if (!create_shard_files(store, generation, scan, error)) return false;
  }
  scan->base_keys = stats.keys;
  scan->path = join_path(aof_dir_path(st), scan->incr);
  return scan_segment(st, i, n, scan, error);
}

void merge_aof_scans(std::span<const AofShardScan> scans, std::unordered_set<uint64_t>* left_out,
                     uint64_t* max_txn_id) {
  std::unordered_map<uint64_t, std::pair<uint16_t, uint16_t>> seen;  // id -> (found, wanted)
  *max_txn_id = 0;
  for (const AofShardScan& s : scans) {
    *max_txn_id = std::max(*max_txn_id, s.max_txn_id);
    for (const auto& [id, parts] : s.txns) {
      auto& [found, wanted] = seen[id];
      ++found;
      wanted = parts;
    }
  }
  for (const auto& [id, fw] : seen) {
    if (fw.first < fw.second) left_out->insert(id);
  }
}

bool replay_shard_aof(ShardCore& core, AofShardScan& scan,
                      const std::unordered_set<uint64_t>& left_out, uint64_t max_txn_id,
                      std::string* error) {
  const auto start = std::chrono::steady_clock::now();
  AofLog& aof = core.aof();
  aof.set_replaying(true);
  persist::AofSegmentReader r(scan.file->view().substr(0, scan.valid_end));
  persist::AofSegmentHeader h;
  r.read_header(&h);
  persist::AofRecord rec;
  proto::ReplyBuffer sink;
  uint64_t applied = 0;
  uint64_t skipped = 0;
  bool ok = true;
  while (ok && r.next(&rec) == persist::AofSegmentReader::Next::kRecord) {
    if (rec.txn_id != 0 && left_out.count(rec.txn_id) != 0) {
      ++skipped;
      continue;
    }
    for (const persist::AofCommandView& c : rec.commands) {
      const CommandSpec* spec = c.argv.empty() ? nullptr : core.registry().find(c.argv[0]);
      if (spec == nullptr || !arity_ok(*spec, c.argv.size()) || c.db < 0 ||
          c.db >= ShardStore::kNumDbs) {
        *error = scan.path + ": a command Shardis cannot run (" +
                 persist::format_aof_command(c).substr(0, 80) + ") in the record at offset " +
                 std::to_string(rec.offset);
        ok = false;
        break;
      }
      proto::ReplyBuilder rb(sink, 2);
      core.executor().run(*spec, c.argv, c.db, rb);
      sink.clear();
    }
    ++applied;
  }
  aof.set_replaying(false);
  if (!ok) return false;
  core.executor().reset_stats();
  core.store().persist_state().dirty_at_save = 0;
  scan.file.reset();
  if (!aof.open(scan.path, scan.valid_end, error)) return false;
  core.start_logging((max_txn_id >> Transactions::kIdShardBits) + 1);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  SHARDIS_LOG_INFO(
      "append only file: %s base %s with %llu keys, then %llu records of %s replayed in %lld ms "
      "(%llu left out: transactions missing a participant's record)",
      scan.created ? "new" : "loaded", scan.base.c_str(),
      static_cast<unsigned long long>(scan.base_keys), static_cast<unsigned long long>(applied),
      scan.incr.c_str(), static_cast<long long>(ms), static_cast<unsigned long long>(skipped));
  return true;
}

}  // namespace shardis::server
