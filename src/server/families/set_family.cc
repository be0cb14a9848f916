// Set commands on one key (SADD, SREM, SMEMBERS, SISMEMBER, SMISMEMBER, SCARD, SPOP,
// SRANDMEMBER, SSCAN) and SMOVE, with Redis 7.0's replies and errors; the set algebra (SINTER,
// SUNION, SDIFF, SINTERCARD and the *STORE forms) is in set_algebra_family.cc. This file also
// holds the set type's ObjectOps.
//
// Each cmd_* runs on the shard that owns its key(s): it parses the arguments, calls an op_* that
// works on the Db alone and returns a result, then writes exactly one reply. A read op may return
// the set itself (a SetObject owned by the Db): the reply is written from it before the next
// write to the Db. The value is a core::SetObject, "intset" or "hashtable" as Redis 7.0 encodes
// it; a command that empties a set deletes the key.
//
// A write reports what it did through its ExecContext as Redis 7.0 does: the keys it changed
// with their keyspace events in Redis's order ("del" after the command's own event when it
// emptied a set), a dirty count per member added or removed, and for SPOP the commands it is
// logged as. A write that changes nothing reports nothing.
#include <shardis/base/glob.h>
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
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "command_meta.h"

namespace shardis::server {

void register_set_algebra_family(Registry& r);  // set_algebra_family.cc

namespace {

using core::SetObject;

constexpr int64_t kMaxInt64 = std::numeric_limits<int64_t>::max();
constexpr int64_t kMinInt64 = std::numeric_limits<int64_t>::min();

// SPOP's count: Redis 7.0 replies this one text for anything that is not an integer >= 0.
constexpr std::string_view kErrMustBePositive = "ERR value is out of range, must be positive";
// SRANDMEMBER's count must lie in [-LONG_MAX, LONG_MAX].
constexpr std::string_view kErrCountRange =
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
// SRANDMEMBER with a negative count returns |count| members, repeats allowed, whatever the set's
// size: Redis would build a reply of that many members however large. Shardis builds each reply
// in memory before sending it, so it bounds this one (16M members, well past any real use).
constexpr int64_t kMaxRepeatedPicks = int64_t{1} << 24;
constexpr std::string_view kErrRepeatRange =
    "ERR value is out of range, value must between -16777216 and 9223372036854775807";
// SPOP with a count keeps the members it will not return in a new set when the count is close to
// the size (Redis's SPOP_MOVE_STRATEGY_MUL): remaining * 5 <= count.
constexpr uint64_t kSpopMoveStrategyMul = 5;
// SRANDMEMBER with a count below the size: when count * 3 > size it draws from a copy of the
// whole set, else it picks at random until it has count distinct members (Redis's
// SRANDMEMBER_SUB_STRATEGY_MUL).
constexpr uint64_t kSrandSubStrategyMul = 3;

enum class OpStatus : uint8_t { kOk, kWrongType };

uint64_t next_random() {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return gen();
}

// ---- Lookup ----

struct SetLookup {
  OpStatus status = OpStatus::kOk;
  SetObject* set = nullptr;  // nullptr: no such key. Owned by the Db; valid until its next write.
};

SetLookup op_find(Db& db, std::string_view key) {
  TypedEntry t = find_typed(db, key, ObjType::kSet);
  if (t.wrong_type) return {OpStatus::kWrongType, nullptr};
  return {OpStatus::kOk, t.entry ? object_as<SetObject>(t.entry) : nullptr};
}

// Members in the order Redis replies them when it copies a set into a new one first (SPOP of a
// whole set): ascending when the copy would be an intset, as iterated otherwise.
void order_as_new_set(std::vector<std::string>& members) {
  if (members.size() > SetObject::kMaxIntsetEntries) return;
  std::vector<std::pair<int64_t, size_t>> ints;
  ints.reserve(members.size());
  for (size_t i = 0; i < members.size(); ++i) {
    std::optional<int64_t> v = base::parse_int64(members[i]);
    if (!v) return;
    ints.emplace_back(*v, i);
  }
  std::sort(ints.begin(), ints.end());
  std::vector<std::string> sorted;
  sorted.reserve(members.size());
  for (const auto& [v, i] : ints) sorted.push_back(std::move(members[i]));
  members = std::move(sorted);
}

void reply_members(proto::ReplyBuilder& rb, const std::vector<std::string>& members) {
  for (const std::string& m : members) rb.bulk(m);
}

// ---- SADD, SREM ----

struct CountResult {
  OpStatus status = OpStatus::kOk;
  int64_t count = 0;
  bool key_removed = false;  // SREM emptied the set and deleted the key
};

CountResult op_add(Db& db, std::string_view key, ArgList members) {
  SetLookup l = op_find(db, key);
  if (l.status != OpStatus::kOk) return {l.status, 0};
  CountResult res;
  if (l.set != nullptr) {
    for (std::string_view m : members) res.count += l.set->add(m) ? 1 : 0;
    return res;
  }
  auto set = std::make_unique<SetObject>();
  for (std::string_view m : members) res.count += set->add(m) ? 1 : 0;
  db.set_object(key, ObjType::kSet, set.release());
  return res;
}

CountResult op_remove(Db& db, std::string_view key, ArgList members) {
  SetLookup l = op_find(db, key);
  if (l.status != OpStatus::kOk || l.set == nullptr) return {l.status, 0};
  CountResult res;
  for (std::string_view m : members) {
    res.count += l.set->remove(m) ? 1 : 0;
    if (l.set->empty()) {
      db.erase(key);
      res.key_removed = true;
      break;
    }
  }
  return res;
}

// Both report one change per member added or removed (Redis's dirty count), and nothing when
// no member was.
void cmd_sadd(ExecContext& ctx) {
  CountResult res = op_add(ctx.db, ctx.args[1], ctx.args.subspan(2));
  if (res.status != OpStatus::kOk) return ctx.rb.error(kErrWrongType);
  if (res.count > 0) {
    ctx.changed(kNotifySet, "sadd", ctx.args[1], static_cast<uint64_t>(res.count));
  }
  ctx.rb.integer(res.count);
}

void cmd_srem(ExecContext& ctx) {
  CountResult res = op_remove(ctx.db, ctx.args[1], ctx.args.subspan(2));
  if (res.status != OpStatus::kOk) return ctx.rb.error(kErrWrongType);
  if (res.count > 0) {
    ctx.changed(kNotifySet, "srem", ctx.args[1], static_cast<uint64_t>(res.count));
    if (res.key_removed) ctx.event(kNotifyGeneric, "del", ctx.args[1]);
  }
  ctx.rb.integer(res.count);
}

// ---- Reads ----

void cmd_smembers(ExecContext& ctx) {
  SetLookup l = op_find(ctx.db, ctx.args[1]);
  if (l.status != OpStatus::kOk) return ctx.rb.error(kErrWrongType);
  if (l.set == nullptr) return ctx.rb.set(0);
  ctx.rb.set(l.set->size());
  l.set->for_each([&](std::string_view m) { ctx.rb.bulk(m); });
}

void cmd_sismember(ExecContext& ctx) {
  SetLookup l = op_find(ctx.db, ctx.args[1]);
  if (l.status != OpStatus::kOk) return ctx.rb.error(kErrWrongType);
  ctx.rb.integer(l.set != nullptr && l.set->contains(ctx.args[2]) ? 1 : 0);
}

void cmd_smismember(ExecContext& ctx) {
  SetLookup l = op_find(ctx.db, ctx.args[1]);
  if (l.status != OpStatus::kOk) return ctx.rb.error(kErrWrongType);
  ArgList members = ctx.args.subspan(2);
  ctx.rb.array(members.size());
  for (std::string_view m : members) ctx.rb.integer(l.set != nullptr && l.set->contains(m) ? 1 : 0);
}

void cmd_scard(ExecContext& ctx) {
  SetLookup l = op_find(ctx.db, ctx.args[1]);
  if (l.status != OpStatus::kOk) return ctx.rb.error(kErrWrongType);
  ctx.rb.integer(l.set != nullptr ? static_cast<int64_t>(l.set->size()) : 0);
}

// ---- SPOP ----

struct PopOneResult {
  OpStatus status = OpStatus::kOk;
  std::optional<std::string> member;  // nullopt: no such key
  bool key_removed = false;
};

PopOneResult op_pop_one(Db& db, std::string_view key) {
  SetLookup l = op_find(db, key);
  if (l.status != OpStatus::kOk || l.set == nullptr) return {l.status, std::nullopt};
  PopOneResult res{OpStatus::kOk, l.set->pop_random(next_random())};
  if (l.set->empty()) {
    db.erase(key);
    res.key_removed = true;
  }
  return res;
}

struct MembersResult {
  OpStatus status = OpStatus::kOk;
  std::vector<std::string> members;
  bool key_removed = false;  // the whole set was popped
};

// Pops `count` (> 0) random distinct members, or the whole set when count >= its size.
MembersResult op_pop_count(Db& db, std::string_view key, uint64_t count) {
  SetLookup l = op_find(db, key);
  MembersResult res{l.status, {}};
  if (l.status != OpStatus::kOk || l.set == nullptr) return res;
  SetObject& set = *l.set;
  const uint64_t size = set.size();
  if (count >= size) {
    res.members.reserve(size);
    set.for_each([&](std::string_view m) { res.members.emplace_back(m); });
    order_as_new_set(res.members);
    db.erase(key);
    res.key_removed = true;
    return res;
  }
  const uint64_t remaining = size - count;
  res.members.reserve(count);
  if (remaining * kSpopMoveStrategyMul > count) {
    for (uint64_t i = 0; i < count; ++i) res.members.push_back(set.pop_random(next_random()));
    return res;
  }
  // Close to the whole set: move the members that stay into a new set and return what is left
  // of the old one. The new set is built member by member, so it gets the encoding Redis gives
  // it (an intset again when what stays is few integers). Replaced in place: the TTL stays.
  SetObject kept;
  for (uint64_t i = 0; i < remaining; ++i) kept.add(set.pop_random(next_random()));
  set.for_each([&](std::string_view m) { res.members.emplace_back(m); });
  set = std::move(kept);
  return res;
}

// SPOP is never logged as sent (it is random): Redis 7.0 logs SREM key member for each member
// popped, or DEL key when the count took the whole set.
void cmd_spop(ExecContext& ctx) {
  std::string_view key = ctx.args[1];
  if (ctx.args.size() > 3) return ctx.rb.error(kErrSyntax);
  if (ctx.args.size() == 2) {
    PopOneResult res = op_pop_one(ctx.db, key);
    if (res.status != OpStatus::kOk) return ctx.rb.error(kErrWrongType);
    if (!res.member) return ctx.rb.null();
    ctx.changed(kNotifySet, "spop", key);
    if (res.key_removed) ctx.event(kNotifyGeneric, "del", key);
    ctx.out.propagate({"SREM", key, *res.member});
    return ctx.rb.bulk(*res.member);
  }
  std::optional<int64_t> count = base::parse_int64(ctx.args[2]);
  if (!count || *count < 0) return ctx.rb.error(kErrMustBePositive);
  if (*count == 0) {
    SetLookup l = op_find(ctx.db, ctx.args[1]);
    if (l.status != OpStatus::kOk) return ctx.rb.error(kErrWrongType);
    return ctx.rb.set(0);
  }
  MembersResult res = op_pop_count(ctx.db, key, static_cast<uint64_t>(*count));
  if (res.status != OpStatus::kOk) return ctx.rb.error(kErrWrongType);
  if (!res.members.empty()) {
    ctx.changed(kNotifySet, "spop", key, res.members.size());
    if (res.key_removed) {
      ctx.event(kNotifyGeneric, "del", key);
      ctx.out.propagate({"DEL", key});
    } else {
      for (const std::string& m : res.members) ctx.out.propagate({"SREM", key, m});
    }
  }
  ctx.rb.set(res.members.size());
  reply_members(ctx.rb, res.members);
}

// ---- SRANDMEMBER ----

// `count` (> 0) distinct random members of a set larger than count.
std::vector<std::string> pick_distinct(const SetObject& set, uint64_t count) {
  const uint64_t size = set.size();
  std::vector<std::string> out;
  if (count * kSrandSubStrategyMul > size) {
    // Draw from a copy of every member: a partial shuffle.
    std::vector<std::string> all;
    all.reserve(size);
    set.for_each([&](std::string_view m) { all.emplace_back(m); });
    for (uint64_t i = 0; i < count; ++i) {
      uint64_t j = i + next_random() % (size - i);
      std::swap(all[i], all[j]);
    }
    all.resize(count);
    return all;
  }
  // Few members wanted: random picks until count distinct ones (count <= size / 3, so few
  // repeats are expected).
  std::unordered_set<std::string> seen;
  out.reserve(count);
  while (out.size() < count) {
    std::string m = set.random_member(next_random());
    if (seen.insert(m).second) out.push_back(std::move(m));
  }
  return out;
}

void cmd_srandmember(ExecContext& ctx) {
  if (ctx.args.size() > 3) return ctx.rb.error(kErrSyntax);
  if (ctx.args.size() == 2) {
    SetLookup l = op_find(ctx.db, ctx.args[1]);
    if (l.status != OpStatus::kOk) return ctx.rb.error(kErrWrongType);
    if (l.set == nullptr) return ctx.rb.null();
    return ctx.rb.bulk(l.set->random_member(next_random()));
  }
  std::optional<int64_t> count = base::parse_int64(ctx.args[2]);
  if (!count) return ctx.rb.error(kErrNotInteger);
  if (*count == kMinInt64) return ctx.rb.error(kErrCountRange);
  SetLookup l = op_find(ctx.db, ctx.args[1]);
  if (l.status != OpStatus::kOk) return ctx.rb.error(kErrWrongType);
  if (l.set == nullptr || *count == 0) return ctx.rb.array(0);
  const SetObject& set = *l.set;
  if (*count < 0 || *count == 1) {
    // Repeats allowed: |count| independent picks.
    if (*count < -kMaxRepeatedPicks) return ctx.rb.error(kErrRepeatRange);
    const int64_t n = *count < 0 ? -*count : 1;
    ctx.rb.array(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) ctx.rb.bulk(set.random_member(next_random()));
    return;
  }
  const uint64_t n = static_cast<uint64_t>(*count);
  if (n >= set.size()) {
    ctx.rb.array(set.size());
    set.for_each([&](std::string_view m) { ctx.rb.bulk(m); });
    return;
  }
  std::vector<std::string> picks = pick_distinct(set, n);
  ctx.rb.array(picks.size());
  reply_members(ctx.rb, picks);
}

// ---- SSCAN ----

struct ScanPage {
  uint64_t next = 0;
  std::vector<std::string> members;
};

// One SSCAN step, as Redis's scanGenericCommand: an intset answers whole; a hashtable visits
// buckets until `count` members were collected (before MATCH filters them) or count * 10 more
// buckets were visited or the scan is complete.
ScanPage op_scan(const SetObject& set, const ScanArgs& a) {
  ScanPage page;
  auto collect = [&](std::string_view m) { page.members.emplace_back(m); };
  if (set.encoding() == SetObject::Encoding::kIntset) {
    page.next = set.scan(0, collect);
  } else {
    const uint64_t count = static_cast<uint64_t>(a.count);
    uint64_t max_extra = count > kMaxInt64 / 10 ? kMaxInt64 : count * 10;
    uint64_t cursor = set.scan(a.cursor, collect);
    while (cursor != 0 && max_extra-- > 0 && page.members.size() < count) {
      cursor = set.scan(cursor, collect);
    }
    page.next = cursor;
  }
  if (a.use_pattern) {
    std::erase_if(page.members,
                  [&](const std::string& m) { return !base::glob_match(a.pattern, m); });
  }
  return page;
}

void cmd_sscan(ExecContext& ctx) {
  std::optional<uint64_t> cursor = parse_scan_cursor(ctx.args[2]);
  if (!cursor) return ctx.rb.error(kErrInvalidCursor);
  SetLookup l = op_find(ctx.db, ctx.args[1]);
  if (l.status != OpStatus::kOk) return ctx.rb.error(kErrWrongType);
  ScanPage page;
  if (l.set != nullptr) {
    // Options are read only for an existing set, as Redis does.
    ScanArgs a;
    a.cursor = *cursor;
    std::string err = parse_scan_options(ctx.args, 3, false, &a);
    if (!err.empty()) return ctx.rb.error(err);
    page = op_scan(*l.set, a);
  }
  ctx.rb.array(2);
  ctx.rb.bulk(std::to_string(page.next));
  ctx.rb.array(page.members.size());
  reply_members(ctx.rb, page.members);
}

// ---- SMOVE ----

struct MoveResult {
  OpStatus status = OpStatus::kOk;
  bool moved = false;        // the reply: the member is (now) in the destination
  bool removed = false;      // the member left the source (a different key)
  bool src_deleted = false;  // which emptied it
  bool dst_added = false;    // the destination did not have the member
};

MoveResult op_move(Db& db, std::string_view src_key, std::string_view dst_key,
                   std::string_view member) {
  SetLookup src = op_find(db, src_key);
  // Redis looks both keys up before checking either type; an absent source wins over a
  // destination of the wrong type.
  SetLookup dst = src_key == dst_key ? src : op_find(db, dst_key);
  if (src.status == OpStatus::kOk && src.set == nullptr) return {};
  if (src.status != OpStatus::kOk || dst.status != OpStatus::kOk) return {OpStatus::kWrongType};
  if (src.set == dst.set) return {OpStatus::kOk, src.set->contains(member)};
  if (!src.set->remove(member)) return {};
  MoveResult res{OpStatus::kOk, true, true, false, true};
  // Erasing the source frees only its own object: dst.set stays valid.
  if (src.set->empty()) {
    db.erase(src_key);
    res.src_deleted = true;
  }
  if (dst.set != nullptr) {
    res.dst_added = dst.set->add(member);
  } else {
    auto set = std::make_unique<SetObject>();
    set->add(member);
    db.set_object(dst_key, ObjType::kSet, set.release());
  }
  return res;
}

// Redis fires "srem" on the source, "del" when that emptied it, then "sadd" on the destination
// when the member was new there; each key counts one change. Events are delivered changes
// first, so when both "del" and "sadd" follow, the destination is reported as a change with no
// event and its "sadd" as an event after the source's "del".
void cmd_smove(ExecContext& ctx) {
  std::string_view src = ctx.args[1], dst = ctx.args[2];
  MoveResult res = op_move(ctx.db, src, dst, ctx.args[3]);
  if (res.status != OpStatus::kOk) return ctx.rb.error(kErrWrongType);
  if (res.removed) {
    ctx.changed(kNotifySet, "srem", src);
    if (res.src_deleted && res.dst_added) {
      ctx.changed(kNotifySet, "", dst);
      ctx.event(kNotifyGeneric, "del", src);
      ctx.event(kNotifySet, "sadd", dst);
    } else {
      if (res.src_deleted) ctx.event(kNotifyGeneric, "del", src);
      if (res.dst_added) ctx.changed(kNotifySet, "sadd", dst);
    }
  }
  ctx.rb.integer(res.moved ? 1 : 0);
}

// ---- Object operations ----

void destroy_set(void* obj) {
  delete static_cast<SetObject*>(obj);
}
void* clone_set(const void* obj) {
  return new SetObject(*static_cast<const SetObject*>(obj));
}
size_t set_bytes(const void* obj) {
  return static_cast<const SetObject*>(obj)->bytes();
}
const char* set_encoding(const void* obj) {
  return static_cast<const SetObject*>(obj)->encoding_name();
}
constexpr ObjectOps kSetOps{destroy_set, clone_set, set_bytes, set_encoding};

// ---- COMMAND INFO / DOCS metadata (checked against redis-server 7.0.15) ----

#include "set_family_args.inc"

constexpr HistoryEntry kMultipleMembers{"2.4.0", "Accepts multiple `member` arguments."};

constexpr RedisMeta kSaddMeta{
    .key_flags = "RW insert", .history = {{kMultipleMembers}}, .args = kSaddArgs};
constexpr RedisMeta kSremMeta{
    .key_flags = "RW delete", .history = {{kMultipleMembers}}, .args = kSremArgs};
constexpr RedisMeta kSmembersMeta{
    .key_flags = "RO access", .tips = "nondeterministic_output_order", .args = kSmembersArgs};
constexpr RedisMeta kSismemberMeta{.key_flags = "RO", .args = kSismemberArgs};
constexpr RedisMeta kSmismemberMeta{.key_flags = "RO access", .args = kSmismemberArgs};
constexpr RedisMeta kScardMeta{.key_flags = "RO", .args = kScardArgs};
constexpr RedisMeta kSpopMeta{.key_flags = "RW access delete",
                              .tips = "nondeterministic_output",
                              .history = {{{"3.2.0", "Added the `count` argument."}}},
                              .args = kSpopArgs};
constexpr RedisMeta kSrandmemberMeta{
    .key_flags = "RO access",
    .tips = "nondeterministic_output",
    .history = {{{"2.6.0", "Added the optional `count` argument."}}},
    .args = kSrandmemberArgs};
constexpr RedisMeta kSscanMeta{
    .key_flags = "RO access", .tips = "nondeterministic_output", .args = kSscanArgs};
constexpr RedisMeta kSmoveMeta{
    .key_specs = {{{.index = 1, .flags = "RW access delete"}, {.index = 2, .flags = "RW insert"}}},
    .args = kSmoveArgs};

}  // namespace

void register_set_family(Registry& r) {
  register_object_ops(ObjType::kSet, &kSetOps);
  constexpr uint32_t kReadFast = kAclRead | kAclSet | kAclFast;
  constexpr uint32_t kReadSlow = kAclRead | kAclSet | kAclSlow;
  constexpr uint32_t kWriteFast = kAclWrite | kAclSet | kAclFast;
  r.add({.name = "sadd",
         .arity = -3,
         .flags = kWrite | kDenyOom | kFast,
         .keys = {1, 1, 1},
         .run = cmd_sadd,
         .acl = kWriteFast,
         .group = "set",
         .summary = "Add one or more members to a set",
         .since = "1.0.0",
         .complexity = "O(1) for each element added, so O(N) to add N elements when the command "
                       "is called with multiple arguments.",
         .meta = &kSaddMeta});
  r.add({.name = "srem",
         .arity = -3,
         .flags = kWrite | kFast,
         .keys = {1, 1, 1},
         .run = cmd_srem,
         .acl = kWriteFast,
         .group = "set",
         .summary = "Remove one or more members from a set",
         .since = "1.0.0",
         .complexity = "O(N) where N is the number of members to be removed.",
         .meta = &kSremMeta});
  r.add({.name = "smembers",
         .arity = 2,
         .flags = kReadOnly,
         .keys = {1, 1, 1},
         .run = cmd_smembers,
         .acl = kReadSlow,
         .group = "set",
         .summary = "Get all the members in a set",
         .since = "1.0.0",
         .complexity = "O(N) where N is the set cardinality.",
         .meta = &kSmembersMeta});
  r.add({.name = "sismember",
         .arity = 3,
         .flags = kReadOnly | kFast,
         .keys = {1, 1, 1},
         .run = cmd_sismember,
         .acl = kReadFast,
         .group = "set",
         .summary = "Determine if a given value is a member of a set",
         .since = "1.0.0",
         .complexity = "O(1)",
         .meta = &kSismemberMeta});
  r.add({.name = "smismember",
         .arity = -3,
         .flags = kReadOnly | kFast,
         .keys = {1, 1, 1},
         .run = cmd_smismember,
         .acl = kReadFast,
         .group = "set",
         .summary = "Returns the membership associated with the given elements for a set",
         .since = "6.2.0",
         .complexity = "O(N) where N is the number of elements being checked for membership",
         .meta = &kSmismemberMeta});
  r.add({.name = "scard",
         .arity = 2,
         .flags = kReadOnly | kFast,
         .keys = {1, 1, 1},
         .run = cmd_scard,
         .acl = kReadFast,
         .group = "set",
         .summary = "Get the number of members in a set",
         .since = "1.0.0",
         .complexity = "O(1)",
         .meta = &kScardMeta});
  r.add({.name = "spop",
         .arity = -2,
         .flags = kWrite | kFast,
         .keys = {1, 1, 1},
         .run = cmd_spop,
         .acl = kWriteFast,
         .group = "set",
         .summary = "Remove and return one or multiple random members from a set",
         .since = "1.0.0",
         .complexity = "Without the count argument O(1), otherwise O(N) where N is the value of "
                       "the passed count.",
         .meta = &kSpopMeta});
  r.add({.name = "srandmember",
         .arity = -2,
         .flags = kReadOnly,
         .keys = {1, 1, 1},
         .run = cmd_srandmember,
         .acl = kReadSlow,
         .group = "set",
         .summary = "Get one or multiple random members from a set",
         .since = "1.0.0",
         .complexity = "Without the count argument O(1), otherwise O(N) where N is the absolute "
                       "value of the passed count.",
         .meta = &kSrandmemberMeta});
  r.add({.name = "sscan",
         .arity = -3,
         .flags = kReadOnly,
         .keys = {1, 1, 1},
         .run = cmd_sscan,
         .acl = kReadSlow,
         .group = "set",
         .summary = "Incrementally iterate Set elements",
         .since = "2.8.0",
         .complexity = "O(1) for every call. O(N) for a complete iteration, including enough "
                       "command calls for the cursor to return back to 0. N is the number of "
                       "elements inside the collection..",
         .meta = &kSscanMeta});
  r.add({.name = "smove",
         .arity = 4,
         .flags = kWrite | kFast,
         .keys = {1, 2, 1},
         .run = cmd_smove,
         .acl = kWriteFast,
         .group = "set",
         .summary = "Move a member from one set to another",
         .since = "1.0.0",
         .complexity = "O(1)",
         .meta = &kSmoveMeta});
  register_set_algebra_family(r);
}

}  // namespace shardis::server
