// Sorted-set pops over several keys: the blocking BZPOPMIN, BZPOPMAX and BZMPOP, and ZMPOP, which
// shares BZMPOP's arguments and reply. Redis 7.0's replies, errors and checking order.
//
// Each handler looks at its keys in argv order, as Redis does: a key of another type replies
// WRONGTYPE at once, an absent key is skipped, and the first sorted set found is popped. When no
// key has anything to pop, a blocking command that may block writes no reply and sets the
// outcome blocked (the blocking engine parks the client); where it may not (MULTI, scripts) it
// replies a null array, as ZMPOP always does. While a blocked client is served, ctx.serve_key
// names the one key to pop from.
//
// Argument errors (the timeout, numkeys, MIN|MAX, COUNT) are found by each command's `check`,
// before any key is looked at. A pop is reported as ZPOPMIN/ZPOPMAX report it (the event
// "zpopmin"/"zpopmax", one change per element, "del" when the set is emptied) and is logged as
// Redis 7.0 propagates it: ZPOPMIN key (BZPOPMIN), ZPOPMIN key <count popped> (BZMPOP, ZMPOP);
// likewise ZPOPMAX.
#include <shardis/base/number_format.h>
#include <shardis/core/zset_object.h>
#include <shardis/server/command.h>
#include <shardis/server/db.h>
#include <shardis/server/families/family_util.h>
#include <shardis/server/registry.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "command_meta.h"
#include "zset_family.h"

namespace shardis::server {
namespace {

using core::ZsetEntry;

constexpr std::string_view kErrNumkeys = "ERR numkeys should be greater than 0";
constexpr std::string_view kErrCount = "ERR count should be greater than 0";

// ---- Arguments ----

// [B]ZMPOP's arguments after the timeout: numkeys key [key ...] MIN|MAX [COUNT count].
struct MpopArgs {
  size_t first_key = 0;  // argv index of the first key
  size_t numkeys = 0;
  bool from_max = false;
  int64_t count = 1;
};

// numkeys sits at args[numkeys_pos]. Redis's order: numkeys (an integer >= 1), then MIN|MAX
// right after the keys, then the options, one COUNT at most. Returns the error text or an empty
// string.
std::string parse_mpop(ArgList args, size_t numkeys_pos, MpopArgs* out) {
  std::optional<int64_t> n = base::parse_int64(args[numkeys_pos]);
  if (!n || *n < 1) return std::string(kErrNumkeys);
  // Past the last argument: no MIN|MAX. (Compared without adding, so a huge count cannot wrap.)
  if (static_cast<uint64_t>(*n) >= args.size() - numkeys_pos - 1) return std::string(kErrSyntax);
  out->first_key = numkeys_pos + 1;
  out->numkeys = static_cast<size_t>(*n);
  const size_t where = out->first_key + out->numkeys;
  if (base::iequals(args[where], "min")) {
    out->from_max = false;
  } else if (base::iequals(args[where], "max")) {
    out->from_max = true;
  } else {
    return std::string(kErrSyntax);
  }
  bool count_given = false;
  for (size_t j = where + 1; j < args.size(); ++j) {
    if (!count_given && base::iequals(args[j], "count") && j + 1 < args.size()) {
      std::optional<int64_t> c = base::parse_int64(args[++j]);
      if (!c || *c < 1) return std::string(kErrCount);
      out->count = *c;
      count_given = true;
    } else {
      return std::string(kErrSyntax);
    }
  }
  return {};
}

std::string check_zmpop(ArgList args) {
  MpopArgs a;
  return parse_mpop(args, 1, &a);
}

// BZMPOP reads the timeout after the rest, as Redis does.
std::string check_bzmpop(ArgList args) {
  MpopArgs a;
  std::string err = parse_mpop(args, 2, &a);
  if (!err.empty()) return err;
  return std::string(parse_block_timeout(args[1]).error);
}

std::string check_bzpop(ArgList args) {
  return std::string(parse_block_timeout(args.back()).error);
}

std::vector<uint32_t> mpop_keys_at(ArgList args, size_t numkeys_pos) {
  MpopArgs a;
  if (!parse_mpop(args, numkeys_pos, &a).empty()) return {};
  std::vector<uint32_t> out;
  out.reserve(a.numkeys);
  for (size_t i = 0; i < a.numkeys; ++i) out.push_back(static_cast<uint32_t>(a.first_key + i));
  return out;
}

std::vector<uint32_t> zmpop_keys(ArgList args) {
  return mpop_keys_at(args, 1);
}
std::vector<uint32_t> bzmpop_keys(ArgList args) {
  return mpop_keys_at(args, 2);
}

// ---- Popping ----

// Which key to pop from.
struct Pick {
  bool wrong_type = false;
  size_t idx = 0;                    // argv index of the key
  core::ZsetObject* zset = nullptr;  // nullptr: nothing to pop
};

// Serving a blocked client: only args[serve_key]. Otherwise the first of the keys at argv
// indices [first, first + n) that exists, unless a key of another type comes first.
Pick pick_key(ExecContext& ctx, size_t first, size_t n) {
  if (ctx.serve_key != 0) {
    if (ctx.serve_key >= ctx.args.size()) return {};
    ZsetRef ref = find_zset(ctx.db, ctx.args[ctx.serve_key]);
    return {false, ctx.serve_key, ref.zset};
  }
  for (size_t i = first; i < first + n; ++i) {
    ZsetRef ref = find_zset(ctx.db, ctx.args[i]);
    if (ref.wrong_type) return {true, i, nullptr};
    if (ref.zset != nullptr) return {false, i, ref.zset};
  }
  return {};
}

// Nothing to pop: block when allowed (no reply), else the null array Redis replies.
void nothing_to_pop(ExecContext& ctx, bool blocking) {
  if (blocking && (ctx.may_block || ctx.serve_key != 0)) return ctx.out.set_blocked();
  ctx.rb.null_array();
}

// BZPOPMIN key [key ...] timeout: [key, member, score] (the score a double in RESP3).
void bzpop_generic(ExecContext& ctx, bool from_max) {
  Pick p = pick_key(ctx, 1, ctx.args.size() - 2);
  if (p.wrong_type) return ctx.rb.error(kErrWrongType);
  if (p.zset == nullptr) return nothing_to_pop(ctx, true);
  std::string_view key = ctx.args[p.idx];
  std::vector<ZsetEntry> popped = pop_reported(ctx, key, *p.zset, from_max, 1);
  ctx.out.propagate({from_max ? "ZPOPMAX" : "ZPOPMIN", key});
  ctx.rb.array(3);
  ctx.rb.bulk(key);
  ctx.rb.bulk(popped[0].member);
  ctx.rb.double_value(popped[0].score);
}

void cmd_bzpopmin(ExecContext& ctx) {
  bzpop_generic(ctx, false);
}
void cmd_bzpopmax(ExecContext& ctx) {
  bzpop_generic(ctx, true);
}

// [B]ZMPOP: [key, [[member, score], ...]] with up to count elements.
void mpop_generic(ExecContext& ctx, size_t numkeys_pos, bool blocking) {
  MpopArgs a;
  // `check` passed already; parsed again for the values.
  if (std::string err = parse_mpop(ctx.args, numkeys_pos, &a); !err.empty()) {
    return ctx.rb.error(err);
  }
  Pick p = pick_key(ctx, a.first_key, a.numkeys);
  if (p.wrong_type) return ctx.rb.error(kErrWrongType);
  if (p.zset == nullptr) return nothing_to_pop(ctx, blocking);
  std::string_view key = ctx.args[p.idx];
  std::vector<ZsetEntry> popped =
      pop_reported(ctx, key, *p.zset, a.from_max, static_cast<size_t>(a.count));
  const std::string n = std::to_string(popped.size());
  ctx.out.propagate({a.from_max ? "ZPOPMAX" : "ZPOPMIN", key, n});
  ctx.rb.array(2);
  ctx.rb.bulk(key);
  ctx.rb.array(popped.size());
  for (const ZsetEntry& e : popped) {
    ctx.rb.array(2);
    ctx.rb.bulk(e.member);
    ctx.rb.double_value(e.score);
  }
}

void cmd_bzmpop(ExecContext& ctx) {
  mpop_generic(ctx, 2, true);
}
void cmd_zmpop(ExecContext& ctx) {
  mpop_generic(ctx, 1, false);
}

// ---- COMMAND INFO / DOCS metadata (checked against redis-server 7.0.15) ----

#include "zset_blocking_family_args.inc"

constexpr HistoryEntry kTimeoutDouble{
    "6.0.0", "`timeout` is interpreted as a double instead of an integer."};

constexpr RedisMeta kBzpopminMeta{
    .key_flags = "RW access delete", .history = {{kTimeoutDouble}}, .args = kBzpopminArgs};
constexpr RedisMeta kBzpopmaxMeta{
    .key_flags = "RW access delete", .history = {{kTimeoutDouble}}, .args = kBzpopmaxArgs};
constexpr RedisMeta kBzmpopMeta{.key_specs = {{{.index = 2,
                                                .flags = "RW access delete",
                                                .keynum = true,
                                                .keynumidx = 0,
                                                .firstkey = 1}}},
                                .args = kBzmpopArgs};
constexpr RedisMeta kZmpopMeta{.key_specs = {{{.index = 1,
                                               .flags = "RW access delete",
                                               .keynum = true,
                                               .keynumidx = 0,
                                               .firstkey = 1}}},
                               .args = kZmpopArgs};

}  // namespace

void register_zset_blocking_family(Registry& r) {
  constexpr uint32_t kBlockFast = kAclWrite | kAclSortedSet | kAclFast | kAclBlocking;
  constexpr std::string_view kBzpopComplexity =
      "O(log(N)) with N being the number of elements in the sorted set.";
  constexpr std::string_view kMpopComplexity =
      "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of "
      "elements in the sorted set, and M being the number of elements popped.";
  r.add({.name = "bzpopmin",
         .arity = -3,
         .flags = kWrite | kNoScript | kBlocking | kFast,
         .keys = {1, -2, 1},
         .run = cmd_bzpopmin,
         .check = check_bzpop,
         .block = {.timeout_arg = -1, .wait_keys = nullptr, .type = ObjType::kZSet},
         .acl = kBlockFast,
         .group = "sorted-set",
         .summary = "Remove and return the member with the lowest score from one or more sorted "
                    "sets, or block until one is available",
         .since = "5.0.0",
         .complexity = kBzpopComplexity,
         .meta = &kBzpopminMeta});
  r.add({.name = "bzpopmax",
         .arity = -3,
         .flags = kWrite | kNoScript | kBlocking | kFast,
         .keys = {1, -2, 1},
         .run = cmd_bzpopmax,
         .check = check_bzpop,
         .block = {.timeout_arg = -1, .wait_keys = nullptr, .type = ObjType::kZSet},
         .acl = kBlockFast,
         .group = "sorted-set",
         .summary = "Remove and return the member with the highest score from one or more sorted "
                    "sets, or block until one is available",
         .since = "5.0.0",
         .complexity = kBzpopComplexity,
         .meta = &kBzpopmaxMeta});
  r.add({.name = "bzmpop",
         .arity = -5,
         .flags = kWrite | kBlocking,
         .run = cmd_bzmpop,
         .check = check_bzmpop,
         .find_keys = bzmpop_keys,
         .block = {.timeout_arg = 1, .wait_keys = nullptr, .type = ObjType::kZSet},
         .acl = kAclWrite | kAclSortedSet | kAclSlow | kAclBlocking,
         .group = "sorted-set",
         .summary = "Remove and return members with scores in a sorted set or block until one is "
                    "available",
         .since = "7.0.0",
         .complexity = kMpopComplexity,
         .meta = &kBzmpopMeta});
  r.add({.name = "zmpop",
         .arity = -4,
         .flags = kWrite,
         .run = cmd_zmpop,
         .check = check_zmpop,
         .find_keys = zmpop_keys,
         .acl = kAclWrite | kAclSortedSet | kAclSlow,
         .group = "sorted-set",
         .summary = "Remove and return members with scores in a sorted set",
         .since = "7.0.0",
         .complexity = kMpopComplexity,
         .meta = &kZmpopMeta});
}

}  // namespace shardis::server
