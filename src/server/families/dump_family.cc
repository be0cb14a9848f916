// DUMP and RESTORE, with Redis 7.0's payloads, replies and errors (server/persist/entry_rdb.h has
// the payload format). Both run on the shard that owns the key.
//
// RESTORE checks its arguments in Redis's order: the options (REPLACE, ABSTTL, IDLETIME, FREQ),
// then an existing key (BUSYKEY), then the TTL, then the payload's footer, then its value. It
// fires "restore", and is propagated with an absolute TTL and ABSTTL when the TTL was relative.
// A TTL already in the past restores nothing; a key that REPLACE removed is then reported as
// deleted ("del") and propagated as DEL. FREQ is accepted and, as in Redis under a maxmemory
// policy other than LFU, not recorded; IDLETIME sets OBJECT IDLETIME (up to 65535 s here).
#include <shardis/base/number_format.h>
#include <shardis/server/command.h>
#include <shardis/server/db.h>
#include <shardis/server/persist/entry_rdb.h>
#include <shardis/server/registry.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "command_meta.h"

namespace shardis::server {
namespace {

constexpr std::string_view kErrBusyKey = "BUSYKEY Target key name already exists.";
constexpr std::string_view kErrBadFooter = "ERR DUMP payload version or checksum are wrong";
constexpr std::string_view kErrBadData = "ERR Bad data format";

void cmd_dump(ExecContext& ctx) {
  const core::Entry* e = ctx.db.find(ctx.args[1]);
  if (e == nullptr) {
    ctx.rb.null();
    return;
  }
  ctx.rb.bulk(dump_payload(e, ctx.store.persist().rdb_compression));
}

struct RestoreOptions {
  bool replace = false;
  bool absttl = false;
  int64_t idle = -1;  // IDLETIME, or -1
  int64_t freq = -1;  // FREQ, or -1
};

// The options after the payload, or the error to reply.
std::optional<std::string_view> parse_restore_options(ArgList args, RestoreOptions* o) {
  for (size_t j = 4; j < args.size(); ++j) {
    const bool has_value = j + 1 < args.size();
    const std::string_view a = args[j];
    if (base::iequals(a, "replace")) {
      o->replace = true;
    } else if (base::iequals(a, "absttl")) {
      o->absttl = true;
    } else if (base::iequals(a, "idletime") && has_value && o->freq == -1) {
      std::optional<int64_t> v = base::parse_int64(args[++j]);
      if (!v) return kErrNotInteger;
      if (*v < 0) return "ERR Invalid IDLETIME value, must be >= 0";
      o->idle = *v;
    } else if (base::iequals(a, "freq") && has_value && o->idle == -1) {
      std::optional<int64_t> v = base::parse_int64(args[++j]);
      if (!v) return kErrNotInteger;
      if (*v < 0 || *v > 255) return "ERR Invalid FREQ value, must be >= 0 and <= 255";
      o->freq = *v;
    } else {
      return kErrSyntax;
    }
  }
  return std::nullopt;
}

void cmd_restore(ExecContext& ctx) {
  const std::string_view key = ctx.args[1];
  RestoreOptions o;
  if (std::optional<std::string_view> err = parse_restore_options(ctx.args, &o)) {
    ctx.rb.error(*err);
    return;
  }
  if (!o.replace && ctx.db.peek(key) != nullptr) {
    ctx.rb.error(kErrBusyKey);
    return;
  }
  std::optional<int64_t> ttl = base::parse_int64(ctx.args[2]);
  if (!ttl) {
    ctx.rb.error(kErrNotInteger);
    return;
  }
  if (*ttl < 0) {
    ctx.rb.error("ERR Invalid TTL value, must be >= 0");
    return;
  }
  persist::RdbObject value;
  switch (read_dump_payload(ctx.args[3], &value)) {
    case PayloadStatus::kBadFooter:
      ctx.rb.error(kErrBadFooter);
      return;
    case PayloadStatus::kBadData:
      ctx.rb.error(kErrBadData);
      return;
    case PayloadStatus::kOk:
      break;
  }
  const bool deleted = o.replace && ctx.db.erase(key);
  int64_t when = *ttl;
  // Redis adds now to a relative TTL without an overflow check; so does this, in unsigned
  // arithmetic, so that the result is the same and no overflow is undefined.
  if (when != 0 && !o.absttl) {
    when =
        static_cast<int64_t>(static_cast<uint64_t>(when) + static_cast<uint64_t>(ctx.db.now_ms()));
  }
  if (when != 0 && when <= ctx.db.now_ms()) {
    if (deleted) {
      ctx.changed(kNotifyGeneric, "del", key);
      ctx.out.propagate({"DEL", key});
    }
    ctx.rb.ok();
    return;
  }
  store_rdb_object(ctx.db, key, std::move(value));
  if (when != 0) {
    ctx.db.set_expire_at(key, when);
    if (!o.absttl) {
      const std::string abs = base::int64_to_string(when);
      std::vector<std::string_view> argv(ctx.args.begin(), ctx.args.end());
      argv[2] = abs;
      argv.push_back("ABSTTL");
      ctx.out.propagate(argv);
    }
  }
  if (o.idle >= 0) ctx.db.set_idle_seconds(key, o.idle);
  ctx.changed(kNotifyGeneric, "restore", key);
  ctx.rb.ok();
}

// ---- COMMAND INFO / DOCS metadata (checked against redis-server 7.0.15) ----

#include "dump_family_args.inc"

constexpr RedisMeta kDumpMeta{
    .key_flags = "RO access", .tips = "nondeterministic_output", .args = kDumpArgs};
constexpr RedisMeta kRestoreMeta{
    .key_flags = "OW update",
    .history = {{{"3.0.0", "Added the `REPLACE` modifier."},
                 {"5.0.0", "Added the `ABSTTL` modifier."},
                 {"5.0.0", "Added the `IDLETIME` and `FREQ` options."}}},
    .args = kRestoreArgs};

}  // namespace

void register_dump_family(Registry& r) {
  r.add({.name = "dump",
         .arity = 2,
         .flags = kReadOnly,
         .keys = {1, 1, 1},
         .run = cmd_dump,
         .acl = kAclKeyspace | kAclRead | kAclSlow,
         .group = "generic",
         .summary = "Return a serialized version of the value stored at the specified key.",
         .since = "2.6.0",
         .complexity =
             "O(1) to access the key and additional O(N*M) to serialize it, where N is the number "
             "of Redis objects composing the value and M their average size. For small string "
             "values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).",
         .meta = &kDumpMeta});
  r.add({.name = "restore",
         .arity = -4,
         .flags = kWrite | kDenyOom,
         .keys = {1, 1, 1},
         .run = cmd_restore,
         .acl = kAclKeyspace | kAclWrite | kAclSlow | kAclDangerous,
         .group = "generic",
         .summary =
             "Create a key using the provided serialized value, previously obtained using DUMP.",
         .since = "2.6.0",
         .complexity =
             "O(1) to create the new key and additional O(N*M) to reconstruct the serialized "
             "value, where N is the number of Redis objects composing the value and M their "
             "average size. For small string values the time complexity is thus O(1)+O(1*M) "
             "where M is small, so simply O(1). However for sorted set values the complexity is "
             "O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).",
         .meta = &kRestoreMeta});
}

}  // namespace shardis::server
