// CONFIG GET, SET and HELP, with Redis 7.0's replies and errors.
//
// Shardis's runtime configuration is per shard (no state is shared between shard threads): CONFIG
// runs on the connection's shard (Route::kCoordinator). GET reads that shard's values; SET
// validates every parameter first (all or nothing, with Redis's error texts), then applies the
// values on every shard as one fanned-out step and replies once all have them. The parameters
// are a fixed table; the ones Shardis does not act on are reported but cannot be set (the
// README lists them).
#include <shardis/base/glob.h>
#include <shardis/base/number_format.h>
#include <shardis/server/command.h>
#include <shardis/server/connection.h>
#include <shardis/server/families/family_util.h>
#include <shardis/server/pubsub/pubsub.h>
#include <shardis/server/registry.h>
#include <shardis/server/shard_core.h>
#include <shardis/server/txn/txn.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "command_meta.h"

namespace shardis::server {
namespace {

struct ConfigParam {
  std::string_view name;
  std::string_view value;  // a fixed value, or empty for those read from the shard
  bool settable = false;
};

// What CONFIG GET reports. Values are Redis's defaults where Shardis behaves the same way.
constexpr ConfigParam kConfigParams[] = {
    {"aof-load-truncated", "", true},
    {"appenddirname", ""},
    {"appendfilename", ""},
    {"appendfsync", "", true},
    {"appendonly", ""},
    {"bind", "127.0.0.1"},
    {"cluster-enabled", "no"},
    {"daemonize", "no"},
    {"databases", "16"},
    {"dbfilename", ""},
    {"dir", ""},
    {"hz", "10"},
    {"io-threads", "1"},
    {"loglevel", "notice"},
    {"maxclients", "10000"},
    {"maxmemory", "0"},
    {"maxmemory-policy", "noeviction"},
    {"notify-keyspace-events", "", true},
    {"port", ""},
    {"proto-max-bulk-len", "536870912"},
    {"protected-mode", "yes"},
    {"rdb-per-shard", "", true},
    {"rdbcompression", "", true},
    {"requirepass", ""},
    {"save", "", true},
    {"tcp-keepalive", "300"},
    {"timeout", "0"},
};

const ConfigParam* find_param(std::string_view name) {
  for (const ConfigParam& p : kConfigParams) {
    if (base::iequals(name, p.name)) return &p;
  }
  return nullptr;
}

// CONFIG GET dir: Redis reports its working directory, an absolute path.
std::string absolute_dir(const std::string& dir) {
  char buf[PATH_MAX];
  if (::realpath(dir.c_str(), buf) == nullptr) return dir;
  return buf;
}

std::string config_value(const ConfigParam& p, ShardServices& shard) {
  if (p.name == "port") return base::int64_to_string(shard.info().port);
  if (p.name == "notify-keyspace-events") {
    return notify_flags_to_string(shard.pubsub().notify_flags());
  }
  const PersistSettings& persist = shard.persist_settings();
  if (p.name == "dbfilename") return persist.dbfilename;
  if (p.name == "dir") return absolute_dir(persist.dir);
  if (p.name == "save") return persist.save;
  if (p.name == "rdbcompression") return persist.rdb_compression ? "yes" : "no";
  if (p.name == "rdb-per-shard") return persist.rdb_per_shard ? "yes" : "no";
  if (p.name == "appendonly") return persist.appendonly ? "yes" : "no";
  if (p.name == "appendfsync") return fsync_name(persist.appendfsync);
  if (p.name == "appenddirname") return persist.appenddirname;
  if (p.name == "appendfilename") return persist.appendfilename;
  if (p.name == "aof-load-truncated") return persist.aof_load_truncated ? "yes" : "no";
  return std::string(p.value);
}

// CONFIG GET parameter [parameter ...]. A pattern without glob characters names one parameter
// (case-insensitive) and the reply uses the name as given; a glob pattern reports the matching
// parameters under their own names. A parameter is reported once however often it matches.
void reply_config_get(ArgList args, ShardServices& shard, proto::ReplyBuilder& rb) {
  struct Match {
    size_t param;
    std::string_view name;
  };
  std::vector<Match> matches;
  auto seen = [&](size_t i) {
    for (const Match& m : matches) {
      if (m.param == i) return true;
    }
    return false;
  };
  constexpr size_t kNumParams = std::size(kConfigParams);
  for (size_t a = 2; a < args.size(); ++a) {
    std::string_view pattern = args[a];
    bool is_glob = pattern.find_first_of("[*?") != std::string_view::npos;
    for (size_t i = 0; i < kNumParams; ++i) {
      std::string_view name = kConfigParams[i].name;
      bool hit = is_glob ? base::glob_match(pattern, name, true) : base::iequals(pattern, name);
      if (hit && !seen(i)) matches.push_back({i, is_glob ? name : pattern});
    }
  }
  rb.map(matches.size());
  for (const Match& m : matches) {
    rb.bulk(m.name);
    rb.bulk(config_value(kConfigParams[m.param], shard));
  }
}

bool config_get(CoordContext& ctx) {
  reply_config_get(ctx.args, ctx.core, ctx.rb);
  return true;
}

// CONFIG GET inside EXEC, where a CONFIG SET before it in the block has been applied: on shard
// 0 (every shard holds the same values).
void run_config_get_in_exec(ExecContext& ctx) {
  reply_config_get(ctx.args, *ctx.services, ctx.rb);
}

uint32_t first_shard(ArgList, uint32_t) {
  return 0;
}

const CommandSpec kConfigGetInExec{.name = "config|get",
                                   .route = Route::kKey,
                                   .run = run_config_get_in_exec,
                                   .pick_shard = first_shard,
                                   .lock = LockPolicy::kNone};

// Applies CONFIG SET's (already validated) parameters on one shard.
void part_config_apply(ExecContext& ctx, std::span<const uint32_t>, PartResult& out) {
  out.emplace<std::monostate>();
  for (size_t i = 2; i + 1 < ctx.args.size(); i += 2) {
    if (base::iequals(ctx.args[i], "notify-keyspace-events")) {
      bool ok = false;
      ctx.services->pubsub().set_notify_flags(notify_flags_from_string(ctx.args[i + 1], &ok));
      ctx.services->on_notify_flags_changed();
    }
    PersistSettings& persist = ctx.store.persist();
    if (base::iequals(ctx.args[i], "save")) persist.save = std::string(ctx.args[i + 1]);
    if (base::iequals(ctx.args[i], "rdbcompression")) {
      persist.rdb_compression = base::iequals(ctx.args[i + 1], "yes");
    }
    if (base::iequals(ctx.args[i], "rdb-per-shard")) {
      persist.rdb_per_shard = base::iequals(ctx.args[i + 1], "yes");
    }
    if (base::iequals(ctx.args[i], "aof-load-truncated")) {
      persist.aof_load_truncated = base::iequals(ctx.args[i + 1], "yes");
    }
    if (base::iequals(ctx.args[i], "appendfsync"))
      parse_fsync(ctx.args[i + 1], &persist.appendfsync);
  }
  ctx.services->on_persist_settings_changed();
}

// The fanned-out step of CONFIG SET (not a command of its own: never registered).
const CommandSpec kConfigApply{.name = "config|set",
                               .route = Route::kAllShards,
                               .part = part_config_apply,
                               .merge = Merge::kOk,
                               .lock = LockPolicy::kNone};

// The error of CONFIG SET's arguments, or empty. Redis checks them all before setting any.
std::string check_config_set(ArgList args) {
  if (args.size() % 2 != 0) {
    return "ERR Unknown option or number of arguments for CONFIG SET - '" +
           std::string(c_str_view(args.back())) + "'";
  }
  for (size_t i = 2; i < args.size(); i += 2) {
    const ConfigParam* p = find_param(args[i]);
    if (p == nullptr) {
      return "ERR Unknown option or number of arguments for CONFIG SET - '" +
             std::string(c_str_view(args[i])) + "'";
    }
    for (size_t j = 2; j < i; j += 2) {
      if (base::iequals(args[j], args[i])) {
        return "ERR CONFIG SET failed (possibly related to argument '" +
               std::string(c_str_view(args[i])) + "') - duplicate parameter";
      }
    }
    if (p->name == "dir" || p->name == "dbfilename") {
      return "ERR CONFIG SET failed (possibly related to argument '" + std::string(p->name) +
             "') - can't set protected config";
    }
    if (p->name == "appenddirname" || p->name == "appendfilename") {
      return "ERR CONFIG SET failed (possibly related to argument '" + std::string(p->name) +
             "') - can't set immutable config";
    }
    if (!p->settable) {
      return "ERR CONFIG SET failed (possibly related to argument '" + std::string(p->name) +
             "') - Shardis does not support changing it at runtime";
    }
    const std::string_view v = args[i + 1];
    PersistSettings::Fsync fsync;
    if (p->name == "appendfsync" && !parse_fsync(v, &fsync)) {
      return "ERR CONFIG SET failed (possibly related to argument 'appendfsync') - argument(s) "
             "must be one of the following: everysec, always, no";
    }
    if ((p->name == "rdbcompression" || p->name == "rdb-per-shard" ||
         p->name == "aof-load-truncated") &&
        !base::iequals(v, "yes") && !base::iequals(v, "no")) {
      return "ERR CONFIG SET failed (possibly related to argument '" + std::string(p->name) +
             "') - argument must be 'yes' or 'no'";
    }
    std::vector<std::pair<int64_t, int64_t>> rules;
    if (p->name == "save" && !parse_save_rules(std::string(v), &rules)) {
      return "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save "
             "parameters";
    }
    if (p->name == "notify-keyspace-events") {
      bool ok = false;
      notify_flags_from_string(args[i + 1], &ok);
      if (!ok) {
        return "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - "
               "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
      }
    }
  }
  return {};
}

bool config_set(CoordContext& ctx) {
  std::string err = check_config_set(ctx.args);
  if (!err.empty()) {
    ctx.rb.error(err);
    return true;
  }
  ShardCore& core = ctx.core;
  if (core.shards() == 1) {
    proto::ReplyBuilder& rb = ctx.rb;
    core.executor().run(kConfigApply, ctx.args, ctx.conn.client.db, rb);
    return true;
  }
  // Every shard applies the values before the reply.
  auto t = std::make_unique<FanoutTxn>();
  t->conn = &ctx.conn;
  t->resp = ctx.conn.client.resp;
  t->client = ctx.conn.client.id;
  t->cmds.resize(1);
  t->cmds[0].spec = &kConfigApply;
  t->cmds[0].db = ctx.conn.client.db;
  t->cmds[0].resp = ctx.conn.client.resp;
  t->cmds[0].set_args(ctx.args);
  for (uint32_t s = 0; s < core.shards(); ++s) {
    TxnParticipant& p = t->parts.emplace_back();
    p.shard = s;
    p.release_after = true;
    TxnAction& a = p.actions.emplace_back();
    a.kind = TxnAction::kPart;
  }
  return core.txns().start(std::move(t));
}

bool config_help(CoordContext& ctx) {
  static constexpr std::string_view kHelp[] = {
      "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GET <pattern>",
      "    Return parameters matching the glob-like <pattern> and their values.",
      "SET <directive> <value>",
      "    Set the configuration <directive> to <value>.",
      "HELP",
      "    Prints this help.",
  };
  reply_help(ctx.rb, kHelp);
  return true;
}

struct ConfigSub {
  std::string_view name;
  std::string_view fullname;
  int arity;
  CoordHandler run;
};
constexpr ConfigSub kConfigSubcommands[] = {
    {"get", "config|get", -3, config_get},
    {"help", "config|help", 2, config_help},
    {"set", "config|set", -4, config_set},
};

bool cmd_config(CoordContext& ctx) {
  std::string_view sub = ctx.args[1];
  for (const ConfigSub& s : kConfigSubcommands) {
    if (!base::iequals(sub, s.name)) continue;
    size_t argc = ctx.args.size();
    bool ok =
        s.arity >= 0 ? argc == static_cast<size_t>(s.arity) : argc >= static_cast<size_t>(-s.arity);
    if (!ok) {
      ctx.rb.error(err_wrong_args(s.fullname));
      return true;
    }
    return s.run(ctx);
  }
  ctx.rb.error(err_unknown_subcommand(sub, "CONFIG"));
  return true;
}

// Inside EXEC a valid CONFIG SET runs as its part on every shard, and CONFIG GET on shard 0,
// in order with the block's other commands; every other form replies at once.
const CommandSpec* config_exec_as(CoordContext& ctx) {
  if (base::iequals(ctx.args[1], "set") && ctx.args.size() >= 4 &&
      check_config_set(ctx.args).empty()) {
    return &kConfigApply;
  }
  if (base::iequals(ctx.args[1], "get") && ctx.args.size() >= 3) return &kConfigGetInExec;
  cmd_config(ctx);
  return nullptr;
}

// ---- COMMAND INFO / DOCS metadata (checked against redis-server 7.0.15) ----

#include "config_family_args.inc"

constexpr SubcommandMeta kConfigSubcommandMeta[] = {
    {.name = "config|get",
     .arity = -3,
     .flags = kAdmin | kNoScript | kLoading | kStale,
     .acl = kAclAdmin | kAclSlow | kAclDangerous,
     .summary = "Get the values of configuration parameters",
     .since = "2.0.0",
     .complexity = "O(N) when N is the number of configuration parameters provided",
     .history = {{{"7.0.0", "Added the ability to pass multiple pattern parameters in one call"}}},
     .args = kConfigGetArgs},
    {.name = "config|help",
     .arity = 2,
     .flags = kLoading | kStale,
     .acl = kAclSlow,
     .summary = kHelpSummary,
     .since = "5.0.0",
     .complexity = "O(1)"},
    {.name = "config|set",
     .arity = -4,
     .flags = kAdmin | kNoScript | kLoading | kStale,
     .acl = kAclAdmin | kAclSlow | kAclDangerous,
     .tips = "request_policy:all_nodes response_policy:all_succeeded",
     .summary = "Set configuration parameters to the given values",
     .since = "2.0.0",
     .complexity = "O(N) when N is the number of configuration parameters provided",
     .history = {{{"7.0.0", "Added the ability to set multiple parameters in one call."}}},
     .args = kConfigSetArgs},
};

constexpr RedisMeta kConfigMeta{.subcommands = kConfigSubcommandMeta};

}  // namespace

void register_config_family(Registry& r) {
  // A container command: COMMAND INFO reports no flags of its own, as Redis does.
  r.add({.name = "config",
         .arity = -2,
         .route = Route::kCoordinator,
         .run_coord = cmd_config,
         .exec_as = config_exec_as,
         .acl = kAclSlow,
         .group = "server",
         .summary = "A container for server configuration commands",
         .since = "2.0.0",
         .complexity = "Depends on subcommand.",
         .meta = &kConfigMeta});
}

}  // namespace shardis::server
