#pragma once
// Outcome: what one command did on the shard that ran it, as its handler reports it.
//
// The handler says what it changed (Redis's signalModifiedKey plus notifyKeyspaceEvent, in one
// call) and, where a command must not be replayed as sent, its deterministic form (SPOP becomes
// SREM, a relative TTL becomes absolute, INCRBYFLOAT becomes SET). The executor reads the
// outcome once the handler has returned and feeds it to everything that observes writes: WATCH
// versions, keyspace notifications, statistics, and whoever logs or replicates commands.
//
// Contract
// - Thread: the shard running the command. One Outcome per shard is reused from command to
//   command (clear() keeps its capacity), so reporting allocates nothing in steady state.
// - Keys and event names are copied in: they may come from arguments, from entries, or from
//   temporaries.
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace shardis::server {

// Keyspace notification classes, with Redis's bit values and letters (notify.c).
enum NotifyClass : uint32_t {
  kNotifyKeyspace = 1u << 0,  // K
  kNotifyKeyevent = 1u << 1,  // E
  kNotifyGeneric = 1u << 2,   // g
  kNotifyString = 1u << 3,    // $
  kNotifyList = 1u << 4,      // l
  kNotifySet = 1u << 5,       // s
  kNotifyHash = 1u << 6,      // h
  kNotifyZset = 1u << 7,      // z
  kNotifyExpired = 1u << 8,   // x
  kNotifyEvicted = 1u << 9,   // e
  kNotifyStream = 1u << 10,   // t
  kNotifyKeyMiss = 1u << 11,  // m (not part of A)
  kNotifyLoaded = 1u << 12,   // module only
  kNotifyModule = 1u << 13,   // d
  kNotifyNew = 1u << 14,      // n (not part of A)
};
inline constexpr uint32_t kNotifyAll = kNotifyGeneric | kNotifyString | kNotifyList | kNotifySet |
                                       kNotifyHash | kNotifyZset | kNotifyExpired | kNotifyEvicted |
                                       kNotifyStream | kNotifyModule;

// A change made elsewhere (a command run on a scratch store for keys of several shards), to be
// reported on the shard that owns the key.
struct KeyChangeRecord {
  int db = 0;
  uint32_t cls = 0;
  std::string key;
  std::string event;
  bool event_only =
      false;  // an event that changes nothing (Outcome::event), e.g. "del" after "rpop"
};

// Told synchronously when a handler is about to empty or swap a database (Outcome::flushed),
// while the old contents are still there.
class FlushListener {
 public:
  virtual ~FlushListener() = default;
  virtual void before_flush(int db, int swapped_with) = 0;
};

class Outcome {
 public:
  // A key the command changed, and the event it fires (event empty: modified, no event).
  struct Change {
    int db;
    uint32_t cls;
    std::string_view key;    // into the outcome's own storage
    std::string_view event;  // likewise
  };
  // An event that changes nothing (keymiss): notifications only.
  struct Event {
    int db;
    uint32_t cls;
    std::string_view key;
    std::string_view event;
  };

  void clear();

  // The command changed key (WATCH, tracking) and fires `event` of class cls on it; dirty counts
  // the changes, as Redis's server.dirty. Use an empty event for a change with no notification.
  void changed(int db, uint32_t cls, std::string_view event, std::string_view key,
               uint64_t dirty = 1);
  // An event with no change (Redis's keymiss, or a second event on a key already reported).
  void event(int db, uint32_t cls, std::string_view event, std::string_view key);
  // Every key of a database, or of every database (db < 0), is about to change: FLUSHDB,
  // FLUSHALL, and SWAPDB (swapped_with: the other database). Called before the handler empties
  // or swaps anything: the flush listener (WATCH) looks at the old contents.
  void flushed(int db, uint64_t dirty = 1, int swapped_with = -1);
  void set_flush_listener(FlushListener* l) { flush_listener_ = l; }
  void add_dirty(uint64_t n) { dirty_ += n; }

  // Propagation: by default the command is logged as it was sent. A handler that must be
  // logged otherwise calls propagate() once per command of its deterministic form, in order, or
  // propagate_nothing() when nothing is to be logged although it wrote (none today).
  void propagate(std::span<const std::string_view> argv);
  void propagate(std::initializer_list<std::string_view> argv);
  void propagate_nothing() { prop_mode_ = PropMode::kNothing; }

  // The outcome is that of one shard's part of a fanned-out command (Executor::run_part): the
  // argv indices of the keys it covered, which a log of the part must name alone. The span
  // must outlive the outcome's observers' calls.
  void set_part(std::span<const uint32_t> key_idx) {
    part_ = key_idx;
    in_part_ = true;
  }
  bool in_part() const { return in_part_; }
  std::span<const uint32_t> part_keys() const { return part_; }

  // The command would block (a blocking command found nothing to serve): no reply was written.
  void set_blocked() { blocked_ = true; }
  bool blocked() const { return blocked_; }

  uint64_t dirty() const { return dirty_; }
  bool wrote() const { return dirty_ > 0; }
  std::span<const Change> changes() const { return changes_; }
  std::span<const Event> events() const { return events_; }
  // Changes and events in Redis's order, as fn(db, cls, event, key): the keymiss events first
  // (they come from the command's lookups, before it changes anything), then the changes (event
  // empty for a change that fires none), then the other events, which complete a change (a "del"
  // after the "rpop" that emptied a list).
  template <typename Fn>
  void for_each_in_order(Fn&& fn) const {
    for (const Event& e : events_) {
      if (e.cls == kNotifyKeyMiss) fn(e.db, e.cls, e.event, e.key);
    }
    for (const Change& c : changes_) fn(c.db, c.cls, c.event, c.key);
    for (const Event& e : events_) {
      if (e.cls != kNotifyKeyMiss) fn(e.db, e.cls, e.event, e.key);
    }
  }
  // Databases flushed whole: -1 for all.
  std::span<const int> flushed_dbs() const { return flushed_; }

  enum class PropMode : uint8_t { kVerbatim, kRewritten, kNothing };
  PropMode prop_mode() const { return prop_mode_; }
  // The rewritten commands (kRewritten), each a list of arguments.
  size_t rewritten_count() const { return prop_starts_.size(); }
  std::vector<std::string_view> rewritten(size_t i) const;

 private:
  std::string_view keep(std::string_view s);

  FlushListener* flush_listener_ = nullptr;
  uint64_t dirty_ = 0;
  bool blocked_ = false;
  bool in_part_ = false;
  std::span<const uint32_t> part_;
  PropMode prop_mode_ = PropMode::kVerbatim;
  std::vector<Change> changes_;
  std::vector<Event> events_;
  std::vector<int> flushed_;
  // Copies of keys and names. A deque-like chain of blocks so that views stay valid as it grows.
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t block_used_ = 0;
  size_t block_size_ = 0;
  size_t first_block_size_ = 0;
  std::vector<std::string_view> prop_args_;
  std::vector<size_t> prop_starts_;  // index in prop_args_ where each rewritten command begins
};

}  // namespace shardis::server
