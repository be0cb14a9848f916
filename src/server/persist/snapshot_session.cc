#include <shardis/persist/rdb_file.h>
#include <shardis/server/persist/entry_rdb.h>
#include <shardis/server/persist/snapshot_session.h>
#include <unistd.h>

namespace shardis::server {

namespace {
uint64_t reversed(uint64_t v) {
  return core::detail::reverse_bits(v);
}
}  // namespace

SnapshotSession::SnapshotSession(ShardStore& store, bool framed, uint64_t tag)
    : store_(store), framed_(framed), w_(sink_.buffer(), store.persist().rdb_compression) {
  part_.settings = store.persist();
  part_.path = snapshot_temp_path(store, tag);
  for (int i = 0; i < ShardStore::kNumDbs; ++i) {
    sizes_[i] = store.db(i).size();
    expires_[i] = store.db(i).expires();
  }
  if (!sink_.open(part_.path, &part_.error)) {
    failed_ = complete_ = true;
    return;
  }
  if (framed_) persist::write_rdb_header(w_, rdb_header_now());
}

bool SnapshotSession::behind(int db, uint64_t hash) const {
  if (db != db_) return db < db_;
  // cursor_ 0: this database's walk has not started.
  return cursor_ != 0 && reversed(hash) < reversed(cursor_);
}

void SnapshotSession::write(int db, const core::Entry* e) {
  if (failed_) return;
  if (db != written_db_) {
    persist::write_rdb_select_db(w_, db, sizes_[db], expires_[db]);
    written_db_ = db;
  }
  const int64_t when = store_.db(db).entry_expire_at(e);
  if (when >= 0) persist::write_rdb_expire_ms(w_, when);
  write_entry(w_, e, true);
  ++part_.keys;
  if (sink_.buffer().size() >= FileSink::kFlushBytes) {
    if (!sink_.flush(false, &part_.error)) {
      failed_ = true;
      return;
    }
    sink_.start_writeback();
  }
}

void SnapshotSession::before_write(int db, std::string_view key) {
  if (complete_ || behind(db, EntryTraits::hash(key))) return;
  if (!saved_[db].emplace(key).second) return;  // saved already: this is not its first change
  if (const core::Entry* e = store_.db(db).peek(key)) write(db, e);
}

void SnapshotSession::next_db() {
  saved_[db_].clear();  // every key of it is behind the walk now
  ++db_;
  cursor_ = 0;
}

bool SnapshotSession::step(size_t max_keys) {
  size_t budget = max_keys;
  while (!complete_ && budget > 0) {
    if (db_ == ShardStore::kNumDbs) {
      finish();
      break;
    }
    Db& db = store_.db(db_);
    if (db.size() == 0) {
      next_db();
      continue;
    }
    const uint64_t from = reversed(cursor_);
    auto& saved = saved_[db_];
    const uint64_t next = db.scan(cursor_, [&](const core::Entry* e) {
      // An entry behind the cursor was written when the walk passed it (a shrink makes the
      // scan report some again).
      if (cursor_ != 0 && reversed(EntryTraits::hash(e->key())) < from) {
        ++reported_again_;
        return;
      }
      if (!saved.empty() && saved.erase(std::string(e->key())) > 0) return;
      write(db_, e);
      if (budget > 0) --budget;
    });
    if (next == 0) {
      next_db();
    } else {
      cursor_ = next;
    }
  }
  return complete_;
}

void SnapshotSession::finish_all() {
  while (!complete_) step(SIZE_MAX);
}

void SnapshotSession::finish() {
  complete_ = true;
  if (failed_) return;
  if (framed_) {
    persist::write_rdb_eof(w_);
    if (!sink_.flush(true, &part_.error)) {
      failed_ = true;
      return;
    }
    persist::write_rdb_checksum(w_, sink_.crc());
  }
  part_.ok = sink_.finish(&part_.error);
  failed_ = !part_.ok;
}

SnapshotPart SnapshotSession::take() {
  if (!part_.ok) ::unlink(part_.path.c_str());
  return std::move(part_);
}

size_t SnapshotSession::remembered() const {
  size_t n = 0;
  for (const auto& s : saved_) n += s.size();
  return n;
}

}  // namespace shardis::server
