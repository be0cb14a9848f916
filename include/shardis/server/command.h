#pragma once
// Command specs: what the router knows about a command before running it. Each family file
// declares its commands with named fields and registers them; the router (route/router.h) checks
// arity, finds the keys and routes by Route. Derived bits are computed once by Registry::add.
//
// Who runs what, and where:
//   Route::kConnection  run_conn on the connection's own shard; sees ClientState, no keyspace.
//   Route::kKey         run on the shard owning the key(s); when they span shards, the owners
//                       move them under lock into a scratch store where run runs (txn/txn.h).
//   Route::kKeysFanout  keys are split by owner; part() runs on each owner with the argv indices
//                       of its keys and fills a typed PartResult; the coordinator merges them
//                       (Merge) in argv order.
//   Route::kAllShards   part() runs on every shard with no keys; the coordinator merges.
//   Route::kCoordinator run_coord on the connection's shard (MULTI/EXEC, WATCH, pub/sub
//                       subscriptions, CONFIG, CLIENT); may start a transaction of its own.
// Handlers and parts never touch sockets or client state other than what they are given. They
// report what they changed through ExecContext (see exec/outcome.h); the executor that calls
// them does everything else (statistics, WATCH, notifications, logging).
#include <shardis/proto/reply_builder.h>
#include <shardis/server/db.h>
#include <shardis/server/exec/outcome.h>
#include <shardis/server/persist/snapshot.h>
#include <shardis/server/shard_services.h>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace shardis::server {

class Registry;
struct RedisMeta;  // src/server/families/command_meta.h

using ArgList = std::span<const std::string_view>;  // args[0] is the command name as sent

enum CommandFlag : uint32_t {
  kWrite = 1u << 0,
  kReadOnly = 1u << 1,
  kFast = 1u << 2,
  kAdmin = 1u << 3,
  kDenyOom = 1u << 4,
  kNoScript = 1u << 5,
  kLoading = 1u << 6,
  kStale = 1u << 7,
  kNoAuth = 1u << 8,
  kAllowBusy = 1u << 9,
  kSentinel = 1u << 10,
  kNoMulti = 1u << 11,
  kMovableKeys = 1u << 12,  // set by Registry::add for commands with a KeyFinder
  kBlocking = 1u << 13,
  kPubsub = 1u << 14,
  kSkipSlowlog = 1u << 15,
  kNoAsyncLoading = 1u << 16,
  // Not reported by COMMAND INFO: allowed to a RESP2 client in subscribed mode (PING, QUIT,
  // RESET and the (P|S)(UN)SUBSCRIBE commands).
  kPubsubContext = 1u << 29,
  // Not reported by COMMAND INFO: runs at once inside MULTI instead of being queued (EXEC,
  // DISCARD, MULTI, WATCH, QUIT, RESET, as Redis's processCommand lists them).
  kRunsInMulti = 1u << 30,
};

// Redis ACL categories, reported by COMMAND INFO ("@keyspace", ...).
enum AclCategory : uint32_t {
  kAclKeyspace = 1u << 0,
  kAclRead = 1u << 1,
  kAclWrite = 1u << 2,
  kAclString = 1u << 3,
  kAclFast = 1u << 4,
  kAclSlow = 1u << 5,
  kAclConnection = 1u << 6,
  kAclBlocking = 1u << 14,
  kAclPubsub = 1u << 15,
  kAclTransaction = 1u << 16,
  kAclAdmin = 1u << 7,
  kAclDangerous = 1u << 8,
  kAclBitmap = 1u << 9,
  kAclList = 1u << 10,
  kAclHash = 1u << 11,
  kAclSet = 1u << 12,
  kAclSortedSet = 1u << 13,
};

// kCoordinator: commands that drive the connection's work across shards themselves (MULTI,
// EXEC, WATCH, SUBSCRIBE, ...): run_coord, on the connection's shard, with the connection and
// the shard.
enum class Route : uint8_t { kConnection, kKey, kKeysFanout, kAllShards, kCoordinator };

// What a command locks against transactions (txn/lock_table.h) when it must be ordered with
// them: kAuto means its keys in the client's database (written when the command has kWrite),
// and for a keyless command the whole shard (shared, or exclusive when it writes); kNone means
// nothing (INFO, PUBLISH, CONFIG: no keyspace access to order).
enum class LockPolicy : uint8_t { kAuto, kNone };

// How the coordinator combines the parts of a fanned-out command.
enum class Merge : uint8_t {
  kNone,
  kSumInteger,    // ":<sum of count>"
  kArrayByIndex,  // array of values, one per key, in argv order (nil for nullopt)
  kOk,            // "+OK"
  kConcat,        // one array of every part's values, parts in shard order (KEYS)
  kRandomOne,     // one of the parts' present values, picked at random, or nil (RANDOMKEY)
  kCustom,        // CommandSpec::merge_fn writes the reply (INFO)
};

// Key positions, Redis convention: first and last argv index (last < 0 counts from the end:
// -1 is the last argument), step between keys. {0,0,0} means no keys.
struct KeySpec {
  int first = 0;
  int last = 0;
  int step = 0;
};

// Client (connection) state. Lives on the connection's shard; never database state.
struct ClientState {
  uint64_t id = 0;
  int db = 0;
  int resp = 2;
  std::string name;
  bool close_after_reply = false;
  uint32_t pubsub = 0;  // channels, patterns and shard channels subscribed (Redis's CLIENT_PUBSUB)
};

class Connection;
class ShardCore;
struct CommandSpec;

// Context for a kCoordinator handler, on the connection's shard.
struct CoordContext {
  ArgList args;
  Connection& conn;
  proto::ReplyBuilder& rb;  // the connection's next reply
  ShardCore& core;
};

// What a kConnection handler may consult about the server.
struct ServerInfo {
  int shards = 1;
  int port = 0;
};

// Context for a handler running on the shard that owns its keys.
struct ExecContext {
  ArgList args;
  ShardStore& store;
  Db& db;  // the client's selected database on this shard
  proto::ReplyBuilder& rb;
  Outcome& out;  // what the command did; read by the executor once the handler returns
  // Blocking commands (BLPOP, BZPOPMIN, BLMOVE, ...), see BlockSpec:
  //   may_block  when nothing can be served, the handler writes no reply and calls
  //              out.set_blocked() (the client then waits); when false (inside MULTI, a
  //              script), it replies its own nil as Redis does there.
  //   serve_key  non-zero while serving a blocked client: the argv index of the key that became
  //              ready, and the only key to serve (it holds the type waited for). If it turns
  //              out empty, the handler sets blocked again.
  bool may_block = false;
  uint32_t serve_key = 0;
  ShardServices* services = nullptr;  // the running shard's services; nullptr on a scratch store

  // The command changed key in the selected database and fires `event` (class cls) on it.
  void changed(uint32_t cls, std::string_view event, std::string_view key, uint64_t dirty = 1) {
    out.changed(db.index(), cls, event, key, dirty);
  }
  // The same, in another database of this shard (MOVE, COPY ... DB).
  void changed_in(const Db& other, uint32_t cls, std::string_view event, std::string_view key) {
    out.changed(other.index(), cls, event, key);
  }
  // An event that changes nothing (a second event on a changed key, keymiss).
  void event(uint32_t cls, std::string_view event, std::string_view key) {
    out.event(db.index(), cls, event, key);
  }
};

// Context for a kConnection handler, on the connection's shard.
struct ConnContext {
  ArgList args;
  ClientState& client;
  proto::ReplyBuilder& rb;
  const Registry& registry;
  const ServerInfo& server;
};

// One shard's share of a fanned-out command, typed by what the command's merge reads.
struct PartCount {  // kSumInteger: DEL, EXISTS, TOUCH, DBSIZE ...
  int64_t n = 0;
};
struct PartValues {  // kArrayByIndex: MGET, one value per key of the part, in key order
  std::vector<std::optional<std::string>> values;
};
struct PartKeys {  // kConcat (KEYS) and kRandomOne (RANDOMKEY: none or one)
  std::vector<std::string> keys;
};
struct PartShardStats {  // INFO: one shard's databases and memory
  struct PerDb {
    int64_t keys = 0;
    int64_t expires = 0;
    int64_t ttl_sum_ms = 0;  // remaining TTL summed over the keys with one
  };
  std::array<PerDb, ShardStore::kNumDbs> dbs{};
  int64_t entry_bytes = 0;   // slab bytes in use
  int64_t index_bytes = 0;   // hash-table buckets and TTL heaps
  int64_t mapped_bytes = 0;  // the part of index_bytes mapped outside malloc
  int64_t clients = 0;       // client connections of the shard
  int64_t blocked = 0;       // of them, waiting in a blocking command
  int64_t changes_since_save = 0;
  PersistState persist;  // the shard's snapshot history
  bool aof_enabled = false;
  bool aof_write_ok = true;
  int64_t aof_size = 0;
  int64_t aof_buffer = 0;
};
struct PartSnapshot {  // SAVE: one shard's part of the snapshot
  SnapshotPart part;
};
using PartResult =
    std::variant<std::monostate, PartCount, PartValues, PartKeys, PartShardStats, PartSnapshot>;

using Handler = void (*)(ExecContext& ctx);
using ConnHandler = void (*)(ConnContext& ctx);
// Returns false, having done nothing (no reply), when it needs a fabric credit that is not
// there: the connection then waits and the command is offered again.
using CoordHandler = bool (*)(CoordContext& ctx);
// key_idx: argv indices of this shard's keys, increasing (empty for kAllShards). The part sets
// `out` to the alternative its merge reads.
using PartHandler = void (*)(ExecContext& ctx, std::span<const uint32_t> key_idx, PartResult& out);
// Optional argument check on the coordinator before any routing; returns an error text
// (without "-") to reply, or an empty string when the arguments are acceptable.
using ArgCheck = std::string (*)(ArgList args);
// For a keyless Route::kKey command that must run on one particular shard (SCAN's cursor names
// it): the shard, in [0, shards), chosen from the arguments. Runs on the coordinator after
// `check` passed.
// Merge::kCustom: writes the reply from every shard's PartResult (in shard order), on the
// coordinator.
using MergeFn = void (*)(ArgList args, std::span<PartResult> parts, proto::ReplyBuilder& rb);
using ShardPicker = uint32_t (*)(ArgList args, uint32_t shards);
// A kCoordinator command queued in MULTI, at EXEC (on the connection's shard, while the block is
// planned): either it replies into ctx.rb at once and returns nullptr, or it returns the
// owner-side command (kKey with pick_shard, or kAllShards) that the block runs in its place,
// in order with the others. It never starts a transaction of its own.
using ExecAs = const CommandSpec* (*)(CoordContext& ctx);
// The keys a command locks, when they are not its keys in the client's database (MOVE and
// COPY ... DB name a key of another database): (db, argv index, written) per key. Runs on the
// coordinator after `check` passed.
struct LockKeyRef {
  int db = 0;
  uint32_t argv = 0;
  bool write = false;
};
using LockKeysFn = std::vector<LockKeyRef> (*)(ArgList args, int client_db);
// Movable keys (Redis's "movablekeys": ZUNION's numkeys, ZUNIONSTORE's destination plus
// numkeys, SINTERCARD, ...): the argv indices of the keys in these arguments, increasing. Empty
// when the arguments do not name their keys validly: the command then runs where it was received
// and replies the error itself. Runs on the coordinator after `check` passed.
using KeyFinder = std::vector<uint32_t> (*)(ArgList args);

// Where a blocking command keeps its timeout and which of its keys it waits on.
struct BlockSpec {
  int timeout_arg = 0;            // argv index of the timeout; < 0 counts from the end; 0: none
  KeyFinder wait_keys = nullptr;  // the keys waited on; nullptr: every key of the command
  ObjType type = ObjType::kList;  // what a waited key must hold to serve the client
};

struct CommandSpec {
  std::string_view
      name;       // lower case, as COMMAND reports it; a string literal (the table keeps views)
  int arity = 0;  // Redis convention: negative means "at least -arity"
  uint32_t flags = 0;
  KeySpec keys{};
  Route route = Route::kKey;
  // kKey; for kKeysFanout, optional: runs the whole command when every key is on one shard,
  // instead of part() plus the merge.
  Handler run = nullptr;
  ConnHandler run_conn = nullptr;    // kConnection
  CoordHandler run_coord = nullptr;  // kCoordinator
  // kCoordinator inside EXEC; nullptr: run_coord, which then replies at once.
  ExecAs exec_as = nullptr;
  PartHandler part = nullptr;  // kKeysFanout, kAllShards
  Merge merge = Merge::kNone;  // kKeysFanout, kAllShards
  MergeFn merge_fn = nullptr;  // Merge::kCustom
  ArgCheck check = nullptr;
  ShardPicker pick_shard = nullptr;  // kKey without keys only
  // Replaces `keys` for routing when set (`keys` stays COMMAND INFO's legacy key range).
  KeyFinder find_keys = nullptr;
  // A write command that reads some keys the way Redis's lookupKeyRead does (GETDEL, SET ... GET,
  // COPY's source, the sources of the *STORE forms and BITOP, a BITFIELD of GETs only): the argv
  // indices of those keys, each of which fires keymiss when missing. Empty when the arguments
  // are refused before Redis looks anything up. Read-only commands need none: all their keys.
  KeyFinder read_keys = nullptr;
  LockPolicy lock = LockPolicy::kAuto;
  LockKeysFn lock_keys = nullptr;  // see LockKeysFn; nullptr: the keys, in the client's db
  BlockSpec block{};               // blocking commands only
  uint32_t acl = 0;
  std::string_view group;       // COMMAND DOCS: "string", "generic", "connection", "server"
  std::string_view summary;     // COMMAND DOCS
  std::string_view since;       // COMMAND DOCS, e.g. "1.0.0"
  std::string_view complexity;  // COMMAND DOCS
  // What else COMMAND INFO and COMMAND DOCS report (key specs, tips, history, arguments,
  // subcommands): static data defined next to the registration; nullptr for none.
  const RedisMeta* meta = nullptr;

  // Derived by Registry::add.
  bool has_keys = false;
  bool variadic = false;  // arity < 0
};

// argv indices of the keys of a command: find_keys when the command has one, else its KeySpec.
std::vector<uint32_t> key_indices(const CommandSpec& spec, ArgList args);
// The keys the command locks: lock_keys when it has one, else its keys in client_db, written
// when the command writes.
std::vector<LockKeyRef> lock_key_refs(const CommandSpec& spec, ArgList args, int client_db);

// Whether spec is a container listing the subcommand `fullname` ("client|id") in its
// metadata (families/command_family.cc).
bool has_subcommand(const CommandSpec& spec, std::string_view fullname);

// For a container command: Redis's error for an unknown subcommand, or for a subcommand's wrong
// number of arguments, as its command lookup replies them; empty when the subcommand is known and
// its arity right (or spec is not a container).
std::string subcommand_error(const CommandSpec& spec, ArgList args);

// Arity check, Redis rules.
inline bool arity_ok(const CommandSpec& spec, size_t argc) {
  return spec.arity >= 0 ? argc == static_cast<size_t>(spec.arity)
                         : argc >= static_cast<size_t>(-spec.arity);
}

// Exact Redis 7.0 error texts (without the leading "-").
std::string err_wrong_args(
    std::string_view cmd_name);  // "ERR wrong number of arguments for 'get' command"
std::string err_unknown_command(ArgList args);
std::string err_unknown_subcommand(std::string_view sub, std::string_view cmd_upper);

inline constexpr std::string_view kErrSyntax = "ERR syntax error";
inline constexpr std::string_view kErrNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kErrNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kErrWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";

}  // namespace shardis::server
