// Set algebra: SINTER, SUNION, SDIFF, SINTERCARD and SINTERSTORE, SUNIONSTORE, SDIFFSTORE, with
// Redis 7.0's replies, errors and result encodings.
//
// One implementation of the algebra (set_algebra, set_inter_card) works on "set views": the
// SetObjects a command reads, in argv order, nullptr for a missing key, read in place from the
// Db before the command writes anything. Every command is Route::kKey and runs whole on one
// store: the shard owning its keys, or, when its keys span shards, the transaction layer's
// scratch store, into which the owners' keys were moved under lock (txn/txn.h, MigrateTxn).
// The handler cannot tell the two apart, so a cross-shard reply, a stored result and its
// encoding are the single-shard ones.
//
// Results are built member by member in the order Redis adds them to its destination set, so a
// result is an intset exactly when Redis's is (which also fixes the reply order: ascending for
// an intset).
#include <shardis/base/number_format.h>
#include <shardis/core/set_object.h>
#include <shardis/server/command.h>
#include <shardis/server/db.h>
#include <shardis/server/families/family_util.h>
#include <shardis/server/registry.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "command_meta.h"

namespace shardis::server {
namespace {

using core::SetObject;
using SetViews = std::span<const SetObject* const>;

constexpr std::string_view kErrNumkeys = "ERR numkeys should be greater than 0";
constexpr std::string_view kErrTooManyKeys =
    "ERR Number of keys can't be greater than number of args";
constexpr std::string_view kErrLimitNegative = "ERR LIMIT can't be negative";

enum class SetOp : uint8_t { kInter, kUnion, kDiff };

// ---- The algebra ----

SetObject set_inter(SetViews sets) {
  SetObject out;
  if (sets.empty()) return out;
  for (const SetObject* s : sets) {
    if (s == nullptr) return out;  // a missing key is an empty set
  }
  // Walk the smallest set, test each member against the others.
  std::vector<const SetObject*> by_size(sets.begin(), sets.end());
  std::stable_sort(by_size.begin(), by_size.end(),
                   [](const SetObject* a, const SetObject* b) { return a->size() < b->size(); });
  const SetObject* first = by_size[0];
  first->for_each([&](std::string_view m) {
    for (size_t j = 1; j < by_size.size(); ++j) {
      if (by_size[j] != first && !by_size[j]->contains(m)) return;
    }
    out.add(m);
  });
  return out;
}

SetObject set_union(SetViews sets) {
  SetObject out;
  for (const SetObject* s : sets) {
    if (s != nullptr) s->for_each([&](std::string_view m) { out.add(m); });
  }
  return out;
}

SetObject set_diff(SetViews sets) {
  SetObject out;
  if (sets.empty() || sets[0] == nullptr) return out;
  const SetObject* first = sets[0];
  for (size_t j = 1; j < sets.size(); ++j) {
    if (sets[j] == first) return out;  // the first set minus itself
  }
  uint64_t walk_first = 0;
  uint64_t all_members = 0;
  for (const SetObject* s : sets) {
    if (s == nullptr) continue;
    walk_first += first->size();
    all_members += s->size();
  }
  walk_first /= 2;
  // Redis picks one of two algorithms by the work each would do, and they build the destination
  // differently: testing each member of the first set against the others (adds only the result),
  // or adding the whole first set and removing the others' members (whose encoding is then the
  // first set's, as a new set, even if the removals leave few integers).
  if (walk_first <= all_members) {
    first->for_each([&](std::string_view m) {
      for (size_t j = 1; j < sets.size(); ++j) {
        if (sets[j] != nullptr && sets[j]->contains(m)) return;
      }
      out.add(m);
    });
    return out;
  }
  first->for_each([&](std::string_view m) { out.add(m); });
  for (size_t j = 1; j < sets.size() && !out.empty(); ++j) {
    if (sets[j] != nullptr) sets[j]->for_each([&](std::string_view m) { out.remove(m); });
  }
  return out;
}

SetObject set_algebra(SetOp op, SetViews sets) {
  switch (op) {
    case SetOp::kInter:
      return set_inter(sets);
    case SetOp::kUnion:
      return set_union(sets);
    case SetOp::kDiff:
      return set_diff(sets);
  }
  return {};
}

// SINTERCARD: the size of the intersection, counting stops at limit (0: no limit).
int64_t set_inter_card(SetViews sets, int64_t limit) {
  if (sets.empty()) return 0;
  for (const SetObject* s : sets) {
    if (s == nullptr) return 0;
  }
  std::vector<const SetObject*> by_size(sets.begin(), sets.end());
  std::stable_sort(by_size.begin(), by_size.end(),
                   [](const SetObject* a, const SetObject* b) { return a->size() < b->size(); });
  const SetObject* first = by_size[0];
  int64_t n = 0;
  // for_each has no early exit; once at the limit the remaining members are skipped cheaply.
  first->for_each([&](std::string_view m) {
    if (limit > 0 && n >= limit) return;
    for (size_t j = 1; j < by_size.size(); ++j) {
      if (by_size[j] != first && !by_size[j]->contains(m)) return;
    }
    ++n;
  });
  return n;
}

void reply_set(proto::ReplyBuilder& rb, const SetObject& s) {
  rb.set(s.size());
  s.for_each([&](std::string_view m) { rb.bulk(m); });
}

// ---- Reading the keys ----

// The sets of keys args[i] for i in idx, in that order: nullptr for a missing key; wrong_type
// when any key holds another type. A key named twice is looked up once, so that its lazy expiry
// can never free a set already taken. The objects are the Db's, valid until its next write.
struct SetInputs {
  bool wrong_type = false;
  std::vector<const SetObject*> sets;
};

SetInputs op_read_sets(Db& db, ArgList args, std::span<const uint32_t> idx) {
  SetInputs in;
  in.sets.reserve(idx.size());
  std::unordered_map<std::string_view, const SetObject*> seen;
  for (uint32_t i : idx) {
    std::string_view key = args[i];
    if (auto it = seen.find(key); it != seen.end()) {
      in.sets.push_back(it->second);
      continue;
    }
    TypedEntry t = find_typed(db, key, ObjType::kSet);
    if (t.wrong_type) {
      in.wrong_type = true;
      return in;
    }
    const SetObject* s = t.entry ? object_as<SetObject>(t.entry) : nullptr;
    seen.emplace(key, s);
    in.sets.push_back(s);
  }
  return in;
}

std::vector<uint32_t> index_range(size_t first, size_t end) {
  std::vector<uint32_t> idx;
  idx.reserve(end - first);
  for (size_t i = first; i < end; ++i) idx.push_back(static_cast<uint32_t>(i));
  return idx;
}

// ---- SINTERCARD arguments ----

struct CardArgs {
  size_t numkeys = 0;
  int64_t limit = 0;  // 0: no limit
};

// SINTERCARD numkeys key [key ...] [LIMIT limit], with Redis's checks in its order; returns the
// error text or an empty string.
std::string parse_sintercard(ArgList args, CardArgs* out) {
  std::optional<int64_t> n = base::parse_int64(args[1]);
  if (!n || *n < 1) return std::string(kErrNumkeys);
  if (static_cast<uint64_t>(*n) > args.size() - 2) return std::string(kErrTooManyKeys);
  out->numkeys = static_cast<size_t>(*n);
  for (size_t j = 2 + out->numkeys; j < args.size(); ++j) {
    if (base::iequals(args[j], "limit") && j + 1 < args.size()) {
      std::optional<int64_t> limit = base::parse_int64(args[++j]);
      if (!limit || *limit < 0) return std::string(kErrLimitNegative);
      out->limit = *limit;
    } else {
      return std::string(kErrSyntax);
    }
  }
  return {};
}

std::string check_sintercard(ArgList args) {
  CardArgs a;
  return parse_sintercard(args, &a);
}

// The *STORE forms read their sources (every key after the destination).
std::vector<uint32_t> store_sources(ArgList args) {
  return index_range(2, args.size());
}

std::vector<uint32_t> sintercard_keys(ArgList args) {
  CardArgs a;
  if (!parse_sintercard(args, &a).empty()) return {};
  return index_range(2, 2 + a.numkeys);
}

// ---- Commands ----

void run_algebra(ExecContext& ctx, SetOp op) {
  std::vector<uint32_t> idx = index_range(1, ctx.args.size());
  SetInputs in = op_read_sets(ctx.db, ctx.args, idx);
  if (in.wrong_type) return ctx.rb.error(kErrWrongType);
  reply_set(ctx.rb, set_algebra(op, in.sets));
}

void cmd_sinter(ExecContext& ctx) {
  run_algebra(ctx, SetOp::kInter);
}
void cmd_sunion(ExecContext& ctx) {
  run_algebra(ctx, SetOp::kUnion);
}
void cmd_sdiff(ExecContext& ctx) {
  run_algebra(ctx, SetOp::kDiff);
}

void cmd_sintercard(ExecContext& ctx) {
  CardArgs a;
  std::string err = parse_sintercard(ctx.args, &a);
  if (!err.empty()) return ctx.rb.error(err);
  SetInputs in = op_read_sets(ctx.db, ctx.args, index_range(2, 2 + a.numkeys));
  if (in.wrong_type) return ctx.rb.error(kErrWrongType);
  ctx.rb.integer(set_inter_card(in.sets, a.limit));
}

struct StoreResult {
  bool wrong_type = false;
  int64_t size = 0;
  bool deleted = false;  // an empty result deleted an existing destination
};

// Stores the result over args[2..] in args[1] (any old value and TTL go), or deletes args[1] when
// the result is empty. The destination's type is not checked, as in Redis.
StoreResult op_store(Db& db, ArgList args, SetOp op) {
  SetInputs in = op_read_sets(db, args, index_range(2, args.size()));
  if (in.wrong_type) return {true, 0};
  // Computed in full before the first write: the inputs are the Db's objects.
  auto result = std::make_unique<SetObject>(set_algebra(op, in.sets));
  const int64_t size = static_cast<int64_t>(result->size());
  if (size == 0) return {false, 0, db.erase(args[1])};
  db.set_object(args[1], ObjType::kSet, result.release());
  return {false, size};
}

// A stored result fires the command's event on the destination; an empty one fires "del" when
// it deleted a destination, and reports nothing otherwise.
void run_store(ExecContext& ctx, SetOp op, std::string_view event) {
  StoreResult res = op_store(ctx.db, ctx.args, op);
  if (res.wrong_type) return ctx.rb.error(kErrWrongType);
  if (res.size > 0) {
    ctx.changed(kNotifySet, event, ctx.args[1]);
  } else if (res.deleted) {
    ctx.changed(kNotifyGeneric, "del", ctx.args[1]);
  }
  ctx.rb.integer(res.size);
}

void cmd_sinterstore(ExecContext& ctx) {
  run_store(ctx, SetOp::kInter, "sinterstore");
}
void cmd_sunionstore(ExecContext& ctx) {
  run_store(ctx, SetOp::kUnion, "sunionstore");
}
void cmd_sdiffstore(ExecContext& ctx) {
  run_store(ctx, SetOp::kDiff, "sdiffstore");
}

// ---- COMMAND INFO / DOCS metadata (checked against redis-server 7.0.15) ----

#include "set_algebra_family_args.inc"

constexpr std::string_view kOrderTip = "nondeterministic_output_order";
constexpr KeySpecMeta kStoreDest{.index = 1, .flags = "OW update"};
constexpr KeySpecMeta kStoreSources{.index = 2, .flags = "RO access", .lastkey = -1};

constexpr RedisMeta kSinterMeta{.key_flags = "RO access", .tips = kOrderTip, .args = kSinterArgs};
constexpr RedisMeta kSunionMeta{.key_flags = "RO access", .tips = kOrderTip, .args = kSunionArgs};
constexpr RedisMeta kSdiffMeta{.key_flags = "RO access", .tips = kOrderTip, .args = kSdiffArgs};
constexpr RedisMeta kSintercardMeta{
    .key_specs =
        {{{.index = 1, .flags = "RO access", .keynum = true, .keynumidx = 0, .firstkey = 1}}},
    .args = kSintercardArgs};
constexpr RedisMeta kSinterstoreMeta{
    .key_specs = {{{.index = 1, .flags = "RW update"}, kStoreSources}}, .args = kSinterstoreArgs};
constexpr RedisMeta kSunionstoreMeta{.key_specs = {{kStoreDest, kStoreSources}},
                                     .args = kSunionstoreArgs};
constexpr RedisMeta kSdiffstoreMeta{.key_specs = {{kStoreDest, kStoreSources}},
                                    .args = kSdiffstoreArgs};

}  // namespace

void register_set_algebra_family(Registry& r) {
  constexpr uint32_t kReadSlow = kAclRead | kAclSet | kAclSlow;
  constexpr uint32_t kWriteSlow = kAclWrite | kAclSet | kAclSlow;
  constexpr std::string_view kInterComplexity =
      "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of "
      "sets.";
  constexpr std::string_view kUnionComplexity =
      "O(N) where N is the total number of elements in all given sets.";
  r.add({.name = "sinter",
         .arity = -2,
         .flags = kReadOnly,
         .keys = {1, -1, 1},
         .run = cmd_sinter,
         .acl = kReadSlow,
         .group = "set",
         .summary = "Intersect multiple sets",
         .since = "1.0.0",
         .complexity = kInterComplexity,
         .meta = &kSinterMeta});
  r.add({.name = "sunion",
         .arity = -2,
         .flags = kReadOnly,
         .keys = {1, -1, 1},
         .run = cmd_sunion,
         .acl = kReadSlow,
         .group = "set",
         .summary = "Add multiple sets",
         .since = "1.0.0",
         .complexity = kUnionComplexity,
         .meta = &kSunionMeta});
  r.add({.name = "sdiff",
         .arity = -2,
         .flags = kReadOnly,
         .keys = {1, -1, 1},
         .run = cmd_sdiff,
         .acl = kReadSlow,
         .group = "set",
         .summary = "Subtract multiple sets",
         .since = "1.0.0",
         .complexity = kUnionComplexity,
         .meta = &kSdiffMeta});
  r.add({.name = "sintercard",
         .arity = -3,
         .flags = kReadOnly,
         .keys = {0, 0, 0},  // COMMAND INFO's legacy range is empty; find_keys names the keys
         .run = cmd_sintercard,
         .check = check_sintercard,
         .find_keys = sintercard_keys,
         .acl = kReadSlow,
         .group = "set",
         .summary = "Intersect multiple sets and return the cardinality of the result",
         .since = "7.0.0",
         .complexity = kInterComplexity,
         .meta = &kSintercardMeta});
  r.add({.name = "sinterstore",
         .arity = -3,
         .flags = kWrite | kDenyOom,
         .keys = {1, -1, 1},
         .run = cmd_sinterstore,
         .read_keys = store_sources,
         .acl = kWriteSlow,
         .group = "set",
         .summary = "Intersect multiple sets and store the resulting set in a key",
         .since = "1.0.0",
         .complexity = kInterComplexity,
         .meta = &kSinterstoreMeta});
  r.add({.name = "sunionstore",
         .arity = -3,
         .flags = kWrite | kDenyOom,
         .keys = {1, -1, 1},
         .run = cmd_sunionstore,
         .read_keys = store_sources,
         .acl = kWriteSlow,
         .group = "set",
         .summary = "Add multiple sets and store the resulting set in a key",
         .since = "1.0.0",
         .complexity = kUnionComplexity,
         .meta = &kSunionstoreMeta});
  r.add({.name = "sdiffstore",
         .arity = -3,
         .flags = kWrite | kDenyOom,
         .keys = {1, -1, 1},
         .run = cmd_sdiffstore,
         .read_keys = store_sources,
         .acl = kWriteSlow,
         .group = "set",
         .summary = "Subtract multiple sets and store the resulting set in a key",
         .since = "1.0.0",
         .complexity = kUnionComplexity,
         .meta = &kSdiffstoreMeta});
}

}  // namespace shardis::server
