#pragma once
// LockTable: the intents of one shard. A transaction (or a command that must wait) takes locks
// on the keys it touches here, and on the shard as a whole, before it runs; other work on the
// same keys waits behind it in arrival order.
//
// Contract
// - Thread: the owning shard's only. Requests are owned by their issuer and must outlive their
//   time in the table (from acquire() until release(), or until granted and released).
// - Resources: each (db, key), plus one for the whole shard. A request takes every resource it
//   names at once when it can, or queues on each resource it cannot take yet; it is granted
//   when it holds all of them. Queues are FIFO: a request never overtakes an earlier one that
//   conflicts with it on the same resource. Because a request enters every queue at one
//   instant, two requests meet in the same order on every resource they share, so requests of
//   one shard can never wait for each other in a cycle.
// - Shard resource, multiple-granularity modes: a key request holds it in IS (reads only) or IX
//   (some write); a shard-wide read (DBSIZE, KEYS, SCAN) takes S, a shard-wide write (FLUSHALL,
//   SWAPDB) takes X. IS/IX/S/X compatibility is the classic matrix: writers of keys exclude
//   whole-shard readers and writers, and nothing overtakes a waiting whole-shard request.
// - Client order: requests of one client are granted in the order they arrived here. While a
//   client has a request waiting, its later requests park and are submitted one by one as the
//   earlier ones are granted; a command of that client that would run at once (must_wait) waits
//   too.
// - Cost: a shard with no lock held and none waiting is idle(); commands then check nothing.
#include <shardis/base/fifo.h>

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace shardis::server {

enum class LockMode : uint8_t { kIS = 0, kIX = 1, kS = 2, kX = 3 };

// What a request needs of the shard as a whole, besides its keys.
enum class LockScope : uint8_t {
  kKeys,        // only keys (shard held IS, or IX if some key is written)
  kShardRead,   // the whole shard, shared
  kShardWrite,  // the whole shard, exclusive
};

struct LockItem {
  int db = 0;
  std::string_view key;  // valid while the request is in the table
  bool write = false;
};

class LockRequest {
 public:
  LockRequest() = default;
  // Moved only while idle (not in a table): a table keeps pointers to requests it holds.
  LockRequest(LockRequest&&) noexcept = default;
  LockRequest& operator=(LockRequest&&) noexcept = default;
  LockRequest(const LockRequest&) = delete;
  LockRequest& operator=(const LockRequest&) = delete;
  virtual ~LockRequest() = default;
  // Called once, when the request holds everything it asked for, if it had to wait: from
  // LockTable::run_granted().
  virtual void on_granted() = 0;

  std::vector<LockItem> items;  // duplicates allowed; a key both read and written is written
  LockScope scope = LockScope::kKeys;
  uint64_t client = 0;  // client order; 0: none

 private:
  friend class LockTable;
  enum class State : uint8_t { kIdle, kParked, kWaiting, kGranted };
  State state_ = State::kIdle;
  uint32_t missing_ = 0;  // resources not yet held
  // The resources it names, deduplicated, with the mode it takes each in; [0] is the shard.
  struct Taken {
    void* res = nullptr;
    const std::string* name = nullptr;  // its key in the table (nullptr: the shard)
    LockMode mode = LockMode::kS;
  };
  std::vector<Taken> taken_;
};

class LockTable {
 public:
  LockTable();
  ~LockTable();
  LockTable(const LockTable&) = delete;
  LockTable& operator=(const LockTable&) = delete;

  // Nothing held, nothing waiting.
  bool idle() const { return held_requests_ == 0 && waiting_requests_ == 0; }

  // Whether a command of `client` on these keys (scope for keyless ones) must wait instead of
  // running at once: a conflicting holder, a waiting request on one of its resources, or an
  // earlier waiting request of the same client.
  bool must_wait(uint64_t client, const std::vector<LockItem>& items, LockScope scope) const;

  // Takes the locks of r, or queues it. Returns true when r holds them now (on_granted is not
  // called then).
  bool acquire(LockRequest& r);
  // Drops every lock of r (granted), or withdraws it (waiting or parked). Requests that become
  // granted are queued for run_granted(). Does nothing for a request not in the table.
  void release(LockRequest& r);
  // Calls on_granted() of every request granted since the last call, in grant order. A callback
  // may acquire or release further requests.
  void run_granted();

  size_t held_requests() const { return held_requests_; }
  size_t waiting_requests() const { return waiting_requests_; }

 private:
  struct Waiter {
    LockRequest* req;
    LockMode mode;
  };
  struct Resource {
    uint32_t held[4] = {0, 0, 0, 0};
    base::Fifo<Waiter> queue;  // allocates nothing until someone waits
    bool idle() const { return held[0] + held[1] + held[2] + held[3] == 0 && queue.empty(); }
  };
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  struct KeyEq {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const { return a == b; }
  };
  using KeyMap = std::unordered_map<std::string, Resource, KeyHash, KeyEq>;

  static bool compatible(const Resource& res, LockMode mode);
  // The name of (db, key) in keys_: the db as 4 bytes, then the key.
  std::string_view name_of(int db, std::string_view key) const;
  const Resource* find(int db, std::string_view key) const;
  void build_taken(LockRequest& r);
  // Takes what r can and queues for the rest; true when r holds everything now.
  bool try_take(LockRequest& r, bool in_client_queue);
  void grant_from(Resource& res);
  void on_fully_granted(LockRequest& r);
  void drop_idle(LockRequest& r);
  void submit_next_parked(uint64_t client);

  mutable std::string scratch_name_;
  Resource shard_;
  KeyMap keys_;
  // Nodes of keys_ dropped when idle, kept (at most kSpareNodes) for the next keys locked: a
  // transaction locks and frees its keys' entries every time, and this spares the allocator.
  static constexpr size_t kSpareNodes = 256;
  std::vector<KeyMap::node_type> spare_;
  // Per client: its requests still waiting or parked here, oldest first.
  std::unordered_map<uint64_t, std::deque<LockRequest*>> client_queue_;
  std::vector<LockRequest*> granted_;
  size_t held_requests_ = 0;
  size_t waiting_requests_ = 0;  // waiting or parked
};

}  // namespace shardis::server
