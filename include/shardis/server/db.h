#pragma once
// Db: one logical database (a SELECT index) on one shard: the key index (core::HashTable of
// core::Entry blocks in the shard's Slab) and the TTL index (core::TtlHeap).
//
// Contract
// - Thread: only the owning shard's thread touches a Db or its ShardStore.
// - Lazy expiry: every lookup (find, peek and the writes) first erases a key whose time has
//   passed, so handlers never see an expired key. Active expiry (expire_some) reclaims keys
//   nobody touches, in bounded slices, from the TTL heap alone (no keyspace scan).
// - TTL invariants: a key without a TTL has no heap node and no TTL bytes in its entry; a key
//   with a TTL has exactly one node, whose index the entry holds; changing or removing a TTL
//   fixes that node in place.
// - Entry pointers handed out (find, peek, scan, for_each) are valid until the next write to
//   this Db (any call that is not const, find/peek included, since they may expire a key).
// - String values are stored the way Redis 7.0 reports them in OBJECT ENCODING: canonical
//   integers as "int", up to 44 bytes inline as "embstr", otherwise (or once edited in place by
//   APPEND, SETRANGE, SETBIT, ...) as a heap string, "raw".
#include <shardis/base/clock.h>
#include <shardis/core/entry.h>
#include <shardis/core/hash_table.h>
#include <shardis/core/obj_type.h>
#include <shardis/core/slab.h>
#include <shardis/core/ttl_heap.h>
#include <shardis/server/persist/persist_settings.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace shardis::server {

using core::ObjType;
using core::type_name;

// How a Db handles collection values (kObject entries) of one type: the type's family provides
// it. The table is written once at start-up by register_object_ops, before any shard thread
// runs, and only read afterwards.
struct ObjectOps {
  void (*destroy)(void* obj);
  void* (*clone)(const void* obj);           // COPY: a deep copy
  size_t (*bytes)(const void* obj);          // MEMORY USAGE: heap bytes of the object
  const char* (*encoding)(const void* obj);  // OBJECT ENCODING: "listpack", "quicklist", ...
};
void register_object_ops(ObjType t, const ObjectOps* ops);

// Told of key-space events that happen inside a Db rather than in a command handler: a key
// removed because its TTL passed (lazily or by active expiry), and a key that did not exist
// being added (Redis's dbAdd: what wakes blocked clients and fires "new" events). Called on the
// owning shard's thread, before the Db call returns; `key` is valid only during the call, and
// the callee must not call back into the Db.
class DbObserver {
 public:
  virtual ~DbObserver() = default;
  virtual void key_expired(int db, std::string_view key) = 0;
  virtual void key_added(int db, std::string_view key, ObjType type) = 0;
};

// State the databases of one shard share.
struct DbShared {
  explicit DbShared(const base::Clock& c) : clock(&c) {}
  const base::Clock* clock;
  core::Slab slab;
  // Seconds clock for OBJECT IDLETIME (wraps at 2^16); refreshed once per loop turn.
  uint16_t access_clock = 0;
  DbObserver* observer = nullptr;
  // key_added is reported only while this is set (someone blocks on a key, or "new" events are
  // wanted): the common insert path then costs one branch.
  bool report_adds = false;
};

// A key taken out of its Db with its value and TTL (Db::detach), to be put back, possibly into
// another shard's Db (Db::attach). It owns the value: a collection object or a heap string moves
// with it, an integer or short string is held inline.
struct DetachedKey {
  int db = 0;  // the database it was taken from, and goes back to
  std::string key;
  bool present = false;  // false: the key did not exist (attach then leaves it absent)
  ObjType type = ObjType::kString;
  core::ValueKind kind = core::ValueKind::kEmb;
  int64_t int_value = 0;      // kInt
  std::string emb;            // kEmb
  void* ptr = nullptr;        // kRaw (std::string*) or kObject; owned while detached
  bool private_copy = false;  // see core::EntryValue
  int64_t expire_at = -1;     // absolute ms, or -1
  uint16_t clock = 0;         // access clock

  DetachedKey() = default;
  DetachedKey(DetachedKey&& o) noexcept;
  DetachedKey& operator=(DetachedKey&& o) noexcept;
  DetachedKey(const DetachedKey&) = delete;
  DetachedKey& operator=(const DetachedKey&) = delete;
  ~DetachedKey();  // frees a value that was never attached
};

struct EntryTraits {
  static std::string_view key(const core::Entry* e) { return e->key(); }
  static uint64_t hash(std::string_view key);
};

struct TtlHooks {
  static void set_index(core::Entry* e, uint32_t index) { e->set_ttl_index(index); }
};

class Db {
 public:
  using Table = core::HashTable<core::Entry, EntryTraits>;

  Db(DbShared& shared, int index) : shared_(&shared), index_(index) {}
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  Db(Db&&) noexcept = default;

  // ---- Reads ----
  // The live entry of key, or nullptr; refreshes its access clock.
  const core::Entry* find(std::string_view key);
  // As find, without refreshing the access clock (OBJECT, TYPE, ...).
  const core::Entry* peek(std::string_view key);

  static ObjType type_of(const core::Entry* e) { return static_cast<ObjType>(e->type()); }
  // The value of a string entry; an int-encoded value is rendered into scratch.
  static std::string_view string_of(const core::Entry* e, std::string& scratch);
  // The value of a string entry as an owned string (it outlives the entry pointer).
  static std::string string_copy(const core::Entry* e);
  // Bytes of a string entry's value, without rendering it.
  static size_t string_len(const core::Entry* e);
  // OBJECT ENCODING name: "int", "embstr", "raw", or the collection type's own.
  static const char* encoding_name(const core::Entry* e);
  // True when Redis would hold this value as one of its shared integer objects (0..9999 stored
  // as int, not made by COPY): OBJECT REFCOUNT then reads INT_MAX.
  static bool is_shared_integer(const core::Entry* e);
  // Seconds since the entry was last accessed (OBJECT IDLETIME).
  int64_t idle_seconds(const core::Entry* e) const;
  // Makes a live key read as idle for `seconds` (RESTORE ... IDLETIME); the access clock holds at
  // most 65535 s, so longer idle times are clamped to that.
  void set_idle_seconds(std::string_view key, int64_t seconds);
  // Bytes the key costs: its entry block, any heap value, its TTL node (MEMORY USAGE).
  size_t memory_usage(const core::Entry* e) const;

  // ---- String writes ----
  // Sets key to a string value, encoded as Redis would (int, embstr or raw). The TTL is cleared
  // unless keep_ttl.
  void set_string(std::string_view key, std::string_view value, bool keep_ttl = false);
  // Sets key to a string value with an absolute expiry, building the entry once (SET EX/PX/...,
  // SETEX). A time not in the future leaves the key deleted.
  void set_string_expire_at(std::string_view key, std::string_view value, int64_t when_ms);
  // Sets key to an integer value (INCR and friends): "int" encoding; keeps any TTL.
  void set_int(std::string_view key, int64_t value);
  // Sets key to a float result (INCRBYFLOAT): Redis stores its text as text ("embstr" when
  // short, never "int", even for "3"); keeps any TTL.
  void set_string_keep_ttl(std::string_view key, std::string_view value);
  // The value of the live string key, converted to "raw" so that it can be edited in place.
  // Absent key: nullptr, or when `create`, a new empty raw string value. The caller checks the
  // type first: the key must not hold another type.
  std::string* mutable_string(std::string_view key, bool create);

  // ---- Collection writes ----
  // The object of a collection entry (type_of(e) is not kString).
  static void* object_of(const core::Entry* e) { return e->ptr(); }
  // Sets key to a new collection object of type t (the Db owns it from now on, and frees it with
  // the type's ObjectOps). An existing value is freed and its TTL cleared, as SET does.
  void set_object(std::string_view key, ObjType t, void* obj);

  // ---- Keys ----
  // Removes a live key; true if there was one.
  bool erase(std::string_view key);
  // Absolute expiry in ms since the epoch, or -1 when the live key has no TTL (or is absent).
  int64_t expire_at(std::string_view key);
  // Sets the absolute expiry of a live key; a time not in the future deletes the key.
  void set_expire_at(std::string_view key, int64_t when_ms);
  // Removes the TTL of a live key; true if it had one.
  bool persist(std::string_view key);

  enum class RenameResult : uint8_t { kOk, kNoSuchKey, kTargetExists };
  // RENAME (nx = false) and RENAMENX (nx = true) inside this Db. The value and TTL move along.
  RenameResult rename(std::string_view from, std::string_view to, bool nx);
  // COPY: duplicates the value (and TTL) of `from` into `dst` under `to`. kTargetExists when
  // `to` exists and !replace.
  RenameResult copy_to(Db& dst, std::string_view from, std::string_view to, bool replace);
  // MOVE: moves `key` with its value and TTL into dst. kTargetExists when dst has the key.
  RenameResult move_to(Db& dst, std::string_view key);
  // SWAPDB: exchanges the whole contents of two Dbs of the same shard.
  void swap(Db& other) noexcept;
  // Takes key out of the Db (value, TTL and access clock into out; out.present false when the
  // live key does not exist). The key is gone from the Db afterwards; nothing is reported.
  void detach(std::string_view key, DetachedKey& out);
  // Puts a detached key back under its name, replacing any value there (which is freed); a key
  // that was absent, or whose expiry has passed, leaves the name absent. Reports key_added for a
  // name that did not exist. in's value is consumed.
  void attach(DetachedKey& in);

  // ---- Whole keyspace ----
  // Keys present, counting ones expired but not yet reclaimed (as Redis's DBSIZE).
  size_t size() const { return table_.size(); }
  // Keys with a TTL.
  size_t expires() const { return ttl_.size(); }
  void clear();
  // True if the entry's TTL has passed (it will be erased on its next lookup).
  bool is_expired(const core::Entry* e) const;
  // The absolute expiry (ms) of an entry of this Db, or -1; erases nothing.
  int64_t entry_expire_at(const core::Entry* e) const {
    return e->has_ttl() ? ttl_.when(e->ttl_index()) : -1;
  }
  // Whether key is in the table (expired or not), and whether it is there with its TTL passed;
  // neither erases anything.
  bool contains_raw(std::string_view key) const;
  bool logically_expired(std::string_view key) const;
  // SCAN step over the key index: calls fn(const core::Entry*) per entry (expired ones too;
  // the caller filters with peek). Table cursor semantics (see core::HashTable::scan).
  template <typename Fn>
  uint64_t scan(uint64_t cursor, Fn&& fn) const {
    return table_.scan(cursor, [&](core::Entry* e) { fn(static_cast<const core::Entry*>(e)); });
  }
  // Visits every entry, expired ones too. No writes to this Db during the walk.
  template <typename Fn>
  void for_each(Fn&& fn) const {
    table_.for_each([&](core::Entry* e) { fn(static_cast<const core::Entry*>(e)); });
  }
  // A random live key (RANDOMKEY), or nullptr when the Db has none. May reclaim expired keys.
  const core::Entry* random(uint64_t rnd);

  // ---- Maintenance (the shard loop) ----
  // Erases up to max_keys keys whose TTL is at or before now_ms; returns how many.
  size_t expire_some(int64_t now_ms, size_t max_keys);
  // Sum over the keys with a TTL of the milliseconds they have left (INFO's avg_ttl). O(keys
  // with a TTL).
  int64_t ttl_remaining_sum(int64_t now_ms) const;
  // Earliest expiry in the Db, or -1.
  int64_t next_expiry() const { return ttl_.empty() ? -1 : ttl_.top().when; }
  // Moves up to `buckets` buckets of an in-flight table resize; true if one is still in flight.
  bool rehash_step(size_t buckets) { return table_.rehash_step(buckets); }
  // Bytes of index structures (buckets and TTL heap), not entries.
  size_t index_bytes() const { return table_.bucket_bytes() + ttl_.bytes(); }
  // Bytes of index structures mapped directly from the kernel (not seen by malloc statistics).
  size_t mapped_bytes() const { return table_.mapped_bytes(); }

  int64_t now_ms() const { return shared_->clock->now_ms(); }
  int index() const { return index_; }

 private:
  using Heap = core::TtlHeap<core::Entry*, TtlHooks>;

  core::Entry** lookup(std::string_view key, uint64_t h);
  core::Entry** lookup(std::string_view key) { return lookup(key, EntryTraits::hash(key)); }
  // Replaces *slot with a rebuilt entry holding v (ttl presence kept); returns the new entry.
  core::Entry* replace_value(core::Entry** slot, const core::EntryValue& v, uint8_t type);
  void insert_new(std::string_view key, uint64_t h, uint8_t type, const core::EntryValue& v);
  // Frees an entry's payload and block; removes its TTL node.
  void destroy(core::Entry* e);
  void free_payload(core::Entry* e);
  void erase_slot(std::string_view key, uint64_t h);
  void drop_ttl(core::Entry** slot);
  void add_ttl(core::Entry** slot, int64_t when_ms);
  static core::EntryValue encode_string(std::string_view value, bool allow_int,
                                        std::string** raw_out);
  void store_string(std::string_view key, const core::EntryValue& v, bool keep_ttl);
  void report_added(std::string_view key, uint8_t type) {
    if (shared_->report_adds) shared_->observer->key_added(index_, key, static_cast<ObjType>(type));
  }
  void report_expired(std::string_view key) {
    if (shared_->observer != nullptr) shared_->observer->key_expired(index_, key);
  }

  DbShared* shared_;
  int index_;
  Table table_;
  Heap ttl_;
};

// ShardStore: the databases one shard owns (one Db per SELECT index) and their shared state.
class ShardStore {
 public:
  static constexpr int kNumDbs = 16;
  explicit ShardStore(const base::Clock& clock, uint32_t shard_id = 0, uint32_t shards = 1);
  ShardStore(const ShardStore&) = delete;
  ShardStore& operator=(const ShardStore&) = delete;

  Db& db(int index) { return dbs_[index]; }
  const Db& db(int index) const { return dbs_[index]; }
  const base::Clock& clock() const { return *shared_->clock; }
  uint32_t shard_id() const { return shard_id_; }
  uint32_t shards() const { return shards_; }
  core::Slab& slab() { return shared_->slab; }
  void flush_all();
  // The owner's observer of expiries and additions (see DbObserver); nullptr for none.
  void set_observer(DbObserver* observer) { shared_->observer = observer; }
  void set_report_adds(bool on) { shared_->report_adds = on && shared_->observer != nullptr; }
  // This shard's copy of the persistence settings.
  PersistSettings& persist() { return persist_; }
  const PersistSettings& persist() const { return persist_; }
  PersistState& persist_state() { return persist_state_; }

  // Once per loop turn: refreshes the access clock, then runs active expiry over the Dbs
  // round-robin for at most max_keys keys or budget_us microseconds, and moves table resizes on
  // by a bounded number of buckets. Returns true if expired keys were left for a later turn.
  bool on_turn(size_t max_keys, int64_t budget_us);
  // Refreshes the access clock only (tests).
  void refresh_clock();
  // Earliest key expiry over all Dbs, or -1.
  int64_t next_expiry() const;

 private:
  std::unique_ptr<DbShared> shared_;
  uint32_t shard_id_;
  uint32_t shards_;
  std::vector<Db> dbs_;
  int expire_cursor_ = 0;
  PersistSettings persist_;
  PersistState persist_state_;
};

}  // namespace shardis::server
