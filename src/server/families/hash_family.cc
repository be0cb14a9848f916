// Hash commands: HSET, HSETNX, HMSET, HGET, HMGET, HGETALL, HKEYS, HVALS, HDEL, HEXISTS, HLEN,
// HSTRLEN, HINCRBY, HINCRBYFLOAT, HRANDFIELD and HSCAN, with Redis 7.0's replies and errors.
//
// Every command names one key and runs on the shard that owns it. Writes go through an op_*
// that works on the Db alone and returns a result; reads look the hash up and reply straight
// from it (the entry and the object are used before any other Db call, which would invalidate
// them). The value is a core::HashObject, owned by the Db once set_object hands it over; writes
// to an existing hash change the object in place after a single key lookup.
//
// Writes report what Redis 7.0 reports (ExecContext::changed / event): their event and modified
// key when they changed something ("del" after HDEL's when the key went), nothing otherwise.
// HINCRBYFLOAT is logged as the HSET of the value it stored; the other writes as sent.
//
// Order of checks, as Redis: argument errors that Redis finds before the lookup (arity of the
// pairs, the increment of HINCRBY*, HRANDFIELD's count and options, HSCAN's cursor) come first,
// then WRONGTYPE, then the rest (HSCAN's options come after the lookup: a missing key replies an
// empty scan whatever they are).
#include <shardis/base/glob.h>
#include <shardis/base/number_format.h>
#include <shardis/core/hash_object.h>
#include <shardis/server/command.h>
#include <shardis/server/db.h>
#include <shardis/server/families/family_util.h>
#include <shardis/server/registry.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "command_meta.h"

namespace shardis::server {
namespace {

using core::HashObject;

constexpr int64_t kMaxInt64 = std::numeric_limits<int64_t>::max();
constexpr int64_t kMinInt64 = std::numeric_limits<int64_t>::min();

constexpr std::string_view kErrHashNotInteger = "ERR hash value is not an integer";
constexpr std::string_view kErrHashNotFloat = "ERR hash value is not a float";
constexpr std::string_view kErrOverflow = "ERR increment or decrement would overflow";
constexpr std::string_view kErrIncrNanOrInf = "ERR value is NaN or Infinity";
constexpr std::string_view kErrResultNanOrInf = "ERR increment would produce NaN or Infinity";
constexpr std::string_view kErrOutOfRange = "ERR value is out of range";
constexpr std::string_view kErrCountRange =
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";

// HRANDFIELD with a negative count replies |count| picks. Redis would build any such reply, up
// to the whole of memory; Shardis refuses counts past this many picks (see cmd_hrandfield).
constexpr uint64_t kMaxRepeatedPicks = uint64_t{1} << 24;

// ---- The object, as the Db sees it ----

void hash_destroy(void* obj) {
  delete static_cast<HashObject*>(obj);
}
void* hash_clone(const void* obj) {
  return new HashObject(static_cast<const HashObject*>(obj)->clone());
}
size_t hash_bytes(const void* obj) {
  return static_cast<const HashObject*>(obj)->bytes();
}
const char* hash_encoding(const void* obj) {
  return static_cast<const HashObject*>(obj)->encoding_name();
}
constexpr ObjectOps kHashOps = {hash_destroy, hash_clone, hash_bytes, hash_encoding};

// ---- Lookups ----

struct HashRef {
  HashObject* obj = nullptr;  // the live hash, or nullptr when absent (or of another type)
  bool wrong_type = false;
};

HashRef find_hash(Db& db, std::string_view key) {
  TypedEntry t = find_typed(db, key, ObjType::kHash);
  if (t.wrong_type) return {nullptr, true};
  if (t.entry == nullptr) return {};
  return {object_as<HashObject>(t.entry), false};
}

// Runs fill(HashObject&) on the hash at key, creating it when absent (a new hash is stored only
// once fill is done, so no empty hash ever sits in the Db). False when the key holds another type.
template <typename Fill>
bool with_hash_for_write(Db& db, std::string_view key, Fill&& fill) {
  HashRef h = find_hash(db, key);
  if (h.wrong_type) return false;
  if (h.obj != nullptr) {
    fill(*h.obj);
    return true;
  }
  auto obj = std::make_unique<HashObject>();
  fill(*obj);
  if (obj->empty()) return true;
  db.set_object(key, ObjType::kHash, obj.release());
  return true;
}

std::mt19937_64& random_gen() {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return gen;
}

// ---- Shard operations ----

enum class OpStatus : uint8_t {
  kOk,
  kWrongType,
  kNotInteger,  // the stored value is not an integer (HINCRBY)
  kNotFloat,    // the stored value is not a float (HINCRBYFLOAT)
  kOverflow,
  kNanOrInf,
};

void reply_status_error(proto::ReplyBuilder& rb, OpStatus s) {
  switch (s) {
    case OpStatus::kOk:
      return;
    case OpStatus::kWrongType:
      return rb.error(kErrWrongType);
    case OpStatus::kNotInteger:
      return rb.error(kErrHashNotInteger);
    case OpStatus::kNotFloat:
      return rb.error(kErrHashNotFloat);
    case OpStatus::kOverflow:
      return rb.error(kErrOverflow);
    case OpStatus::kNanOrInf:
      return rb.error(kErrResultNanOrInf);
  }
}

struct CountResult {
  OpStatus status = OpStatus::kOk;
  int64_t count = 0;
  bool deleted = false;  // HDEL: the key went with its last field
};

// HSET / HMSET: sets the pairs args[first], args[first + 1], ...; returns how many fields are
// new.
CountResult op_hset(Db& db, std::string_view key, ArgList pairs) {
  int64_t created = 0;
  bool ok = with_hash_for_write(db, key, [&](HashObject& h) {
    for (size_t i = 0; i + 1 < pairs.size(); i += 2) created += h.set(pairs[i], pairs[i + 1]);
  });
  return {ok ? OpStatus::kOk : OpStatus::kWrongType, created};
}

CountResult op_hsetnx(Db& db, std::string_view key, std::string_view field,
                      std::string_view value) {
  int64_t created = 0;
  bool ok = with_hash_for_write(db, key, [&](HashObject& h) {
    if (!h.contains(field)) created = h.set(field, value);
  });
  return {ok ? OpStatus::kOk : OpStatus::kWrongType, created};
}

// HDEL: removes the fields; the key goes with the last one.
CountResult op_hdel(Db& db, std::string_view key, ArgList fields) {
  HashRef h = find_hash(db, key);
  if (h.wrong_type) return {OpStatus::kWrongType, 0};
  if (h.obj == nullptr) return {};
  int64_t removed = 0;
  for (std::string_view f : fields) {
    removed += h.obj->erase(f);
    if (h.obj->empty()) break;
  }
  if (!h.obj->empty()) return {OpStatus::kOk, removed, false};
  db.erase(key);
  return {OpStatus::kOk, removed, true};
}

struct IntResult {
  OpStatus status = OpStatus::kOk;
  int64_t value = 0;
};

// HINCRBY: adds delta to the integer in field (0 when absent), creating key and field as needed.
IntResult op_hincrby(Db& db, std::string_view key, std::string_view field, int64_t delta) {
  IntResult res;
  bool ok = with_hash_for_write(db, key, [&](HashObject& h) {
    HashObject::Scratch scratch;
    int64_t cur = 0;
    if (std::optional<std::string_view> v = h.get(field, scratch)) {
      std::optional<int64_t> parsed = base::parse_int64(*v);
      if (!parsed) {
        res.status = OpStatus::kNotInteger;
        return;
      }
      cur = *parsed;
    }
    if ((delta < 0 && cur < 0 && delta < kMinInt64 - cur) ||
        (delta > 0 && cur > 0 && delta > kMaxInt64 - cur)) {
      res.status = OpStatus::kOverflow;
      return;
    }
    res.value = cur + delta;
    char buf[24];
    h.set(field, std::string_view(buf, base::format_int64(res.value, buf)));
  });
  if (!ok) res.status = OpStatus::kWrongType;
  return res;
}

struct FloatResult {
  OpStatus status = OpStatus::kOk;
  std::string text;  // the new value, as stored and replied
};

// HINCRBYFLOAT (incr already checked finite): the sum is stored as Redis's human-readable text.
FloatResult op_hincrbyfloat(Db& db, std::string_view key, std::string_view field,
                            long double incr) {
  FloatResult res;
  bool ok = with_hash_for_write(db, key, [&](HashObject& h) {
    HashObject::Scratch scratch;
    long double value = 0;
    if (std::optional<std::string_view> v = h.get(field, scratch)) {
      std::optional<long double> parsed = base::parse_long_double(*v);
      if (!parsed) {
        res.status = OpStatus::kNotFloat;
        return;
      }
      value = *parsed;
    }
    value += incr;
    if (std::isnan(value) || std::isinf(value)) {
      res.status = OpStatus::kNanOrInf;
      return;
    }
    res.text = base::long_double_to_human(value);
    h.set(field, res.text);
  });
  if (!ok) res.status = OpStatus::kWrongType;
  return res;
}

// ---- Write commands ----

// HSET and HMSET need field/value pairs: Redis checks that before the key.
std::string check_hset(ArgList args) {
  return args.size() % 2 == 1 ? err_wrong_args("hset") : std::string();
}
std::string check_hmset(ArgList args) {
  return args.size() % 2 == 1 ? err_wrong_args("hmset") : std::string();
}

// HSET and HMSET fire "hset" and count every pair as a change, new field or not, as Redis does.
void cmd_hset(ExecContext& ctx) {
  CountResult res = op_hset(ctx.db, ctx.args[1], ctx.args.subspan(2));
  if (res.status != OpStatus::kOk) return reply_status_error(ctx.rb, res.status);
  ctx.rb.integer(res.count);
  ctx.changed(kNotifyHash, "hset", ctx.args[1], (ctx.args.size() - 2) / 2);
}

void cmd_hmset(ExecContext& ctx) {
  CountResult res = op_hset(ctx.db, ctx.args[1], ctx.args.subspan(2));
  if (res.status != OpStatus::kOk) return reply_status_error(ctx.rb, res.status);
  ctx.rb.ok();
  ctx.changed(kNotifyHash, "hset", ctx.args[1], (ctx.args.size() - 2) / 2);
}

void cmd_hsetnx(ExecContext& ctx) {
  CountResult res = op_hsetnx(ctx.db, ctx.args[1], ctx.args[2], ctx.args[3]);
  if (res.status != OpStatus::kOk) return reply_status_error(ctx.rb, res.status);
  ctx.rb.integer(res.count);
  if (res.count > 0) ctx.changed(kNotifyHash, "hset", ctx.args[1]);
}

void cmd_hdel(ExecContext& ctx) {
  CountResult res = op_hdel(ctx.db, ctx.args[1], ctx.args.subspan(2));
  if (res.status != OpStatus::kOk) return reply_status_error(ctx.rb, res.status);
  ctx.rb.integer(res.count);
  if (res.count == 0) return;
  ctx.changed(kNotifyHash, "hdel", ctx.args[1], static_cast<uint64_t>(res.count));
  if (res.deleted) ctx.event(kNotifyGeneric, "del", ctx.args[1]);
}

void cmd_hincrby(ExecContext& ctx) {
  std::optional<int64_t> delta = base::parse_int64(ctx.args[3]);
  if (!delta) return ctx.rb.error(kErrNotInteger);
  IntResult res = op_hincrby(ctx.db, ctx.args[1], ctx.args[2], *delta);
  if (res.status != OpStatus::kOk) return reply_status_error(ctx.rb, res.status);
  ctx.rb.integer(res.value);
  ctx.changed(kNotifyHash, "hincrby", ctx.args[1]);
}

void cmd_hincrbyfloat(ExecContext& ctx) {
  std::optional<long double> incr = base::parse_long_double(ctx.args[3]);
  if (!incr) return ctx.rb.error(kErrNotFloat);
  if (std::isnan(*incr) || std::isinf(*incr)) return ctx.rb.error(kErrIncrNanOrInf);
  FloatResult res = op_hincrbyfloat(ctx.db, ctx.args[1], ctx.args[2], *incr);
  if (res.status != OpStatus::kOk) return reply_status_error(ctx.rb, res.status);
  ctx.rb.bulk(res.text);
  ctx.changed(kNotifyHash, "hincrbyfloat", ctx.args[1]);
  // Logged as the value it stored, so that a replay does not redo the float arithmetic.
  ctx.out.propagate({"HSET", ctx.args[1], ctx.args[2], res.text});
}

// ---- Read commands ----

void cmd_hget(ExecContext& ctx) {
  HashRef h = find_hash(ctx.db, ctx.args[1]);
  if (h.wrong_type) return ctx.rb.error(kErrWrongType);
  if (h.obj == nullptr) return ctx.rb.null();
  HashObject::Scratch scratch;
  std::optional<std::string_view> v = h.obj->get(ctx.args[2], scratch);
  if (!v) return ctx.rb.null();
  ctx.rb.bulk(*v);
}

void cmd_hmget(ExecContext& ctx) {
  HashRef h = find_hash(ctx.db, ctx.args[1]);
  if (h.wrong_type) return ctx.rb.error(kErrWrongType);
  ArgList fields = ctx.args.subspan(2);
  ctx.rb.array(fields.size());
  for (std::string_view f : fields) {
    HashObject::Scratch scratch;
    std::optional<std::string_view> v =
        h.obj != nullptr ? h.obj->get(f, scratch) : std::optional<std::string_view>();
    if (v) {
      ctx.rb.bulk(*v);
    } else {
      ctx.rb.null();
    }
  }
}

void cmd_hexists(ExecContext& ctx) {
  HashRef h = find_hash(ctx.db, ctx.args[1]);
  if (h.wrong_type) return ctx.rb.error(kErrWrongType);
  ctx.rb.integer(h.obj != nullptr && h.obj->contains(ctx.args[2]) ? 1 : 0);
}

void cmd_hlen(ExecContext& ctx) {
  HashRef h = find_hash(ctx.db, ctx.args[1]);
  if (h.wrong_type) return ctx.rb.error(kErrWrongType);
  ctx.rb.integer(h.obj != nullptr ? static_cast<int64_t>(h.obj->size()) : 0);
}

void cmd_hstrlen(ExecContext& ctx) {
  HashRef h = find_hash(ctx.db, ctx.args[1]);
  if (h.wrong_type) return ctx.rb.error(kErrWrongType);
  ctx.rb.integer(h.obj != nullptr ? static_cast<int64_t>(h.obj->value_len(ctx.args[2])) : 0);
}

enum class Part : uint8_t { kFields, kValues, kBoth };

// HGETALL (a map in RESP3), HKEYS, HVALS.
void reply_whole(ExecContext& ctx, Part part) {
  HashRef h = find_hash(ctx.db, ctx.args[1]);
  if (h.wrong_type) return ctx.rb.error(kErrWrongType);
  const size_t n = h.obj != nullptr ? h.obj->size() : 0;
  if (part == Part::kBoth) {
    ctx.rb.map(n);
  } else {
    ctx.rb.array(n);
  }
  if (n == 0) return;
  h.obj->for_each([&](std::string_view f, std::string_view v) {
    if (part != Part::kValues) ctx.rb.bulk(f);
    if (part != Part::kFields) ctx.rb.bulk(v);
  });
}

void cmd_hgetall(ExecContext& ctx) {
  reply_whole(ctx, Part::kBoth);
}
void cmd_hkeys(ExecContext& ctx) {
  reply_whole(ctx, Part::kFields);
}
void cmd_hvals(ExecContext& ctx) {
  reply_whole(ctx, Part::kValues);
}

// HRANDFIELD key [count [WITHVALUES]]
// Without a count: one field, or nil. With one: a positive count asks for distinct fields (the
// whole hash when it is at least the size), a negative one for |count| picks with repeats.
// WITHVALUES replies field, value, ... in RESP2 and [field, value] pairs in RESP3.
void cmd_hrandfield(ExecContext& ctx) {
  ArgList args = ctx.args;
  if (args.size() == 2) {
    HashRef h = find_hash(ctx.db, args[1]);
    if (h.wrong_type) return ctx.rb.error(kErrWrongType);
    if (h.obj == nullptr) return ctx.rb.null();
    h.obj->sample_with_repeats(1, random_gen(),
                               [&](std::string_view f, std::string_view) { ctx.rb.bulk(f); });
    return;
  }
  std::optional<int64_t> l = base::parse_int64(args[2]);
  if (!l) return ctx.rb.error(kErrNotInteger);
  if (*l == kMinInt64) return ctx.rb.error(kErrCountRange);
  bool with_values = false;
  if (args.size() > 4 || (args.size() == 4 && !base::iequals(args[3], "withvalues"))) {
    return ctx.rb.error(kErrSyntax);
  }
  if (args.size() == 4) {
    with_values = true;
    // Redis doubles the count for the RESP2 reply length and checks that first.
    if (*l < -(kMaxInt64 / 2) || *l > kMaxInt64 / 2) return ctx.rb.error(kErrOutOfRange);
  }
  HashRef h = find_hash(ctx.db, args[1]);
  if (h.wrong_type) return ctx.rb.error(kErrWrongType);
  if (h.obj == nullptr || *l == 0) return ctx.rb.array(0);
  const bool repeats = *l < 0;
  const uint64_t count = repeats ? static_cast<uint64_t>(-*l) : static_cast<uint64_t>(*l);
  // Redis would try to build the reply; past this it would take gigabytes. Refused instead.
  if (repeats && count > kMaxRepeatedPicks) return ctx.rb.error(kErrOutOfRange);
  const size_t picks = repeats ? count : std::min<uint64_t>(count, h.obj->size());
  const bool pairs3 = with_values && ctx.rb.resp() >= 3;
  ctx.rb.array(with_values && !pairs3 ? picks * 2 : picks);
  auto emit = [&](std::string_view f, std::string_view v) {
    if (pairs3) ctx.rb.array(2);
    ctx.rb.bulk(f);
    if (with_values) ctx.rb.bulk(v);
  };
  if (repeats) {
    h.obj->sample_with_repeats(picks, random_gen(), emit);
  } else {
    h.obj->sample_distinct(picks, random_gen(), emit);
  }
}

// HSCAN key cursor [MATCH pattern] [COUNT count]
// A listpack hash is returned whole with cursor 0; a hashtable one by steps of the table's
// cursor, visiting buckets until `count` fields were seen (before MATCH filters them) or
// count * 10 more buckets were visited.
void cmd_hscan(ExecContext& ctx) {
  std::optional<uint64_t> cursor = parse_scan_cursor(ctx.args[2]);
  if (!cursor) return ctx.rb.error(kErrInvalidCursor);
  HashRef h = find_hash(ctx.db, ctx.args[1]);
  if (h.wrong_type) return ctx.rb.error(kErrWrongType);
  if (h.obj == nullptr) {
    ctx.rb.array(2);
    ctx.rb.bulk("0");
    return ctx.rb.array(0);
  }
  ScanArgs a;
  std::string err = parse_scan_options(ctx.args, 3, false, &a);
  if (!err.empty()) return ctx.rb.error(err);

  std::vector<std::pair<std::string, std::string>> found;
  uint64_t seen = 0;
  auto visit = [&](std::string_view f, std::string_view v) {
    ++seen;
    if (a.use_pattern && !base::glob_match(a.pattern, f)) return;
    found.emplace_back(f, v);
  };
  const uint64_t count = static_cast<uint64_t>(a.count);
  const uint64_t max_extra = count > std::numeric_limits<uint64_t>::max() / 10
                                 ? std::numeric_limits<uint64_t>::max()
                                 : count * 10;
  uint64_t next = h.obj->scan(*cursor, visit);
  for (uint64_t extra = 0; next != 0 && extra < max_extra && seen < count; ++extra) {
    next = h.obj->scan(next, visit);
  }
  ctx.rb.array(2);
  ctx.rb.bulk(std::to_string(next));
  ctx.rb.array(found.size() * 2);
  for (const auto& [f, v] : found) {
    ctx.rb.bulk(f);
    ctx.rb.bulk(v);
  }
}

// ---- COMMAND INFO / DOCS metadata (checked against redis-server 7.0.15) ----

#include "hash_family_args.inc"

constexpr RedisMeta kHsetMeta{
    .key_flags = "RW update",
    .history = {{{"4.0.0", "Accepts multiple `field` and `value` arguments."}}},
    .args = kHsetArgs};
constexpr RedisMeta kHsetnxMeta{.key_flags = "RW insert", .args = kHsetnxArgs};
constexpr RedisMeta kHmsetMeta{.key_flags = "RW update",
                               .deprecated_since = "4.0.0",
                               .replaced_by = "`HSET` with multiple field-value pairs",
                               .args = kHmsetArgs};
constexpr RedisMeta kHgetMeta{.key_flags = "RO access", .args = kHgetArgs};
constexpr RedisMeta kHmgetMeta{.key_flags = "RO access", .args = kHmgetArgs};
constexpr RedisMeta kHgetallMeta{
    .key_flags = "RO access", .tips = "nondeterministic_output_order", .args = kHgetallArgs};
constexpr RedisMeta kHkeysMeta{
    .key_flags = "RO access", .tips = "nondeterministic_output_order", .args = kHkeysArgs};
constexpr RedisMeta kHvalsMeta{
    .key_flags = "RO access", .tips = "nondeterministic_output_order", .args = kHvalsArgs};
constexpr RedisMeta kHdelMeta{.key_flags = "RW delete",
                              .history = {{{"2.4.0", "Accepts multiple `field` arguments."}}},
                              .args = kHdelArgs};
constexpr RedisMeta kHexistsMeta{.key_flags = "RO", .args = kHexistsArgs};
constexpr RedisMeta kHlenMeta{.key_flags = "RO", .args = kHlenArgs};
constexpr RedisMeta kHstrlenMeta{.key_flags = "RO", .args = kHstrlenArgs};
constexpr RedisMeta kHincrbyMeta{.key_flags = "RW access update", .args = kHincrbyArgs};
constexpr RedisMeta kHincrbyfloatMeta{.key_flags = "RW access update", .args = kHincrbyfloatArgs};
constexpr RedisMeta kHrandfieldMeta{
    .key_flags = "RO access", .tips = "nondeterministic_output", .args = kHrandfieldArgs};
constexpr RedisMeta kHscanMeta{
    .key_flags = "RO access", .tips = "nondeterministic_output", .args = kHscanArgs};

}  // namespace

void register_hash_family(Registry& r) {
  register_object_ops(ObjType::kHash, &kHashOps);
  constexpr uint32_t kReadFast = kAclRead | kAclHash | kAclFast;
  constexpr uint32_t kReadSlow = kAclRead | kAclHash | kAclSlow;
  constexpr uint32_t kWriteFast = kAclWrite | kAclHash | kAclFast;
  constexpr std::string_view kWholeHash = "O(N) where N is the size of the hash.";
  r.add({.name = "hset",
         .arity = -4,
         .flags = kWrite | kDenyOom | kFast,
         .keys = {1, 1, 1},
         .run = cmd_hset,
         .check = check_hset,
         .acl = kWriteFast,
         .group = "hash",
         .summary = "Set the string value of a hash field",
         .since = "2.0.0",
         .complexity = "O(1) for each field/value pair added, so O(N) to add N field/value pairs "
                       "when the command is called with multiple field/value pairs.",
         .meta = &kHsetMeta});
  r.add({.name = "hsetnx",
         .arity = 4,
         .flags = kWrite | kDenyOom | kFast,
         .keys = {1, 1, 1},
         .run = cmd_hsetnx,
         .acl = kWriteFast,
         .group = "hash",
         .summary = "Set the value of a hash field, only if the field does not exist",
         .since = "2.0.0",
         .complexity = "O(1)",
         .meta = &kHsetnxMeta});
  r.add({.name = "hmset",
         .arity = -4,
         .flags = kWrite | kDenyOom | kFast,
         .keys = {1, 1, 1},
         .run = cmd_hmset,
         .check = check_hmset,
         .acl = kWriteFast,
         .group = "hash",
         .summary = "Set multiple hash fields to multiple values",
         .since = "2.0.0",
         .complexity = "O(N) where N is the number of fields being set.",
         .meta = &kHmsetMeta});
  r.add({.name = "hget",
         .arity = 3,
         .flags = kReadOnly | kFast,
         .keys = {1, 1, 1},
         .run = cmd_hget,
         .acl = kReadFast,
         .group = "hash",
         .summary = "Get the value of a hash field",
         .since = "2.0.0",
         .complexity = "O(1)",
         .meta = &kHgetMeta});
  r.add({.name = "hmget",
         .arity = -3,
         .flags = kReadOnly | kFast,
         .keys = {1, 1, 1},
         .run = cmd_hmget,
         .acl = kReadFast,
         .group = "hash",
         .summary = "Get the values of all the given hash fields",
         .since = "2.0.0",
         .complexity = "O(N) where N is the number of fields being requested.",
         .meta = &kHmgetMeta});
  r.add({.name = "hgetall",
         .arity = 2,
         .flags = kReadOnly,
         .keys = {1, 1, 1},
         .run = cmd_hgetall,
         .acl = kReadSlow,
         .group = "hash",
         .summary = "Get all the fields and values in a hash",
         .since = "2.0.0",
         .complexity = kWholeHash,
         .meta = &kHgetallMeta});
  r.add({.name = "hkeys",
         .arity = 2,
         .flags = kReadOnly,
         .keys = {1, 1, 1},
         .run = cmd_hkeys,
         .acl = kReadSlow,
         .group = "hash",
         .summary = "Get all the fields in a hash",
         .since = "2.0.0",
         .complexity = kWholeHash,
         .meta = &kHkeysMeta});
  r.add({.name = "hvals",
         .arity = 2,
         .flags = kReadOnly,
         .keys = {1, 1, 1},
         .run = cmd_hvals,
         .acl = kReadSlow,
         .group = "hash",
         .summary = "Get all the values in a hash",
         .since = "2.0.0",
         .complexity = kWholeHash,
         .meta = &kHvalsMeta});
  r.add({.name = "hdel",
         .arity = -3,
         .flags = kWrite | kFast,
         .keys = {1, 1, 1},
         .run = cmd_hdel,
         .acl = kWriteFast,
         .group = "hash",
         .summary = "Delete one or more hash fields",
         .since = "2.0.0",
         .complexity = "O(N) where N is the number of fields to be removed.",
         .meta = &kHdelMeta});
  r.add({.name = "hexists",
         .arity = 3,
         .flags = kReadOnly | kFast,
         .keys = {1, 1, 1},
         .run = cmd_hexists,
         .acl = kReadFast,
         .group = "hash",
         .summary = "Determine if a hash field exists",
         .since = "2.0.0",
         .complexity = "O(1)",
         .meta = &kHexistsMeta});
  r.add({.name = "hlen",
         .arity = 2,
         .flags = kReadOnly | kFast,
         .keys = {1, 1, 1},
         .run = cmd_hlen,
         .acl = kReadFast,
         .group = "hash",
         .summary = "Get the number of fields in a hash",
         .since = "2.0.0",
         .complexity = "O(1)",
         .meta = &kHlenMeta});
  r.add({.name = "hstrlen",
         .arity = 3,
         .flags = kReadOnly | kFast,
         .keys = {1, 1, 1},
         .run = cmd_hstrlen,
         .acl = kReadFast,
         .group = "hash",
         .summary = "Get the length of the value of a hash field",
         .since = "3.2.0",
         .complexity = "O(1)",
         .meta = &kHstrlenMeta});
  r.add({.name = "hincrby",
         .arity = 4,
         .flags = kWrite | kDenyOom | kFast,
         .keys = {1, 1, 1},
         .run = cmd_hincrby,
         .acl = kWriteFast,
         .group = "hash",
         .summary = "Increment the integer value of a hash field by the given number",
         .since = "2.0.0",
         .complexity = "O(1)",
         .meta = &kHincrbyMeta});
  r.add({.name = "hincrbyfloat",
         .arity = 4,
         .flags = kWrite | kDenyOom | kFast,
         .keys = {1, 1, 1},
         .run = cmd_hincrbyfloat,
         .acl = kWriteFast,
         .group = "hash",
         .summary = "Increment the float value of a hash field by the given amount",
         .since = "2.6.0",
         .complexity = "O(1)",
         .meta = &kHincrbyfloatMeta});
  r.add({.name = "hrandfield",
         .arity = -2,
         .flags = kReadOnly,
         .keys = {1, 1, 1},
         .run = cmd_hrandfield,
         .acl = kReadSlow,
         .group = "hash",
         .summary = "Get one or multiple random fields from a hash",
         .since = "6.2.0",
         .complexity = "O(N) where N is the number of fields returned",
         .meta = &kHrandfieldMeta});
  r.add({.name = "hscan",
         .arity = -3,
         .flags = kReadOnly,
         .keys = {1, 1, 1},
         .run = cmd_hscan,
         .acl = kReadSlow,
         .group = "hash",
         .summary = "Incrementally iterate hash fields and associated values",
         .since = "2.8.0",
         .complexity =
             "O(1) for every call. O(N) for a complete iteration, including enough command calls "
             "for the cursor to return back to 0. N is the number of elements inside the "
             "collection..",
         .meta = &kHscanMeta});
}

}  // namespace shardis::server
