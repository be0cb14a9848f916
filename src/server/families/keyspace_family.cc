// Keyspace commands, whatever the type of the value: DEL, UNLINK, EXISTS, TOUCH, TYPE, EXPIRE,
// PEXPIRE, TTL, PTTL and PERSIST, with Redis 7.0's replies and errors.
//
// The multi-key commands fan out: each part_* runs on a shard that owns some of the keys and
// counts into its Partial; the coordinator sums the counts. The single-key cmd_* run on the
// owning shard, call an op_* that works on the Db alone and write exactly one reply.
#include <shardis/base/number_format.h>
#include <shardis/server/command.h>
#include <shardis/server/db.h>
#include <shardis/server/families/family_util.h>
#include <shardis/server/registry.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace shardis::server {
namespace {

// ---- DEL / UNLINK / EXISTS / TOUCH ----

// A key named twice is removed once, so it counts once.
void part_del(ExecContext& ctx, std::span<const uint32_t> key_idx, Partial& out) {
  for (uint32_t i : key_idx) out.count += ctx.db.erase(ctx.args[i]) ? 1 : 0;
}

// A key named twice counts twice (EXISTS and TOUCH).
void part_exists(ExecContext& ctx, std::span<const uint32_t> key_idx, Partial& out) {
  for (uint32_t i : key_idx) out.count += ctx.db.find(ctx.args[i]) != nullptr ? 1 : 0;
}

void cmd_type(ExecContext& ctx) {
  const Value* v = ctx.db.find(ctx.args[1]);
  ctx.rb.simple(v == nullptr ? "none" : type_name(v->type));
}

// ---- EXPIRE / PEXPIRE ----

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

// EXPIRE key seconds [NX|XX|GT|LT] / PEXPIRE key ms [...]. Negative times are allowed (they
// delete the key) but the absolute time in ms must fit in int64.
void expire_generic(ExecContext& ctx, bool seconds, std::string_view cmd) {
  uint8_t flags = 0;
  std::string err = parse_expire_flags(ctx.args, &flags);
  if (!err.empty()) return ctx.rb.error(err);
  std::optional<int64_t> when = base::parse_int64(ctx.args[2]);
  if (!when) return ctx.rb.error(kErrNotInteger);
  std::optional<int64_t> at = absolute_expire_ms(*when, seconds, ctx.db.now_ms());
  if (!at) return ctx.rb.error(err_invalid_expire(cmd));
  ctx.rb.integer(op_expire(ctx.db, ctx.args[1], *at, flags) ? 1 : 0);
}

void cmd_expire(ExecContext& ctx) {
  expire_generic(ctx, true, "expire");
}
void cmd_pexpire(ExecContext& ctx) {
  expire_generic(ctx, false, "pexpire");
}

// ---- TTL / PTTL / PERSIST ----

// Remaining time to live in ms; -2 when the key is missing, -1 when it has no TTL.
int64_t op_pttl(Db& db, std::string_view key) {
  if (db.find(key) == nullptr) return -2;
  int64_t at = db.expire_at(key);
  if (at < 0) return -1;
  int64_t left = at - db.now_ms();
  return left < 0 ? 0 : left;
}

void cmd_ttl(ExecContext& ctx) {
  int64_t ms = op_pttl(ctx.db, ctx.args[1]);
  // Redis rounds to the nearest second.
  ctx.rb.integer(ms < 0 ? ms : (ms + 500) / 1000);
}

void cmd_pttl(ExecContext& ctx) {
  ctx.rb.integer(op_pttl(ctx.db, ctx.args[1]));
}

void cmd_persist(ExecContext& ctx) {
  bool changed = ctx.db.find(ctx.args[1]) != nullptr && ctx.db.persist(ctx.args[1]);
  ctx.rb.integer(changed ? 1 : 0);
}

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
             "single key that holds a string value is O(1)."});
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
             "allocations the deleted objects where composed of."});
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
         .complexity = "O(N) where N is the number of keys to check."});
  r.add({.name = "touch",
         .arity = -2,
         .flags = kReadOnly | kFast,
         .keys = {1, -1, 1},
         .route = Route::kKeysFanout,
         .part = part_exists,
         .merge = Merge::kSumInteger,
         .acl = kAclKeyspace | kAclRead | kAclFast,
         .group = "generic",
         .summary = "Alters the last access time of a key(s). Returns the number of existing keys "
                    "specified.",
         .since = "3.2.1",
         .complexity = "O(N) where N is the number of keys that will be touched."});
  r.add({.name = "type",
         .arity = 2,
         .flags = kReadOnly | kFast,
         .keys = {1, 1, 1},
         .run = cmd_type,
         .acl = kAclKeyspace | kAclRead | kAclFast,
         .group = "generic",
         .summary = "Determine the type stored at key",
         .since = "1.0.0",
         .complexity = "O(1)"});
  r.add({.name = "expire",
         .arity = -3,
         .flags = kWrite | kFast,
         .keys = {1, 1, 1},
         .run = cmd_expire,
         .acl = kAclKeyspace | kAclWrite | kAclFast,
         .group = "generic",
         .summary = "Set a key's time to live in seconds",
         .since = "1.0.0",
         .complexity = "O(1)"});
  r.add({.name = "pexpire",
         .arity = -3,
         .flags = kWrite | kFast,
         .keys = {1, 1, 1},
         .run = cmd_pexpire,
         .acl = kAclKeyspace | kAclWrite | kAclFast,
         .group = "generic",
         .summary = "Set a key's time to live in milliseconds",
         .since = "2.6.0",
         .complexity = "O(1)"});
  r.add({.name = "ttl",
         .arity = 2,
         .flags = kReadOnly | kFast,
         .keys = {1, 1, 1},
         .run = cmd_ttl,
         .acl = kAclKeyspace | kAclRead | kAclFast,
         .group = "generic",
         .summary = "Get the time to live for a key in seconds",
         .since = "1.0.0",
         .complexity = "O(1)"});
  r.add({.name = "pttl",
         .arity = 2,
         .flags = kReadOnly | kFast,
         .keys = {1, 1, 1},
         .run = cmd_pttl,
         .acl = kAclKeyspace | kAclRead | kAclFast,
         .group = "generic",
         .summary = "Get the time to live for a key in milliseconds",
         .since = "2.6.0",
         .complexity = "O(1)"});
  r.add({.name = "persist",
         .arity = 2,
         .flags = kWrite | kFast,
         .keys = {1, 1, 1},
         .run = cmd_persist,
         .acl = kAclKeyspace | kAclWrite | kAclFast,
         .group = "generic",
         .summary = "Remove the expiration from a key",
         .since = "2.2.0",
         .complexity = "O(1)"});
}

}  // namespace shardis::server
