// List commands: LPUSH, RPUSH, LPUSHX, RPUSHX, LPOP, RPOP, LRANGE, LLEN, LINDEX, LSET, LREM,
// LINSERT, LTRIM, LPOS, LMOVE and RPOPLPUSH, with Redis 7.0's replies and errors. This file also
// holds what the list files share (list_family.h); the blocking commands and LMPOP are in
// list_blocking_family.cc.
//
// A list value is a core::Quicklist owned by its Db entry (Redis 7.0 reports every list as
// "quicklist", whatever its length). An operation that leaves a list empty deletes its key, so
// the Db never holds an empty list.
//
// Each cmd_* runs on the shard that owns its key(s): it parses the arguments, calls an op_*
// that works on the Db alone, then writes exactly one reply. Reads that reply with elements
// (LRANGE, LINDEX, LPOP, RPOP) do not copy them: their op_* return a view (an iterator and a
// count) and the cmd_* writes the reply from it before anything mutates the list; a pop then
// removes the elements it replied. LMOVE and RPOPLPUSH name two keys, run together on one store.
//
// A write reports what Redis 7.0 reports for it (ExecContext::changed / event): its keyspace
// event and modified key when it changed something, "del" after it when the key went, and
// nothing when it changed nothing. Every write is logged as sent.
//
// Lifetimes: entry pointers die at the next non-const Db call, but a list object lives until its
// key is deleted or overwritten, so an op may keep a Quicklist* across a lookup of another key.
#include "list_family.h"

#include <shardis/base/number_format.h>
#include <shardis/core/quicklist.h>
#include <shardis/server/command.h>
#include <shardis/server/db.h>
#include <shardis/server/families/family_util.h>
#include <shardis/server/registry.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "command_meta.h"

namespace shardis::server {
namespace {

using core::LpValue;
using core::Quicklist;

constexpr std::string_view kErrNoSuchKey = "ERR no such key";
constexpr std::string_view kErrIndexRange = "ERR index out of range";
constexpr std::string_view kErrMustBePositive = "ERR value is out of range, must be positive";
constexpr std::string_view kErrRankZero =
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use "
    "negative to start from the end of the list";
constexpr std::string_view kErrCountNegative = "ERR COUNT can't be negative";
constexpr std::string_view kErrMaxlenNegative = "ERR MAXLEN can't be negative";

using OpStatus = ListStatus;
using End = ListEnd;

// ---- The list object ----

void destroy_list(void* obj) {
  delete static_cast<Quicklist*>(obj);
}
void* clone_list(const void* obj) {
  return new Quicklist(static_cast<const Quicklist*>(obj)->clone());
}
size_t list_bytes(const void* obj) {
  return sizeof(Quicklist) + static_cast<const Quicklist*>(obj)->bytes();
}
const char* list_encoding(const void*) {
  return "quicklist";
}

constexpr ObjectOps kListOps = {
    .destroy = destroy_list, .clone = clone_list, .bytes = list_bytes, .encoding = list_encoding};

// ---- Replies ----

// One element as a bulk string; an integer entry is formatted on the stack, not allocated.
void reply_value(proto::ReplyBuilder& rb, const LpValue& v) {
  if (!v.is_int) return rb.bulk(v.s);
  char buf[24];
  rb.bulk(std::string_view(buf, base::format_int64(v.i, buf)));
}

// `n` elements from `it`, walking toward the tail (forward) or the head.
void reply_values(proto::ReplyBuilder& rb, Quicklist::Iterator it, size_t n, bool forward) {
  rb.array(n);
  for (size_t i = 0; i < n; ++i) {
    reply_value(rb, it.value());
    if (forward) {
      it.next();
    } else {
      it.prev();
    }
  }
}

// ---- Shard operations ----

struct IntResult {
  OpStatus status = OpStatus::kOk;
  int64_t value = 0;
};

// Pushes args[first..] one by one at `end`, creating the list unless only_existing (LPUSHX,
// RPUSHX, which leave a missing key alone and report 0). Returns the new length.
IntResult op_push(Db& db, std::string_view key, ArgList values, End end, bool only_existing) {
  ListRef ref = find_list(db, key);
  if (ref.status == OpStatus::kWrongType) return {OpStatus::kWrongType, 0};
  if (ref.status == OpStatus::kNoKey && only_existing) return {};
  Quicklist* q = ref.list;
  Quicklist* created = nullptr;
  if (q == nullptr) q = created = new Quicklist();
  for (std::string_view v : values) {
    if (end == End::kHead) {
      q->push_front(v);
    } else {
      q->push_back(v);
    }
  }
  const auto len = static_cast<int64_t>(q->size());
  if (created != nullptr) db.set_object(key, ObjType::kList, created);
  return {OpStatus::kOk, len};
}

// Elements of a list in place: `n` of them from `first`, walking toward the tail (forward) or
// toward the head. Valid until the list is next mutated.
struct ListView {
  OpStatus status = OpStatus::kOk;
  Quicklist* list = nullptr;
  Quicklist::Iterator first;
  size_t n = 0;
  bool forward = true;
};

// The up to `count` elements a pop at `end` would remove, in the order it removes them.
ListView op_pop_peek(Db& db, std::string_view key, End end, uint64_t count) {
  ListRef ref = find_list(db, key);
  if (ref.status != OpStatus::kOk) return {.status = ref.status};
  Quicklist* q = ref.list;
  const size_t n = count < q->size() ? static_cast<size_t>(count) : q->size();
  const bool head = end == End::kHead;
  return {OpStatus::kOk, q, q->iter(head ? 0 : -1), n, head};
}

// Removes what op_pop_peek viewed; deletes the key when the list is left empty.
ListPopped op_pop_commit(Db& db, std::string_view key, const ListView& view) {
  Quicklist* q = view.list;
  if (view.n == q->size()) {
    db.erase(key);
    return {view.n, true};
  }
  if (view.forward) {
    q->erase_range(0, view.n);
  } else {
    q->erase_range(-static_cast<int64_t>(view.n), view.n);
  }
  return {view.n, false};
}

// LRANGE's elements: [start, stop] with Redis's index rules (negative counts from the tail,
// ends clamped, an empty range when start passes stop or the end).
ListView op_range(Db& db, std::string_view key, int64_t start, int64_t stop) {
  ListRef ref = find_list(db, key);
  if (ref.status == OpStatus::kWrongType) return {.status = ref.status};
  if (ref.status == OpStatus::kNoKey) return {};
  Quicklist* q = ref.list;
  const auto len = static_cast<int64_t>(q->size());
  if (start < 0) start += len;
  if (stop < 0) stop += len;
  if (start < 0) start = 0;
  if (start > stop || start >= len) return {};
  if (stop >= len) stop = len - 1;
  return {OpStatus::kOk, q, q->iter(start), static_cast<size_t>(stop - start + 1), true};
}

IntResult op_llen(Db& db, std::string_view key) {
  ListRef ref = find_list(db, key);
  if (ref.status == OpStatus::kWrongType) return {OpStatus::kWrongType, 0};
  return {OpStatus::kOk, ref.list != nullptr ? static_cast<int64_t>(ref.list->size()) : 0};
}

// LSET: kNoKey for a missing key, kIndexRange for an index past either end.
enum class SetStatus : uint8_t { kOk, kNoKey, kWrongType, kNotInteger, kIndexRange };

// Redis reads the key before it parses the index: a missing key wins over a bad index.
SetStatus op_lset(Db& db, std::string_view key, std::string_view index_arg,
                  std::string_view value) {
  ListRef ref = find_list(db, key);
  if (ref.status == OpStatus::kNoKey) return SetStatus::kNoKey;
  if (ref.status == OpStatus::kWrongType) return SetStatus::kWrongType;
  std::optional<int64_t> index = base::parse_int64(index_arg);
  if (!index) return SetStatus::kNotInteger;
  return ref.list->set(*index, value) ? SetStatus::kOk : SetStatus::kIndexRange;
}

struct RemoveResult {
  OpStatus status = OpStatus::kOk;
  uint64_t removed = 0;
  bool deleted = false;  // the key went with its last element
};

// LREM: count > 0 removes the first `count` matches from the head, count < 0 the first |count|
// from the tail, 0 every match.
RemoveResult op_lrem(Db& db, std::string_view key, int64_t count, std::string_view element) {
  ListRef ref = find_list(db, key);
  if (ref.status != OpStatus::kOk) return {.status = ref.status};
  Quicklist* q = ref.list;
  const bool forward = count >= 0;
  // |count| as unsigned (INT64_MIN included); 0 means no limit.
  const uint64_t limit = count == 0  ? std::numeric_limits<uint64_t>::max()
                         : count > 0 ? static_cast<uint64_t>(count)
                                     : 0 - static_cast<uint64_t>(count);
  uint64_t removed = 0;
  Quicklist::Iterator it = q->iter(forward ? 0 : -1);
  while (it.valid() && removed < limit) {
    if (it.value().equals(element)) {
      it = q->erase(it, forward);
      ++removed;
    } else if (forward) {
      it.next();
    } else {
      it.prev();
    }
  }
  if (!q->empty()) return {OpStatus::kOk, removed, false};
  db.erase(key);
  return {OpStatus::kOk, removed, true};
}

// LINSERT: the new length, -1 when the pivot is absent, 0 when the key is.
IntResult op_linsert(Db& db, std::string_view key, bool after, std::string_view pivot,
                     std::string_view element) {
  ListRef ref = find_list(db, key);
  if (ref.status == OpStatus::kWrongType) return {OpStatus::kWrongType, 0};
  if (ref.status == OpStatus::kNoKey) return {};
  Quicklist* q = ref.list;
  int64_t index = 0;
  for (Quicklist::Iterator it = q->iter(0); it.valid(); it.next(), ++index) {
    if (!it.value().equals(pivot)) continue;
    if (after) {
      q->insert_after(index, element);
    } else {
      q->insert_before(index, element);
    }
    return {OpStatus::kOk, static_cast<int64_t>(q->size())};
  }
  return {OpStatus::kOk, -1};
}

// LTRIM: keeps [start, stop] (LRANGE's rules); an empty range deletes the key. kNoKey for a
// missing key (nothing to report).
RemoveResult op_ltrim(Db& db, std::string_view key, int64_t start, int64_t stop) {
  ListRef ref = find_list(db, key);
  if (ref.status != OpStatus::kOk) return {.status = ref.status};
  Quicklist* q = ref.list;
  const auto len = static_cast<int64_t>(q->size());
  if (start < 0) start += len;
  if (stop < 0) stop += len;
  if (start < 0) start = 0;
  if (start > stop || start >= len) {
    db.erase(key);
    return {OpStatus::kOk, static_cast<uint64_t>(len), true};
  }
  if (stop >= len) stop = len - 1;
  const auto tail = static_cast<size_t>(len - stop - 1);
  if (tail > 0) q->erase_range(-static_cast<int64_t>(tail), tail);
  if (start > 0) q->erase_range(0, static_cast<size_t>(start));
  return {OpStatus::kOk, tail + static_cast<uint64_t>(start), false};
}

struct LposParams {
  int64_t rank = 1;
  int64_t count = -1;  // -1: no COUNT (reply one index or nil); 0: every match
  int64_t maxlen = 0;  // 0: no limit
};

struct LposResult {
  OpStatus status = OpStatus::kOk;
  std::vector<int64_t> indexes;  // head-based, in the order found
};

// LPOS: walks from the head (rank > 0) or the tail (rank < 0), comparing at most maxlen
// elements, skipping the first |rank| - 1 matches and collecting up to `count`. The arithmetic
// is Redis 7.0's, wrapping included: RANK -9223372036854775808 negates to itself, so it starts
// at the first match from the tail and takes every match whatever COUNT says.
LposResult op_lpos(Db& db, std::string_view key, std::string_view element, const LposParams& p) {
  ListRef ref = find_list(db, key);
  if (ref.status != OpStatus::kOk) return {ref.status, {}};
  Quicklist* q = ref.list;
  const bool forward = p.rank > 0;
  const int64_t rank = forward ? p.rank : static_cast<int64_t>(0 - static_cast<uint64_t>(p.rank));
  const bool want_one = p.count == -1;
  const auto len = static_cast<int64_t>(q->size());
  LposResult res;
  int64_t matches = 0;
  int64_t index = 0;
  for (Quicklist::Iterator it = q->iter(forward ? 0 : -1);
       it.valid() && (p.maxlen == 0 || index < p.maxlen); ++index) {
    if (it.value().equals(element)) {
      ++matches;
      if (matches >= rank) {
        res.indexes.push_back(forward ? index : len - index - 1);
        if (want_one) break;
        const auto taken =
            static_cast<int64_t>(static_cast<uint64_t>(matches) - static_cast<uint64_t>(rank) + 1);
        if (p.count != 0 && taken >= p.count) break;
      }
    }
    if (forward) {
      it.next();
    } else {
      it.prev();
    }
  }
  return res;
}

}  // namespace

// ---- Shared pieces (list_family.h) ----

ListRef find_list(Db& db, std::string_view key) {
  TypedEntry t = find_typed(db, key, ObjType::kList);
  if (t.wrong_type) return {ListStatus::kWrongType, nullptr};
  if (t.entry == nullptr) return {ListStatus::kNoKey, nullptr};
  return {ListStatus::kOk, object_as<Quicklist>(t.entry)};
}

std::optional<ListEnd> parse_list_end(std::string_view s) {
  if (base::iequals(s, "left")) return ListEnd::kHead;
  if (base::iequals(s, "right")) return ListEnd::kTail;
  return std::nullopt;
}

ListPopped pop_with_key(ExecContext& ctx, std::string_view key, Quicklist* q, ListEnd end,
                        uint64_t count, bool single) {
  const size_t n = count < q->size() ? static_cast<size_t>(count) : q->size();
  const bool head = end == ListEnd::kHead;
  ListView view{ListStatus::kOk, q, q->iter(head ? 0 : -1), n, head};
  ctx.rb.array(2);
  ctx.rb.bulk(key);
  if (single) {
    reply_value(ctx.rb, view.first.value());
  } else {
    reply_values(ctx.rb, view.first, view.n, view.forward);
  }
  return op_pop_commit(ctx.db, key, view);
}

void report_pop(ExecContext& ctx, std::string_view key, ListEnd end, const ListPopped& p) {
  ctx.changed(kNotifyList, pop_event(end), key, p.n);
  if (p.deleted) ctx.event(kNotifyGeneric, "del", key);
}

ListMoved move_element(Db& db, std::string_view src, std::string_view dst, ListEnd from,
                       ListEnd to) {
  ListRef source = find_list(db, src);
  if (source.status != ListStatus::kOk) return {.status = source.status};
  Quicklist* sq = source.list;
  Quicklist* dq = sq;
  if (dst != src) {
    ListRef dest = find_list(db, dst);  // may expire dst only; sq stays valid
    if (dest.status == ListStatus::kWrongType) return {.status = ListStatus::kWrongType};
    dq = dest.list;
  }
  std::optional<std::string> v = from == ListEnd::kHead ? sq->pop_front() : sq->pop_back();
  Quicklist* created = nullptr;
  if (dq == nullptr) dq = created = new Quicklist();
  if (to == ListEnd::kHead) {
    dq->push_front(*v);
  } else {
    dq->push_back(*v);
  }
  if (created != nullptr) db.set_object(dst, ObjType::kList, created);
  const bool src_deleted = sq->empty();
  if (src_deleted) db.erase(src);
  return {ListStatus::kOk, std::move(*v), src_deleted};
}

void report_move(ExecContext& ctx, std::string_view src, std::string_view dst, ListEnd from,
                 ListEnd to, bool src_deleted) {
  ctx.changed(kNotifyList, push_event(to), dst, 0);
  ctx.changed(kNotifyList, pop_event(from), src);
  if (src_deleted) ctx.event(kNotifyGeneric, "del", src);
}

namespace {

// ---- Commands ----

// Replies the error of a failed op; false when the status was kOk. kNoKey is not an error.
bool reply_status_error(proto::ReplyBuilder& rb, OpStatus s) {
  if (s != OpStatus::kWrongType) return false;
  rb.error(kErrWrongType);
  return true;
}

// LPUSH, RPUSH, LPUSHX, RPUSHX. The "X" forms leave a missing key alone (length 0).
void push(ExecContext& ctx, End end, bool only_existing) {
  ArgList values = ctx.args.subspan(2);
  IntResult res = op_push(ctx.db, ctx.args[1], values, end, only_existing);
  if (reply_status_error(ctx.rb, res.status)) return;
  ctx.rb.integer(res.value);
  if (res.value > 0) ctx.changed(kNotifyList, push_event(end), ctx.args[1], values.size());
}

void cmd_lpush(ExecContext& ctx) {
  push(ctx, End::kHead, false);
}
void cmd_rpush(ExecContext& ctx) {
  push(ctx, End::kTail, false);
}
void cmd_lpushx(ExecContext& ctx) {
  push(ctx, End::kHead, true);
}
void cmd_rpushx(ExecContext& ctx) {
  push(ctx, End::kTail, true);
}

// LPOP/RPOP key [count]. Without a count: one bulk, or nil. With one (parsed before the key is
// read): an array, a null array for a missing key, an empty array for count 0.
void pop(ExecContext& ctx, End end) {
  ArgList args = ctx.args;
  if (args.size() > 3) return ctx.rb.error(err_wrong_args(end == End::kHead ? "lpop" : "rpop"));
  const bool has_count = args.size() == 3;
  uint64_t count = 1;
  if (has_count) {
    std::optional<int64_t> c = base::parse_int64(args[2]);
    if (!c || *c < 0) return ctx.rb.error(kErrMustBePositive);
    count = static_cast<uint64_t>(*c);
  }
  ListView view = op_pop_peek(ctx.db, args[1], end, count);
  if (reply_status_error(ctx.rb, view.status)) return;
  if (view.status == OpStatus::kNoKey) return has_count ? ctx.rb.null_array() : ctx.rb.null();
  if (has_count) {
    reply_values(ctx.rb, view.first, view.n, view.forward);
    if (view.n == 0) return;
  } else {
    reply_value(ctx.rb, view.first.value());
  }
  report_pop(ctx, args[1], end, op_pop_commit(ctx.db, args[1], view));
}

void cmd_lpop(ExecContext& ctx) {
  pop(ctx, End::kHead);
}
void cmd_rpop(ExecContext& ctx) {
  pop(ctx, End::kTail);
}

// LRANGE key start stop: the indexes are parsed before the key is read.
void cmd_lrange(ExecContext& ctx) {
  std::optional<int64_t> start = base::parse_int64(ctx.args[2]);
  std::optional<int64_t> stop = base::parse_int64(ctx.args[3]);
  if (!start || !stop) return ctx.rb.error(kErrNotInteger);
  ListView view = op_range(ctx.db, ctx.args[1], *start, *stop);
  if (reply_status_error(ctx.rb, view.status)) return;
  reply_values(ctx.rb, view.first, view.n, true);
}

void cmd_llen(ExecContext& ctx) {
  IntResult res = op_llen(ctx.db, ctx.args[1]);
  if (reply_status_error(ctx.rb, res.status)) return;
  ctx.rb.integer(res.value);
}

// LINDEX key index: the key is read first (a missing key answers nil whatever the index).
void cmd_lindex(ExecContext& ctx) {
  ListRef ref = find_list(ctx.db, ctx.args[1]);
  if (reply_status_error(ctx.rb, ref.status)) return;
  if (ref.status == OpStatus::kNoKey) return ctx.rb.null();
  std::optional<int64_t> index = base::parse_int64(ctx.args[2]);
  if (!index) return ctx.rb.error(kErrNotInteger);
  Quicklist::Iterator it = ref.list->iter(*index);
  if (!it.valid()) return ctx.rb.null();
  reply_value(ctx.rb, it.value());
}

void cmd_lset(ExecContext& ctx) {
  switch (op_lset(ctx.db, ctx.args[1], ctx.args[2], ctx.args[3])) {
    case SetStatus::kOk:
      ctx.changed(kNotifyList, "lset", ctx.args[1]);
      return ctx.rb.ok();
    case SetStatus::kNoKey:
      return ctx.rb.error(kErrNoSuchKey);
    case SetStatus::kWrongType:
      return ctx.rb.error(kErrWrongType);
    case SetStatus::kNotInteger:
      return ctx.rb.error(kErrNotInteger);
    case SetStatus::kIndexRange:
      return ctx.rb.error(kErrIndexRange);
  }
}

// LREM key count element: count is parsed before the key is read.
void cmd_lrem(ExecContext& ctx) {
  std::optional<int64_t> count = base::parse_int64(ctx.args[2]);
  if (!count) return ctx.rb.error(kErrNotInteger);
  RemoveResult res = op_lrem(ctx.db, ctx.args[1], *count, ctx.args[3]);
  if (reply_status_error(ctx.rb, res.status)) return;
  ctx.rb.integer(static_cast<int64_t>(res.removed));
  if (res.removed == 0) return;
  ctx.changed(kNotifyList, "lrem", ctx.args[1], res.removed);
  if (res.deleted) ctx.event(kNotifyGeneric, "del", ctx.args[1]);
}

// LINSERT key BEFORE|AFTER pivot element: a bad position is a syntax error before the key is
// read.
void cmd_linsert(ExecContext& ctx) {
  std::string_view where = ctx.args[2];
  bool after;
  if (base::iequals(where, "after")) {
    after = true;
  } else if (base::iequals(where, "before")) {
    after = false;
  } else {
    return ctx.rb.error(kErrSyntax);
  }
  IntResult res = op_linsert(ctx.db, ctx.args[1], after, ctx.args[3], ctx.args[4]);
  if (reply_status_error(ctx.rb, res.status)) return;
  ctx.rb.integer(res.value);
  if (res.value > 0) ctx.changed(kNotifyList, "linsert", ctx.args[1]);
}

void cmd_ltrim(ExecContext& ctx) {
  std::optional<int64_t> start = base::parse_int64(ctx.args[2]);
  std::optional<int64_t> stop = base::parse_int64(ctx.args[3]);
  if (!start || !stop) return ctx.rb.error(kErrNotInteger);
  RemoveResult res = op_ltrim(ctx.db, ctx.args[1], *start, *stop);
  if (reply_status_error(ctx.rb, res.status)) return;
  ctx.rb.ok();
  if (res.status == OpStatus::kNoKey) return;
  // Redis fires "ltrim" and touches the key even when nothing was trimmed (no dirty then, so
  // nothing is propagated).
  ctx.changed(kNotifyList, "ltrim", ctx.args[1], res.removed);
  if (res.deleted) ctx.event(kNotifyGeneric, "del", ctx.args[1]);
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]: options may repeat (the last
// wins) and are all checked before the key is read. COUNT and MAXLEN reply their own error for a
// value that is negative or not an integer at all.
void cmd_lpos(ExecContext& ctx) {
  ArgList args = ctx.args;
  LposParams p;
  for (size_t j = 3; j < args.size(); ++j) {
    std::string_view opt = args[j];
    const bool has_value = j + 1 < args.size();
    if (has_value && base::iequals(opt, "rank")) {
      std::optional<int64_t> v = base::parse_int64(args[++j]);
      if (!v) return ctx.rb.error(kErrNotInteger);
      if (*v == 0) return ctx.rb.error(kErrRankZero);
      p.rank = *v;
    } else if (has_value && base::iequals(opt, "count")) {
      std::optional<int64_t> v = base::parse_int64(args[++j]);
      if (!v || *v < 0) return ctx.rb.error(kErrCountNegative);
      p.count = *v;
    } else if (has_value && base::iequals(opt, "maxlen")) {
      std::optional<int64_t> v = base::parse_int64(args[++j]);
      if (!v || *v < 0) return ctx.rb.error(kErrMaxlenNegative);
      p.maxlen = *v;
    } else {
      return ctx.rb.error(kErrSyntax);
    }
  }
  LposResult res = op_lpos(ctx.db, args[1], args[2], p);
  if (reply_status_error(ctx.rb, res.status)) return;
  if (p.count != -1) {
    ctx.rb.array(res.indexes.size());
    for (int64_t i : res.indexes) ctx.rb.integer(i);
    return;
  }
  if (res.indexes.empty()) return ctx.rb.null();
  ctx.rb.integer(res.indexes.front());
}

// LMOVE and RPOPLPUSH, logged as sent.
void move(ExecContext& ctx, End from, End to) {
  ListMoved res = move_element(ctx.db, ctx.args[1], ctx.args[2], from, to);
  if (reply_status_error(ctx.rb, res.status)) return;
  if (res.status == OpStatus::kNoKey) return ctx.rb.null();
  ctx.rb.bulk(res.value);
  report_move(ctx, ctx.args[1], ctx.args[2], from, to, res.src_deleted);
}

// LMOVE source destination LEFT|RIGHT LEFT|RIGHT: the directions are checked first.
void cmd_lmove(ExecContext& ctx) {
  std::optional<End> from = parse_list_end(ctx.args[3]);
  std::optional<End> to = parse_list_end(ctx.args[4]);
  if (!from || !to) return ctx.rb.error(kErrSyntax);
  move(ctx, *from, *to);
}

void cmd_rpoplpush(ExecContext& ctx) {
  move(ctx, End::kTail, End::kHead);
}

// ---- COMMAND INFO / DOCS metadata (checked against redis-server 7.0.15) ----

#include "list_family_args.inc"

constexpr HistoryEntry kMultiElement24 = {"2.4.0", "Accepts multiple `element` arguments."};
constexpr HistoryEntry kMultiElement40 = {"4.0.0", "Accepts multiple `element` arguments."};
constexpr HistoryEntry kPopCount = {"6.2.0", "Added the `count` argument."};
constexpr std::array<KeySpecMeta, 2> kMoveKeySpecs = {
    {{.index = 1, .flags = "RW access delete"}, {.index = 2, .flags = "RW insert"}}};

constexpr RedisMeta kLpushMeta{
    .key_flags = "RW insert", .history = {{kMultiElement24}}, .args = kLpushArgs};
constexpr RedisMeta kRpushMeta{
    .key_flags = "RW insert", .history = {{kMultiElement24}}, .args = kRpushArgs};
constexpr RedisMeta kLpushxMeta{
    .key_flags = "RW insert", .history = {{kMultiElement40}}, .args = kLpushxArgs};
constexpr RedisMeta kRpushxMeta{
    .key_flags = "RW insert", .history = {{kMultiElement40}}, .args = kRpushxArgs};
constexpr RedisMeta kLpopMeta{
    .key_flags = "RW access delete", .history = {{kPopCount}}, .args = kLpopArgs};
constexpr RedisMeta kRpopMeta{
    .key_flags = "RW access delete", .history = {{kPopCount}}, .args = kRpopArgs};
constexpr RedisMeta kLrangeMeta{.key_flags = "RO access", .args = kLrangeArgs};
constexpr RedisMeta kLlenMeta{.key_flags = "RO", .args = kLlenArgs};
constexpr RedisMeta kLindexMeta{.key_flags = "RO access", .args = kLindexArgs};
constexpr RedisMeta kLsetMeta{.key_flags = "RW update", .args = kLsetArgs};
constexpr RedisMeta kLremMeta{.key_flags = "RW delete", .args = kLremArgs};
constexpr RedisMeta kLinsertMeta{.key_flags = "RW insert", .args = kLinsertArgs};
constexpr RedisMeta kLtrimMeta{.key_flags = "RW delete", .args = kLtrimArgs};
constexpr RedisMeta kLposMeta{.key_flags = "RO access", .args = kLposArgs};
constexpr RedisMeta kLmoveMeta{.key_specs = kMoveKeySpecs, .args = kLmoveArgs};
constexpr RedisMeta kRpoplpushMeta{.key_specs = kMoveKeySpecs,
                                   .deprecated_since = "6.2.0",
                                   .replaced_by = "`LMOVE` with the `RIGHT` and `LEFT` arguments",
                                   .args = kRpoplpushArgs};

}  // namespace

void register_list_family(Registry& r) {
  register_object_ops(ObjType::kList, &kListOps);
  constexpr uint32_t kWriteFast = kAclWrite | kAclList | kAclFast;
  constexpr uint32_t kWriteSlow = kAclWrite | kAclList | kAclSlow;
  constexpr uint32_t kReadFast = kAclRead | kAclList | kAclFast;
  constexpr uint32_t kReadSlow = kAclRead | kAclList | kAclSlow;
  constexpr std::string_view kPushComplexity =
      "O(1) for each element added, so O(N) to add N elements when the command is called with "
      "multiple arguments.";
  constexpr std::string_view kPopComplexity = "O(N) where N is the number of elements returned";
  r.add({.name = "lpush",
         .arity = -3,
         .flags = kWrite | kDenyOom | kFast,
         .keys = {1, 1, 1},
         .run = cmd_lpush,
         .acl = kWriteFast,
         .group = "list",
         .summary = "Prepend one or multiple elements to a list",
         .since = "1.0.0",
         .complexity = kPushComplexity,
         .meta = &kLpushMeta});
  r.add({.name = "rpush",
         .arity = -3,
         .flags = kWrite | kDenyOom | kFast,
         .keys = {1, 1, 1},
         .run = cmd_rpush,
         .acl = kWriteFast,
         .group = "list",
         .summary = "Append one or multiple elements to a list",
         .since = "1.0.0",
         .complexity = kPushComplexity,
         .meta = &kRpushMeta});
  r.add({.name = "lpushx",
         .arity = -3,
         .flags = kWrite | kDenyOom | kFast,
         .keys = {1, 1, 1},
         .run = cmd_lpushx,
         .acl = kWriteFast,
         .group = "list",
         .summary = "Prepend an element to a list, only if the list exists",
         .since = "2.2.0",
         .complexity = kPushComplexity,
         .meta = &kLpushxMeta});
  r.add({.name = "rpushx",
         .arity = -3,
         .flags = kWrite | kDenyOom | kFast,
         .keys = {1, 1, 1},
         .run = cmd_rpushx,
         .acl = kWriteFast,
         .group = "list",
         .summary = "Append an element to a list, only if the list exists",
         .since = "2.2.0",
         .complexity = kPushComplexity,
         .meta = &kRpushxMeta});
  r.add({.name = "lpop",
         .arity = -2,
         .flags = kWrite | kFast,
         .keys = {1, 1, 1},
         .run = cmd_lpop,
         .acl = kWriteFast,
         .group = "list",
         .summary = "Remove and get the first elements in a list",
         .since = "1.0.0",
         .complexity = kPopComplexity,
         .meta = &kLpopMeta});
  r.add({.name = "rpop",
         .arity = -2,
         .flags = kWrite | kFast,
         .keys = {1, 1, 1},
         .run = cmd_rpop,
         .acl = kWriteFast,
         .group = "list",
         .summary = "Remove and get the last elements in a list",
         .since = "1.0.0",
         .complexity = kPopComplexity,
         .meta = &kRpopMeta});
  r.add({.name = "lrange",
         .arity = 4,
         .flags = kReadOnly,
         .keys = {1, 1, 1},
         .run = cmd_lrange,
         .acl = kReadSlow,
         .group = "list",
         .summary = "Get a range of elements from a list",
         .since = "1.0.0",
         .complexity = "O(S+N) where S is the distance of start offset from HEAD for small "
                       "lists, from nearest end (HEAD or TAIL) for large lists; and N is the "
                       "number of elements in the specified range.",
         .meta = &kLrangeMeta});
  r.add({.name = "llen",
         .arity = 2,
         .flags = kReadOnly | kFast,
         .keys = {1, 1, 1},
         .run = cmd_llen,
         .acl = kReadFast,
         .group = "list",
         .summary = "Get the length of a list",
         .since = "1.0.0",
         .complexity = "O(1)",
         .meta = &kLlenMeta});
  r.add({.name = "lindex",
         .arity = 3,
         .flags = kReadOnly,
         .keys = {1, 1, 1},
         .run = cmd_lindex,
         .acl = kReadSlow,
         .group = "list",
         .summary = "Get an element from a list by its index",
         .since = "1.0.0",
         .complexity = "O(N) where N is the number of elements to traverse to get to the "
                       "element at index. This makes asking for the first or the last element "
                       "of the list O(1).",
         .meta = &kLindexMeta});
  r.add({.name = "lset",
         .arity = 4,
         .flags = kWrite | kDenyOom,
         .keys = {1, 1, 1},
         .run = cmd_lset,
         .acl = kWriteSlow,
         .group = "list",
         .summary = "Set the value of an element in a list by its index",
         .since = "1.0.0",
         .complexity = "O(N) where N is the length of the list. Setting either the first or the "
                       "last element of the list is O(1).",
         .meta = &kLsetMeta});
  r.add({.name = "lrem",
         .arity = 4,
         .flags = kWrite,
         .keys = {1, 1, 1},
         .run = cmd_lrem,
         .acl = kWriteSlow,
         .group = "list",
         .summary = "Remove elements from a list",
         .since = "1.0.0",
         .complexity = "O(N+M) where N is the length of the list and M is the number of "
                       "elements removed.",
         .meta = &kLremMeta});
  r.add({.name = "linsert",
         .arity = 5,
         .flags = kWrite | kDenyOom,
         .keys = {1, 1, 1},
         .run = cmd_linsert,
         .acl = kWriteSlow,
         .group = "list",
         .summary = "Insert an element before or after another element in a list",
         .since = "2.2.0",
         .complexity = "O(N) where N is the number of elements to traverse before seeing the "
                       "value pivot. This means that inserting somewhere on the left end on the "
                       "list (head) can be considered O(1) and inserting somewhere on the right "
                       "end (tail) is O(N).",
         .meta = &kLinsertMeta});
  r.add({.name = "ltrim",
         .arity = 4,
         .flags = kWrite,
         .keys = {1, 1, 1},
         .run = cmd_ltrim,
         .acl = kWriteSlow,
         .group = "list",
         .summary = "Trim a list to the specified range",
         .since = "1.0.0",
         .complexity = "O(N) where N is the number of elements to be removed by the operation.",
         .meta = &kLtrimMeta});
  r.add({.name = "lpos",
         .arity = -3,
         .flags = kReadOnly,
         .keys = {1, 1, 1},
         .run = cmd_lpos,
         .acl = kReadSlow,
         .group = "list",
         .summary = "Return the index of matching elements on a list",
         .since = "6.0.6",
         .complexity = "O(N) where N is the number of elements in the list, for the average "
                       "case. When searching for elements near the head or the tail of the "
                       "list, or when the MAXLEN option is provided, the command may run in "
                       "constant time.",
         .meta = &kLposMeta});
  r.add({.name = "lmove",
         .arity = 5,
         .flags = kWrite | kDenyOom,
         .keys = {1, 2, 1},
         .run = cmd_lmove,
         .acl = kWriteSlow,
         .group = "list",
         .summary = "Pop an element from a list, push it to another list and return it",
         .since = "6.2.0",
         .complexity = "O(1)",
         .meta = &kLmoveMeta});
  r.add({.name = "rpoplpush",
         .arity = 3,
         .flags = kWrite | kDenyOom,
         .keys = {1, 2, 1},
         .run = cmd_rpoplpush,
         .acl = kWriteSlow,
         .group = "list",
         .summary = "Remove the last element in a list, prepend it to another list and return it",
         .since = "1.2.0",
         .complexity = "O(1)",
         .meta = &kRpoplpushMeta});
}

}  // namespace shardis::server
