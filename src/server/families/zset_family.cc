// Sorted-set commands on single members and whole keys: ZADD, ZINCRBY, ZREM, ZSCORE, ZMSCORE,
// ZCARD, ZRANK, ZREVRANK, ZPOPMIN, ZPOPMAX, ZRANDMEMBER and ZSCAN, with Redis 7.0's replies and
// errors. This file also holds what the sorted-set files share (zset_family.h), the zset type's
// ObjectOps, and register_zset_family, which registers the range commands (zset_range_family.cc)
// and the algebra (zset_algebra_family.cc) too.
//
// Each cmd_* runs on the shard that owns its key: it parses every argument first (Redis reports
// argument errors before WRONGTYPE), looks the key up once, and writes one reply. The value is a
// core::ZsetObject, "listpack" or "skiplist" as Redis 7.0 encodes it; a command that empties a
// sorted set deletes the key. Writes report their changes, events and dirty count through their
// ExecContext as Redis 7.0 does; one that changes nothing reports nothing.
#include "zset_family.h"

#include <shardis/base/glob.h>
#include <shardis/base/number_format.h>
#include <shardis/core/zset_object.h>
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
#include <unordered_set>
#include <utility>
#include <vector>

#include "command_meta.h"

namespace shardis::server {

using core::ZsetElement;
using core::ZsetObject;

// ---- Shared pieces (zset_family.h) ----

ZsetRef find_zset(Db& db, std::string_view key) {
  TypedEntry t = find_typed(db, key, ObjType::kZSet);
  if (t.wrong_type) return {nullptr, true};
  if (t.entry == nullptr) return {};
  return {object_as<ZsetObject>(t.entry), false};
}

ZsetObject* zset_for_write(Db& db, std::string_view key, ZsetRef ref) {
  if (ref.zset != nullptr) return ref.zset;
  auto z = std::make_unique<ZsetObject>();
  ZsetObject* raw = z.get();
  db.set_object(key, ObjType::kZSet, z.release());
  return raw;
}

void reply_elements_header(proto::ReplyBuilder& rb, size_t n, bool withscores) {
  rb.array(withscores && rb.resp() < 3 ? n * 2 : n);
}

void reply_element(proto::ReplyBuilder& rb, std::string_view member, double score,
                   bool withscores) {
  if (!withscores) return rb.bulk(member);
  if (rb.resp() >= 3) rb.array(2);
  rb.bulk(member);
  rb.double_value(score);
}

bool store_zset(Db& db, std::string_view key, std::span<const ZsetElement> sorted) {
  if (sorted.empty()) return db.erase(key);
  std::unique_ptr<ZsetObject> z = ZsetObject::from_sorted(sorted);
  db.set_object(key, ObjType::kZSet, z.release());
  return true;
}

void report_store(ExecContext& ctx, std::string_view key, std::string_view event, size_t size,
                  bool deleted) {
  if (size > 0) {
    ctx.changed(kNotifyZset, event, key);
  } else if (deleted) {
    ctx.changed(kNotifyGeneric, "del", key);
  }
}

std::vector<core::ZsetEntry> pop_reported(ExecContext& ctx, std::string_view key, ZsetObject& z,
                                          bool from_max, size_t count) {
  std::vector<core::ZsetEntry> popped;
  z.pop(from_max, count, &popped);
  if (popped.empty()) return popped;
  ctx.changed(kNotifyZset, from_max ? "zpopmax" : "zpopmin", key, popped.size());
  if (z.empty()) {
    ctx.db.erase(key);
    ctx.event(kNotifyGeneric, "del", key);
  }
  return popped;
}

namespace {

constexpr std::string_view kErrNaN = "ERR resulting score is not a number (NaN)";
constexpr std::string_view kErrXxNx = "ERR XX and NX options at the same time are not compatible";
constexpr std::string_view kErrGtLtNx =
    "ERR GT, LT, and/or NX options at the same time are not compatible";
constexpr std::string_view kErrIncrPair =
    "ERR INCR option supports a single increment-element pair";
constexpr std::string_view kErrNotPositive = "ERR value is out of range, must be positive";
constexpr std::string_view kErrCountRange =
    "ERR value is out of range, value must between -9223372036854775807 and "
    "9223372036854775807";
constexpr std::string_view kErrOutOfRange = "ERR value is out of range";

uint64_t next_random() {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return gen();
}

// ---- ZADD / ZINCRBY ----

struct AddParams {
  unsigned flags = 0;
  bool ch = false;  // reply added + updated instead of added
};

struct AddOutcome {
  bool wrong_type = false;
  bool nan = false;
  int64_t added = 0;
  int64_t updated = 0;
  int64_t processed = 0;  // members not skipped by NX/XX/GT/LT
  double score = 0;       // the last member's score (INCR replies it)
};

// Adds the (score, member) pairs; scores were parsed already. An absent key is created unless
// XX makes every pair a no-op. The caller reports the change: added + updated elements.
AddOutcome op_add(Db& db, std::string_view key, const AddParams& p, std::span<const double> scores,
                  ArgList members) {
  AddOutcome out;
  ZsetRef ref = find_zset(db, key);
  if (ref.wrong_type) return {.wrong_type = true};
  if (ref.zset == nullptr && (p.flags & ZsetObject::kAddXx)) return out;
  ZsetObject* z = zset_for_write(db, key, ref);
  for (size_t i = 0; i < scores.size(); ++i) {
    double score = 0;
    switch (z->add(scores[i], members[i], p.flags, &score)) {
      case ZsetObject::AddResult::kAdded:
        ++out.added;
        break;
      case ZsetObject::AddResult::kUpdated:
        ++out.updated;
        break;
      case ZsetObject::AddResult::kUnchanged:
        break;
      case ZsetObject::AddResult::kSkipped:
        continue;
      case ZsetObject::AddResult::kNaN:
        out.nan = true;
        break;
    }
    if (out.nan) break;
    ++out.processed;
    out.score = score;
  }
  if (z->empty()) db.erase(key);
  return out;
}

void reply_add(proto::ReplyBuilder& rb, const AddParams& p, const AddOutcome& out) {
  if (out.wrong_type) return rb.error(kErrWrongType);
  if (out.nan) return rb.error(kErrNaN);
  if (p.flags & ZsetObject::kAddIncr) {
    if (out.processed == 0) return rb.null();
    return rb.double_value(out.score);
  }
  rb.integer(p.ch ? out.added + out.updated : out.added);
}

// One change per element added or whose score changed, with the event "zincr" for INCR (and
// ZINCRBY) and "zadd" otherwise; nothing when no element was.
void add_and_reply(ExecContext& ctx, const AddParams& p, std::span<const double> scores,
                   ArgList members) {
  AddOutcome out = op_add(ctx.db, ctx.args[1], p, scores, members);
  if (const int64_t n = out.added + out.updated; n > 0) {
    ctx.changed(kNotifyZset, (p.flags & ZsetObject::kAddIncr) ? "zincr" : "zadd", ctx.args[1],
                static_cast<uint64_t>(n));
  }
  reply_add(ctx.rb, p, out);
}

// ZADD key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]
void cmd_zadd(ExecContext& ctx) {
  ArgList args = ctx.args;
  AddParams p;
  size_t j = 2;
  for (; j < args.size(); ++j) {
    std::string_view o = args[j];
    if (base::iequals(o, "nx")) {
      p.flags |= ZsetObject::kAddNx;
    } else if (base::iequals(o, "xx")) {
      p.flags |= ZsetObject::kAddXx;
    } else if (base::iequals(o, "gt")) {
      p.flags |= ZsetObject::kAddGt;
    } else if (base::iequals(o, "lt")) {
      p.flags |= ZsetObject::kAddLt;
    } else if (base::iequals(o, "ch")) {
      p.ch = true;
    } else if (base::iequals(o, "incr")) {
      p.flags |= ZsetObject::kAddIncr;
    } else {
      break;
    }
  }
  const size_t elements = args.size() - j;
  if (elements == 0 || elements % 2 != 0) return ctx.rb.error(kErrSyntax);
  const unsigned f = p.flags;
  const bool nx = f & ZsetObject::kAddNx, xx = f & ZsetObject::kAddXx;
  const bool gt = f & ZsetObject::kAddGt, lt = f & ZsetObject::kAddLt;
  if (nx && xx) return ctx.rb.error(kErrXxNx);
  if ((gt && nx) || (lt && nx) || (gt && lt)) return ctx.rb.error(kErrGtLtNx);
  const size_t pairs = elements / 2;
  if ((f & ZsetObject::kAddIncr) && pairs > 1) return ctx.rb.error(kErrIncrPair);
  std::vector<double> scores(pairs);
  std::vector<std::string_view> members(pairs);
  for (size_t i = 0; i < pairs; ++i) {
    std::optional<double> s = base::parse_double(args[j + 2 * i]);
    if (!s) return ctx.rb.error(kErrNotFloat);
    scores[i] = *s;
    members[i] = args[j + 2 * i + 1];
  }
  add_and_reply(ctx, p, scores, members);
}

// ZINCRBY key increment member
void cmd_zincrby(ExecContext& ctx) {
  std::optional<double> incr = base::parse_double(ctx.args[2]);
  if (!incr) return ctx.rb.error(kErrNotFloat);
  const AddParams p{.flags = ZsetObject::kAddIncr};
  const double score = *incr;
  add_and_reply(ctx, p, {&score, 1}, ctx.args.subspan(3, 1));
}

// ---- Members ----

void cmd_zrem(ExecContext& ctx) {
  ZsetRef ref = find_zset(ctx.db, ctx.args[1]);
  if (ref.wrong_type) return ctx.rb.error(kErrWrongType);
  int64_t removed = 0;
  bool key_removed = false;
  if (ref.zset != nullptr) {
    for (std::string_view m : ctx.args.subspan(2)) {
      removed += ref.zset->erase(m) ? 1 : 0;
      if (ref.zset->empty()) {
        ctx.db.erase(ctx.args[1]);
        key_removed = true;
        break;
      }
    }
  }
  if (removed > 0) {
    ctx.changed(kNotifyZset, "zrem", ctx.args[1], static_cast<uint64_t>(removed));
    if (key_removed) ctx.event(kNotifyGeneric, "del", ctx.args[1]);
  }
  ctx.rb.integer(removed);
}

void cmd_zscore(ExecContext& ctx) {
  ZsetRef ref = find_zset(ctx.db, ctx.args[1]);
  if (ref.wrong_type) return ctx.rb.error(kErrWrongType);
  std::optional<double> s;
  if (ref.zset != nullptr) s = ref.zset->score(ctx.args[2]);
  if (!s) return ctx.rb.null();
  ctx.rb.double_value(*s);
}

void cmd_zmscore(ExecContext& ctx) {
  ZsetRef ref = find_zset(ctx.db, ctx.args[1]);
  if (ref.wrong_type) return ctx.rb.error(kErrWrongType);
  ArgList members = ctx.args.subspan(2);
  ctx.rb.array(members.size());
  for (std::string_view m : members) {
    std::optional<double> s;
    if (ref.zset != nullptr) s = ref.zset->score(m);
    if (s) {
      ctx.rb.double_value(*s);
    } else {
      ctx.rb.null();
    }
  }
}

void cmd_zcard(ExecContext& ctx) {
  ZsetRef ref = find_zset(ctx.db, ctx.args[1]);
  if (ref.wrong_type) return ctx.rb.error(kErrWrongType);
  ctx.rb.integer(ref.zset != nullptr ? static_cast<int64_t>(ref.zset->size()) : 0);
}

void zrank_generic(ExecContext& ctx, bool reverse) {
  ZsetRef ref = find_zset(ctx.db, ctx.args[1]);
  if (ref.wrong_type) return ctx.rb.error(kErrWrongType);
  std::optional<size_t> rank;
  if (ref.zset != nullptr) rank = ref.zset->rank(ctx.args[2], reverse);
  if (!rank) return ctx.rb.null();
  ctx.rb.integer(static_cast<int64_t>(*rank));
}

void cmd_zrank(ExecContext& ctx) {
  zrank_generic(ctx, false);
}
void cmd_zrevrank(ExecContext& ctx) {
  zrank_generic(ctx, true);
}

// ---- ZPOPMIN / ZPOPMAX ----

// ZPOPMIN key [count]: without a count the reply is one flat [member, score] pair (or an empty
// array); with one, an element list (pairs in RESP3).
void zpop_generic(ExecContext& ctx, bool from_max) {
  if (ctx.args.size() > 3) return ctx.rb.error(kErrSyntax);
  const bool has_count = ctx.args.size() == 3;
  int64_t count = 1;
  if (has_count) {
    std::optional<int64_t> n = base::parse_int64(ctx.args[2]);
    if (!n || *n < 0) return ctx.rb.error(kErrNotPositive);
    count = *n;
  }
  ZsetRef ref = find_zset(ctx.db, ctx.args[1]);
  if (ref.wrong_type) return ctx.rb.error(kErrWrongType);
  std::vector<core::ZsetEntry> popped;
  if (ref.zset != nullptr && count > 0) {
    popped = pop_reported(ctx, ctx.args[1], *ref.zset, from_max, static_cast<size_t>(count));
  }
  if (!has_count && !popped.empty()) {
    ctx.rb.array(2);
    ctx.rb.bulk(popped[0].member);
    ctx.rb.double_value(popped[0].score);
    return;
  }
  reply_elements_header(ctx.rb, popped.size(), true);
  for (const core::ZsetEntry& e : popped) reply_element(ctx.rb, e.member, e.score, true);
}

void cmd_zpopmin(ExecContext& ctx) {
  zpop_generic(ctx, false);
}
void cmd_zpopmax(ExecContext& ctx) {
  zpop_generic(ctx, true);
}

// ---- ZRANDMEMBER ----

// Distinct random ranks, count < size: a partial shuffle when most of the set is wanted, else
// draws until enough distinct ones came up (Redis's two strategies). At most size entries.
std::vector<size_t> distinct_ranks(size_t size, size_t count) {
  std::vector<size_t> out;
  out.reserve(count);
  if (count * 3 > size) {
    std::vector<size_t> all(size);
    for (size_t i = 0; i < size; ++i) all[i] = i;
    for (size_t i = 0; i < count; ++i) {
      std::swap(all[i], all[i + next_random() % (size - i)]);
      out.push_back(all[i]);
    }
    return out;
  }
  std::unordered_set<size_t> seen;
  while (out.size() < count) {
    size_t r = next_random() % size;
    if (seen.insert(r).second) out.push_back(r);
  }
  return out;
}

// ZRANDMEMBER key count [WITHSCORES] on an existing set. A negative count may repeat members
// and is streamed, never allocated; count >= size replies the whole set, highest first, as
// Redis 7.0 does.
void reply_random_members(proto::ReplyBuilder& rb, const ZsetObject& z, int64_t count,
                          bool withscores) {
  const size_t size = z.size();
  if (count < 0) {
    const uint64_t n = static_cast<uint64_t>(-count);
    reply_elements_header(rb, n, withscores);
    for (uint64_t i = 0; i < n; ++i) {
      ZsetObject::Iter it = z.random(next_random());
      ZsetElement e = it.get();
      reply_element(rb, e.member, e.score, withscores);
    }
    return;
  }
  if (static_cast<uint64_t>(count) >= size) {
    reply_elements_header(rb, size, withscores);
    for (ZsetObject::Iter it = z.last(); it.valid(); it.prev()) {
      ZsetElement e = it.get();
      reply_element(rb, e.member, e.score, withscores);
    }
    return;
  }
  std::vector<size_t> ranks = distinct_ranks(size, static_cast<size_t>(count));
  reply_elements_header(rb, ranks.size(), withscores);
  for (size_t r : ranks) {
    ZsetObject::Iter it = z.at_rank(r);
    ZsetElement e = it.get();
    reply_element(rb, e.member, e.score, withscores);
  }
}

void cmd_zrandmember(ExecContext& ctx) {
  ArgList args = ctx.args;
  if (args.size() == 2) {
    ZsetRef ref = find_zset(ctx.db, args[1]);
    if (ref.wrong_type) return ctx.rb.error(kErrWrongType);
    if (ref.zset == nullptr) return ctx.rb.null();
    ZsetObject::Iter it = ref.zset->random(next_random());
    return ctx.rb.bulk(it.get().member);
  }
  std::optional<int64_t> count = base::parse_int64(args[2]);
  if (!count) return ctx.rb.error(kErrNotInteger);
  if (*count == std::numeric_limits<int64_t>::min()) return ctx.rb.error(kErrCountRange);
  bool withscores = false;
  if (args.size() > 4 || (args.size() == 4 && !base::iequals(args[3], "withscores"))) {
    return ctx.rb.error(kErrSyntax);
  }
  if (args.size() == 4) {
    withscores = true;
    constexpr int64_t kHalf = std::numeric_limits<int64_t>::max() / 2;
    if (*count < -kHalf || *count > kHalf) return ctx.rb.error(kErrOutOfRange);
  }
  ZsetRef ref = find_zset(ctx.db, args[1]);
  if (ref.wrong_type) return ctx.rb.error(kErrWrongType);
  if (ref.zset == nullptr || *count == 0) return ctx.rb.array(0);
  reply_random_members(ctx.rb, *ref.zset, *count, withscores);
}

// ---- ZSCAN ----

// ZSCAN key cursor [MATCH pattern] [COUNT count]. A listpack reports everything at once (cursor
// 0); a skiplist walks table buckets until it has `count` elements or has visited 10 * count
// buckets, then filters by MATCH. The options of an absent key are not looked at, as in Redis.
void cmd_zscan(ExecContext& ctx) {
  std::optional<uint64_t> cursor = parse_scan_cursor(ctx.args[2]);
  if (!cursor) return ctx.rb.error(kErrInvalidCursor);
  ZsetRef ref = find_zset(ctx.db, ctx.args[1]);
  if (ref.wrong_type) return ctx.rb.error(kErrWrongType);
  ScanArgs a;
  if (ref.zset != nullptr) {
    std::string err = parse_scan_options(ctx.args, 3, false, &a);
    if (!err.empty()) return ctx.rb.error(err);
  }
  std::vector<core::ZsetEntry> found;
  uint64_t next = 0;
  if (ref.zset != nullptr) {
    auto collect = [&](ZsetElement e) {
      if (a.use_pattern && !base::glob_match(a.pattern, e.member)) return;
      found.push_back({std::string(e.member), e.score});
    };
    if (ref.zset->encoding() == ZsetObject::Encoding::kListpack) {
      ref.zset->for_each(collect);
    } else {
      next = *cursor;
      const uint64_t max_visits = static_cast<uint64_t>(a.count) * 10;
      uint64_t visits = 0;
      uint64_t seen = 0;
      do {
        next = ref.zset->scan(next, [&](ZsetElement e) {
          ++seen;
          collect(e);
        });
      } while (next != 0 && seen < static_cast<uint64_t>(a.count) && ++visits < max_visits);
    }
  }
  ctx.rb.array(2);
  ctx.rb.bulk(std::to_string(next));
  ctx.rb.array(found.size() * 2);
  for (const core::ZsetEntry& e : found) {
    ctx.rb.bulk(e.member);
    ctx.rb.bulk(base::double_to_resp(e.score));
  }
}

// ---- Object type ----

void destroy_zset(void* obj) {
  delete static_cast<ZsetObject*>(obj);
}
void* clone_zset(const void* obj) {
  return static_cast<const ZsetObject*>(obj)->clone().release();
}
size_t zset_bytes(const void* obj) {
  return static_cast<const ZsetObject*>(obj)->bytes();
}
const char* zset_encoding(const void* obj) {
  return static_cast<const ZsetObject*>(obj)->encoding_name();
}

constexpr ObjectOps kZsetOps{destroy_zset, clone_zset, zset_bytes, zset_encoding};

// ---- COMMAND INFO / DOCS metadata (checked against redis-server 7.0.15) ----

#include "zset_family_args.inc"

constexpr HistoryEntry kMultipleElements{"2.4.0", "Accepts multiple elements."};

constexpr RedisMeta kZaddMeta{
    .key_flags = "RW update",
    .history = {{kMultipleElements,
                 {"3.0.2", "Added the `XX`, `NX`, `CH` and `INCR` options."},
                 {"6.2.0", "Added the `GT` and `LT` options."}}},
    .args = kZaddArgs};
constexpr RedisMeta kZincrbyMeta{.key_flags = "RW access update", .args = kZincrbyArgs};
constexpr RedisMeta kZremMeta{
    .key_flags = "RW delete", .history = {{kMultipleElements}}, .args = kZremArgs};
constexpr RedisMeta kZscoreMeta{.key_flags = "RO access", .args = kZscoreArgs};
constexpr RedisMeta kZmscoreMeta{.key_flags = "RO access", .args = kZmscoreArgs};
constexpr RedisMeta kZcardMeta{.key_flags = "RO", .args = kZcardArgs};
constexpr RedisMeta kZrankMeta{.key_flags = "RO access", .args = kZrankArgs};
constexpr RedisMeta kZrevrankMeta{.key_flags = "RO access", .args = kZrevrankArgs};
constexpr RedisMeta kZpopminMeta{.key_flags = "RW access delete", .args = kZpopminArgs};
constexpr RedisMeta kZpopmaxMeta{.key_flags = "RW access delete", .args = kZpopmaxArgs};
constexpr RedisMeta kZrandmemberMeta{
    .key_flags = "RO access", .tips = "nondeterministic_output", .args = kZrandmemberArgs};
constexpr RedisMeta kZscanMeta{
    .key_flags = "RO access", .tips = "nondeterministic_output", .args = kZscanArgs};

}  // namespace

void register_zset_family(Registry& r) {
  register_object_ops(ObjType::kZSet, &kZsetOps);
  constexpr uint32_t kReadFast = kAclRead | kAclSortedSet | kAclFast;
  constexpr uint32_t kReadSlow = kAclRead | kAclSortedSet | kAclSlow;
  constexpr uint32_t kWriteFast = kAclWrite | kAclSortedSet | kAclFast;
  r.add({.name = "zadd",
         .arity = -4,
         .flags = kWrite | kDenyOom | kFast,
         .keys = {1, 1, 1},
         .run = cmd_zadd,
         .acl = kWriteFast,
         .group = "sorted-set",
         .summary =
             "Add one or more members to a sorted set, or update its score if it already exists",
         .since = "1.2.0",
         .complexity =
             "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
         .meta = &kZaddMeta});
  r.add({.name = "zincrby",
         .arity = 4,
         .flags = kWrite | kDenyOom | kFast,
         .keys = {1, 1, 1},
         .run = cmd_zincrby,
         .acl = kWriteFast,
         .group = "sorted-set",
         .summary = "Increment the score of a member in a sorted set",
         .since = "1.2.0",
         .complexity = "O(log(N)) where N is the number of elements in the sorted set.",
         .meta = &kZincrbyMeta});
  r.add({.name = "zrem",
         .arity = -3,
         .flags = kWrite | kFast,
         .keys = {1, 1, 1},
         .run = cmd_zrem,
         .acl = kWriteFast,
         .group = "sorted-set",
         .summary = "Remove one or more members from a sorted set",
         .since = "1.2.0",
         .complexity = "O(M*log(N)) with N being the number of elements in the sorted set and M "
                       "the number of elements to be removed.",
         .meta = &kZremMeta});
  r.add({.name = "zscore",
         .arity = 3,
         .flags = kReadOnly | kFast,
         .keys = {1, 1, 1},
         .run = cmd_zscore,
         .acl = kReadFast,
         .group = "sorted-set",
         .summary = "Get the score associated with the given member in a sorted set",
         .since = "1.2.0",
         .complexity = "O(1)",
         .meta = &kZscoreMeta});
  r.add({.name = "zmscore",
         .arity = -3,
         .flags = kReadOnly | kFast,
         .keys = {1, 1, 1},
         .run = cmd_zmscore,
         .acl = kReadFast,
         .group = "sorted-set",
         .summary = "Get the score associated with the given members in a sorted set",
         .since = "6.2.0",
         .complexity = "O(N) where N is the number of members being requested.",
         .meta = &kZmscoreMeta});
  r.add({.name = "zcard",
         .arity = 2,
         .flags = kReadOnly | kFast,
         .keys = {1, 1, 1},
         .run = cmd_zcard,
         .acl = kReadFast,
         .group = "sorted-set",
         .summary = "Get the number of members in a sorted set",
         .since = "1.2.0",
         .complexity = "O(1)",
         .meta = &kZcardMeta});
  r.add({.name = "zrank",
         .arity = 3,
         .flags = kReadOnly | kFast,
         .keys = {1, 1, 1},
         .run = cmd_zrank,
         .acl = kReadFast,
         .group = "sorted-set",
         .summary = "Determine the index of a member in a sorted set",
         .since = "2.0.0",
         .complexity = "O(log(N))",
         .meta = &kZrankMeta});
  r.add({.name = "zrevrank",
         .arity = 3,
         .flags = kReadOnly | kFast,
         .keys = {1, 1, 1},
         .run = cmd_zrevrank,
         .acl = kReadFast,
         .group = "sorted-set",
         .summary =
             "Determine the index of a member in a sorted set, with scores ordered from high to "
             "low",
         .since = "2.0.0",
         .complexity = "O(log(N))",
         .meta = &kZrevrankMeta});
  constexpr std::string_view kPopComplexity =
      "O(log(N)*M) with N being the number of elements in the sorted set, and M being the "
      "number of elements popped.";
  r.add({.name = "zpopmin",
         .arity = -2,
         .flags = kWrite | kFast,
         .keys = {1, 1, 1},
         .run = cmd_zpopmin,
         .acl = kWriteFast,
         .group = "sorted-set",
         .summary = "Remove and return members with the lowest scores in a sorted set",
         .since = "5.0.0",
         .complexity = kPopComplexity,
         .meta = &kZpopminMeta});
  r.add({.name = "zpopmax",
         .arity = -2,
         .flags = kWrite | kFast,
         .keys = {1, 1, 1},
         .run = cmd_zpopmax,
         .acl = kWriteFast,
         .group = "sorted-set",
         .summary = "Remove and return members with the highest scores in a sorted set",
         .since = "5.0.0",
         .complexity = kPopComplexity,
         .meta = &kZpopmaxMeta});
  r.add({.name = "zrandmember",
         .arity = -2,
         .flags = kReadOnly,
         .keys = {1, 1, 1},
         .run = cmd_zrandmember,
         .acl = kReadSlow,
         .group = "sorted-set",
         .summary = "Get one or multiple random elements from a sorted set",
         .since = "6.2.0",
         .complexity = "O(N) where N is the number of elements returned",
         .meta = &kZrandmemberMeta});
  r.add({.name = "zscan",
         .arity = -3,
         .flags = kReadOnly,
         .keys = {1, 1, 1},
         .run = cmd_zscan,
         .acl = kReadSlow,
         .group = "sorted-set",
         .summary = "Incrementally iterate sorted sets elements and associated scores",
         .since = "2.8.0",
         .complexity = "O(1) for every call. O(N) for a complete iteration, including enough "
                       "command calls for the cursor to return back to 0. N is the number of "
                       "elements inside the collection..",
         .meta = &kZscanMeta});
  register_zset_range_family(r);
  register_zset_algebra_family(r);
}

}  // namespace shardis::server
