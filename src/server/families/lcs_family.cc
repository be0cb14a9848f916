// LCS: the longest common subsequence of two string keys (LEN, IDX, MINMATCHLEN,
// WITHMATCHLEN), with Redis 7.0's replies, errors and tie-breaking.
//
// Route::kKey with two keys: it runs on their shard, or, when they span shards, on a scratch store
// the keys are moved into (txn/txn.h). It writes nothing, so it reports nothing. op_lcs works on
// the Db alone; cmd_lcs writes the one reply.
#include <shardis/base/number_format.h>
#include <shardis/server/command.h>
#include <shardis/server/db.h>
#include <shardis/server/families/family_util.h>
#include <shardis/server/registry.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "command_meta.h"

namespace shardis::server {
namespace {

bool is_string(const core::Entry* e) {
  return Db::type_of(e) == ObjType::kString;
}

constexpr std::string_view kErrLcsType = "ERR The specified keys must contain string values";
constexpr std::string_view kErrLcsLenAndIdx =
    "ERR If you want both the length and indexes, please just use IDX.";
constexpr std::string_view kErrLcsTooLong = "ERR String too long for LCS";
constexpr std::string_view kErrLcsMemLimit =
    "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len";
constexpr std::string_view kErrLcsAlloc =
    "ERR Insufficient memory, failed allocating transient memory for LCS";

struct LcsParams {
  bool get_len = false;
  bool get_idx = false;
  bool with_match_len = false;
  int64_t min_match_len = 0;
};

struct LcsMatch {
  uint32_t a_start, a_end, b_start, b_end;
};

struct LcsResult {
  std::string_view error;  // empty when the command succeeded
  LcsParams params;
  uint32_t len = 0;
  std::string lcs;              // without LEN or IDX
  std::vector<LcsMatch> match;  // IDX: matching ranges, last ones first (as Redis lists them)
};

// The dynamic-programming LCS Redis uses, and the same backward walk, so that ties resolve to
// the same subsequence and the same ranges.
void lcs_compute(std::string_view a, std::string_view b, const LcsParams& p, LcsResult& out) {
  if (a.size() >= UINT32_MAX - 1 || b.size() >= UINT32_MAX - 1) {
    out.error = kErrLcsTooLong;
    return;
  }
  const uint32_t alen = static_cast<uint32_t>(a.size());
  const uint32_t blen = static_cast<uint32_t>(b.size());
  const uint64_t cells = static_cast<uint64_t>(alen + 1) * (blen + 1);
  if (cells > kMaxStringLen / sizeof(uint32_t)) {
    out.error = kErrLcsMemLimit;
    return;
  }
  std::unique_ptr<uint32_t[]> table(new (std::nothrow) uint32_t[cells]);
  if (!table) {
    out.error = kErrLcsAlloc;
    return;
  }
  auto at = [&](uint32_t i, uint32_t j) -> uint32_t& {
    return table[j + static_cast<uint64_t>(i) * (blen + 1)];
  };
  for (uint32_t i = 0; i <= alen; ++i) {
    for (uint32_t j = 0; j <= blen; ++j) {
      if (i == 0 || j == 0) {
        at(i, j) = 0;
      } else if (a[i - 1] == b[j - 1]) {
        at(i, j) = at(i - 1, j - 1) + 1;
      } else {
        at(i, j) = std::max(at(i - 1, j), at(i, j - 1));
      }
    }
  }
  uint32_t idx = at(alen, blen);
  out.len = idx;
  bool compute = p.get_idx || !p.get_len;
  if (!compute) return;
  out.lcs.resize(idx);
  // arange_start == alen means "no range open".
  uint32_t a_start = alen, a_end = 0, b_start = 0, b_end = 0;
  uint32_t i = alen, j = blen;
  while (i > 0 && j > 0) {
    bool emit = false;
    if (a[i - 1] == b[j - 1]) {
      out.lcs[idx - 1] = a[i - 1];
      if (a_start == alen) {
        a_start = a_end = i - 1;
        b_start = b_end = j - 1;
      } else if (a_start == i && b_start == j) {
        --a_start;
        --b_start;
      } else {
        emit = true;
      }
      if (a_start == 0 || b_start == 0) emit = true;
      --idx;
      --i;
      --j;
    } else {
      if (at(i - 1, j) > at(i, j - 1)) {
        --i;
      } else {
        --j;
      }
      if (a_start != alen) emit = true;
    }
    if (emit) {
      uint32_t match_len = a_end - a_start + 1;
      if (p.get_idx && (p.min_match_len == 0 || match_len >= p.min_match_len)) {
        out.match.push_back({a_start, a_end, b_start, b_end});
      }
      a_start = alen;
    }
  }
}

// Both keys are read before the options are parsed: a key of another type is reported first.
LcsResult op_lcs(Db& db, ArgList args) {
  LcsResult res;
  std::string a, b;
  for (int k = 1; k <= 2; ++k) {
    const core::Entry* e = db.find(args[k]);
    if (e == nullptr) continue;
    if (!is_string(e)) {
      res.error = kErrLcsType;
      return res;
    }
    (k == 1 ? a : b) = Db::string_copy(e);
  }
  LcsParams p;
  for (size_t j = 3; j < args.size(); ++j) {
    std::string_view opt = args[j];
    bool more = j + 1 < args.size();
    if (base::iequals(opt, "idx")) {
      p.get_idx = true;
    } else if (base::iequals(opt, "len")) {
      p.get_len = true;
    } else if (base::iequals(opt, "withmatchlen")) {
      p.with_match_len = true;
    } else if (base::iequals(opt, "minmatchlen") && more) {
      std::optional<int64_t> v = base::parse_int64(args[++j]);
      if (!v) {
        res.error = kErrNotInteger;
        return res;
      }
      p.min_match_len = *v < 0 ? 0 : *v;
    } else {
      res.error = kErrSyntax;
      return res;
    }
  }
  if (p.get_idx && p.get_len) {
    res.error = kErrLcsLenAndIdx;
    return res;
  }
  res.params = p;
  lcs_compute(a, b, p, res);
  return res;
}

void cmd_lcs(ExecContext& ctx) {
  LcsResult res = op_lcs(ctx.db, ctx.args);
  if (!res.error.empty()) return ctx.rb.error(res.error);
  const bool with_len = res.params.with_match_len;
  if (res.params.get_idx) {
    ctx.rb.map(2);
    ctx.rb.bulk("matches");
    ctx.rb.array(res.match.size());
    for (const LcsMatch& m : res.match) {
      ctx.rb.array(with_len ? 3 : 2);
      ctx.rb.array(2);
      ctx.rb.integer(m.a_start);
      ctx.rb.integer(m.a_end);
      ctx.rb.array(2);
      ctx.rb.integer(m.b_start);
      ctx.rb.integer(m.b_end);
      if (with_len) ctx.rb.integer(m.a_end - m.a_start + 1);
    }
    ctx.rb.bulk("len");
    ctx.rb.integer(res.len);
  } else if (res.params.get_len) {
    ctx.rb.integer(res.len);
  } else {
    ctx.rb.bulk(res.lcs);
  }
}

// ---- COMMAND INFO / DOCS metadata (checked against redis-server 7.0.15) ----

#include "lcs_family_args.inc"

constexpr RedisMeta kLcsMeta{.key_flags = "RO access", .args = kLcsArgs};

}  // namespace

void register_lcs_family(Registry& r) {
  constexpr uint32_t kReadSlow = kAclRead | kAclString | kAclSlow;
  r.add({.name = "lcs",
         .arity = -3,
         .flags = kReadOnly,
         .keys = {1, 2, 1},
         .run = cmd_lcs,
         .acl = kReadSlow,
         .group = "string",
         .summary = "Find longest common substring",
         .since = "7.0.0",
         .complexity = "O(N*M) where N and M are the lengths of s1 and s2, respectively",
         .meta = &kLcsMeta});
}

}  // namespace shardis::server
