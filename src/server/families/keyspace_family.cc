// Keyspace commands, whatever the type of the value: DEL, UNLINK, EXISTS, TOUCH, TYPE, the EXPIRE
// and TTL families, PERSIST, RENAME, RENAMENX, COPY, MOVE, and the OBJECT and MEMORY
// introspection containers, with Redis 7.0's replies and errors. KEYS, SCAN and RANDOMKEY, which
// walk the whole keyspace, live in keyspace_scan.cc; SWAPDB in server_family.cc.
//
// The multi-key commands fan out: each part_* runs on a shard that owns some of the keys and
// counts into its Partial; the coordinator sums the counts. The single-key cmd_* run on the
// owning shard, call an op_* that works on the Db alone and write exactly one reply.
//
// Writes fire Redis's events ("del", "expire", "persist", "rename_from"/"rename_to", "copy_to",
// "move_from"/"move_to") and are propagated as Redis propagates them: the EXPIRE family as
// PEXPIREAT with an absolute time (or DEL when that time is past), the rest as sent. RENAME,
// RENAMENX, COPY and MOVE report every key they touch as a change (never a bare event): keys on
// several shards run them on a scratch store, whose changes go back to the keys' owners.
//
// Lookups follow Redis's: commands Redis runs with LOOKUP_NOTOUCH (EXISTS, TYPE, TTL, OBJECT,
// ...) use Db::peek, so that they leave OBJECT IDLETIME alone; the others use Db::find.
#include <shardis/base/number_format.h>
#include <shardis/server/command.h>
#include <shardis/server/db.h>
#include <shardis/server/families/family_util.h>
#include <shardis/server/registry.h>
#include <shardis/server/routing.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "command_meta.h"

namespace shardis::server {
namespace {

constexpr std::string_view kErrNoSuchKey = "ERR no such key";
constexpr std::string_view kErrSameObject = "ERR source and destination objects are the same";
constexpr std::string_view kErrDbRange = "ERR DB index is out of range";
constexpr std::string_view kErrIntRange =
    "ERR value is out of range, value must between -2147483648 and 2147483647";

// ---- DEL / UNLINK / EXISTS / TOUCH ----

// A key named twice is removed once, so it counts once. Propagated (when it deleted anything)
// as sent, or, by a shard that owns only some of the keys, as DEL (UNLINK) of its own keys.
void part_del(ExecContext& ctx, std::span<const uint32_t> key_idx, PartResult& out) {
  int64_t& n = out.emplace<PartCount>().n;
  for (uint32_t i : key_idx) {
    if (ctx.db.erase(ctx.args[i])) {
      ++n;
      ctx.changed(kNotifyGeneric, "del", ctx.args[i]);
    }
  }
  if (n == 0 || key_idx.size() == ctx.args.size() - 1) return;
  std::vector<std::string_view> argv;
  argv.reserve(1 + key_idx.size());
  argv.push_back(ctx.args[0]);
  for (uint32_t i : key_idx) argv.push_back(ctx.args[i]);
  ctx.out.propagate(argv);
}

// A key named twice counts twice (EXISTS and TOUCH). EXISTS does not count as an access.
void part_exists(ExecContext& ctx, std::span<const uint32_t> key_idx, PartResult& out) {
  int64_t& n = out.emplace<PartCount>().n;
  for (uint32_t i : key_idx) n += ctx.db.peek(ctx.args[i]) != nullptr ? 1 : 0;
}

void part_touch(ExecContext& ctx, std::span<const uint32_t> key_idx, PartResult& out) {
  int64_t& n = out.emplace<PartCount>().n;
  for (uint32_t i : key_idx) n += ctx.db.find(ctx.args[i]) != nullptr ? 1 : 0;
}

void cmd_type(ExecContext& ctx) {
  const core::Entry* e = ctx.db.peek(ctx.args[1]);
  ctx.rb.simple(e == nullptr ? "none" : type_name(Db::type_of(e)));
}

// ---- EXPIRE / PEXPIRE / EXPIREAT / PEXPIREAT ----

enum ExpireFlag : uint8_t {
  kExpireNx = 1 << 0,  // only when the key has no TTL
  kExpireXx = 1 << 1,  // only when the key has a TTL
  kExpireGt = 1 << 2,  // only when the new TTL is greater (no TTL counts as infinite)
  kExpireLt = 1 << 3,  // only when the new TTL is smaller
};

// Parses the NX/XX/GT/LT options after the time. Returns an error text or an empty string.
std::string parse_expire_flags(ArgList args, uint8_t* flags) {
  *flags = 0;
  for (size_t j = 3; j < args.size(); ++j) {
    std::string_view opt = args[j];
    if (base::iequals(opt, "nx")) {
      *flags |= kExpireNx;
    } else if (base::iequals(opt, "xx")) {
      *flags |= kExpireXx;
    } else if (base::iequals(opt, "gt")) {
      *flags |= kExpireGt;
    } else if (base::iequals(opt, "lt")) {
      *flags |= kExpireLt;
    } else {
      std::string err = "ERR Unsupported option ";
      err.append(c_str_view(opt));
      return err;
    }
  }
  if ((*flags & kExpireNx) && (*flags & (kExpireXx | kExpireGt | kExpireLt))) {
    return "ERR NX and XX, GT or LT options at the same time are not compatible";
  }
  if ((*flags & kExpireGt) && (*flags & kExpireLt)) {
    return "ERR GT and LT options at the same time are not compatible";
  }
  return {};
}

// Sets the absolute expiry of key under the NX/XX/GT/LT conditions. A time already past
// deletes the key. Returns whether the key was changed (the command's integer reply).
bool op_expire(Db& db, std::string_view key, int64_t when_ms, uint8_t flags) {
  if (db.find(key) == nullptr) return false;
  int64_t current = db.expire_at(key);
  if ((flags & kExpireNx) && current != -1) return false;
  if ((flags & kExpireXx) && current == -1) return false;
  if ((flags & kExpireGt) && (current == -1 || when_ms <= current)) return false;
  if ((flags & kExpireLt) && current != -1 && when_ms >= current) return false;
  db.set_expire_at(key, when_ms);
  return true;
}

// EXPIRE key seconds [NX|XX|GT|LT] and its variants: `seconds` for EXPIRE and EXPIREAT,
// `relative` for EXPIRE and PEXPIRE (the time is added to now). Negative times are allowed (they
// delete the key) but the absolute time in ms must fit in int64.
//
// A change fires "expire" and is propagated as PEXPIREAT key <ms> followed by the options as
// sent (PEXPIREAT itself as sent); a time already past deletes the key, fires "del" and is
// propagated as DEL key.
void expire_generic(ExecContext& ctx, bool seconds, bool relative, std::string_view cmd) {
  uint8_t flags = 0;
  std::string err = parse_expire_flags(ctx.args, &flags);
  if (!err.empty()) return ctx.rb.error(err);
  std::optional<int64_t> when = base::parse_int64(ctx.args[2]);
  if (!when) return ctx.rb.error(kErrNotInteger);
  std::optional<int64_t> at = absolute_expire_ms(*when, seconds, relative ? ctx.db.now_ms() : 0);
  if (!at) return ctx.rb.error(err_invalid_expire(cmd));
  const bool past = *at <= ctx.db.now_ms();
  if (!op_expire(ctx.db, ctx.args[1], *at, flags)) return ctx.rb.integer(0);
  std::string_view key = ctx.args[1];
  if (past) {
    ctx.changed(kNotifyGeneric, "del", key);
    ctx.out.propagate({"DEL", key});
  } else {
    ctx.changed(kNotifyGeneric, "expire", key);
    if (seconds || relative) {
      char ms[24];
      std::vector<std::string_view> argv{"PEXPIREAT", key,
                                         std::string_view(ms, base::format_int64(*at, ms))};
      argv.insert(argv.end(), ctx.args.begin() + 3, ctx.args.end());
      ctx.out.propagate(argv);
    }
  }
  ctx.rb.integer(1);
}

void cmd_expire(ExecContext& ctx) {
  expire_generic(ctx, true, true, "expire");
}
void cmd_pexpire(ExecContext& ctx) {
  expire_generic(ctx, false, true, "pexpire");
}
void cmd_expireat(ExecContext& ctx) {
  expire_generic(ctx, true, false, "expireat");
}
void cmd_pexpireat(ExecContext& ctx) {
  expire_generic(ctx, false, false, "pexpireat");
}

// ---- TTL / PTTL / EXPIRETIME / PEXPIRETIME / PERSIST ----

// The key's expiry in ms: absolute (`absolute`) or the time left from now, never below 0;
// -2 when the key is missing, -1 when it has no TTL.
int64_t op_ttl_ms(Db& db, std::string_view key, bool absolute) {
  if (db.peek(key) == nullptr) return -2;
  int64_t at = db.expire_at(key);
  if (at < 0) return -1;
  int64_t ms = absolute ? at : at - db.now_ms();
  return ms < 0 ? 0 : ms;
}

// TTL, PTTL, EXPIRETIME and PEXPIRETIME. Seconds are rounded to the nearest, as Redis does; the
// sum is taken unsigned so that an expiry near INT64_MAX ms still rounds up instead of wrapping.
void ttl_generic(ExecContext& ctx, bool ms, bool absolute) {
  int64_t t = op_ttl_ms(ctx.db, ctx.args[1], absolute);
  if (t < 0 || ms) return ctx.rb.integer(t);
  ctx.rb.integer(static_cast<int64_t>((static_cast<uint64_t>(t) + 500) / 1000));
}

void cmd_ttl(ExecContext& ctx) {
  ttl_generic(ctx, false, false);
}
void cmd_pttl(ExecContext& ctx) {
  ttl_generic(ctx, true, false);
}
void cmd_expiretime(ExecContext& ctx) {
  ttl_generic(ctx, false, true);
}
void cmd_pexpiretime(ExecContext& ctx) {
  ttl_generic(ctx, true, true);
}

void cmd_persist(ExecContext& ctx) {
  bool changed = ctx.db.find(ctx.args[1]) != nullptr && ctx.db.persist(ctx.args[1]);
  if (changed) ctx.changed(kNotifyGeneric, "persist", ctx.args[1]);
  ctx.rb.integer(changed ? 1 : 0);
}

// ---- RENAME / RENAMENX ----

// Both keys are in the Db: on this shard, or moved together into a scratch store (txn/txn.h).
// Renaming a key to itself succeeds without change (RENAMENX replies 0), but a missing key is
// still an error. A rename fires "rename_from" on the source and "rename_to" on the destination
// (and nothing for a destination it replaced); Redis counts it as one change.
void rename_generic(ExecContext& ctx, bool nx) {
  switch (ctx.db.rename(ctx.args[1], ctx.args[2], nx)) {
    case Db::RenameResult::kNoSuchKey:
      return ctx.rb.error(kErrNoSuchKey);
    case Db::RenameResult::kTargetExists:
      return ctx.rb.integer(0);
    case Db::RenameResult::kOk:
      if (ctx.args[1] != ctx.args[2]) {
        ctx.changed(kNotifyGeneric, "rename_from", ctx.args[1]);
        ctx.changed(kNotifyGeneric, "rename_to", ctx.args[2], 0);
      }
      if (nx) return ctx.rb.integer(1);
      return ctx.rb.ok();
  }
}

void cmd_rename(ExecContext& ctx) {
  rename_generic(ctx, false);
}
void cmd_renamenx(ExecContext& ctx) {
  rename_generic(ctx, true);
}

// ---- COPY / MOVE ----

// A database index argument as Redis's getIntFromObjectOrReply then selectDb check it. Returns
// the index, or sets *err.
std::optional<int> parse_db_index(std::string_view arg, std::string_view* err) {
  std::optional<int64_t> v = base::parse_int64(arg);
  if (!v) {
    *err = kErrNotInteger;
    return std::nullopt;
  }
  if (*v < std::numeric_limits<int>::min() || *v > std::numeric_limits<int>::max()) {
    *err = kErrIntRange;
    return std::nullopt;
  }
  if (*v < 0 || *v >= ShardStore::kNumDbs) {
    *err = kErrDbRange;
    return std::nullopt;
  }
  return static_cast<int>(*v);
}

// COPY source destination [DB destination-db] [REPLACE]. Options are checked left to right
// before anything else; copying a key onto itself in the same database is an error even when
// the key is missing. A copy fires "copy_to" on the destination, in its database.
void cmd_copy(ExecContext& ctx) {
  ArgList args = ctx.args;
  Db* dst = &ctx.db;
  bool replace = false;
  for (size_t j = 3; j < args.size(); ++j) {
    if (base::iequals(args[j], "replace")) {
      replace = true;
    } else if (base::iequals(args[j], "db") && j + 1 < args.size()) {
      std::string_view err;
      std::optional<int> index = parse_db_index(args[j + 1], &err);
      if (!index) return ctx.rb.error(err);
      dst = &ctx.store.db(*index);
      ++j;
    } else {
      return ctx.rb.error(kErrSyntax);
    }
  }
  if (dst == &ctx.db && args[1] == args[2]) return ctx.rb.error(kErrSameObject);
  Db::RenameResult r = ctx.db.copy_to(*dst, args[1], args[2], replace);
  if (r == Db::RenameResult::kOk) ctx.changed_in(*dst, kNotifyGeneric, "copy_to", args[2]);
  ctx.rb.integer(r == Db::RenameResult::kOk ? 1 : 0);
}

// COPY reads its source once its options parsed (keymiss when missing). The client's database
// is not known here: COPY k k DB n with n the client's own database is refused by Redis before
// the lookup, and counted as a read here.
std::vector<uint32_t> copy_read_keys(ArgList args) {
  bool other_db = false;
  for (size_t j = 3; j < args.size(); ++j) {
    if (base::iequals(args[j], "replace")) continue;
    std::string_view err;
    if (!base::iequals(args[j], "db") || j + 1 == args.size() ||
        !parse_db_index(args[j + 1], &err)) {
      return {};
    }
    other_db = true;
    ++j;
  }
  if (!other_db && args[1] == args[2]) return {};
  return {1};
}

// MOVE key db: the target database is on this shard too, since a key's shard does not depend on
// the database. A move fires "move_from" in the client's database and "move_to" in the target;
// Redis counts it as one change.
void cmd_move(ExecContext& ctx) {
  std::string_view err;
  std::optional<int> index = parse_db_index(ctx.args[2], &err);
  if (!index) return ctx.rb.error(err);
  Db& dst = ctx.store.db(*index);
  if (&dst == &ctx.db) return ctx.rb.error(kErrSameObject);
  if (ctx.db.move_to(dst, ctx.args[1]) != Db::RenameResult::kOk) return ctx.rb.integer(0);
  ctx.changed(kNotifyGeneric, "move_from", ctx.args[1]);
  ctx.out.changed(dst.index(), kNotifyGeneric, "move_to", ctx.args[1], 0);
  ctx.rb.integer(1);
}

// What COPY and MOVE lock: their keys in the databases they name (a key in another database
// is another key to a transaction). Invalid options leave the client's database: the command
// then fails before it writes.
std::vector<LockKeyRef> copy_lock_keys(ArgList args, int db) {
  int dst_db = db;
  for (size_t j = 3; j < args.size(); ++j) {
    if (base::iequals(args[j], "db") && j + 1 < args.size()) {
      std::string_view err;
      if (std::optional<int> index = parse_db_index(args[j + 1], &err)) dst_db = *index;
      ++j;
    }
  }
  return {{db, 1, false}, {dst_db, 2, true}};
}

std::vector<LockKeyRef> move_lock_keys(ArgList args, int db) {
  std::vector<LockKeyRef> keys{{db, 1, true}};
  std::string_view err;
  std::optional<int> index = parse_db_index(args[2], &err);
  if (index && *index != db) keys.push_back({*index, 1, true});
  return keys;
}

// ---- OBJECT / MEMORY: containers whose subcommands name a key at argv[2] ----

// A subcommand of a keyed container. Unlike family_util's Subcommand it runs on the shard that
// owns argv[2], with the Db.
struct KeyedSubcommand {
  std::string_view name;      // as typed after the container, matched case-insensitively
  std::string_view fullname;  // "object|encoding", for the wrong-number-of-arguments error
  int arity;                  // counted from the container itself, Redis convention
  Handler run;
};

const KeyedSubcommand* find_keyed_sub(std::span<const KeyedSubcommand> table,
                                      std::string_view name) {
  for (const KeyedSubcommand& s : table) {
    if (base::iequals(name, s.name)) return &s;
  }
  return nullptr;
}

// The coordinator's check: unknown subcommands and arity errors are replied before routing.
std::string check_keyed_sub(ArgList args, std::span<const KeyedSubcommand> table,
                            std::string_view container_upper) {
  const KeyedSubcommand* s = find_keyed_sub(table, args[1]);
  if (s == nullptr) return err_unknown_subcommand(args[1], container_upper);
  bool ok = s->arity >= 0 ? args.size() == static_cast<size_t>(s->arity)
                          : args.size() >= static_cast<size_t>(-s->arity);
  if (!ok) return err_wrong_args(s->fullname);
  return {};
}

// The shard that owns the subcommand's key; HELP has none and runs anywhere.
uint32_t pick_keyed_sub_shard(ArgList args, uint32_t shards) {
  return args.size() >= 3 ? shard_of(args[2], shards) : 0;
}

constexpr int64_t kSharedRefcount = 2147483647;  // Redis's OBJ_SHARED_REFCOUNT (INT_MAX)

void object_encoding(ExecContext& ctx) {
  const core::Entry* e = ctx.db.peek(ctx.args[2]);
  if (e == nullptr) return ctx.rb.null();
  ctx.rb.bulk(Db::encoding_name(e));
}

// Redis shares the objects of the integers 0..9999 (with maxmemory 0, Shardis's setting): their
// refcount reads INT_MAX. A COPY of one is a private object with refcount 1.
void object_refcount(ExecContext& ctx) {
  const core::Entry* e = ctx.db.peek(ctx.args[2]);
  if (e == nullptr) return ctx.rb.null();
  bool shared = Db::is_shared_integer(e);
  ctx.rb.integer(shared ? kSharedRefcount : 1);
}

void object_idletime(ExecContext& ctx) {
  const core::Entry* e = ctx.db.peek(ctx.args[2]);
  if (e == nullptr) return ctx.rb.null();
  ctx.rb.integer(ctx.db.idle_seconds(e));
}

// The maxmemory policy is noeviction (see CONFIG GET), so no access frequency is tracked.
void object_freq(ExecContext& ctx) {
  if (ctx.db.peek(ctx.args[2]) == nullptr) return ctx.rb.null();
  ctx.rb.error(
      "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
      "that when switching between policies at runtime LRU and LFU data will take some time to "
      "adjust.");
}

void object_help(ExecContext& ctx) {
  static constexpr std::string_view kHelp[] = {
      "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "ENCODING <key>",
      "    Return the kind of internal representation used in order to store the value",
      "    associated with a <key>.",
      "FREQ <key>",
      "    Return the access frequency index of the <key>. The returned integer is",
      "    proportional to the logarithm of the recent access frequency of the key.",
      "IDLETIME <key>",
      "    Return the idle time of the <key>, that is the approximated number of",
      "    seconds elapsed since the last access to the key.",
      "REFCOUNT <key>",
      "    Return the number of references of the value associated with the specified",
      "    <key>.",
      "HELP",
      "    Prints this help.",
  };
  reply_help(ctx.rb, kHelp);
}

constexpr KeyedSubcommand kObjectSubcommands[] = {
    {"encoding", "object|encoding", 3, object_encoding},
    {"freq", "object|freq", 3, object_freq},
    {"help", "object|help", 2, object_help},
    {"idletime", "object|idletime", 3, object_idletime},
    {"refcount", "object|refcount", 3, object_refcount},
};

std::string check_object(ArgList args) {
  return check_keyed_sub(args, kObjectSubcommands, "OBJECT");
}

void cmd_object(ExecContext& ctx) {
  find_keyed_sub(kObjectSubcommands, ctx.args[1])->run(ctx);
}

// MEMORY USAGE key [SAMPLES count]. Options are checked before the key is looked up. SAMPLES is
// accepted and ignored: db.memory_usage is exact, not sampled.
void memory_usage(ExecContext& ctx) {
  ArgList args = ctx.args;
  for (size_t j = 3; j < args.size(); ++j) {
    if (base::iequals(args[j], "samples") && j + 1 < args.size()) {
      std::optional<int64_t> samples = base::parse_int64(args[j + 1]);
      if (!samples) return ctx.rb.error(kErrNotInteger);
      if (*samples < 0) return ctx.rb.error(kErrSyntax);
      ++j;
    } else {
      return ctx.rb.error(kErrSyntax);
    }
  }
  const core::Entry* e = ctx.db.peek(args[2]);
  if (e == nullptr) return ctx.rb.null();
  ctx.rb.integer(static_cast<int64_t>(ctx.db.memory_usage(e)));
}

// Redis's text for the subcommands Shardis has (DOCTOR, MALLOC-STATS, PURGE and STATS are not
// implemented, so not listed).
void memory_help(ExecContext& ctx) {
  static constexpr std::string_view kHelp[] = {
      "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "USAGE <key> [SAMPLES <count>]",
      "    Return memory in bytes used by <key> and its value. Nested values are",
      "    sampled up to <count> times (default: 5, 0 means sample all).",
      "HELP",
      "    Prints this help.",
  };
  reply_help(ctx.rb, kHelp);
}

constexpr KeyedSubcommand kMemorySubcommands[] = {
    {"help", "memory|help", 2, memory_help},
    {"usage", "memory|usage", -3, memory_usage},
};

std::string check_memory(ArgList args) {
  return check_keyed_sub(args, kMemorySubcommands, "MEMORY");
}

void cmd_memory(ExecContext& ctx) {
  find_keyed_sub(kMemorySubcommands, ctx.args[1])->run(ctx);
}

// ---- COMMAND INFO / DOCS metadata (checked against redis-server 7.0.15) ----

#include "keyspace_family_args.inc"

constexpr std::string_view kMultiShardSum = "request_policy:multi_shard response_policy:agg_sum";
constexpr HistoryEntry kExpireOptions = {"7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."};
constexpr HistoryEntry kTtlMinusTwo = {"2.8.0", "Added the -2 reply."};
constexpr KeySpecMeta kSubKeyRo = {.index = 2, .flags = "RO"};

constexpr SubcommandMeta kMemorySubcommandMeta[] = {
    {.name = "memory|help",
     .arity = 2,
     .flags = kLoading | kStale,
     .acl = kAclSlow,
     .summary = kHelpSummary,
     .since = "4.0.0",
     .complexity = "O(1)"},
    {.name = "memory|usage",
     .arity = -3,
     .flags = kReadOnly,
     .acl = kAclRead | kAclSlow,
     .key = kSubKeyRo,
     .summary = "Estimate the memory usage of a key",
     .since = "4.0.0",
     .complexity = "O(N) where N is the number of samples.",
     .args = kMemoryUsageArgs},
};

constexpr uint32_t kAclObjectKey = kAclKeyspace | kAclRead | kAclSlow;

constexpr SubcommandMeta kObjectSubcommandMeta[] = {
    {.name = "object|encoding",
     .arity = 3,
     .flags = kReadOnly,
     .acl = kAclObjectKey,
     .key = kSubKeyRo,
     .tips = "nondeterministic_output",
     .summary = "Inspect the internal encoding of a Redis object",
     .since = "2.2.3",
     .complexity = "O(1)",
     .args = kObjectEncodingArgs},
    {.name = "object|freq",
     .arity = 3,
     .flags = kReadOnly,
     .acl = kAclObjectKey,
     .key = kSubKeyRo,
     .tips = "nondeterministic_output",
     .summary = "Get the logarithmic access frequency counter of a Redis object",
     .since = "4.0.0",
     .complexity = "O(1)",
     .args = kObjectFreqArgs},
    {.name = "object|help",
     .arity = 2,
     .flags = kLoading | kStale,
     .acl = kAclKeyspace | kAclSlow,
     .summary = kHelpSummary,
     .since = "6.2.0",
     .complexity = "O(1)"},
    {.name = "object|idletime",
     .arity = 3,
     .flags = kReadOnly,
     .acl = kAclObjectKey,
     .key = kSubKeyRo,
     .tips = "nondeterministic_output",
     .summary = "Get the time since a Redis object was last accessed",
     .since = "2.2.3",
     .complexity = "O(1)",
     .args = kObjectIdletimeArgs},
    {.name = "object|refcount",
     .arity = 3,
     .flags = kReadOnly,
     .acl = kAclObjectKey,
     .key = kSubKeyRo,
     .tips = "nondeterministic_output",
     .summary = "Get the number of references to the value of the key",
     .since = "2.2.3",
     .complexity = "O(1)",
     .args = kObjectRefcountArgs},
};

constexpr RedisMeta kDelMeta{.key_flags = "RM delete", .tips = kMultiShardSum, .args = kDelArgs};
constexpr RedisMeta kUnlinkMeta{
    .key_flags = "RM delete", .tips = kMultiShardSum, .args = kUnlinkArgs};
constexpr RedisMeta kExistsMeta{.key_flags = "RO",
                                .tips = kMultiShardSum,
                                .history = {{{"3.0.3", "Accepts multiple `key` arguments."}}},
                                .args = kExistsArgs};
constexpr RedisMeta kTouchMeta{.key_flags = "RO", .tips = kMultiShardSum, .args = kTouchArgs};
constexpr RedisMeta kTypeMeta{.key_flags = "RO", .args = kTypeArgs};
constexpr RedisMeta kExpireMeta{
    .key_flags = "RW update", .history = {{kExpireOptions}}, .args = kExpireArgs};
constexpr RedisMeta kPexpireMeta{
    .key_flags = "RW update", .history = {{kExpireOptions}}, .args = kPexpireArgs};
constexpr RedisMeta kExpireatMeta{
    .key_flags = "RW update", .history = {{kExpireOptions}}, .args = kExpireatArgs};
constexpr RedisMeta kPexpireatMeta{
    .key_flags = "RW update", .history = {{kExpireOptions}}, .args = kPexpireatArgs};
constexpr RedisMeta kTtlMeta{.key_flags = "RO access",
                             .tips = "nondeterministic_output",
                             .history = {{kTtlMinusTwo}},
                             .args = kTtlArgs};
constexpr RedisMeta kPttlMeta{.key_flags = "RO access",
                              .tips = "nondeterministic_output",
                              .history = {{kTtlMinusTwo}},
                              .args = kPttlArgs};
constexpr RedisMeta kExpiretimeMeta{.key_flags = "RO access", .args = kExpiretimeArgs};
constexpr RedisMeta kPexpiretimeMeta{.key_flags = "RO access", .args = kPexpiretimeArgs};
constexpr RedisMeta kPersistMeta{.key_flags = "RW update", .args = kPersistArgs};
constexpr RedisMeta kRenameMeta{
    .key_specs = {{{.index = 1, .flags = "RW access delete"}, {.index = 2, .flags = "OW update"}}},
    .args = kRenameArgs};
constexpr RedisMeta kRenamenxMeta{
    .key_specs = {{{.index = 1, .flags = "RW access delete"}, {.index = 2, .flags = "OW insert"}}},
    .history = {{{"3.2.0",
                  "The command no longer returns an error when source and destination names "
                  "are the same."}}},
    .args = kRenamenxArgs};
constexpr RedisMeta kCopyMeta{
    .key_specs = {{{.index = 1, .flags = "RO access"}, {.index = 2, .flags = "OW update"}}},
    .args = kCopyArgs};
constexpr RedisMeta kMoveMeta{.key_flags = "RW access update", .args = kMoveArgs};
constexpr RedisMeta kObjectMeta{.subcommands = kObjectSubcommandMeta};
constexpr RedisMeta kMemoryMeta{.subcommands = kMemorySubcommandMeta};

}  // namespace

void register_keyspace_family(Registry& r) {
  r.add({.name = "del",
         .arity = -2,
         .flags = kWrite,
         .keys = {1, -1, 1},
         .route = Route::kKeysFanout,
         .part = part_del,
         .merge = Merge::kSumInteger,
         .acl = kAclKeyspace | kAclWrite | kAclSlow,
         .group = "generic",
         .summary = "Delete a key",
         .since = "1.0.0",
         .complexity =
             "O(N) where N is the number of keys that will be removed. When a key to remove "
             "holds a value other than a string, the individual complexity for this key is O(M) "
             "where M is the number of elements in the list, set, sorted set or hash. Removing a "
             "single key that holds a string value is O(1).",
         .meta = &kDelMeta});
  r.add({.name = "unlink",
         .arity = -2,
         .flags = kWrite | kFast,
         .keys = {1, -1, 1},
         .route = Route::kKeysFanout,
         .part = part_del,
         .merge = Merge::kSumInteger,
         .acl = kAclKeyspace | kAclWrite | kAclFast,
         .group = "generic",
         .summary =
             "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non "
             "blocking.",
         .since = "4.0.0",
         .complexity =
             "O(1) for each key removed regardless of its size. Then the command does O(N) work "
             "in a different thread in order to reclaim memory, where N is the number of "
             "allocations the deleted objects where composed of.",
         .meta = &kUnlinkMeta});
  r.add({.name = "exists",
         .arity = -2,
         .flags = kReadOnly | kFast,
         .keys = {1, -1, 1},
         .route = Route::kKeysFanout,
         .part = part_exists,
         .merge = Merge::kSumInteger,
         .acl = kAclKeyspace | kAclRead | kAclFast,
         .group = "generic",
         .summary = "Determine if a key exists",
         .since = "1.0.0",
         .complexity = "O(N) where N is the number of keys to check.",
         .meta = &kExistsMeta});
  r.add({.name = "touch",
         .arity = -2,
         .flags = kReadOnly | kFast,
         .keys = {1, -1, 1},
         .route = Route::kKeysFanout,
         .part = part_touch,
         .merge = Merge::kSumInteger,
         .acl = kAclKeyspace | kAclRead | kAclFast,
         .group = "generic",
         .summary = "Alters the last access time of a key(s). Returns the number of existing keys "
                    "specified.",
         .since = "3.2.1",
         .complexity = "O(N) where N is the number of keys that will be touched.",
         .meta = &kTouchMeta});
  r.add({.name = "type",
         .arity = 2,
         .flags = kReadOnly | kFast,
         .keys = {1, 1, 1},
         .run = cmd_type,
         .acl = kAclKeyspace | kAclRead | kAclFast,
         .group = "generic",
         .summary = "Determine the type stored at key",
         .since = "1.0.0",
         .complexity = "O(1)",
         .meta = &kTypeMeta});
  r.add({.name = "expire",
         .arity = -3,
         .flags = kWrite | kFast,
         .keys = {1, 1, 1},
         .run = cmd_expire,
         .acl = kAclKeyspace | kAclWrite | kAclFast,
         .group = "generic",
         .summary = "Set a key's time to live in seconds",
         .since = "1.0.0",
         .complexity = "O(1)",
         .meta = &kExpireMeta});
  r.add({.name = "pexpire",
         .arity = -3,
         .flags = kWrite | kFast,
         .keys = {1, 1, 1},
         .run = cmd_pexpire,
         .acl = kAclKeyspace | kAclWrite | kAclFast,
         .group = "generic",
         .summary = "Set a key's time to live in milliseconds",
         .since = "2.6.0",
         .complexity = "O(1)",
         .meta = &kPexpireMeta});
  r.add({.name = "expireat",
         .arity = -3,
         .flags = kWrite | kFast,
         .keys = {1, 1, 1},
         .run = cmd_expireat,
         .acl = kAclKeyspace | kAclWrite | kAclFast,
         .group = "generic",
         .summary = "Set the expiration for a key as a UNIX timestamp",
         .since = "1.2.0",
         .complexity = "O(1)",
         .meta = &kExpireatMeta});
  r.add({.name = "pexpireat",
         .arity = -3,
         .flags = kWrite | kFast,
         .keys = {1, 1, 1},
         .run = cmd_pexpireat,
         .acl = kAclKeyspace | kAclWrite | kAclFast,
         .group = "generic",
         .summary = "Set the expiration for a key as a UNIX timestamp specified in milliseconds",
         .since = "2.6.0",
         .complexity = "O(1)",
         .meta = &kPexpireatMeta});
  r.add({.name = "ttl",
         .arity = 2,
         .flags = kReadOnly | kFast,
         .keys = {1, 1, 1},
         .run = cmd_ttl,
         .acl = kAclKeyspace | kAclRead | kAclFast,
         .group = "generic",
         .summary = "Get the time to live for a key in seconds",
         .since = "1.0.0",
         .complexity = "O(1)",
         .meta = &kTtlMeta});
  r.add({.name = "pttl",
         .arity = 2,
         .flags = kReadOnly | kFast,
         .keys = {1, 1, 1},
         .run = cmd_pttl,
         .acl = kAclKeyspace | kAclRead | kAclFast,
         .group = "generic",
         .summary = "Get the time to live for a key in milliseconds",
         .since = "2.6.0",
         .complexity = "O(1)",
         .meta = &kPttlMeta});
  r.add({.name = "expiretime",
         .arity = 2,
         .flags = kReadOnly | kFast,
         .keys = {1, 1, 1},
         .run = cmd_expiretime,
         .acl = kAclKeyspace | kAclRead | kAclFast,
         .group = "generic",
         .summary = "Get the expiration Unix timestamp for a key",
         .since = "7.0.0",
         .complexity = "O(1)",
         .meta = &kExpiretimeMeta});
  r.add({.name = "pexpiretime",
         .arity = 2,
         .flags = kReadOnly | kFast,
         .keys = {1, 1, 1},
         .run = cmd_pexpiretime,
         .acl = kAclKeyspace | kAclRead | kAclFast,
         .group = "generic",
         .summary = "Get the expiration Unix timestamp for a key in milliseconds",
         .since = "7.0.0",
         .complexity = "O(1)",
         .meta = &kPexpiretimeMeta});
  r.add({.name = "persist",
         .arity = 2,
         .flags = kWrite | kFast,
         .keys = {1, 1, 1},
         .run = cmd_persist,
         .acl = kAclKeyspace | kAclWrite | kAclFast,
         .group = "generic",
         .summary = "Remove the expiration from a key",
         .since = "2.2.0",
         .complexity = "O(1)",
         .meta = &kPersistMeta});
  r.add({.name = "rename",
         .arity = 3,
         .flags = kWrite,
         .keys = {1, 2, 1},
         .run = cmd_rename,
         .acl = kAclKeyspace | kAclWrite | kAclSlow,
         .group = "generic",
         .summary = "Rename a key",
         .since = "1.0.0",
         .complexity = "O(1)",
         .meta = &kRenameMeta});
  r.add({.name = "renamenx",
         .arity = 3,
         .flags = kWrite | kFast,
         .keys = {1, 2, 1},
         .run = cmd_renamenx,
         .acl = kAclKeyspace | kAclWrite | kAclFast,
         .group = "generic",
         .summary = "Rename a key, only if the new key does not exist",
         .since = "1.0.0",
         .complexity = "O(1)",
         .meta = &kRenamenxMeta});
  r.add({.name = "copy",
         .arity = -3,
         .flags = kWrite | kDenyOom,
         .keys = {1, 2, 1},
         .run = cmd_copy,
         .read_keys = copy_read_keys,
         .lock_keys = copy_lock_keys,
         .acl = kAclKeyspace | kAclWrite | kAclSlow,
         .group = "generic",
         .summary = "Copy a key",
         .since = "6.2.0",
         .complexity =
             "O(N) worst case for collections, where N is the number of nested items. O(1) for "
             "string values.",
         .meta = &kCopyMeta});
  r.add({.name = "move",
         .arity = 3,
         .flags = kWrite | kFast,
         .keys = {1, 1, 1},
         .run = cmd_move,
         .lock_keys = move_lock_keys,
         .acl = kAclKeyspace | kAclWrite | kAclFast,
         .group = "generic",
         .summary = "Move a key to another database",
         .since = "1.0.0",
         .complexity = "O(1)",
         .meta = &kMoveMeta});
  // Containers: COMMAND INFO reports no flags or keys of their own, as Redis does. The key of a
  // subcommand (argv[2]) picks the shard.
  r.add({.name = "object",
         .arity = -2,
         .route = Route::kKey,
         .run = cmd_object,
         .check = check_object,
         .pick_shard = pick_keyed_sub_shard,
         .acl = kAclSlow,
         .group = "generic",
         .summary = "A container for object introspection commands",
         .since = "2.2.3",
         .complexity = "Depends on subcommand.",
         .meta = &kObjectMeta});
  r.add({.name = "memory",
         .arity = -2,
         .route = Route::kKey,
         .run = cmd_memory,
         .check = check_memory,
         .pick_shard = pick_keyed_sub_shard,
         .acl = kAclSlow,
         .group = "server",
         .summary = "A container for memory diagnostics commands",
         .since = "4.0.0",
         .complexity = "Depends on subcommand.",
         .meta = &kMemoryMeta});
}

}  // namespace shardis::server
