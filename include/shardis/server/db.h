#pragma once
// Db: one logical database (a SELECT index) on one shard. Interim store behind a small
// interface: the storage-engine work replaces the inside with the project's own hash table and
// TTL heap without changing callers.
//
// Thread: only the owning shard's thread touches a Db. Expiry is lazy: find() erases and hides a
// key whose time has passed, so handlers never see an expired key.
#include <shardis/base/clock.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace shardis::server {

enum class ObjType : uint8_t { kString };

const char* type_name(ObjType t);  // "string", ...

struct Value {
  ObjType type = ObjType::kString;
  std::string str;
};

class Db {
 public:
  explicit Db(const base::Clock& clock) : clock_(&clock) {}

  // The live value of key, or nullptr. Erases the key if it has expired.
  Value* find(std::string_view key);
  // The live value of key, inserting an empty string value if absent. The TTL of an existing
  // key is kept. `inserted` tells which happened.
  Value& find_or_insert(std::string_view key, bool* inserted = nullptr);
  // Inserts or replaces the whole value and clears any TTL (SET semantics without KEEPTTL).
  Value& overwrite(std::string_view key, Value v);
  // Removes key (live or expired-but-present). Returns true if a live key was removed.
  bool erase(std::string_view key);

  // Absolute expiry in ms since epoch, or -1 when the key has no TTL. Key must be live.
  int64_t expire_at(std::string_view key) const;
  // Sets the absolute expiry of a live key. A time in the past deletes the key.
  void set_expire_at(std::string_view key, int64_t when_ms);
  // Removes the TTL of a live key; true if it had one.
  bool persist(std::string_view key);

  // Number of keys present, counting ones expired but not yet reclaimed (as Redis's DBSIZE).
  size_t size() const { return map_.size(); }
  void clear();

  int64_t now_ms() const { return clock_->now_ms(); }

 private:
  struct Entry {
    Value value;
    int64_t expire_at = -1;
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept;
  };
  struct Eq {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const noexcept { return a == b; }
  };
  bool expired(const Entry& e) const { return e.expire_at >= 0 && e.expire_at <= now_ms(); }

  const base::Clock* clock_;
  std::unordered_map<std::string, Entry, Hash, Eq> map_;
};

// ShardStore: the databases one shard owns (one Db per SELECT index).
class ShardStore {
 public:
  static constexpr int kNumDbs = 16;
  explicit ShardStore(const base::Clock& clock);
  Db& db(int index) { return dbs_[index]; }
  const base::Clock& clock() const { return *clock_; }
  void flush_all();

 private:
  const base::Clock* clock_;
  std::vector<Db> dbs_;
};

}  // namespace shardis::server
