#include <fcntl.h>
#include <shardis/base/log.h>
#include <shardis/base/number_format.h>
#include <shardis/persist/aof_format.h>
#include <shardis/server/db.h>
#include <shardis/server/persist/aof_log.h>
#include <shardis/server/persist/entry_rdb.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace shardis::server {

namespace {
constexpr int64_t kRetryMs = 100;
constexpr int64_t kEverysecMs = 1000;
constexpr int64_t kErrorLogEveryMs = 1000;
}  // namespace

AofLog::AofLog(uint32_t shard, uint32_t shards) : shard_(shard), shards_(shards) {}

AofLog::~AofLog() {
  if (fd_ >= 0) ::close(fd_);
}

bool AofLog::open(const std::string& path, uint64_t size, std::string* error) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = "can't open the append only file " + path + ": " + std::strerror(errno);
    return false;
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  path_ = path;
  written_ = size;
  return true;
}

void AofLog::set_engine(runtime::IoEngine* engine, uint64_t write_tag, uint64_t sync_tag,
                        uint64_t bg_sync_tag) {
  engine_ = engine;
  write_tag_ = write_tag;
  sync_tag_ = sync_tag;
  bg_sync_tag_ = bg_sync_tag;
}

void AofLog::add_command(int db, std::span<const std::string_view> argv) {
  if (capture_ != nullptr) {
    persist::append_aof_command(capture_->commands, db, argv);
    ++capture_->count;
    return;
  }
  persist::append_aof_command(cmd_, db, argv);
  ++cmd_count_;
}

void AofLog::end_record() {
  if (capture_ != nullptr || cmd_count_ == 0) return;
  persist::append_aof_record(buf_, 0, 1, cmd_count_, cmd_);
  cmd_.clear();
  cmd_count_ = 0;
  ++appended_;
}

void AofLog::on_outcome(const CommandSpec* spec, ArgList args, int db, const Outcome& out) {
  if (fd_ < 0 || replaying_ || !out.wrote()) return;
  switch (out.prop_mode()) {
    case Outcome::PropMode::kNothing:
      return;
    case Outcome::PropMode::kRewritten:
      for (size_t i = 0; i < out.rewritten_count(); ++i) {
        std::vector<std::string_view> cmd = out.rewritten(i);
        add_command(db, cmd);
      }
      break;
    case Outcome::PropMode::kVerbatim:
      if (spec != nullptr && out.in_part() && spec->route == Route::kKeysFanout) {
        // This shard's keys alone, each with the arguments that follow it up to the next key.
        const size_t step = spec->keys.step > 0 ? static_cast<size_t>(spec->keys.step) : 1;
        argv_.clear();
        argv_.push_back(args[0]);
        for (uint32_t k : out.part_keys()) {
          for (size_t j = k; j < k + step && j < args.size(); ++j) argv_.push_back(args[j]);
        }
        add_command(db, argv_);
      } else {
        add_command(db, args);
      }
      break;
  }
  end_record();
}

std::vector<AofLog::KeyRef> AofLog::changed_keys(std::span<const DetachedKey> keys,
                                                 const std::vector<KeyChangeRecord>& changes) {
  std::vector<KeyRef> out;
  for (const DetachedKey& k : keys) {
    const bool changed = std::any_of(changes.begin(), changes.end(), [&](const KeyChangeRecord& c) {
      return !c.event_only && c.db == k.db && c.key == k.key;
    });
    if (changed) out.emplace_back(k.db, k.key);
  }
  return out;
}

void AofLog::capture_state(ShardStore& store, const std::vector<KeyRef>& keys) {
  if (fd_ < 0 || replaying_) return;
  for (const auto& [index, key] : keys) {
    Db& db = store.db(index);
    const core::Entry* e = db.peek(key);
    if (e == nullptr) {
      std::string_view del[] = {"DEL", key};
      add_command(index, del);
      continue;
    }
    const std::string payload = dump_payload(e, false);
    const int64_t at = db.expire_at(key);
    char buf[24];
    std::string_view ttl(buf, base::format_int64(at > 0 ? at : 0, buf));
    std::string_view restore[] = {"RESTORE", key, ttl, payload, "REPLACE", "ABSTTL"};
    add_command(index, restore);
  }
  end_record();
}

void AofLog::commit(TxnLog& log, uint64_t txn_id, uint16_t participants) {
  if (fd_ < 0) return;
  persist::append_aof_record(buf_, txn_id, participants, log.count, log.commands);
  ++appended_;
  log.commands.clear();
  log.count = 0;
}

void AofLog::issue() {
  const size_t len = std::min(out_.size() - out_done_, kMaxWrite);
  const bool last = out_done_ + len == out_.size();
  linked_ = last && fsync_ == PersistSettings::Fsync::kAlways;
  engine_->write_file(fd_, out_.data() + out_done_, len, written_, write_tag_,
                      linked_ ? sync_tag_ : 0);
  writing_ = true;
}

void AofLog::flush(int64_t now_ms) {
  if (fd_ < 0 || engine_ == nullptr) return;
  if (!writing_ && now_ms >= retry_at_ms_) {
    if (out_done_ < out_.size()) {
      issue();  // a failed write, again
    } else if (!buf_.empty()) {
      out_.clear();
      out_.swap(buf_);
      out_done_ = 0;
      out_seq_ = appended_;
      issue();
    } else if (fsync_ == PersistSettings::Fsync::kAlways && synced_ < appended_) {
      // Written under another policy, or an fdatasync that failed: one on its own.
      out_seq_ = appended_;
      linked_ = true;
      writing_ = true;
      engine_->sync_file(fd_, sync_tag_);
    }
  }
  if (fsync_ == PersistSettings::Fsync::kEverysec && !bg_syncing_ && unsynced_bytes_ > 0 &&
      now_ms - last_sync_ms_ >= kEverysecMs) {
    bg_syncing_ = true;
    last_sync_ms_ = now_ms;
    unsynced_bytes_ = 0;
    engine_->sync_file(fd_, bg_sync_tag_);
  }
}

int AofLog::next_timeout_ms(int64_t now_ms) const {
  if (fd_ < 0) return -1;
  int64_t wait = -1;
  if (!writing_ && (out_done_ < out_.size() || !buf_.empty())) {
    wait = std::max<int64_t>(0, retry_at_ms_ - now_ms);
  }
  if (fsync_ == PersistSettings::Fsync::kEverysec && unsynced_bytes_ > 0 && !bg_syncing_) {
    const int64_t due = std::max<int64_t>(0, last_sync_ms_ + kEverysecMs - now_ms);
    wait = wait < 0 ? due : std::min(wait, due);
  }
  return static_cast<int>(std::min<int64_t>(wait, 1000));
}

void AofLog::failed(const char* what, int err, int64_t now_ms) {
  last_write_ok_ = false;
  retry_at_ms_ = now_ms + kRetryMs;
  if (now_ms - last_error_log_ms_ >= kErrorLogEveryMs) {
    last_error_log_ms_ = now_ms;
    SHARDIS_LOG_ERROR("%s of the append only file %s failed: %s; retrying every %lld ms%s", what,
                      path_.c_str(), err == 0 ? "no space written" : std::strerror(err),
                      static_cast<long long>(kRetryMs),
                      fsync_ == PersistSettings::Fsync::kAlways
                          ? " (appendfsync always: writes are not acknowledged meanwhile)"
                          : "");
  }
}

bool AofLog::on_completion(uint64_t tag, int res, int64_t now_ms) {
  if (tag == bg_sync_tag_) {
    bg_syncing_ = false;
    if (res < 0) failed("fdatasync", -res, now_ms);
    return false;
  }
  if (tag == write_tag_) {
    if (res <= 0) {
      // The linked fdatasync, if any, completes with -ECANCELED; the write goes again.
      writing_ = false;
      failed("write", -res, now_ms);
      return false;
    }
    out_done_ += static_cast<size_t>(res);
    written_ += static_cast<uint64_t>(res);
    unsynced_bytes_ += static_cast<uint64_t>(res);
    if (out_done_ < out_.size()) {
      issue();  // a short write, or the next chunk of a large batch
      return false;
    }
    if (!linked_) {
      writing_ = false;
      last_write_ok_ = true;
    }
    return false;
  }
  // The fdatasync of an always batch.
  // Its write failed or came back short: it was issued again (or will be) with a new one.
  if (res == -ECANCELED || out_done_ < out_.size()) return false;
  writing_ = false;
  if (res < 0) {
    failed("fdatasync", -res, now_ms);
    return false;
  }
  last_write_ok_ = true;
  unsynced_bytes_ = 0;
  last_sync_ms_ = now_ms;
  if (out_seq_ <= synced_) return false;
  synced_ = out_seq_;
  return true;
}

bool AofLog::close(std::string* error) {
  if (fd_ < 0) return true;
  // The loop has ended with nothing in flight (Shard::drained waits for idle()).
  std::string rest = out_.substr(std::min(out_done_, out_.size()));
  rest += buf_;
  size_t done = 0;
  bool ok = true;
  while (done < rest.size()) {
    ssize_t n =
        ::pwrite(fd_, rest.data() + done, rest.size() - done, static_cast<off_t>(written_ + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *error = "writing the append only file " + path_ + ": " + std::strerror(errno);
      ok = false;
      break;
    }
    done += static_cast<size_t>(n);
  }
  written_ += done;
  if (ok && ::fdatasync(fd_) != 0) {
    *error = "fsync of the append only file " + path_ + ": " + std::strerror(errno);
    ok = false;
  }
  ::close(fd_);
  fd_ = -1;
  buf_.clear();
  out_.clear();
  out_done_ = 0;
  if (ok) synced_ = appended_;
  return ok;
}

}  // namespace shardis::server
