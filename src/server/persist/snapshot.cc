#include <fcntl.h>
#include <shardis/base/crc.h>
#include <shardis/base/log.h>
#include <shardis/persist/rdb_file.h>
#include <shardis/persist/rdb_value.h>
#include <shardis/server/persist/entry_rdb.h>
#include <shardis/server/persist/file_util.h>
#include <shardis/server/persist/snapshot.h>
#include <shardis/server/routing.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <sstream>
#include <vector>

namespace shardis::server {
namespace {

constexpr std::string_view kManifestMagic = "shardis-rdb-manifest 1";

int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Writes the databases of the store: SELECTDB and RESIZEDB, then every key.
bool write_databases(const ShardStore& store, FileSink& sink, uint64_t* keys, std::string* error) {
  persist::RdbWriter w(sink.buffer(), store.persist().rdb_compression);
  for (int i = 0; i < ShardStore::kNumDbs; ++i) {
    const Db& db = store.db(i);
    if (db.size() == 0) continue;
    persist::write_rdb_select_db(w, i, db.size(), db.expires());
    bool ok = true;
    db.for_each([&](const core::Entry* e) {
      if (!ok) return;
      const int64_t when = db.entry_expire_at(e);
      if (when >= 0) persist::write_rdb_expire_ms(w, when);
      write_entry(w, e, true);
      ++*keys;
      ok = sink.flush(false, error);
    });
    if (!ok) return false;
  }
  return true;
}

struct Manifest {
  uint32_t shards = 0;
  std::vector<std::string> files;
};

// Parses <dbfilename>.manifest; false with *error when it exists but is malformed, and with
// *missing when it does not exist.
bool read_manifest(const std::string& path, Manifest* m, bool* missing, std::string* error) {
  std::vector<std::string> lines;
  if (!read_text_lines(path, kManifestMagic, "snapshot manifest", &lines, missing, error)) {
    return false;
  }
  for (const std::string& line : lines) {
    std::istringstream fields(line);
    std::string word;
    std::string value;
    fields >> word >> value;
    if (word == "shards") {
      m->shards = static_cast<uint32_t>(std::strtoul(value.c_str(), nullptr, 10));
    } else if (word == "file" && !value.empty()) {
      m->files.push_back(value);
    } else if (!word.empty()) {
      *error = path + ": unknown manifest line \"" + line + "\"";
      return false;
    }
  }
  if (m->shards == 0 || m->files.size() != m->shards) {
    *error = path + ": the manifest names " + std::to_string(m->files.size()) + " files for " +
             std::to_string(m->shards) + " shards";
    return false;
  }
  return true;
}

bool publish_per_shard(const PersistSettings& st, std::span<const SnapshotPart> parts,
                       std::string* error) {
  const std::string manifest = join_path(st.dir, st.dbfilename + ".manifest");
  Manifest old;
  bool missing = false;
  std::string ignored;
  read_manifest(manifest, &old, &missing, &ignored);
  const std::string generation = std::to_string(unix_ms());
  const std::string n = std::to_string(parts.size());
  std::string text = std::string(kManifestMagic) + "\nshards " + n + "\n";
  std::vector<std::string> names;
  for (size_t i = 0; i < parts.size(); ++i) {
    names.push_back(st.dbfilename + "." + generation + "." + std::to_string(i) + "-of-" + n);
    if (::rename(parts[i].path.c_str(), join_path(st.dir, names.back()).c_str()) != 0) {
      *error = errno_text("cannot rename", parts[i].path);
      return false;
    }
    text += "file " + names.back() + "\n";
  }
  if (!fsync_dir(st.dir, error) || !replace_text_file(st.dir, manifest, text, error)) return false;
  for (const std::string& f : old.files) {
    if (std::find(names.begin(), names.end(), f) == names.end()) {
      ::unlink(join_path(st.dir, f).c_str());
    }
  }
  return true;
}

bool publish_single(const PersistSettings& st, std::span<const SnapshotPart> parts,
                    std::string* error) {
  const std::string tmp = join_path(st.dir, "temp-" + std::to_string(::getpid()) + ".rdb");
  FileSink sink;
  if (!sink.open(tmp, error)) return false;
  persist::RdbWriter w(sink.buffer());
  persist::write_rdb_header(w, rdb_header_now());
  for (const SnapshotPart& p : parts) {
    MappedFile f;
    if (!f.open(p.path)) {
      *error = errno_text("cannot read", p.path);
      return false;
    }
    sink.buffer().append(f.view());
    if (!sink.flush(false, error)) return false;
  }
  persist::write_rdb_eof(w);
  if (!sink.flush(true, error)) return false;
  persist::write_rdb_checksum(w, sink.crc());
  if (!sink.finish(error)) return false;
  const std::string target = join_path(st.dir, st.dbfilename);
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    *error = errno_text("cannot rename", tmp);
    ::unlink(tmp.c_str());
    return false;
  }
  return fsync_dir(st.dir, error);
}

// Loads the keys this shard owns from one RDB file.
}  // namespace

SnapshotPart write_shard_part(const ShardStore& store, bool framed, uint64_t tag) {
  SnapshotPart part;
  part.settings = store.persist();
  part.path = snapshot_temp_path(store, tag);
  FileSink sink;
  if (!sink.open(part.path, &part.error)) return part;
  persist::RdbWriter w(sink.buffer());
  if (framed) persist::write_rdb_header(w, rdb_header_now());
  if (!write_databases(store, sink, &part.keys, &part.error)) return part;
  if (framed) {
    persist::write_rdb_eof(w);
    if (!sink.flush(true, &part.error)) return part;
    persist::write_rdb_checksum(w, sink.crc());
  }
  part.ok = sink.finish(&part.error);
  if (!part.ok) ::unlink(part.path.c_str());
  return part;
}

persist::RdbHeader rdb_header_now() {
  persist::RdbHeader h;
  h.ctime = unix_ms() / 1000;
  return h;
}

std::string snapshot_temp_path(const ShardStore& store, uint64_t tag) {
  return join_path(store.persist().dir, "temp-" + std::to_string(::getpid()) + "-" +
                                            std::to_string(store.shard_id()) + "-" +
                                            std::to_string(tag) + ".rdb");
}

bool publish_snapshot(const PersistSettings& settings, std::span<const SnapshotPart> parts,
                      std::string* error) {
  bool ok = true;
  for (const SnapshotPart& p : parts) {
    if (!p.ok) {
      *error = p.error;
      ok = false;
      break;
    }
  }
  if (ok) {
    ok = settings.rdb_per_shard ? publish_per_shard(settings, parts, error)
                                : publish_single(settings, parts, error);
  }
  for (const SnapshotPart& p : parts) ::unlink(p.path.c_str());  // gone already when renamed
  return ok;
}

bool load_snapshot_file(ShardStore& store, const std::string& path, bool all_mine, LoadStats* stats,
                        std::string* error) {
  MappedFile f;
  if (!f.open(path)) {
    *error = errno_text("cannot open", path);
    return false;
  }
  if (!stats->files.empty()) stats->files += ", ";
  stats->files += path;
  persist::RdbFileParser p(f.view());
  auto fail = [&] {
    *error = path + ": " + p.error();
    return false;
  };
  if (!p.read_header()) return fail();
  const int64_t now = store.clock().now_ms();
  persist::RdbKeyHeader k;
  for (;;) {
    const persist::RdbFileParser::Next next = p.next(&k);
    if (next == persist::RdbFileParser::Next::kEof) break;
    if (next == persist::RdbFileParser::Next::kError) return fail();
    if (k.db >= ShardStore::kNumDbs) {
      *error = path + ": a key of database " + std::to_string(k.db) + " (Shardis has " +
               std::to_string(ShardStore::kNumDbs) + ")";
      return false;
    }
    const bool mine = all_mine || shard_of(k.key, store.shards()) == store.shard_id();
    const bool expired = k.expire_ms >= 0 && k.expire_ms < now;
    if (!mine || expired) {
      if (!persist::skip_rdb_object(p.reader(), k.type)) return fail();
      if (mine) ++stats->expired;
      continue;
    }
    persist::RdbObject value;
    if (!persist::read_rdb_object(p.reader(), k.type, &value)) return fail();
    if (value.empty) {
      ++stats->empty;
      continue;
    }
    Db& db = store.db(k.db);
    if (db.contains_raw(k.key)) {
      *error = path + ": duplicate key in database " + std::to_string(k.db) + " before offset " +
               std::to_string(p.reader().offset());
      return false;
    }
    store_rdb_object(db, k.key, std::move(value));
    if (k.expire_ms >= 0) db.set_expire_at(k.key, k.expire_ms);
    if (k.idle_s >= 0) db.set_idle_seconds(k.key, k.idle_s);
    ++stats->keys;
  }
  stats->functions_skipped += p.functions_skipped();
  return true;
}

bool load_shard_snapshot(ShardStore& store, LoadStats* stats, std::string* error) {
  const PersistSettings& st = store.persist();
  const std::string single = join_path(st.dir, st.dbfilename);
  const std::string manifest_path = join_path(st.dir, st.dbfilename + ".manifest");
  Manifest m;
  bool no_manifest = false;
  if (!read_manifest(manifest_path, &m, &no_manifest, error) && !no_manifest) return false;
  const bool have_single = ::access(single.c_str(), F_OK) == 0;
  const bool use_manifest = !no_manifest && (st.rdb_per_shard || !have_single);
  if (use_manifest) {
    stats->found = true;
    if (m.shards == store.shards()) {
      return load_snapshot_file(store, join_path(st.dir, m.files[store.shard_id()]), true, stats,
                                error);
    }
    for (const std::string& f : m.files) {
      if (!load_snapshot_file(store, join_path(st.dir, f), false, stats, error)) return false;
    }
    return true;
  }
  if (!have_single) return true;
  stats->found = true;
  return load_snapshot_file(store, single, store.shards() == 1, stats, error);
}

namespace {
std::atomic<bool> g_shutdown_skips_save{false};
}  // namespace

void request_shutdown_without_save() {
  g_shutdown_skips_save = true;
  ::kill(::getpid(), SIGTERM);
}

bool shutdown_skips_save() {
  return g_shutdown_skips_save.load();
}

}  // namespace shardis::server
