// String commands: GET, SET and its variants, GETSET, GETDEL, MGET, MSET, APPEND, STRLEN and the
// INCR family, with Redis 7.0's replies and errors.
//
// Each cmd_* runs on the shard that owns its key: it parses the arguments, calls an op_* that
// works on the Db alone and returns a result, then writes exactly one reply. MGET and MSET fan
// out: their part_* run on every owning shard, fill a Partial and write no reply.
//
// Integers are stored as their decimal text; INCR and friends parse the stored text with the
// same rules as Redis (base::parse_int64), so "007" or " 1" are not integers.
#include <shardis/base/number_format.h>
#include <shardis/server/command.h>
#include <shardis/server/db.h>
#include <shardis/server/families/family_util.h>
#include <shardis/server/registry.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace shardis::server {
namespace {

constexpr int64_t kMaxInt64 = std::numeric_limits<int64_t>::max();
constexpr int64_t kMinInt64 = std::numeric_limits<int64_t>::min();
// Redis's default proto-max-bulk-len: no string may grow past it.
constexpr size_t kMaxStringLen = 512ull * 1024 * 1024;

constexpr std::string_view kErrOverflow = "ERR increment or decrement would overflow";
constexpr std::string_view kErrDecrOverflow = "ERR decrement would overflow";
constexpr std::string_view kErrTooLarge =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

enum class OpStatus : uint8_t { kOk, kWrongType, kNotInteger, kOverflow, kTooLarge };

void reply_status_error(proto::ReplyBuilder& rb, OpStatus s) {
  switch (s) {
    case OpStatus::kOk:
      return;
    case OpStatus::kWrongType:
      rb.error(kErrWrongType);
      return;
    case OpStatus::kNotInteger:
      rb.error(kErrNotInteger);
      return;
    case OpStatus::kOverflow:
      rb.error(kErrOverflow);
      return;
    case OpStatus::kTooLarge:
      rb.error(kErrTooLarge);
      return;
  }
}

void reply_optional_bulk(proto::ReplyBuilder& rb, const std::optional<std::string>& v) {
  if (v) {
    rb.bulk(*v);
  } else {
    rb.null();
  }
}

Value string_value(std::string_view s) {
  return Value{ObjType::kString, std::string(s)};
}

// ---- Expiry arguments (SET EX/PX/EXAT/PXAT, SETEX, PSETEX) ----

enum class ExpiryError : uint8_t { kNone, kNotInteger, kInvalid };

// The absolute expiry (ms since epoch) for an expiry argument, with Redis's rules: the value must
// be a positive integer, and the time in milliseconds, after adding `now` for a relative one,
// must fit in int64.
ExpiryError parse_expiry(std::string_view arg, bool seconds, bool relative, int64_t now,
                         int64_t* at_ms) {
  std::optional<int64_t> v = base::parse_int64(arg);
  if (!v) return ExpiryError::kNotInteger;
  if (*v <= 0) return ExpiryError::kInvalid;
  std::optional<int64_t> at = absolute_expire_ms(*v, seconds, relative ? now : 0);
  if (!at) return ExpiryError::kInvalid;
  *at_ms = *at;
  return ExpiryError::kNone;
}

// Replies the error for a failed parse_expiry; false when there was none.
bool reply_expiry_error(proto::ReplyBuilder& rb, ExpiryError e, std::string_view cmd) {
  switch (e) {
    case ExpiryError::kNone:
      return false;
    case ExpiryError::kNotInteger:
      rb.error(kErrNotInteger);
      return true;
    case ExpiryError::kInvalid:
      rb.error(err_invalid_expire(cmd));
      return true;
  }
  return false;
}

// ---- Shard operations ----

struct GetResult {
  OpStatus status = OpStatus::kOk;
  std::optional<std::string> value;
};

GetResult op_get(Db& db, std::string_view key) {
  const Value* v = db.find(key);
  if (v == nullptr) return {};
  if (v->type != ObjType::kString) return {OpStatus::kWrongType, std::nullopt};
  return {OpStatus::kOk, v->str};
}

enum class SetCondition : uint8_t { kAlways, kIfAbsent, kIfPresent };

struct SetParams {
  SetCondition cond = SetCondition::kAlways;
  bool get = false;        // reply with the old value instead of OK
  bool keep_ttl = false;   // keep the TTL of an existing key
  int64_t expire_at = -1;  // absolute ms, or -1 for no TTL
};

struct SetResult {
  OpStatus status = OpStatus::kOk;
  bool written = false;
  std::optional<std::string> old;  // the previous value, filled only for params.get
};

SetResult op_set(Db& db, std::string_view key, std::string_view value, const SetParams& params) {
  SetResult res;
  Value* cur = db.find(key);
  if (params.get && cur != nullptr) {
    if (cur->type != ObjType::kString) return {OpStatus::kWrongType, false, std::nullopt};
    res.old = cur->str;
  }
  bool found = cur != nullptr;
  if ((params.cond == SetCondition::kIfAbsent && found) ||
      (params.cond == SetCondition::kIfPresent && !found)) {
    return res;
  }
  int64_t expire_at = params.expire_at;
  if (params.keep_ttl && found) expire_at = db.expire_at(key);
  db.overwrite(key, string_value(value));
  if (expire_at >= 0) db.set_expire_at(key, expire_at);
  res.written = true;
  return res;
}

GetResult op_getdel(Db& db, std::string_view key) {
  GetResult res = op_get(db, key);
  if (res.status == OpStatus::kOk && res.value) db.erase(key);
  return res;
}

struct IntResult {
  OpStatus status = OpStatus::kOk;
  int64_t value = 0;
};

// Adds delta to the integer stored at key (0 when absent). The TTL of an existing key is kept.
IntResult op_incr_by(Db& db, std::string_view key, int64_t delta) {
  Value* v = db.find(key);
  int64_t cur = 0;
  if (v != nullptr) {
    if (v->type != ObjType::kString) return {OpStatus::kWrongType, 0};
    std::optional<int64_t> parsed = base::parse_int64(v->str);
    if (!parsed) return {OpStatus::kNotInteger, 0};
    cur = *parsed;
  }
  if ((delta < 0 && cur < 0 && delta < kMinInt64 - cur) ||
      (delta > 0 && cur > 0 && delta > kMaxInt64 - cur)) {
    return {OpStatus::kOverflow, 0};
  }
  int64_t next = cur + delta;
  std::string text = base::int64_to_string(next);
  if (v != nullptr) {
    v->str = std::move(text);
  } else {
    db.overwrite(key, Value{ObjType::kString, std::move(text)});
  }
  return {OpStatus::kOk, next};
}

// Appends to the string at key, creating it when absent; returns the new length.
IntResult op_append(Db& db, std::string_view key, std::string_view tail) {
  Value* v = db.find(key);
  if (v == nullptr) {
    db.overwrite(key, string_value(tail));
    return {OpStatus::kOk, static_cast<int64_t>(tail.size())};
  }
  if (v->type != ObjType::kString) return {OpStatus::kWrongType, 0};
  if (v->str.size() + tail.size() > kMaxStringLen) return {OpStatus::kTooLarge, 0};
  v->str.append(tail);
  return {OpStatus::kOk, static_cast<int64_t>(v->str.size())};
}

IntResult op_strlen(Db& db, std::string_view key) {
  const Value* v = db.find(key);
  if (v == nullptr) return {};
  if (v->type != ObjType::kString) return {OpStatus::kWrongType, 0};
  return {OpStatus::kOk, static_cast<int64_t>(v->str.size())};
}

// ---- Commands ----

void cmd_get(ExecContext& ctx) {
  GetResult res = op_get(ctx.db, ctx.args[1]);
  if (res.status != OpStatus::kOk) return reply_status_error(ctx.rb, res.status);
  reply_optional_bulk(ctx.rb, res.value);
}

enum class ExpiryKind : uint8_t { kNone, kEx, kPx, kExAt, kPxAt };

// SET key value [NX | XX] [GET] [EX s | PX ms | EXAT ts | PXAT ms-ts | KEEPTTL]
// Options may repeat; conflicting ones are a syntax error. The whole option list is checked
// before the expiry value is parsed, as Redis does.
void cmd_set(ExecContext& ctx) {
  SetParams params;
  ExpiryKind expiry = ExpiryKind::kNone;
  std::string_view expiry_arg;
  ArgList args = ctx.args;
  for (size_t j = 3; j < args.size(); ++j) {
    std::string_view opt = args[j];
    bool has_next = j + 1 < args.size();
    auto other_expiry = [&](ExpiryKind self) {
      return params.keep_ttl || (expiry != ExpiryKind::kNone && expiry != self);
    };
    if (base::iequals(opt, "nx") && params.cond != SetCondition::kIfPresent) {
      params.cond = SetCondition::kIfAbsent;
    } else if (base::iequals(opt, "xx") && params.cond != SetCondition::kIfAbsent) {
      params.cond = SetCondition::kIfPresent;
    } else if (base::iequals(opt, "get")) {
      params.get = true;
    } else if (base::iequals(opt, "keepttl") && expiry == ExpiryKind::kNone) {
      params.keep_ttl = true;
    } else if (has_next && base::iequals(opt, "ex") && !other_expiry(ExpiryKind::kEx)) {
      expiry = ExpiryKind::kEx;
      expiry_arg = args[++j];
    } else if (has_next && base::iequals(opt, "px") && !other_expiry(ExpiryKind::kPx)) {
      expiry = ExpiryKind::kPx;
      expiry_arg = args[++j];
    } else if (has_next && base::iequals(opt, "exat") && !other_expiry(ExpiryKind::kExAt)) {
      expiry = ExpiryKind::kExAt;
      expiry_arg = args[++j];
    } else if (has_next && base::iequals(opt, "pxat") && !other_expiry(ExpiryKind::kPxAt)) {
      expiry = ExpiryKind::kPxAt;
      expiry_arg = args[++j];
    } else {
      return ctx.rb.error(kErrSyntax);
    }
  }
  if (expiry != ExpiryKind::kNone) {
    bool seconds = expiry == ExpiryKind::kEx || expiry == ExpiryKind::kExAt;
    bool relative = expiry == ExpiryKind::kEx || expiry == ExpiryKind::kPx;
    ExpiryError e = parse_expiry(expiry_arg, seconds, relative, ctx.db.now_ms(), &params.expire_at);
    if (reply_expiry_error(ctx.rb, e, "set")) return;
  }
  SetResult res = op_set(ctx.db, args[1], args[2], params);
  if (res.status != OpStatus::kOk) return reply_status_error(ctx.rb, res.status);
  if (params.get) return reply_optional_bulk(ctx.rb, res.old);
  if (res.written) return ctx.rb.ok();
  ctx.rb.null();
}

void cmd_setnx(ExecContext& ctx) {
  SetParams params{.cond = SetCondition::kIfAbsent};
  SetResult res = op_set(ctx.db, ctx.args[1], ctx.args[2], params);
  ctx.rb.integer(res.written ? 1 : 0);
}

// SETEX key seconds value / PSETEX key milliseconds value.
void set_with_ttl(ExecContext& ctx, bool seconds, std::string_view cmd) {
  SetParams params;
  ExpiryError e = parse_expiry(ctx.args[2], seconds, true, ctx.db.now_ms(), &params.expire_at);
  if (reply_expiry_error(ctx.rb, e, cmd)) return;
  op_set(ctx.db, ctx.args[1], ctx.args[3], params);
  ctx.rb.ok();
}

void cmd_setex(ExecContext& ctx) {
  set_with_ttl(ctx, true, "setex");
}
void cmd_psetex(ExecContext& ctx) {
  set_with_ttl(ctx, false, "psetex");
}

void cmd_getset(ExecContext& ctx) {
  SetResult res = op_set(ctx.db, ctx.args[1], ctx.args[2], SetParams{.get = true});
  if (res.status != OpStatus::kOk) return reply_status_error(ctx.rb, res.status);
  reply_optional_bulk(ctx.rb, res.old);
}

void cmd_getdel(ExecContext& ctx) {
  GetResult res = op_getdel(ctx.db, ctx.args[1]);
  if (res.status != OpStatus::kOk) return reply_status_error(ctx.rb, res.status);
  reply_optional_bulk(ctx.rb, res.value);
}

// MGET: a key that is missing or not a string reads as nil.
void part_mget(ExecContext& ctx, std::span<const uint32_t> key_idx, Partial& out) {
  out.values.reserve(key_idx.size());
  for (uint32_t i : key_idx) {
    GetResult res = op_get(ctx.db, ctx.args[i]);
    out.values.push_back(std::move(res.value));
  }
}

std::string check_mset(ArgList args) {
  return args.size() % 2 == 0 ? err_wrong_args("mset") : std::string();
}

void part_mset(ExecContext& ctx, std::span<const uint32_t> key_idx, Partial&) {
  for (uint32_t i : key_idx) ctx.db.overwrite(ctx.args[i], string_value(ctx.args[i + 1]));
}

void cmd_append(ExecContext& ctx) {
  IntResult res = op_append(ctx.db, ctx.args[1], ctx.args[2]);
  if (res.status != OpStatus::kOk) return reply_status_error(ctx.rb, res.status);
  ctx.rb.integer(res.value);
}

void cmd_strlen(ExecContext& ctx) {
  IntResult res = op_strlen(ctx.db, ctx.args[1]);
  if (res.status != OpStatus::kOk) return reply_status_error(ctx.rb, res.status);
  ctx.rb.integer(res.value);
}

void incr_by(ExecContext& ctx, int64_t delta) {
  IntResult res = op_incr_by(ctx.db, ctx.args[1], delta);
  if (res.status != OpStatus::kOk) return reply_status_error(ctx.rb, res.status);
  ctx.rb.integer(res.value);
}

void cmd_incr(ExecContext& ctx) {
  incr_by(ctx, 1);
}
void cmd_decr(ExecContext& ctx) {
  incr_by(ctx, -1);
}

void cmd_incrby(ExecContext& ctx) {
  std::optional<int64_t> delta = base::parse_int64(ctx.args[2]);
  if (!delta) return ctx.rb.error(kErrNotInteger);
  incr_by(ctx, *delta);
}

void cmd_decrby(ExecContext& ctx) {
  std::optional<int64_t> delta = base::parse_int64(ctx.args[2]);
  if (!delta) return ctx.rb.error(kErrNotInteger);
  // The negation of INT64_MIN does not exist; Redis reports it before looking at the key.
  if (*delta == kMinInt64) return ctx.rb.error(kErrDecrOverflow);
  incr_by(ctx, -*delta);
}

}  // namespace

void register_string_family(Registry& r) {
  constexpr uint32_t kReadFast = kAclRead | kAclString | kAclFast;
  constexpr uint32_t kWriteFast = kAclWrite | kAclString | kAclFast;
  constexpr uint32_t kWriteSlow = kAclWrite | kAclString | kAclSlow;
  r.add({.name = "get",
         .arity = 2,
         .flags = kReadOnly | kFast,
         .keys = {1, 1, 1},
         .run = cmd_get,
         .acl = kReadFast,
         .group = "string",
         .summary = "Get the value of a key",
         .since = "1.0.0",
         .complexity = "O(1)"});
  r.add({.name = "set",
         .arity = -3,
         .flags = kWrite | kDenyOom,
         .keys = {1, 1, 1},
         .run = cmd_set,
         .acl = kWriteSlow,
         .group = "string",
         .summary = "Set the string value of a key",
         .since = "1.0.0",
         .complexity = "O(1)"});
  r.add({.name = "setnx",
         .arity = 3,
         .flags = kWrite | kDenyOom | kFast,
         .keys = {1, 1, 1},
         .run = cmd_setnx,
         .acl = kWriteFast,
         .group = "string",
         .summary = "Set the value of a key, only if the key does not exist",
         .since = "1.0.0",
         .complexity = "O(1)"});
  r.add({.name = "setex",
         .arity = 4,
         .flags = kWrite | kDenyOom,
         .keys = {1, 1, 1},
         .run = cmd_setex,
         .acl = kWriteSlow,
         .group = "string",
         .summary = "Set the value and expiration of a key",
         .since = "2.0.0",
         .complexity = "O(1)"});
  r.add({.name = "psetex",
         .arity = 4,
         .flags = kWrite | kDenyOom,
         .keys = {1, 1, 1},
         .run = cmd_psetex,
         .acl = kWriteSlow,
         .group = "string",
         .summary = "Set the value and expiration in milliseconds of a key",
         .since = "2.6.0",
         .complexity = "O(1)"});
  r.add({.name = "getset",
         .arity = 3,
         .flags = kWrite | kDenyOom | kFast,
         .keys = {1, 1, 1},
         .run = cmd_getset,
         .acl = kWriteFast,
         .group = "string",
         .summary = "Set the string value of a key and return its old value",
         .since = "1.0.0",
         .complexity = "O(1)"});
  r.add({.name = "getdel",
         .arity = 2,
         .flags = kWrite | kFast,
         .keys = {1, 1, 1},
         .run = cmd_getdel,
         .acl = kWriteFast,
         .group = "string",
         .summary = "Get the value of a key and delete the key",
         .since = "6.2.0",
         .complexity = "O(1)"});
  r.add({.name = "mget",
         .arity = -2,
         .flags = kReadOnly | kFast,
         .keys = {1, -1, 1},
         .route = Route::kKeysFanout,
         .part = part_mget,
         .merge = Merge::kArrayByIndex,
         .acl = kReadFast,
         .group = "string",
         .summary = "Get the values of all the given keys",
         .since = "1.0.0",
         .complexity = "O(N) where N is the number of keys to retrieve."});
  r.add({.name = "mset",
         .arity = -3,
         .flags = kWrite | kDenyOom,
         .keys = {1, -1, 2},
         .route = Route::kKeysFanout,
         .part = part_mset,
         .merge = Merge::kOk,
         .check = check_mset,
         .acl = kWriteSlow,
         .group = "string",
         .summary = "Set multiple keys to multiple values",
         .since = "1.0.1",
         .complexity = "O(N) where N is the number of keys to set."});
  r.add({.name = "append",
         .arity = 3,
         .flags = kWrite | kDenyOom | kFast,
         .keys = {1, 1, 1},
         .run = cmd_append,
         .acl = kWriteFast,
         .group = "string",
         .summary = "Append a value to a key",
         .since = "2.0.0",
         .complexity =
             "O(1). The amortized time complexity is O(1) assuming the appended value is small "
             "and the already present value is of any size, since the dynamic string library "
             "used by Redis will double the free space available on every reallocation."});
  r.add({.name = "strlen",
         .arity = 2,
         .flags = kReadOnly | kFast,
         .keys = {1, 1, 1},
         .run = cmd_strlen,
         .acl = kReadFast,
         .group = "string",
         .summary = "Get the length of the value stored in a key",
         .since = "2.2.0",
         .complexity = "O(1)"});
  r.add({.name = "incr",
         .arity = 2,
         .flags = kWrite | kDenyOom | kFast,
         .keys = {1, 1, 1},
         .run = cmd_incr,
         .acl = kWriteFast,
         .group = "string",
         .summary = "Increment the integer value of a key by one",
         .since = "1.0.0",
         .complexity = "O(1)"});
  r.add({.name = "decr",
         .arity = 2,
         .flags = kWrite | kDenyOom | kFast,
         .keys = {1, 1, 1},
         .run = cmd_decr,
         .acl = kWriteFast,
         .group = "string",
         .summary = "Decrement the integer value of a key by one",
         .since = "1.0.0",
         .complexity = "O(1)"});
  r.add({.name = "incrby",
         .arity = 3,
         .flags = kWrite | kDenyOom | kFast,
         .keys = {1, 1, 1},
         .run = cmd_incrby,
         .acl = kWriteFast,
         .group = "string",
         .summary = "Increment the integer value of a key by the given amount",
         .since = "1.0.0",
         .complexity = "O(1)"});
  r.add({.name = "decrby",
         .arity = 3,
         .flags = kWrite | kDenyOom | kFast,
         .keys = {1, 1, 1},
         .run = cmd_decrby,
         .acl = kWriteFast,
         .group = "string",
         .summary = "Decrement the integer value of a key by the given number",
         .since = "1.0.0",
         .complexity = "O(1)"});
}

}  // namespace shardis::server
