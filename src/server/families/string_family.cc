// String commands: GET, SET and its variants, GETSET, GETDEL, GETEX, MGET, MSET, MSETNX, APPEND,
// STRLEN, GETRANGE, SUBSTR, SETRANGE, the INCR family and INCRBYFLOAT, with Redis 7.0's
// replies and errors.
//
// Each cmd_* runs on the shard that owns its key(s): it parses the arguments, calls an op_* that
// works on the Db alone and returns a result, then writes exactly one reply. MGET and MSET fan
// out: their part_* run on every owning shard, fill a Partial and write no reply. MSETNX names
// several keys and runs whole: on their shard, or, when they span shards, on a scratch store the
// keys are moved into (txn/txn.h).
//
// Every write reports what it changed and fires Redis's keyspace events ("set", "expire",
// "append", "incrby", ...) through ExecContext, and names its deterministic form where Redis
// propagates one other than the command as sent: a relative TTL becomes SET ... PXAT or
// PEXPIREAT, GETSET becomes SET, GETDEL becomes DEL, INCRBYFLOAT becomes SET ... KEEPTTL. A
// command that changes nothing (SET NX on an existing key, SETRANGE of nothing) reports nothing
// and is not propagated, as in Redis.
//
// Values are stored as Redis encodes them (see Db): INCR and friends read an int-encoded value
// directly and parse any other with Redis's rules (base::parse_int64), so "007" or " 1" are not
// integers. Entry pointers die at the next non-const Db call, so an op copies what it needs out
// of an entry before it touches the Db again.
#include <shardis/base/number_format.h>
#include <shardis/server/command.h>
#include <shardis/server/db.h>
#include <shardis/server/families/family_util.h>
#include <shardis/server/registry.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "command_meta.h"
#include "string_args.h"

namespace shardis::server {
namespace {

using namespace string_args;  // NOLINT: the option parsers of these commands

constexpr int64_t kMaxInt64 = std::numeric_limits<int64_t>::max();
constexpr int64_t kMinInt64 = std::numeric_limits<int64_t>::min();

constexpr std::string_view kErrOverflow = "ERR increment or decrement would overflow";
constexpr std::string_view kErrDecrOverflow = "ERR decrement would overflow";
constexpr std::string_view kErrNanOrInf = "ERR increment would produce NaN or Infinity";
constexpr std::string_view kErrOffsetRange = "ERR offset is out of range";

enum class OpStatus : uint8_t {
  kOk,
  kWrongType,
  kNotInteger,
  kNotFloat,
  kOverflow,
  kNanOrInf,
  kTooLarge,
};

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
    case OpStatus::kNotFloat:
      rb.error(kErrNotFloat);
      return;
    case OpStatus::kOverflow:
      rb.error(kErrOverflow);
      return;
    case OpStatus::kNanOrInf:
      rb.error(kErrNanOrInf);
      return;
    case OpStatus::kTooLarge:
      rb.error(kErrStringTooLarge);
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

bool is_string(const core::Entry* e) {
  return Db::type_of(e) == ObjType::kString;
}

// Redis checkStringLength: a value of `size` bytes may not grow by `append` past the limit.
bool fits_string_limit(size_t size, size_t append) {
  return size <= kMaxStringLen && append <= kMaxStringLen - size;
}

// ---- Shard operations ----

struct GetResult {
  OpStatus status = OpStatus::kOk;
  std::optional<std::string> value;
};

GetResult op_get(Db& db, std::string_view key) {
  const core::Entry* e = db.find(key);
  if (e == nullptr) return {};
  if (!is_string(e)) return {OpStatus::kWrongType, std::nullopt};
  return {OpStatus::kOk, Db::string_copy(e)};
}

struct SetResult {
  OpStatus status = OpStatus::kOk;
  bool written = false;
  std::optional<std::string> old;  // the previous value, filled only for params.get
};

SetResult op_set(Db& db, std::string_view key, std::string_view value, const SetParams& params) {
  SetResult res;
  const core::Entry* cur = db.find(key);
  if (params.get && cur != nullptr) {
    if (!is_string(cur)) return {OpStatus::kWrongType, false, std::nullopt};
    res.old = Db::string_copy(cur);
  }
  bool found = cur != nullptr;
  if ((params.cond == SetCondition::kIfAbsent && found) ||
      (params.cond == SetCondition::kIfPresent && !found)) {
    return res;
  }
  if (params.expire_at >= 0) {
    db.set_string_expire_at(key, value, params.expire_at);
  } else {
    db.set_string(key, value, params.keep_ttl);
  }
  res.written = true;
  return res;
}

GetResult op_getdel(Db& db, std::string_view key) {
  GetResult res = op_get(db, key);
  if (res.status == OpStatus::kOk && res.value) db.erase(key);
  return res;
}

// What GETEX did to the key's TTL.
enum class GetexChange : uint8_t { kNone, kExpire, kDeleted, kPersisted };

struct GetexResult {
  OpStatus status = OpStatus::kOk;
  ExpiryError expiry_error = ExpiryError::kNone;
  std::optional<std::string> value;
  GetexChange change = GetexChange::kNone;
  int64_t expire_at = -1;  // kExpire: the new absolute expiry
};

// Redis 7.0 reads the key before it parses the expiry value: a missing key answers nil whatever
// the value, a key of another type WRONGTYPE.
GetexResult op_getex(Db& db, std::string_view key, const GetexParams& params) {
  const core::Entry* e = db.find(key);
  if (e == nullptr) return {};
  if (!is_string(e)) return {OpStatus::kWrongType, ExpiryError::kNone, std::nullopt};
  int64_t at = -1;
  if (params.expiry != ExpiryKind::kNone) {
    ExpiryError err = parse_expiry_of(params.expiry, params.expiry_arg, db.now_ms(), &at);
    if (err != ExpiryError::kNone) return {OpStatus::kOk, err, std::nullopt};
  }
  GetexResult res{OpStatus::kOk, ExpiryError::kNone, Db::string_copy(e)};
  if (at >= 0) {
    // An EXAT/PXAT already past deletes the key (EX/PX are always in the future).
    res.change = at <= db.now_ms() ? GetexChange::kDeleted : GetexChange::kExpire;
    res.expire_at = at;
    db.set_expire_at(key, at);
  } else if (params.persist && db.persist(key)) {
    res.change = GetexChange::kPersisted;
  }
  return res;
}

struct IntResult {
  OpStatus status = OpStatus::kOk;
  int64_t value = 0;
};

// Adds delta to the integer stored at key (0 when absent). The TTL of an existing key is kept.
IntResult op_incr_by(Db& db, std::string_view key, int64_t delta) {
  const core::Entry* e = db.find(key);
  int64_t cur = 0;
  if (e != nullptr) {
    if (!is_string(e)) return {OpStatus::kWrongType, 0};
    if (e->kind() == core::ValueKind::kInt) {
      cur = e->int_value();
    } else {
      std::string scratch;
      std::optional<int64_t> parsed = base::parse_int64(Db::string_of(e, scratch));
      if (!parsed) return {OpStatus::kNotInteger, 0};
      cur = *parsed;
    }
  }
  if ((delta < 0 && cur < 0 && delta < kMinInt64 - cur) ||
      (delta > 0 && cur > 0 && delta > kMaxInt64 - cur)) {
    return {OpStatus::kOverflow, 0};
  }
  int64_t next = cur + delta;
  db.set_int(key, next);
  return {OpStatus::kOk, next};
}

struct FloatResult {
  OpStatus status = OpStatus::kOk;
  std::string text;  // the new value as stored and replied
};

// INCRBYFLOAT: the stored value is checked before the increment, as Redis does. The result is
// stored as its text (never int-encoded, whatever it looks like), keeping the TTL.
FloatResult op_incr_by_float(Db& db, std::string_view key, std::string_view incr_arg) {
  const core::Entry* e = db.find(key);
  long double value = 0;
  if (e != nullptr) {
    if (!is_string(e)) return {OpStatus::kWrongType, {}};
    if (e->kind() == core::ValueKind::kInt) {
      value = static_cast<long double>(e->int_value());
    } else {
      std::string scratch;
      std::optional<long double> parsed = base::parse_long_double(Db::string_of(e, scratch));
      if (!parsed) return {OpStatus::kNotFloat, {}};
      value = *parsed;
    }
  }
  std::optional<long double> incr = base::parse_long_double(incr_arg);
  if (!incr) return {OpStatus::kNotFloat, {}};
  value += *incr;
  if (std::isnan(value) || std::isinf(value)) return {OpStatus::kNanOrInf, {}};
  FloatResult res{OpStatus::kOk, base::long_double_to_human(value)};
  db.set_string_keep_ttl(key, res.text);
  return res;
}

// Appends to the string at key, creating it when absent; returns the new length.
IntResult op_append(Db& db, std::string_view key, std::string_view tail) {
  const core::Entry* e = db.find(key);
  if (e == nullptr) {
    db.set_string(key, tail);
    return {OpStatus::kOk, static_cast<int64_t>(tail.size())};
  }
  if (!is_string(e)) return {OpStatus::kWrongType, 0};
  if (!fits_string_limit(Db::string_len(e), tail.size())) return {OpStatus::kTooLarge, 0};
  std::string* s = db.mutable_string(key, false);
  s->append(tail);
  return {OpStatus::kOk, static_cast<int64_t>(s->size())};
}

IntResult op_strlen(Db& db, std::string_view key) {
  const core::Entry* e = db.find(key);
  if (e == nullptr) return {};
  if (!is_string(e)) return {OpStatus::kWrongType, 0};
  return {OpStatus::kOk, static_cast<int64_t>(Db::string_len(e))};
}

// GETRANGE: the bytes [start, end] of the value, Redis's index rules (negative counts from the
// end, out-of-range ends are clamped). A missing key reads as the empty string.
GetResult op_getrange(Db& db, std::string_view key, int64_t start, int64_t end) {
  const core::Entry* e = db.find(key);
  if (e == nullptr) return {OpStatus::kOk, std::string()};
  if (!is_string(e)) return {OpStatus::kWrongType, std::nullopt};
  std::string scratch;
  std::string_view v = Db::string_of(e, scratch);
  int64_t len = static_cast<int64_t>(v.size());
  if (start < 0 && end < 0 && start > end) return {OpStatus::kOk, std::string()};
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len == 0) return {OpStatus::kOk, std::string()};
  return {OpStatus::kOk,
          std::string(v.substr(static_cast<size_t>(start), static_cast<size_t>(end - start + 1)))};
}

// SETRANGE (offset already checked >= 0). Writing nothing creates nothing and returns the
// current length (the key is then unchanged); otherwise the value is zero-padded up to offset.
IntResult op_setrange(Db& db, std::string_view key, int64_t offset, std::string_view value) {
  const core::Entry* e = db.find(key);
  size_t off = static_cast<size_t>(offset);
  if (e == nullptr) {
    if (value.empty()) return {OpStatus::kOk, 0};
    if (!fits_string_limit(off, value.size())) return {OpStatus::kTooLarge, 0};
  } else {
    if (!is_string(e)) return {OpStatus::kWrongType, 0};
    if (value.empty()) return {OpStatus::kOk, static_cast<int64_t>(Db::string_len(e))};
    if (!fits_string_limit(off, value.size())) return {OpStatus::kTooLarge, 0};
  }
  std::string* s = db.mutable_string(key, true);
  if (s->size() < off + value.size()) s->resize(off + value.size(), '\0');
  std::memcpy(s->data() + off, value.data(), value.size());
  return {OpStatus::kOk, static_cast<int64_t>(s->size())};
}

// MSETNX: sets every pair, or nothing when any of the keys exists (whatever its type).
bool op_msetnx(Db& db, ArgList args) {
  for (size_t j = 1; j < args.size(); j += 2) {
    if (db.find(args[j]) != nullptr) return false;
  }
  for (size_t j = 1; j < args.size(); j += 2) db.set_string(args[j], args[j + 1]);
  return true;
}

// ---- What the writes report ----

// A SET, SETEX or PSETEX that wrote with a TTL: "set" then "expire", propagated as
// SET key value PXAT <ms>, as Redis does whatever the options were (NX, XX, GET, EX ...). An
// EXAT/PXAT already past leaves no key here; Redis keeps it until its expiry reclaims it, which
// fires "expired" and propagates DEL: reported at once, so that the events and the log read the
// same.
void report_set_with_ttl(ExecContext& ctx, std::string_view key, std::string_view value,
                         int64_t expire_at) {
  ctx.changed(kNotifyString, "set", key);
  ctx.event(kNotifyGeneric, "expire", key);
  char ms[24];
  std::string_view ms_text(ms, base::format_int64(expire_at, ms));
  ctx.out.propagate({"SET", key, value, "PXAT", ms_text});
  if (expire_at <= ctx.db.now_ms()) {
    ctx.event(kNotifyExpired, "expired", key);
    ctx.out.propagate({"DEL", key});
  }
}

// SET ... GET that wrote (without a TTL) is propagated without its GET arguments, as Redis.
void propagate_without_get(ExecContext& ctx) {
  std::vector<std::string_view> argv;
  argv.reserve(ctx.args.size());
  for (size_t j = 0; j < ctx.args.size(); ++j) {
    if (j >= 3 && base::iequals(ctx.args[j], "get")) continue;
    argv.push_back(ctx.args[j]);
  }
  ctx.out.propagate(argv);
}

// ---- Commands ----

void cmd_get(ExecContext& ctx) {
  const core::Entry* e = ctx.db.find(ctx.args[1]);
  if (e == nullptr) return ctx.rb.null();
  if (!is_string(e)) return ctx.rb.error(kErrWrongType);
  std::string scratch;
  ctx.rb.bulk(Db::string_of(e, scratch));
}

// SET key value [NX | XX] [GET] [EX s | PX ms | EXAT ts | PXAT ms-ts | KEEPTTL]
// Options may repeat; conflicting ones are a syntax error. The whole option list is checked
// before the expiry value is parsed, as Redis does.
void cmd_set(ExecContext& ctx) {
  SetOptions o;
  ArgList args = ctx.args;
  if (!parse_set_options(args, o)) return ctx.rb.error(kErrSyntax);
  SetParams& params = o.params;
  ExpiryKind expiry = o.expiry;
  std::string_view expiry_arg = o.expiry_arg;
  if (expiry != ExpiryKind::kNone) {
    ExpiryError e = parse_expiry_of(expiry, expiry_arg, ctx.db.now_ms(), &params.expire_at);
    if (reply_expiry_error(ctx.rb, e, "set")) return;
  }
  SetResult res = op_set(ctx.db, args[1], args[2], params);
  if (res.status != OpStatus::kOk) return reply_status_error(ctx.rb, res.status);
  if (res.written) {
    if (expiry != ExpiryKind::kNone) {
      report_set_with_ttl(ctx, args[1], args[2], params.expire_at);
    } else {
      ctx.changed(kNotifyString, "set", args[1]);
      if (params.get) propagate_without_get(ctx);
    }
  }
  if (params.get) return reply_optional_bulk(ctx.rb, res.old);
  if (res.written) return ctx.rb.ok();
  ctx.rb.null();
}

void cmd_setnx(ExecContext& ctx) {
  SetParams params{.cond = SetCondition::kIfAbsent};
  SetResult res = op_set(ctx.db, ctx.args[1], ctx.args[2], params);
  if (res.written) ctx.changed(kNotifyString, "set", ctx.args[1]);
  ctx.rb.integer(res.written ? 1 : 0);
}

// SETEX key seconds value / PSETEX key milliseconds value.
void set_with_ttl(ExecContext& ctx, bool seconds, std::string_view cmd) {
  SetParams params;
  ExpiryError e = parse_expiry(ctx.args[2], seconds, true, ctx.db.now_ms(), &params.expire_at);
  if (reply_expiry_error(ctx.rb, e, cmd)) return;
  op_set(ctx.db, ctx.args[1], ctx.args[3], params);
  report_set_with_ttl(ctx, ctx.args[1], ctx.args[3], params.expire_at);
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
  ctx.changed(kNotifyString, "set", ctx.args[1]);
  ctx.out.propagate({"SET", ctx.args[1], ctx.args[2]});
  reply_optional_bulk(ctx.rb, res.old);
}

void cmd_getdel(ExecContext& ctx) {
  GetResult res = op_getdel(ctx.db, ctx.args[1]);
  if (res.status != OpStatus::kOk) return reply_status_error(ctx.rb, res.status);
  if (res.value) {
    ctx.changed(kNotifyGeneric, "del", ctx.args[1]);
    ctx.out.propagate({"DEL", ctx.args[1]});
  }
  reply_optional_bulk(ctx.rb, res.value);
}

// GETEX key [EX s | PX ms | EXAT ts | PXAT ms-ts | PERSIST]
// An option may repeat (the last value wins); two different ones are a syntax error.
void cmd_getex(ExecContext& ctx) {
  GetexParams params;
  ArgList args = ctx.args;
  if (!parse_getex_options(args, params)) return ctx.rb.error(kErrSyntax);
  GetexResult res = op_getex(ctx.db, args[1], params);
  if (res.status != OpStatus::kOk) return reply_status_error(ctx.rb, res.status);
  if (reply_expiry_error(ctx.rb, res.expiry_error, "getex")) return;
  // Never propagated as sent: as PEXPIREAT, DEL or PERSIST, or not at all.
  switch (res.change) {
    case GetexChange::kNone:
      break;
    case GetexChange::kExpire: {
      ctx.changed(kNotifyGeneric, "expire", args[1]);
      char ms[24];
      std::string_view ms_text(ms, base::format_int64(res.expire_at, ms));
      ctx.out.propagate({"PEXPIREAT", args[1], ms_text});
      break;
    }
    case GetexChange::kDeleted:
      ctx.changed(kNotifyGeneric, "del", args[1]);
      ctx.out.propagate({"DEL", args[1]});
      break;
    case GetexChange::kPersisted:
      ctx.changed(kNotifyGeneric, "persist", args[1]);
      ctx.out.propagate({"PERSIST", args[1]});
      break;
  }
  reply_optional_bulk(ctx.rb, res.value);
}

// MGET: a key that is missing or not a string reads as nil.
void part_mget(ExecContext& ctx, std::span<const uint32_t> key_idx, PartResult& out) {
  std::vector<std::optional<std::string>>& values = out.emplace<PartValues>().values;
  values.reserve(key_idx.size());
  for (uint32_t i : key_idx) {
    GetResult res = op_get(ctx.db, ctx.args[i]);
    values.push_back(std::move(res.value));
  }
}

std::string check_mset(ArgList args) {
  return args.size() % 2 == 0 ? err_wrong_args("mset") : std::string();
}

std::string check_msetnx(ArgList args) {
  return args.size() % 2 == 0 ? err_wrong_args("msetnx") : std::string();
}

// MSET: "set" per pair, in argument order (a key named twice fires twice). A shard that owns
// only some of the keys propagates MSET of its own pairs: the whole command, replayed there,
// would write the other shards' keys.
void part_mset(ExecContext& ctx, std::span<const uint32_t> key_idx, PartResult&) {
  for (uint32_t i : key_idx) {
    ctx.db.set_string(ctx.args[i], ctx.args[i + 1]);
    ctx.changed(kNotifyString, "set", ctx.args[i]);
  }
  if (key_idx.size() == (ctx.args.size() - 1) / 2) return;  // every pair: as sent
  std::vector<std::string_view> argv;
  argv.reserve(1 + 2 * key_idx.size());
  argv.push_back(ctx.args[0]);
  for (uint32_t i : key_idx) {
    argv.push_back(ctx.args[i]);
    argv.push_back(ctx.args[i + 1]);
  }
  ctx.out.propagate(argv);
}

// MSETNX: "set" per pair when it writes, nothing when it does not. Propagated as sent (across
// shards it runs whole, on the scratch store).
void cmd_msetnx(ExecContext& ctx) {
  bool written = op_msetnx(ctx.db, ctx.args);
  if (written) {
    for (size_t j = 1; j < ctx.args.size(); j += 2) {
      ctx.changed(kNotifyString, "set", ctx.args[j]);
    }
  }
  ctx.rb.integer(written ? 1 : 0);
}

// APPEND fires "append" even when it appends nothing (or creates an empty string).
void cmd_append(ExecContext& ctx) {
  IntResult res = op_append(ctx.db, ctx.args[1], ctx.args[2]);
  if (res.status != OpStatus::kOk) return reply_status_error(ctx.rb, res.status);
  ctx.changed(kNotifyString, "append", ctx.args[1]);
  ctx.rb.integer(res.value);
}

void cmd_strlen(ExecContext& ctx) {
  IntResult res = op_strlen(ctx.db, ctx.args[1]);
  if (res.status != OpStatus::kOk) return reply_status_error(ctx.rb, res.status);
  ctx.rb.integer(res.value);
}

// GETRANGE key start end (and SUBSTR, its old name). The indexes are parsed before the key is
// read.
void cmd_getrange(ExecContext& ctx) {
  std::optional<int64_t> start = base::parse_int64(ctx.args[2]);
  std::optional<int64_t> end = base::parse_int64(ctx.args[3]);
  if (!start || !end) return ctx.rb.error(kErrNotInteger);
  GetResult res = op_getrange(ctx.db, ctx.args[1], *start, *end);
  if (res.status != OpStatus::kOk) return reply_status_error(ctx.rb, res.status);
  ctx.rb.bulk(*res.value);
}

void cmd_setrange(ExecContext& ctx) {
  std::optional<int64_t> offset = base::parse_int64(ctx.args[2]);
  if (!offset) return ctx.rb.error(kErrNotInteger);
  if (*offset < 0) return ctx.rb.error(kErrOffsetRange);
  IntResult res = op_setrange(ctx.db, ctx.args[1], *offset, ctx.args[3]);
  if (res.status != OpStatus::kOk) return reply_status_error(ctx.rb, res.status);
  if (!ctx.args[3].empty()) ctx.changed(kNotifyString, "setrange", ctx.args[1]);
  ctx.rb.integer(res.value);
}

// INCR, DECR, INCRBY and DECRBY all fire "incrby".
void incr_by(ExecContext& ctx, int64_t delta) {
  IntResult res = op_incr_by(ctx.db, ctx.args[1], delta);
  if (res.status != OpStatus::kOk) return reply_status_error(ctx.rb, res.status);
  ctx.changed(kNotifyString, "incrby", ctx.args[1]);
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

void cmd_incrbyfloat(ExecContext& ctx) {
  FloatResult res = op_incr_by_float(ctx.db, ctx.args[1], ctx.args[2]);
  if (res.status != OpStatus::kOk) return reply_status_error(ctx.rb, res.status);
  ctx.changed(kNotifyString, "incrbyfloat", ctx.args[1]);
  // Propagated as the value it produced, so that float formatting cannot differ on replay.
  ctx.out.propagate({"SET", ctx.args[1], res.text, "KEEPTTL"});
  ctx.rb.bulk(res.text);
}

// ---- COMMAND INFO / DOCS metadata (checked against redis-server 7.0.15) ----

#include "string_family_args.inc"

// SET reads the old value only with GET (any argument after the value).
std::string_view set_key_flags(ArgList args) {
  for (size_t i = 3; i < args.size(); ++i) {
    if (base::iequals(args[i], "get")) return "RW access update";
  }
  return "OW update";
}

constexpr RedisMeta kGetMeta{.key_flags = "RO access", .args = kGetArgs};
constexpr RedisMeta kSetMeta{
    .key_flags = "RW access update variable_flags",
    .key_notes = "RW and ACCESS due to the optional `GET` argument",
    .variable_key_flags = set_key_flags,
    .history = {{{"2.6.12", "Added the `EX`, `PX`, `NX` and `XX` options."},
                 {"6.0.0", "Added the `KEEPTTL` option."},
                 {"6.2.0", "Added the `GET`, `EXAT` and `PXAT` option."},
                 {"7.0.0", "Allowed the `NX` and `GET` options to be used together."}}},
    .args = kSetArgs};
constexpr RedisMeta kSetnxMeta{.key_flags = "OW insert", .args = kSetnxArgs};
constexpr RedisMeta kSetexMeta{.key_flags = "OW update", .args = kSetexArgs};
constexpr RedisMeta kPsetexMeta{.key_flags = "OW update", .args = kPsetexArgs};
constexpr RedisMeta kGetsetMeta{.key_flags = "RW access update",
                                .deprecated_since = "6.2.0",
                                .replaced_by = "`SET` with the `!GET` argument",
                                .args = kGetsetArgs};
constexpr RedisMeta kGetdelMeta{.key_flags = "RW access delete", .args = kGetdelArgs};
constexpr RedisMeta kGetexMeta{.key_flags = "RW access update",
                               .key_notes = "RW and UPDATE because it changes the TTL",
                               .args = kGetexArgs};
constexpr RedisMeta kMgetMeta{
    .key_flags = "RO access", .tips = "request_policy:multi_shard", .args = kMgetArgs};
constexpr RedisMeta kMsetMeta{.key_flags = "OW update",
                              .tips = "request_policy:multi_shard response_policy:all_succeeded",
                              .args = kMsetArgs};
constexpr RedisMeta kMsetnxMeta{.key_flags = "OW insert",
                                .tips = "request_policy:multi_shard response_policy:agg_min",
                                .args = kMsetnxArgs};
constexpr RedisMeta kAppendMeta{.key_flags = "RW insert", .args = kAppendArgs};
constexpr RedisMeta kStrlenMeta{.key_flags = "RO", .args = kStrlenArgs};
constexpr RedisMeta kGetrangeMeta{.key_flags = "RO access", .args = kGetrangeArgs};
constexpr RedisMeta kSubstrMeta{.key_flags = "RO access",
                                .deprecated_since = "2.0.0",
                                .replaced_by = "`GETRANGE`",
                                .args = kSubstrArgs};
constexpr RedisMeta kSetrangeMeta{.key_flags = "RW update", .args = kSetrangeArgs};
constexpr RedisMeta kIncrMeta{.key_flags = "RW access update", .args = kIncrArgs};
constexpr RedisMeta kDecrMeta{.key_flags = "RW access update", .args = kDecrArgs};
constexpr RedisMeta kIncrbyMeta{.key_flags = "RW access update", .args = kIncrbyArgs};
constexpr RedisMeta kDecrbyMeta{.key_flags = "RW access update", .args = kDecrbyArgs};
constexpr RedisMeta kIncrbyfloatMeta{.key_flags = "RW access update", .args = kIncrbyfloatArgs};

}  // namespace

void register_string_family(Registry& r) {
  constexpr uint32_t kReadFast = kAclRead | kAclString | kAclFast;
  constexpr uint32_t kWriteFast = kAclWrite | kAclString | kAclFast;
  constexpr uint32_t kWriteSlow = kAclWrite | kAclString | kAclSlow;
  constexpr uint32_t kReadSlow = kAclRead | kAclString | kAclSlow;
  r.add({.name = "get",
         .arity = 2,
         .flags = kReadOnly | kFast,
         .keys = {1, 1, 1},
         .run = cmd_get,
         .acl = kReadFast,
         .group = "string",
         .summary = "Get the value of a key",
         .since = "1.0.0",
         .complexity = "O(1)",
         .meta = &kGetMeta});
  r.add({.name = "set",
         .arity = -3,
         .flags = kWrite | kDenyOom,
         .keys = {1, 1, 1},
         .run = cmd_set,
         .read_keys = set_read_keys,
         .acl = kWriteSlow,
         .group = "string",
         .summary = "Set the string value of a key",
         .since = "1.0.0",
         .complexity = "O(1)",
         .meta = &kSetMeta});
  r.add({.name = "setnx",
         .arity = 3,
         .flags = kWrite | kDenyOom | kFast,
         .keys = {1, 1, 1},
         .run = cmd_setnx,
         .acl = kWriteFast,
         .group = "string",
         .summary = "Set the value of a key, only if the key does not exist",
         .since = "1.0.0",
         .complexity = "O(1)",
         .meta = &kSetnxMeta});
  r.add({.name = "setex",
         .arity = 4,
         .flags = kWrite | kDenyOom,
         .keys = {1, 1, 1},
         .run = cmd_setex,
         .acl = kWriteSlow,
         .group = "string",
         .summary = "Set the value and expiration of a key",
         .since = "2.0.0",
         .complexity = "O(1)",
         .meta = &kSetexMeta});
  r.add({.name = "psetex",
         .arity = 4,
         .flags = kWrite | kDenyOom,
         .keys = {1, 1, 1},
         .run = cmd_psetex,
         .acl = kWriteSlow,
         .group = "string",
         .summary = "Set the value and expiration in milliseconds of a key",
         .since = "2.6.0",
         .complexity = "O(1)",
         .meta = &kPsetexMeta});
  r.add({.name = "getset",
         .arity = 3,
         .flags = kWrite | kDenyOom | kFast,
         .keys = {1, 1, 1},
         .run = cmd_getset,
         .read_keys = first_read_key,
         .acl = kWriteFast,
         .group = "string",
         .summary = "Set the string value of a key and return its old value",
         .since = "1.0.0",
         .complexity = "O(1)",
         .meta = &kGetsetMeta});
  r.add({.name = "getdel",
         .arity = 2,
         .flags = kWrite | kFast,
         .keys = {1, 1, 1},
         .run = cmd_getdel,
         .read_keys = first_read_key,
         .acl = kWriteFast,
         .group = "string",
         .summary = "Get the value of a key and delete the key",
         .since = "6.2.0",
         .complexity = "O(1)",
         .meta = &kGetdelMeta});
  r.add({.name = "getex",
         .arity = -2,
         .flags = kWrite | kFast,
         .keys = {1, 1, 1},
         .run = cmd_getex,
         .read_keys = getex_read_keys,
         .acl = kWriteFast,
         .group = "string",
         .summary = "Get the value of a key and optionally set its expiration",
         .since = "6.2.0",
         .complexity = "O(1)",
         .meta = &kGetexMeta});
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
         .complexity = "O(N) where N is the number of keys to retrieve.",
         .meta = &kMgetMeta});
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
         .complexity = "O(N) where N is the number of keys to set.",
         .meta = &kMsetMeta});
  r.add({.name = "msetnx",
         .arity = -3,
         .flags = kWrite | kDenyOom,
         .keys = {1, -1, 2},
         .run = cmd_msetnx,
         .check = check_msetnx,
         .acl = kWriteSlow,
         .group = "string",
         .summary = "Set multiple keys to multiple values, only if none of the keys exist",
         .since = "1.0.1",
         .complexity = "O(N) where N is the number of keys to set.",
         .meta = &kMsetnxMeta});
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
             "used by Redis will double the free space available on every reallocation.",
         .meta = &kAppendMeta});
  r.add({.name = "strlen",
         .arity = 2,
         .flags = kReadOnly | kFast,
         .keys = {1, 1, 1},
         .run = cmd_strlen,
         .acl = kReadFast,
         .group = "string",
         .summary = "Get the length of the value stored in a key",
         .since = "2.2.0",
         .complexity = "O(1)",
         .meta = &kStrlenMeta});
  constexpr std::string_view kGetrangeComplexity =
      "O(N) where N is the length of the returned string. The complexity is ultimately "
      "determined by the returned length, but because creating a substring from an existing "
      "string is very cheap, it can be considered O(1) for small strings.";
  r.add({.name = "getrange",
         .arity = 4,
         .flags = kReadOnly,
         .keys = {1, 1, 1},
         .run = cmd_getrange,
         .acl = kReadSlow,
         .group = "string",
         .summary = "Get a substring of the string stored at a key",
         .since = "2.4.0",
         .complexity = kGetrangeComplexity,
         .meta = &kGetrangeMeta});
  r.add({.name = "substr",
         .arity = 4,
         .flags = kReadOnly,
         .keys = {1, 1, 1},
         .run = cmd_getrange,
         .acl = kReadSlow,
         .group = "string",
         .summary = "Get a substring of the string stored at a key",
         .since = "1.0.0",
         .complexity = kGetrangeComplexity,
         .meta = &kSubstrMeta});
  r.add({.name = "setrange",
         .arity = 4,
         .flags = kWrite | kDenyOom,
         .keys = {1, 1, 1},
         .run = cmd_setrange,
         .acl = kWriteSlow,
         .group = "string",
         .summary = "Overwrite part of a string at key starting at the specified offset",
         .since = "2.2.0",
         .complexity =
             "O(1), not counting the time taken to copy the new string in place. Usually, this "
             "string is very small so the amortized complexity is O(1). Otherwise, complexity is "
             "O(M) with M being the length of the value argument.",
         .meta = &kSetrangeMeta});
  r.add({.name = "incr",
         .arity = 2,
         .flags = kWrite | kDenyOom | kFast,
         .keys = {1, 1, 1},
         .run = cmd_incr,
         .acl = kWriteFast,
         .group = "string",
         .summary = "Increment the integer value of a key by one",
         .since = "1.0.0",
         .complexity = "O(1)",
         .meta = &kIncrMeta});
  r.add({.name = "decr",
         .arity = 2,
         .flags = kWrite | kDenyOom | kFast,
         .keys = {1, 1, 1},
         .run = cmd_decr,
         .acl = kWriteFast,
         .group = "string",
         .summary = "Decrement the integer value of a key by one",
         .since = "1.0.0",
         .complexity = "O(1)",
         .meta = &kDecrMeta});
  r.add({.name = "incrby",
         .arity = 3,
         .flags = kWrite | kDenyOom | kFast,
         .keys = {1, 1, 1},
         .run = cmd_incrby,
         .acl = kWriteFast,
         .group = "string",
         .summary = "Increment the integer value of a key by the given amount",
         .since = "1.0.0",
         .complexity = "O(1)",
         .meta = &kIncrbyMeta});
  r.add({.name = "decrby",
         .arity = 3,
         .flags = kWrite | kDenyOom | kFast,
         .keys = {1, 1, 1},
         .run = cmd_decrby,
         .acl = kWriteFast,
         .group = "string",
         .summary = "Decrement the integer value of a key by the given number",
         .since = "1.0.0",
         .complexity = "O(1)",
         .meta = &kDecrbyMeta});
  r.add({.name = "incrbyfloat",
         .arity = 3,
         .flags = kWrite | kDenyOom | kFast,
         .keys = {1, 1, 1},
         .run = cmd_incrbyfloat,
         .acl = kWriteFast,
         .group = "string",
         .summary = "Increment the float value of a key by the given amount",
         .since = "2.6.0",
         .complexity = "O(1)",
         .meta = &kIncrbyfloatMeta});
}

}  // namespace shardis::server
