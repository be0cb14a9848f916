// Sorted-set range commands: ZRANGE (by rank, BYSCORE, BYLEX, REV, LIMIT, WITHSCORES) and its
// older forms ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX; ZRANGESTORE;
// ZCOUNT and ZLEXCOUNT; ZREMRANGEBYRANK, ZREMRANGEBYSCORE and ZREMRANGEBYLEX. Redis 7.0's
// replies, errors and checking order.
//
// Every range form goes through one parser (parse_range_query) and one walk (walk_range), which
// visits the chosen elements in reply order; a reply walks twice (count, then write) so that no
// element is copied. Lex ranges follow Redis: they are meaningful when all scores are equal, and
// a walk stops at the first member past the far bound.
#include <shardis/base/number_format.h>
#include <shardis/core/zset_object.h>
#include <shardis/server/command.h>
#include <shardis/server/db.h>
#include <shardis/server/families/family_util.h>
#include <shardis/server/registry.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "command_meta.h"
#include "zset_family.h"

namespace shardis::server {
namespace {

using core::ZsetElement;
using core::ZsetObject;

constexpr std::string_view kErrLimitWithRank =
    "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
constexpr std::string_view kErrWithscoresLex =
    "ERR syntax error, WITHSCORES not supported in combination with BYLEX";

enum class RangeKind : uint8_t { kAuto, kRank, kScore, kLex };
enum class Direction : uint8_t { kAuto, kForward, kReverse };

struct RangeQuery {
  RangeKind kind = RangeKind::kRank;
  bool reverse = false;
  bool withscores = false;
  int64_t offset = 0;
  int64_t limit = -1;  // negative: no limit
  int64_t start = 0;   // kRank
  int64_t end = 0;
  core::ScoreRange score;  // kScore
  core::LexRange lex;      // kLex: views into the arguments
};

// Parses "<src> <min> <max> [options]" with src at args[src]: a kind or direction other than
// kAuto is fixed by the command (ZRANGEBYSCORE, ZREVRANGE, ...) and may not be given again.
// `store` (ZRANGESTORE) refuses WITHSCORES. Returns Redis's error text, or an empty string.
std::string parse_range_query(ArgList args, size_t src, RangeKind kind, Direction dir, bool store,
                              RangeQuery* q) {
  bool limit_given = false;
  for (size_t j = src + 3; j < args.size(); ++j) {
    std::string_view o = args[j];
    const size_t left = args.size() - j - 1;
    if (!store && base::iequals(o, "withscores")) {
      q->withscores = true;
    } else if (base::iequals(o, "limit") && left >= 2) {
      std::optional<int64_t> offset = base::parse_int64(args[j + 1]);
      if (!offset) return std::string(kErrNotInteger);
      std::optional<int64_t> limit = base::parse_int64(args[j + 2]);
      if (!limit) return std::string(kErrNotInteger);
      q->offset = *offset;
      q->limit = *limit;
      limit_given = true;
      j += 2;
    } else if (dir == Direction::kAuto && base::iequals(o, "rev")) {
      dir = Direction::kReverse;
    } else if (kind == RangeKind::kAuto && base::iequals(o, "bylex")) {
      kind = RangeKind::kLex;
    } else if (kind == RangeKind::kAuto && base::iequals(o, "byscore")) {
      kind = RangeKind::kScore;
    } else {
      return std::string(kErrSyntax);
    }
  }
  q->kind = kind == RangeKind::kAuto ? RangeKind::kRank : kind;
  q->reverse = dir == Direction::kReverse;
  // An explicit "LIMIT x -1" means no limit, and Redis lets it pass with a rank range.
  if (limit_given && q->limit != -1 && q->kind == RangeKind::kRank) {
    return std::string(kErrLimitWithRank);
  }
  if (q->withscores && q->kind == RangeKind::kLex) return std::string(kErrWithscoresLex);
  // Score and lex ranges are given as max, min when reversed.
  const bool swap = q->reverse && q->kind != RangeKind::kRank;
  std::string_view min = args[swap ? src + 2 : src + 1];
  std::string_view max = args[swap ? src + 1 : src + 2];
  switch (q->kind) {
    case RangeKind::kAuto:
    case RangeKind::kRank: {
      std::optional<int64_t> start = base::parse_int64(min);
      std::optional<int64_t> end = base::parse_int64(max);
      if (!start || !end) return std::string(kErrNotInteger);
      q->start = *start;
      q->end = *end;
      break;
    }
    case RangeKind::kScore: {
      std::optional<core::ScoreRange> r = core::parse_score_range(min, max);
      if (!r) return std::string(kErrMinMaxNotFloat);
      q->score = *r;
      break;
    }
    case RangeKind::kLex: {
      std::optional<core::LexRange> r = core::parse_lex_range(min, max);
      if (!r) return std::string(kErrMinMaxNotLex);
      q->lex = *r;
      break;
    }
  }
  return {};
}

// Clips Redis rank arguments to [0, n); false when nothing is selected.
bool clip_ranks(int64_t n, int64_t* start, int64_t* end) {
  if (*start < 0) *start += n;
  if (*end < 0) *end += n;
  if (*start < 0) *start = 0;
  if (*start > *end || *start >= n) return false;
  if (*end >= n) *end = n - 1;
  return true;
}

// Calls fn(ZsetObject::Iter&) for each selected element, in reply order.
template <typename Fn>
void walk_range(const ZsetObject& z, const RangeQuery& q, Fn&& fn) {
  if (q.kind == RangeKind::kRank) {
    int64_t start = q.start, end = q.end;
    const int64_t n = static_cast<int64_t>(z.size());
    if (!clip_ranks(n, &start, &end)) return;
    ZsetObject::Iter it = z.at_rank(static_cast<size_t>(q.reverse ? n - 1 - start : start));
    for (int64_t i = start; i <= end && it.valid(); ++i) {
      fn(it);
      if (q.reverse) {
        it.prev();
      } else {
        it.next();
      }
    }
    return;
  }
  // A negative offset selects nothing (Redis walks past the end skipping it).
  if (q.offset < 0 || (q.offset > 0 && static_cast<uint64_t>(q.offset) >= z.size())) return;
  const bool by_score = q.kind == RangeKind::kScore;
  ZsetObject::Iter it;
  if (by_score) {
    it = q.reverse ? z.last_in_range(q.score) : z.first_in_range(q.score);
  } else {
    it = q.reverse ? z.last_in_lex_range(q.lex) : z.first_in_lex_range(q.lex);
  }
  auto step = [&] {
    if (q.reverse) {
      it.prev();
    } else {
      it.next();
    }
  };
  for (int64_t skip = q.offset; skip > 0 && it.valid(); --skip) step();
  // The near bound held for the first element; only the far one can end the walk.
  // A negative limit is no limit (counted as unsigned, it outlasts any set).
  for (uint64_t left = static_cast<uint64_t>(q.limit); left != 0 && it.valid(); --left) {
    const bool inside = by_score ? (q.reverse ? core::score_gte_min(it.score(), q.score)
                                              : core::score_lte_max(it.score(), q.score))
                                 : (q.reverse ? core::member_gte_min(it.get().member, q.lex)
                                              : core::member_lte_max(it.get().member, q.lex));
    if (!inside) break;
    fn(it);
    step();
  }
}

// Writes the reply of a range read on z (nullptr: an absent key).
void reply_range(proto::ReplyBuilder& rb, const ZsetObject* z, const RangeQuery& q) {
  if (z == nullptr) return rb.array(0);
  size_t n = 0;
  walk_range(*z, q, [&](ZsetObject::Iter&) { ++n; });
  reply_elements_header(rb, n, q.withscores);
  walk_range(*z, q, [&](ZsetObject::Iter& it) {
    ZsetElement e = it.get();
    reply_element(rb, e.member, e.score, q.withscores);
  });
}

void zrange_generic(ExecContext& ctx, RangeKind kind, Direction dir) {
  RangeQuery q;
  std::string err = parse_range_query(ctx.args, 1, kind, dir, false, &q);
  if (!err.empty()) return ctx.rb.error(err);
  ZsetRef ref = find_zset(ctx.db, ctx.args[1]);
  if (ref.wrong_type) return ctx.rb.error(kErrWrongType);
  reply_range(ctx.rb, ref.zset, q);
}

void cmd_zrange(ExecContext& ctx) {
  zrange_generic(ctx, RangeKind::kAuto, Direction::kAuto);
}
void cmd_zrevrange(ExecContext& ctx) {
  zrange_generic(ctx, RangeKind::kRank, Direction::kReverse);
}
void cmd_zrangebyscore(ExecContext& ctx) {
  zrange_generic(ctx, RangeKind::kScore, Direction::kForward);
}
void cmd_zrevrangebyscore(ExecContext& ctx) {
  zrange_generic(ctx, RangeKind::kScore, Direction::kReverse);
}
void cmd_zrangebylex(ExecContext& ctx) {
  zrange_generic(ctx, RangeKind::kLex, Direction::kForward);
}
void cmd_zrevrangebylex(ExecContext& ctx) {
  zrange_generic(ctx, RangeKind::kLex, Direction::kReverse);
}

// ZRANGESTORE dst src min max [BYSCORE | BYLEX] [REV] [LIMIT offset count]. An empty result
// (or an absent source) deletes dst; dst may hold any type and is replaced. Redis 7.0 builds the
// result by adding the elements one by one, in reply order, to a new sorted set: a skiplist when
// it is a rank range known to exceed 128 elements, else a listpack that converts as any sorted
// set does. So do we, down to -0 scores added to the listpack becoming 0.
// ZRANGESTORE reads its source once its range parsed.
std::vector<uint32_t> zrangestore_source(ArgList args) {
  RangeQuery q;
  if (!parse_range_query(args, 2, RangeKind::kAuto, Direction::kAuto, true, &q).empty()) return {};
  return {2};
}

void cmd_zrangestore(ExecContext& ctx) {
  RangeQuery q;
  std::string err = parse_range_query(ctx.args, 2, RangeKind::kAuto, Direction::kAuto, true, &q);
  if (!err.empty()) return ctx.rb.error(err);
  ZsetRef ref = find_zset(ctx.db, ctx.args[2]);
  if (ref.wrong_type) return ctx.rb.error(kErrWrongType);
  auto dst = std::make_unique<ZsetObject>();
  if (ref.zset != nullptr && q.kind == RangeKind::kRank) {
    int64_t start = q.start, end = q.end;
    if (clip_ranks(static_cast<int64_t>(ref.zset->size()), &start, &end) &&
        end - start + 1 > static_cast<int64_t>(ZsetObject::kMaxListpackEntries)) {
      dst->convert_to_skiplist();
    }
  }
  if (ref.zset != nullptr) {
    walk_range(*ref.zset, q, [&](ZsetObject::Iter& it) {
      ZsetElement e = it.get();
      double unused;
      dst->add(e.score, e.member, 0, &unused);
    });
  }
  const int64_t n = static_cast<int64_t>(dst->size());
  bool deleted = false;
  if (n == 0) {
    deleted = ctx.db.erase(ctx.args[1]);
  } else {
    ctx.db.set_object(ctx.args[1], ObjType::kZSet, dst.release());
  }
  report_store(ctx, ctx.args[1], "zrangestore", static_cast<size_t>(n), deleted);
  ctx.rb.integer(n);
}

// ---- Counts ----

void cmd_zcount(ExecContext& ctx) {
  std::optional<core::ScoreRange> r = core::parse_score_range(ctx.args[2], ctx.args[3]);
  if (!r) return ctx.rb.error(kErrMinMaxNotFloat);
  ZsetRef ref = find_zset(ctx.db, ctx.args[1]);
  if (ref.wrong_type) return ctx.rb.error(kErrWrongType);
  ctx.rb.integer(ref.zset ? static_cast<int64_t>(ref.zset->count_in_range(*r)) : 0);
}

void cmd_zlexcount(ExecContext& ctx) {
  std::optional<core::LexRange> r = core::parse_lex_range(ctx.args[2], ctx.args[3]);
  if (!r) return ctx.rb.error(kErrMinMaxNotLex);
  ZsetRef ref = find_zset(ctx.db, ctx.args[1]);
  if (ref.wrong_type) return ctx.rb.error(kErrWrongType);
  ctx.rb.integer(ref.zset ? static_cast<int64_t>(ref.zset->count_in_lex_range(*r)) : 0);
}

// ---- Range removals ----

// Runs `erase` on the zset at key when there is one, deletes an emptied key, and replies the
// number removed. One change per element removed, with `event`, then "del" for an emptied key.
template <typename Erase>
void remove_range(ExecContext& ctx, std::string_view event, Erase&& erase) {
  std::string_view key = ctx.args[1];
  ZsetRef ref = find_zset(ctx.db, key);
  if (ref.wrong_type) return ctx.rb.error(kErrWrongType);
  size_t removed = 0;
  if (ref.zset != nullptr) {
    removed = erase(*ref.zset);
    const bool key_removed = ref.zset->empty();
    if (key_removed) ctx.db.erase(key);
    if (removed > 0) {
      ctx.changed(kNotifyZset, event, key, removed);
      if (key_removed) ctx.event(kNotifyGeneric, "del", key);
    }
  }
  ctx.rb.integer(static_cast<int64_t>(removed));
}

void cmd_zremrangebyrank(ExecContext& ctx) {
  std::optional<int64_t> start = base::parse_int64(ctx.args[2]);
  std::optional<int64_t> end = base::parse_int64(ctx.args[3]);
  if (!start || !end) return ctx.rb.error(kErrNotInteger);
  remove_range(ctx, "zremrangebyrank", [&](ZsetObject& z) -> size_t {
    int64_t s = *start, e = *end;
    if (!clip_ranks(static_cast<int64_t>(z.size()), &s, &e)) return 0;
    return z.erase_rank_range(static_cast<size_t>(s), static_cast<size_t>(e));
  });
}

void cmd_zremrangebyscore(ExecContext& ctx) {
  std::optional<core::ScoreRange> r = core::parse_score_range(ctx.args[2], ctx.args[3]);
  if (!r) return ctx.rb.error(kErrMinMaxNotFloat);
  remove_range(ctx, "zremrangebyscore", [&](ZsetObject& z) { return z.erase_range(*r); });
}

void cmd_zremrangebylex(ExecContext& ctx) {
  std::optional<core::LexRange> r = core::parse_lex_range(ctx.args[2], ctx.args[3]);
  if (!r) return ctx.rb.error(kErrMinMaxNotLex);
  remove_range(ctx, "zremrangebylex", [&](ZsetObject& z) { return z.erase_lex_range(*r); });
}

// ---- COMMAND INFO / DOCS metadata (checked against redis-server 7.0.15) ----

#include "zset_range_family_args.inc"

constexpr RedisMeta kZcountMeta{.key_flags = "RO access", .args = kZcountArgs};
constexpr RedisMeta kZlexcountMeta{.key_flags = "RO access", .args = kZlexcountArgs};
constexpr RedisMeta kZrangeMeta{
    .key_flags = "RO access",
    .history = {{{"6.2.0", "Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options."}}},
    .args = kZrangeArgs};
constexpr RedisMeta kZrangestoreMeta{
    .key_specs = {{{.index = 1, .flags = "OW update"}, {.index = 2, .flags = "RO access"}}},
    .args = kZrangestoreArgs};
constexpr RedisMeta kZrangebyscoreMeta{.key_flags = "RO access",
                                       .deprecated_since = "6.2.0",
                                       .replaced_by = "`ZRANGE` with the `BYSCORE` argument",
                                       .history = {{{"2.0.0", "Added the `WITHSCORES` modifier."}}},
                                       .args = kZrangebyscoreArgs};
constexpr RedisMeta kZrevrangebyscoreMeta{
    .key_flags = "RO access",
    .deprecated_since = "6.2.0",
    .replaced_by = "`ZRANGE` with the `REV` and `BYSCORE` arguments",
    .history = {{{"2.1.6", "`min` and `max` can be exclusive."}}},
    .args = kZrevrangebyscoreArgs};
constexpr RedisMeta kZrangebylexMeta{.key_flags = "RO access",
                                     .deprecated_since = "6.2.0",
                                     .replaced_by = "`ZRANGE` with the `BYLEX` argument",
                                     .args = kZrangebylexArgs};
constexpr RedisMeta kZrevrangebylexMeta{
    .key_flags = "RO access",
    .deprecated_since = "6.2.0",
    .replaced_by = "`ZRANGE` with the `REV` and `BYLEX` arguments",
    .args = kZrevrangebylexArgs};
constexpr RedisMeta kZrevrangeMeta{.key_flags = "RO access",
                                   .deprecated_since = "6.2.0",
                                   .replaced_by = "`ZRANGE` with the `REV` argument",
                                   .args = kZrevrangeArgs};
constexpr RedisMeta kZremrangebyrankMeta{.key_flags = "RW delete", .args = kZremrangebyrankArgs};
constexpr RedisMeta kZremrangebyscoreMeta{.key_flags = "RW delete", .args = kZremrangebyscoreArgs};
constexpr RedisMeta kZremrangebylexMeta{.key_flags = "RW delete", .args = kZremrangebylexArgs};

}  // namespace

void register_zset_range_family(Registry& r) {
  constexpr uint32_t kReadFast = kAclRead | kAclSortedSet | kAclFast;
  constexpr uint32_t kReadSlow = kAclRead | kAclSortedSet | kAclSlow;
  constexpr uint32_t kWriteSlow = kAclWrite | kAclSortedSet | kAclSlow;
  constexpr std::string_view kRangeComplexity =
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements returned.";
  constexpr std::string_view kLimitComplexity =
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements being returned. If M is constant (e.g. always asking for the first 10 elements "
      "with LIMIT), you can consider it O(log(N)).";
  constexpr std::string_view kRemoveComplexity =
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements removed by the operation.";
  constexpr std::string_view kCountComplexity =
      "O(log(N)) with N being the number of elements in the sorted set.";
  r.add({.name = "zcount",
         .arity = 4,
         .flags = kReadOnly | kFast,
         .keys = {1, 1, 1},
         .run = cmd_zcount,
         .acl = kReadFast,
         .group = "sorted-set",
         .summary = "Count the members in a sorted set with scores within the given values",
         .since = "2.0.0",
         .complexity = kCountComplexity,
         .meta = &kZcountMeta});
  r.add({.name = "zlexcount",
         .arity = 4,
         .flags = kReadOnly | kFast,
         .keys = {1, 1, 1},
         .run = cmd_zlexcount,
         .acl = kReadFast,
         .group = "sorted-set",
         .summary =
             "Count the number of members in a sorted set between a given lexicographical range",
         .since = "2.8.9",
         .complexity = kCountComplexity,
         .meta = &kZlexcountMeta});
  r.add({.name = "zrange",
         .arity = -4,
         .flags = kReadOnly,
         .keys = {1, 1, 1},
         .run = cmd_zrange,
         .acl = kReadSlow,
         .group = "sorted-set",
         .summary = "Return a range of members in a sorted set",
         .since = "1.2.0",
         .complexity = kRangeComplexity,
         .meta = &kZrangeMeta});
  r.add({.name = "zrangestore",
         .arity = -5,
         .flags = kWrite | kDenyOom,
         .keys = {1, 2, 1},
         .run = cmd_zrangestore,
         .read_keys = zrangestore_source,
         .acl = kWriteSlow,
         .group = "sorted-set",
         .summary = "Store a range of members from sorted set into another key",
         .since = "6.2.0",
         .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M "
                       "the number of elements stored into the destination key.",
         .meta = &kZrangestoreMeta});
  r.add({.name = "zrangebyscore",
         .arity = -4,
         .flags = kReadOnly,
         .keys = {1, 1, 1},
         .run = cmd_zrangebyscore,
         .acl = kReadSlow,
         .group = "sorted-set",
         .summary = "Return a range of members in a sorted set, by score",
         .since = "1.0.5",
         .complexity = kLimitComplexity,
         .meta = &kZrangebyscoreMeta});
  r.add({.name = "zrevrangebyscore",
         .arity = -4,
         .flags = kReadOnly,
         .keys = {1, 1, 1},
         .run = cmd_zrevrangebyscore,
         .acl = kReadSlow,
         .group = "sorted-set",
         .summary = "Return a range of members in a sorted set, by score, with scores ordered "
                    "from high to low",
         .since = "2.2.0",
         .complexity = kLimitComplexity,
         .meta = &kZrevrangebyscoreMeta});
  r.add({.name = "zrangebylex",
         .arity = -4,
         .flags = kReadOnly,
         .keys = {1, 1, 1},
         .run = cmd_zrangebylex,
         .acl = kReadSlow,
         .group = "sorted-set",
         .summary = "Return a range of members in a sorted set, by lexicographical range",
         .since = "2.8.9",
         .complexity = kLimitComplexity,
         .meta = &kZrangebylexMeta});
  r.add({.name = "zrevrangebylex",
         .arity = -4,
         .flags = kReadOnly,
         .keys = {1, 1, 1},
         .run = cmd_zrevrangebylex,
         .acl = kReadSlow,
         .group = "sorted-set",
         .summary = "Return a range of members in a sorted set, by lexicographical range, "
                    "ordered from higher to lower strings.",
         .since = "2.8.9",
         .complexity = kLimitComplexity,
         .meta = &kZrevrangebylexMeta});
  r.add({.name = "zrevrange",
         .arity = -4,
         .flags = kReadOnly,
         .keys = {1, 1, 1},
         .run = cmd_zrevrange,
         .acl = kReadSlow,
         .group = "sorted-set",
         .summary =
             "Return a range of members in a sorted set, by index, with scores ordered from high "
             "to low",
         .since = "1.2.0",
         .complexity = kRangeComplexity,
         .meta = &kZrevrangeMeta});
  r.add({.name = "zremrangebyrank",
         .arity = 4,
         .flags = kWrite,
         .keys = {1, 1, 1},
         .run = cmd_zremrangebyrank,
         .acl = kWriteSlow,
         .group = "sorted-set",
         .summary = "Remove all members in a sorted set within the given indexes",
         .since = "2.0.0",
         .complexity = kRemoveComplexity,
         .meta = &kZremrangebyrankMeta});
  r.add({.name = "zremrangebyscore",
         .arity = 4,
         .flags = kWrite,
         .keys = {1, 1, 1},
         .run = cmd_zremrangebyscore,
         .acl = kWriteSlow,
         .group = "sorted-set",
         .summary = "Remove all members in a sorted set within the given scores",
         .since = "1.2.0",
         .complexity = kRemoveComplexity,
         .meta = &kZremrangebyscoreMeta});
  r.add({.name = "zremrangebylex",
         .arity = 4,
         .flags = kWrite,
         .keys = {1, 1, 1},
         .run = cmd_zremrangebylex,
         .acl = kWriteSlow,
         .group = "sorted-set",
         .summary = "Remove all members in a sorted set between the given lexicographical range",
         .since = "2.8.9",
         .complexity = kRemoveComplexity,
         .meta = &kZremrangebylexMeta});
}

}  // namespace shardis::server
