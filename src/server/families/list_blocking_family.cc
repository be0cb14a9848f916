// The blocking list commands, BLPOP, BRPOP, BLMOVE, BRPOPLPUSH and BLMPOP, and LMPOP, with Redis
// 7.0's replies, errors, keyspace events and logged forms.
//
// These handlers never wait themselves; the blocking engine does (CommandSpec::block names the
// timeout and the keys waited on). A handler runs in one of three ways (ExecContext):
//   * may_block: when none of its keys has anything, it writes no reply and sets the outcome
//     blocked; the client then waits.
//   * not may_block (inside MULTI, a script): it replies Redis's nil of a timeout at once.
//   * serve_key != 0: a blocked client is being served; only args[serve_key] is looked at, and
//     the reply and what is reported are those of Redis's serveClientBlockedOnList, which differ
//     from a run's: a served BLPOP or BLMOVE fires its pop event without touching the source key
//     (the push that readied it did) and counts no change. When the key turns out empty, the
//     client is set blocked again with no reply.
// Arguments are checked on the coordinator (CommandSpec::check) in Redis's order, the timeout
// included, before any key is read. Every command is logged as the non-blocking command it
// amounts to: BLPOP as LPOP key, BLMPOP and LMPOP as LPOP key count (the number popped), BLMOVE as
// LMOVE, BRPOPLPUSH as RPOPLPUSH.
#include <shardis/base/number_format.h>
#include <shardis/core/quicklist.h>
#include <shardis/server/command.h>
#include <shardis/server/db.h>
#include <shardis/server/families/family_util.h>
#include <shardis/server/registry.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "command_meta.h"
#include "list_family.h"

namespace shardis::server {
namespace {

constexpr std::string_view kErrNumkeys = "ERR numkeys should be greater than 0";
constexpr std::string_view kErrCount = "ERR count should be greater than 0";

std::string_view pop_command(ListEnd end) {
  return end == ListEnd::kHead ? "LPOP" : "RPOP";
}
// How Redis names an end in a served BLMOVE's LMOVE.
std::string_view end_word(ListEnd end) {
  return end == ListEnd::kHead ? "left" : "right";
}

// ---- Arguments ----

// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]; BLMPOP has its timeout first.
struct MpopArgs {
  size_t first_key = 0;
  size_t numkeys = 0;
  ListEnd end = ListEnd::kHead;
  uint64_t count = 1;
};

// The arguments from args[numkeys_idx] on, with Redis's checks in its order; returns the error
// text or an empty string.
std::string parse_mpop(ArgList args, size_t numkeys_idx, MpopArgs* out) {
  std::optional<int64_t> n = base::parse_int64(args[numkeys_idx]);
  if (!n || *n < 1) return std::string(kErrNumkeys);
  // The LEFT|RIGHT after the keys must be there.
  if (static_cast<uint64_t>(*n) >= args.size() - numkeys_idx - 1) return std::string(kErrSyntax);
  out->first_key = numkeys_idx + 1;
  out->numkeys = static_cast<size_t>(*n);
  const size_t where = out->first_key + out->numkeys;
  std::optional<ListEnd> end = parse_list_end(args[where]);
  if (!end) return std::string(kErrSyntax);
  out->end = *end;
  bool has_count = false;
  for (size_t j = where + 1; j < args.size(); ++j) {
    if (!has_count && base::iequals(args[j], "count") && j + 1 < args.size()) {
      std::optional<int64_t> c = base::parse_int64(args[++j]);
      if (!c || *c < 1) return std::string(kErrCount);
      out->count = static_cast<uint64_t>(*c);
      has_count = true;
    } else {
      return std::string(kErrSyntax);
    }
  }
  return {};
}

std::string check_timeout(std::string_view arg) {
  return std::string(parse_block_timeout(arg).error);
}

// BLPOP and BRPOP: key [key ...] timeout.
std::string check_blpop(ArgList args) {
  return check_timeout(args.back());
}
// BRPOPLPUSH source destination timeout.
std::string check_brpoplpush(ArgList args) {
  return check_timeout(args[3]);
}
// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout: the directions come first.
std::string check_blmove(ArgList args) {
  if (!parse_list_end(args[3]) || !parse_list_end(args[4])) return std::string(kErrSyntax);
  return check_timeout(args[5]);
}
// BLMPOP timeout numkeys ...: the timeout is read last.
std::string check_blmpop(ArgList args) {
  MpopArgs a;
  std::string err = parse_mpop(args, 2, &a);
  return err.empty() ? check_timeout(args[1]) : err;
}
std::string check_lmpop(ArgList args) {
  MpopArgs a;
  return parse_mpop(args, 1, &a);
}

std::vector<uint32_t> mpop_keys(ArgList args, size_t numkeys_idx) {
  MpopArgs a;
  if (!parse_mpop(args, numkeys_idx, &a).empty()) return {};
  std::vector<uint32_t> idx;
  idx.reserve(a.numkeys);
  for (size_t i = 0; i < a.numkeys; ++i) idx.push_back(static_cast<uint32_t>(a.first_key + i));
  return idx;
}
std::vector<uint32_t> blmpop_keys(ArgList args) {
  return mpop_keys(args, 2);
}
std::vector<uint32_t> lmpop_keys(ArgList args) {
  return mpop_keys(args, 1);
}
// BLMOVE and BRPOPLPUSH wait on their source only.
std::vector<uint32_t> source_key(ArgList) {
  return {1};
}

// ---- Commands ----

// Nothing to pop from any key: block, or reply what Redis replies when it may not.
void nothing_to_pop(ExecContext& ctx, bool null_array) {
  if (ctx.may_block) return ctx.out.set_blocked();
  if (null_array) return ctx.rb.null_array();
  ctx.rb.null();
}

// The list a blocked client is served from, or nullptr (set blocked again) when it has gone.
core::Quicklist* served_list(ExecContext& ctx) {
  ListRef ref = find_list(ctx.db, ctx.args[ctx.serve_key]);
  if (ref.status == ListStatus::kOk) return ref.list;
  ctx.out.set_blocked();
  return nullptr;
}

// BLPOP / BRPOP key [key ...] timeout: [key, element] from the first key holding a list.
void blocking_pop(ExecContext& ctx, ListEnd end) {
  if (ctx.serve_key != 0) {
    core::Quicklist* q = served_list(ctx);
    if (q == nullptr) return;
    std::string_view key = ctx.args[ctx.serve_key];
    ListPopped p = pop_with_key(ctx, key, q, end, 1, true);
    ctx.event(kNotifyList, pop_event(end), key);
    if (p.deleted) ctx.event(kNotifyGeneric, "del", key);
    ctx.out.propagate({pop_command(end), key});
    return;
  }
  for (size_t i = 1; i + 1 < ctx.args.size(); ++i) {
    std::string_view key = ctx.args[i];
    ListRef ref = find_list(ctx.db, key);
    if (ref.status == ListStatus::kWrongType) return ctx.rb.error(kErrWrongType);
    if (ref.status == ListStatus::kNoKey) continue;
    report_pop(ctx, key, end, pop_with_key(ctx, key, ref.list, end, 1, true));
    ctx.out.propagate({pop_command(end), key});
    return;
  }
  nothing_to_pop(ctx, true);
}

void cmd_blpop(ExecContext& ctx) {
  blocking_pop(ctx, ListEnd::kHead);
}
void cmd_brpop(ExecContext& ctx) {
  blocking_pop(ctx, ListEnd::kTail);
}

// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout, and BRPOPLPUSH source destination
// timeout: LMOVE once the source has an element. Only the source decides whether to block; the
// destination's type is checked when there is something to move.
void blocking_move(ExecContext& ctx, ListEnd from, ListEnd to, bool brpoplpush) {
  std::string_view src = ctx.args[1];
  std::string_view dst = ctx.args[2];
  const bool serving = ctx.serve_key != 0;
  if (serving) {
    if (served_list(ctx) == nullptr) return;
  } else {
    ListRef ref = find_list(ctx.db, src);
    if (ref.status == ListStatus::kWrongType) return ctx.rb.error(kErrWrongType);
    if (ref.status == ListStatus::kNoKey) return nothing_to_pop(ctx, false);
  }
  ListMoved m = move_element(ctx.db, src, dst, from, to);
  if (m.status == ListStatus::kWrongType) return ctx.rb.error(kErrWrongType);
  ctx.rb.bulk(m.value);
  if (serving) {
    ctx.changed(kNotifyList, push_event(to), dst, 0);
    ctx.event(kNotifyList, pop_event(from), src);
    if (m.src_deleted) ctx.event(kNotifyGeneric, "del", src);
  } else {
    report_move(ctx, src, dst, from, to, m.src_deleted);
  }
  if (brpoplpush) return ctx.out.propagate({"RPOPLPUSH", src, dst});
  // A run keeps the directions as sent; a served client's are Redis's own words.
  if (serving) return ctx.out.propagate({"LMOVE", src, dst, end_word(from), end_word(to)});
  ctx.out.propagate({"LMOVE", src, dst, ctx.args[3], ctx.args[4]});
}

void cmd_blmove(ExecContext& ctx) {
  std::optional<ListEnd> from = parse_list_end(ctx.args[3]);
  std::optional<ListEnd> to = parse_list_end(ctx.args[4]);
  if (!from || !to) return ctx.rb.error(kErrSyntax);
  blocking_move(ctx, *from, *to, false);
}
void cmd_brpoplpush(ExecContext& ctx) {
  blocking_move(ctx, ListEnd::kTail, ListEnd::kHead, true);
}

// LMPOP and BLMPOP: [key, [element, ...]] with up to COUNT elements from the first key holding a
// list, logged as the LPOP or RPOP of the number popped.
void mpop(ExecContext& ctx, size_t numkeys_idx, bool blocking) {
  MpopArgs a;
  if (std::string err = parse_mpop(ctx.args, numkeys_idx, &a); !err.empty()) {
    return ctx.rb.error(err);
  }
  auto pop_from = [&](std::string_view key, core::Quicklist* q) {
    ListPopped p = pop_with_key(ctx, key, q, a.end, a.count, false);
    report_pop(ctx, key, a.end, p);
    char buf[24];
    const auto n = static_cast<int64_t>(p.n);
    ctx.out.propagate({pop_command(a.end), key, std::string_view(buf, base::format_int64(n, buf))});
  };
  if (blocking && ctx.serve_key != 0) {
    core::Quicklist* q = served_list(ctx);
    if (q != nullptr) pop_from(ctx.args[ctx.serve_key], q);
    return;
  }
  for (size_t i = a.first_key; i < a.first_key + a.numkeys; ++i) {
    ListRef ref = find_list(ctx.db, ctx.args[i]);
    if (ref.status == ListStatus::kWrongType) return ctx.rb.error(kErrWrongType);
    if (ref.status == ListStatus::kNoKey) continue;
    return pop_from(ctx.args[i], ref.list);
  }
  if (blocking) return nothing_to_pop(ctx, true);
  ctx.rb.null_array();
}

void cmd_blmpop(ExecContext& ctx) {
  mpop(ctx, 2, true);
}
void cmd_lmpop(ExecContext& ctx) {
  mpop(ctx, 1, false);
}

// ---- COMMAND INFO / DOCS metadata (checked against redis-server 7.0.15) ----

#include "list_blocking_family_args.inc"

constexpr HistoryEntry kTimeoutDouble = {"6.0.0",
                                         "`timeout` is interpreted as a double instead of an "
                                         "integer."};
constexpr std::array<KeySpecMeta, 2> kMoveKeySpecs = {
    {{.index = 1, .flags = "RW access delete"}, {.index = 2, .flags = "RW insert"}}};

constexpr RedisMeta kBlpopMeta{
    .key_flags = "RW access delete", .history = {{kTimeoutDouble}}, .args = kBlpopArgs};
constexpr RedisMeta kBrpopMeta{
    .key_flags = "RW access delete", .history = {{kTimeoutDouble}}, .args = kBrpopArgs};
constexpr RedisMeta kBlmoveMeta{.key_specs = kMoveKeySpecs, .args = kBlmoveArgs};
constexpr RedisMeta kBrpoplpushMeta{.key_specs = kMoveKeySpecs,
                                    .deprecated_since = "6.2.0",
                                    .replaced_by = "`BLMOVE` with the `RIGHT` and `LEFT` arguments",
                                    .history = {{kTimeoutDouble}},
                                    .args = kBrpoplpushArgs};
constexpr RedisMeta kBlmpopMeta{.key_specs = {{{.index = 2,
                                                .flags = "RW access delete",
                                                .keynum = true,
                                                .keynumidx = 0,
                                                .firstkey = 1}}},
                                .args = kBlmpopArgs};
constexpr RedisMeta kLmpopMeta{.key_specs = {{{.index = 1,
                                               .flags = "RW access delete",
                                               .keynum = true,
                                               .keynumidx = 0,
                                               .firstkey = 1}}},
                               .args = kLmpopArgs};

}  // namespace

void register_list_blocking_family(Registry& r) {
  constexpr uint32_t kWriteBlocking = kAclWrite | kAclList | kAclSlow | kAclBlocking;
  constexpr std::string_view kMpopComplexity =
      "O(N+M) where N is the number of provided keys and M is the number of elements returned.";
  constexpr std::string_view kMoveSummary =
      "Pop an element from a list, push it to another list and return it; or block until one is "
      "available";
  r.add({.name = "blpop",
         .arity = -3,
         .flags = kWrite | kNoScript | kBlocking,
         .keys = {1, -2, 1},
         .run = cmd_blpop,
         .check = check_blpop,
         .block = {.timeout_arg = -1, .wait_keys = nullptr, .type = ObjType::kList},
         .acl = kWriteBlocking,
         .group = "list",
         .summary = "Remove and get the first element in a list, or block until one is available",
         .since = "2.0.0",
         .complexity = "O(N) where N is the number of provided keys.",
         .meta = &kBlpopMeta});
  r.add({.name = "brpop",
         .arity = -3,
         .flags = kWrite | kNoScript | kBlocking,
         .keys = {1, -2, 1},
         .run = cmd_brpop,
         .check = check_blpop,
         .block = {.timeout_arg = -1, .wait_keys = nullptr, .type = ObjType::kList},
         .acl = kWriteBlocking,
         .group = "list",
         .summary = "Remove and get the last element in a list, or block until one is available",
         .since = "2.0.0",
         .complexity = "O(N) where N is the number of provided keys.",
         .meta = &kBrpopMeta});
  r.add({.name = "blmove",
         .arity = 6,
         .flags = kWrite | kDenyOom | kNoScript | kBlocking,
         .keys = {1, 2, 1},
         .run = cmd_blmove,
         .check = check_blmove,
         .block = {.timeout_arg = 5, .wait_keys = source_key, .type = ObjType::kList},
         .acl = kWriteBlocking,
         .group = "list",
         .summary = kMoveSummary,
         .since = "6.2.0",
         .complexity = "O(1)",
         .meta = &kBlmoveMeta});
  r.add({.name = "brpoplpush",
         .arity = 4,
         .flags = kWrite | kDenyOom | kNoScript | kBlocking,
         .keys = {1, 2, 1},
         .run = cmd_brpoplpush,
         .check = check_brpoplpush,
         .block = {.timeout_arg = 3, .wait_keys = source_key, .type = ObjType::kList},
         .acl = kWriteBlocking,
         .group = "list",
         .summary = kMoveSummary,
         .since = "2.2.0",
         .complexity = "O(1)",
         .meta = &kBrpoplpushMeta});
  r.add({.name = "blmpop",
         .arity = -5,
         .flags = kWrite | kBlocking,
         .keys = {0, 0, 0},  // COMMAND INFO's legacy range is empty; find_keys names the keys
         .run = cmd_blmpop,
         .check = check_blmpop,
         .find_keys = blmpop_keys,
         .block = {.timeout_arg = 1, .wait_keys = nullptr, .type = ObjType::kList},
         .acl = kWriteBlocking,
         .group = "list",
         .summary = "Pop elements from a list, or block until one is available",
         .since = "7.0.0",
         .complexity = kMpopComplexity,
         .meta = &kBlmpopMeta});
  r.add({.name = "lmpop",
         .arity = -4,
         .flags = kWrite,
         .keys = {0, 0, 0},
         .run = cmd_lmpop,
         .check = check_lmpop,
         .find_keys = lmpop_keys,
         .acl = kAclWrite | kAclList | kAclSlow,
         .group = "list",
         .summary = "Pop elements from a list",
         .since = "7.0.0",
         .complexity = kMpopComplexity,
         .meta = &kLmpopMeta});
}

}  // namespace shardis::server
