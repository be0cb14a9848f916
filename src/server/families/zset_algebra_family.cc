// Sorted-set algebra: ZUNION, ZINTER, ZDIFF (WEIGHTS, AGGREGATE SUM|MIN|MAX, WITHSCORES) and
// ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE, with Redis 7.0's replies, errors and checking order:
// numkeys, then WRONGTYPE for any key, then the options. Plain sets are valid inputs, every
// member scoring 1.
//
// One implementation of the algebra (compute) works on Inputs: a key's ZsetObject or SetObject
// read in place, before the command writes anything, or nothing for an absent key. Every command
// is Route::kKey and runs whole on one store: the shard owning its keys, or, when its keys span
// shards, the transaction layer's scratch store, into which the owners' keys were moved under
// lock (txn/txn.h, MigrateTxn). The handler cannot tell the two apart, so a cross-shard reply,
// a stored result and its encoding are the single-shard ones.
//
// Arithmetic follows Redis: a weighted score that is NaN (0 * inf) counts as 0 when a member
// first enters a union or intersection; SUM turns a NaN total into 0; MIN and MAX keep the
// current value against a NaN. Inputs are combined smallest first (stable by argv order), which
// fixes the order of floating-point additions. The reply is ordered by (score, member); a stored
// result gets the encoding Redis gives it (ZsetObject::from_sorted).
#include <shardis/base/number_format.h>
#include <shardis/core/set_object.h>
#include <shardis/core/zset_object.h>
#include <shardis/server/command.h>
#include <shardis/server/db.h>
#include <shardis/server/families/family_util.h>
#include <shardis/server/registry.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "command_meta.h"
#include "zset_family.h"

namespace shardis::server {
namespace {

using core::SetObject;
using core::ZsetElement;
using core::ZsetEntry;
using core::ZsetObject;

constexpr std::string_view kErrWeight = "ERR weight value is not a float";

enum class ZsetOp : uint8_t { kUnion, kInter, kDiff };
enum class Aggregate : uint8_t { kSum, kMin, kMax };

// One algebra command: which operation, whether it stores, and where its numkeys sits.
struct AlgebraCommand {
  ZsetOp op;
  bool store;
  std::string_view name;  // for the numkeys error, and the event a STORE form fires
  size_t numkeys_pos() const { return store ? 2 : 1; }
};

constexpr AlgebraCommand kZunion{ZsetOp::kUnion, false, "zunion"};
constexpr AlgebraCommand kZinter{ZsetOp::kInter, false, "zinter"};
constexpr AlgebraCommand kZdiff{ZsetOp::kDiff, false, "zdiff"};
constexpr AlgebraCommand kZunionstore{ZsetOp::kUnion, true, "zunionstore"};
constexpr AlgebraCommand kZinterstore{ZsetOp::kInter, true, "zinterstore"};
constexpr AlgebraCommand kZdiffstore{ZsetOp::kDiff, true, "zdiffstore"};

// ---- Inputs ----

// What one key contributes: a sorted set, a plain set (every score 1), or nothing (an absent
// key: an empty set). Views the object it was made from, which must not change while it is
// used.
class Input {
 public:
  Input() = default;
  explicit Input(const ZsetObject* z) : zset_(z) {}
  explicit Input(const SetObject* s) : set_(s) {}

  size_t size() const {
    if (zset_ != nullptr) return zset_->size();
    return set_ != nullptr ? set_->size() : 0;
  }

  // fn(std::string_view member, double score); the view lives for the call only.
  template <typename Fn>
  void for_each(Fn&& fn) const {
    if (zset_ != nullptr) {
      zset_->for_each([&](ZsetElement e) { fn(e.member, e.score); });
    } else if (set_ != nullptr) {
      set_->for_each([&](std::string_view m) { fn(m, 1.0); });
    }
  }

  std::optional<double> score(std::string_view member) const {
    if (zset_ != nullptr) return zset_->score(member);
    if (set_ != nullptr && set_->contains(member)) return 1.0;
    return std::nullopt;
  }

 private:
  const ZsetObject* zset_ = nullptr;
  const SetObject* set_ = nullptr;
};

// ---- The algebra ----

void aggregate(double* target, double value, Aggregate agg) {
  switch (agg) {
    case Aggregate::kSum:
      *target += value;
      if (std::isnan(*target)) *target = 0;
      return;
    case Aggregate::kMin:
      *target = value < *target ? value : *target;
      return;
    case Aggregate::kMax:
      *target = value > *target ? value : *target;
      return;
  }
}

double weighted(double weight, double score) {
  const double v = weight * score;
  return std::isnan(v) ? 0 : v;
}

// Input positions, smallest first; ties keep argv order.
std::vector<size_t> by_size(std::span<const Input> inputs) {
  std::vector<size_t> order(inputs.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return inputs[a].size() < inputs[b].size(); });
  return order;
}

// The result, ascending by (score, member).
std::vector<ZsetEntry> compute(ZsetOp op, std::span<const Input> inputs,
                               std::span<const double> weights, Aggregate agg) {
  std::vector<ZsetEntry> out;
  switch (op) {
    case ZsetOp::kUnion: {
      std::unordered_map<std::string, double> acc;
      for (size_t i : by_size(inputs)) {
        inputs[i].for_each([&](std::string_view m, double s) {
          const double v = weighted(weights[i], s);
          auto [it, fresh] = acc.try_emplace(std::string(m), v);
          if (!fresh) aggregate(&it->second, v, agg);
        });
      }
      out.reserve(acc.size());
      for (auto& [m, s] : acc) out.push_back({m, s});
      break;
    }
    case ZsetOp::kInter: {
      const std::vector<size_t> order = by_size(inputs);
      if (inputs[order[0]].size() == 0) break;
      inputs[order[0]].for_each([&](std::string_view m, double s) {
        double total = weighted(weights[order[0]], s);
        for (size_t k = 1; k < order.size(); ++k) {
          std::optional<double> other = inputs[order[k]].score(m);
          if (!other) return;
          aggregate(&total, weights[order[k]] * *other, agg);
        }
        out.push_back({std::string(m), total});
      });
      break;
    }
    case ZsetOp::kDiff:
      inputs[0].for_each([&](std::string_view m, double s) {
        for (size_t k = 1; k < inputs.size(); ++k) {
          if (inputs[k].score(m)) return;
        }
        out.push_back({std::string(m), s});
      });
      break;
  }
  std::sort(out.begin(), out.end(), [](const ZsetEntry& a, const ZsetEntry& b) {
    return a.score < b.score || (a.score == b.score && a.member < b.member);
  });
  return out;
}

// ---- Arguments ----

// numkeys at args[pos]: the number of keys, or nullopt after writing Redis's error.
std::optional<size_t> parse_numkeys(ArgList args, const AlgebraCommand& cmd,
                                    proto::ReplyBuilder& rb) {
  const size_t pos = cmd.numkeys_pos();
  std::optional<int64_t> n = base::parse_int64(args[pos]);
  if (!n) {
    rb.error(kErrNotInteger);
    return std::nullopt;
  }
  if (*n < 1) {
    std::string msg = "ERR at least 1 input key is needed for '";
    msg.append(cmd.name);
    msg.append("' command");
    rb.error(msg);
    return std::nullopt;
  }
  if (static_cast<uint64_t>(*n) > args.size() - pos - 1) {
    rb.error(kErrSyntax);
    return std::nullopt;
  }
  return static_cast<size_t>(*n);
}

struct Options {
  std::vector<double> weights;
  Aggregate agg = Aggregate::kSum;
  bool withscores = false;
};

// The options after the keys; false after writing Redis's error. WEIGHTS and AGGREGATE are not
// options of the DIFF forms, WITHSCORES not of the STORE forms.
bool parse_options(ArgList args, const AlgebraCommand& cmd, size_t numkeys, Options* o,
                   proto::ReplyBuilder& rb) {
  o->weights.assign(numkeys, 1.0);
  size_t j = cmd.numkeys_pos() + 1 + numkeys;
  while (j < args.size()) {
    const size_t left = args.size() - j;
    if (cmd.op != ZsetOp::kDiff && left >= numkeys + 1 && base::iequals(args[j], "weights")) {
      ++j;
      for (size_t i = 0; i < numkeys; ++i, ++j) {
        std::optional<double> w = base::parse_double(args[j]);
        if (!w) {
          rb.error(kErrWeight);
          return false;
        }
        o->weights[i] = *w;
      }
    } else if (cmd.op != ZsetOp::kDiff && left >= 2 && base::iequals(args[j], "aggregate")) {
      std::string_view a = args[j + 1];
      if (base::iequals(a, "sum")) {
        o->agg = Aggregate::kSum;
      } else if (base::iequals(a, "min")) {
        o->agg = Aggregate::kMin;
      } else if (base::iequals(a, "max")) {
        o->agg = Aggregate::kMax;
      } else {
        rb.error(kErrSyntax);
        return false;
      }
      j += 2;
    } else if (!cmd.store && base::iequals(args[j], "withscores")) {
      o->withscores = true;
      ++j;
    } else {
      rb.error(kErrSyntax);
      return false;
    }
  }
  return true;
}

// After numkeys and the key types passed: options, the algebra, then the reply (or, for a STORE
// form, the new destination, its report and its size). inputs are in argv order.
void finish_command(ExecContext& ctx, const AlgebraCommand& cmd, std::span<const Input> inputs) {
  ArgList args = ctx.args;
  proto::ReplyBuilder& rb = ctx.rb;
  Options o;
  if (!parse_options(args, cmd, inputs.size(), &o, rb)) return;
  std::vector<ZsetEntry> result = compute(cmd.op, inputs, o.weights, o.agg);
  if (cmd.store) {
    std::vector<ZsetElement> sorted;
    sorted.reserve(result.size());
    for (const ZsetEntry& e : result) sorted.push_back({e.member, e.score});
    const bool changed = store_zset(ctx.db, args[1], sorted);
    report_store(ctx, args[1], cmd.name, sorted.size(), changed);
    return rb.integer(static_cast<int64_t>(sorted.size()));
  }
  reply_elements_header(rb, result.size(), o.withscores);
  for (const ZsetEntry& e : result) reply_element(rb, e.member, e.score, o.withscores);
}

// ---- Commands ----

void run_command(ExecContext& ctx, const AlgebraCommand& cmd) {
  std::optional<size_t> numkeys = parse_numkeys(ctx.args, cmd, ctx.rb);
  if (!numkeys) return;
  std::vector<Input> inputs(*numkeys);
  const size_t first = cmd.numkeys_pos() + 1;
  // A key named twice is looked up once: a second lookup could expire it under the first.
  std::unordered_map<std::string_view, size_t> seen;
  for (size_t i = 0; i < *numkeys; ++i) {
    auto [at, fresh] = seen.try_emplace(ctx.args[first + i], i);
    if (!fresh) {
      inputs[i] = inputs[at->second];
      continue;
    }
    const core::Entry* e = ctx.db.find(ctx.args[first + i]);
    if (e == nullptr) continue;
    switch (Db::type_of(e)) {
      case ObjType::kZSet:
        inputs[i] = Input(object_as<ZsetObject>(e));
        break;
      case ObjType::kSet:
        inputs[i] = Input(object_as<SetObject>(e));
        break;
      default:
        return ctx.rb.error(kErrWrongType);
    }
  }
  finish_command(ctx, cmd, inputs);
}

void cmd_zunion(ExecContext& ctx) {
  run_command(ctx, kZunion);
}
void cmd_zinter(ExecContext& ctx) {
  run_command(ctx, kZinter);
}
void cmd_zdiff(ExecContext& ctx) {
  run_command(ctx, kZdiff);
}
void cmd_zunionstore(ExecContext& ctx) {
  run_command(ctx, kZunionstore);
}
void cmd_zinterstore(ExecContext& ctx) {
  run_command(ctx, kZinterstore);
}
void cmd_zdiffstore(ExecContext& ctx) {
  run_command(ctx, kZdiffstore);
}

// ---- Key finders ----

// The keys named by numkeys at args[pos], or none when numkeys is not valid.
std::vector<uint32_t> numkeys_keys(ArgList args, size_t pos) {
  std::optional<int64_t> n = base::parse_int64(args[pos]);
  if (!n || *n < 1 || static_cast<uint64_t>(*n) > args.size() - pos - 1) return {};
  std::vector<uint32_t> out;
  out.reserve(static_cast<size_t>(*n));
  for (size_t i = 0; i < static_cast<size_t>(*n); ++i) {
    out.push_back(static_cast<uint32_t>(pos + 1 + i));
  }
  return out;
}

std::vector<uint32_t> read_keys(ArgList args) {
  return numkeys_keys(args, 1);
}

std::vector<uint32_t> store_keys(ArgList args) {
  std::vector<uint32_t> out = numkeys_keys(args, 2);
  if (!out.empty()) out.insert(out.begin(), 1);
  return out;
}

// The sources of ZUNIONSTORE, ZINTERSTORE and ZDIFFSTORE, read before their options parse.
std::vector<uint32_t> store_sources(ArgList args) {
  return numkeys_keys(args, 2);
}

// ---- COMMAND INFO / DOCS metadata (checked against redis-server 7.0.15) ----

#include "zset_algebra_family_args.inc"

constexpr KeySpecMeta kStoreDest{.index = 1, .flags = "OW update"};
constexpr KeySpecMeta kNumkeysSources{
    .index = 1, .flags = "RO access", .keynum = true, .keynumidx = 0, .firstkey = 1};
constexpr KeySpecMeta kStoreNumkeysSources{
    .index = 2, .flags = "RO access", .keynum = true, .keynumidx = 0, .firstkey = 1};

constexpr RedisMeta kZunionMeta{.key_specs = {{kNumkeysSources}}, .args = kZunionArgs};
constexpr RedisMeta kZinterMeta{.key_specs = {{kNumkeysSources}}, .args = kZinterArgs};
constexpr RedisMeta kZdiffMeta{.key_specs = {{kNumkeysSources}}, .args = kZdiffArgs};
constexpr RedisMeta kZunionstoreMeta{.key_specs = {{kStoreDest, kStoreNumkeysSources}},
                                     .args = kZunionstoreArgs};
constexpr RedisMeta kZinterstoreMeta{.key_specs = {{kStoreDest, kStoreNumkeysSources}},
                                     .args = kZinterstoreArgs};
constexpr RedisMeta kZdiffstoreMeta{.key_specs = {{kStoreDest, kStoreNumkeysSources}},
                                    .args = kZdiffstoreArgs};

}  // namespace

void register_zset_algebra_family(Registry& r) {
  constexpr uint32_t kReadSlow = kAclRead | kAclSortedSet | kAclSlow;
  constexpr uint32_t kWriteSlow = kAclWrite | kAclSortedSet | kAclSlow;
  constexpr std::string_view kUnionComplexity =
      "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being "
      "the number of elements in the resulting sorted set.";
  constexpr std::string_view kInterComplexity =
      "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the "
      "number of input sorted sets and M being the number of elements in the resulting sorted "
      "set.";
  constexpr std::string_view kDiffComplexity =
      "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N "
      "is the size of the first set, and K is the size of the result set.";
  r.add({.name = "zunion",
         .arity = -3,
         .flags = kReadOnly,
         .run = cmd_zunion,
         .find_keys = read_keys,
         .acl = kReadSlow,
         .group = "sorted-set",
         .summary = "Add multiple sorted sets",
         .since = "6.2.0",
         .complexity = kUnionComplexity,
         .meta = &kZunionMeta});
  r.add({.name = "zinter",
         .arity = -3,
         .flags = kReadOnly,
         .run = cmd_zinter,
         .find_keys = read_keys,
         .acl = kReadSlow,
         .group = "sorted-set",
         .summary = "Intersect multiple sorted sets",
         .since = "6.2.0",
         .complexity = kInterComplexity,
         .meta = &kZinterMeta});
  r.add({.name = "zdiff",
         .arity = -3,
         .flags = kReadOnly,
         .run = cmd_zdiff,
         .find_keys = read_keys,
         .acl = kReadSlow,
         .group = "sorted-set",
         .summary = "Subtract multiple sorted sets",
         .since = "6.2.0",
         .complexity = kDiffComplexity,
         .meta = &kZdiffMeta});
  r.add({.name = "zunionstore",
         .arity = -4,
         .flags = kWrite | kDenyOom,
         .keys = {1, 1, 1},
         .run = cmd_zunionstore,
         .find_keys = store_keys,
         .read_keys = store_sources,
         .acl = kWriteSlow,
         .group = "sorted-set",
         .summary = "Add multiple sorted sets and store the resulting sorted set in a new key",
         .since = "2.0.0",
         .complexity = "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted "
                       "sets, and M being the number of elements in the resulting sorted set.",
         .meta = &kZunionstoreMeta});
  r.add(
      {.name = "zinterstore",
       .arity = -4,
       .flags = kWrite | kDenyOom,
       .keys = {1, 1, 1},
       .run = cmd_zinterstore,
       .find_keys = store_keys,
       .read_keys = store_sources,
       .acl = kWriteSlow,
       .group = "sorted-set",
       .summary = "Intersect multiple sorted sets and store the resulting sorted set in a new key",
       .since = "2.0.0",
       .complexity = kInterComplexity,
       .meta = &kZinterstoreMeta});
  r.add({.name = "zdiffstore",
         .arity = -4,
         .flags = kWrite | kDenyOom,
         .keys = {1, 1, 1},
         .run = cmd_zdiffstore,
         .find_keys = store_keys,
         .read_keys = store_sources,
         .acl = kWriteSlow,
         .group = "sorted-set",
         .summary = "Subtract multiple sorted sets and store the resulting sorted set in a new key",
         .since = "6.2.0",
         .complexity = kDiffComplexity,
         .meta = &kZdiffstoreMeta});
}

}  // namespace shardis::server
