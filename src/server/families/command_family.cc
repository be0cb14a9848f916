// COMMAND and its subcommands (COUNT, INFO, DOCS, LIST, GETKEYS, HELP), generated from the
// Registry with Redis 7.0's reply shapes, so that clients which introspect the server (redis-cli
// hints, cluster-aware clients) read Shardis as they read redis-server.
//
// Runs on the connection's shard and only reads the Registry, which is immutable after
// start-up. What Redis reports beyond CommandSpec's fields (key-spec flags, tips, doc history)
// comes from a small table here, keyed by command name; commands missing from it get flags
// derived from their CommandSpec.
#include <shardis/base/glob.h>
#include <shardis/base/number_format.h>
#include <shardis/server/command.h>
#include <shardis/server/families/family_util.h>
#include <shardis/server/registry.h>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace shardis::server {
namespace {

// ---- Flag and category names, in the order Redis prints them ----

struct NamedBit {
  uint32_t bit;
  std::string_view name;
};

// kSentinel is not listed: Redis hides it from COMMAND INFO.
constexpr NamedBit kFlagNames[] = {
    {kWrite, "write"},       {kReadOnly, "readonly"}, {kDenyOom, "denyoom"},      {kAdmin, "admin"},
    {kNoScript, "noscript"}, {kLoading, "loading"},   {kStale, "stale"},          {kFast, "fast"},
    {kNoAuth, "no_auth"},    {kNoMulti, "no_multi"},  {kAllowBusy, "allow_busy"},
};

constexpr NamedBit kAclNames[] = {
    {kAclKeyspace, "keyspace"}, {kAclRead, "read"},           {kAclWrite, "write"},
    {kAclString, "string"},     {kAclAdmin, "admin"},         {kAclFast, "fast"},
    {kAclSlow, "slow"},         {kAclDangerous, "dangerous"}, {kAclConnection, "connection"},
};

// ---- What Redis reports that CommandSpec does not carry ----

struct HistoryEntry {
  std::string_view version{};  // empty: no entry
  std::string_view change{};
};

// Lists of words (key-spec flags, tips) are written space-separated.
struct RedisMeta {
  std::string_view name;
  std::string_view key_flags{};         // flags of the command's key spec
  std::string_view key_notes{};         // notes of the key spec, if any
  std::string_view tips{};              // COMMAND INFO tips
  std::string_view deprecated_since{};  // COMMAND DOCS doc_flags / deprecated_since / replaced_by
  std::string_view replaced_by{};
  std::array<HistoryEntry, 4> history{};  // COMMAND DOCS history, oldest first
};

constexpr HistoryEntry kExpireOptions = {"7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."};
constexpr HistoryEntry kTtlMinusTwo = {"2.8.0", "Added the -2 reply."};
constexpr HistoryEntry kFlushAsync = {"4.0.0", "Added the `ASYNC` flushing mode modifier."};
constexpr HistoryEntry kFlushSync = {"6.2.0", "Added the `SYNC` flushing mode modifier."};
constexpr std::string_view kMultiShardSum = "request_policy:multi_shard response_policy:agg_sum";
constexpr std::string_view kAllShardsOk = "request_policy:all_shards response_policy:all_succeeded";

constexpr RedisMeta kRedisMeta[] = {
    {.name = "get", .key_flags = "RO access"},
    {.name = "set",
     .key_flags = "RW access update variable_flags",
     .key_notes = "RW and ACCESS due to the optional `GET` argument",
     .history = {{{"2.6.12", "Added the `EX`, `PX`, `NX` and `XX` options."},
                  {"6.0.0", "Added the `KEEPTTL` option."},
                  {"6.2.0", "Added the `GET`, `EXAT` and `PXAT` option."},
                  {"7.0.0", "Allowed the `NX` and `GET` options to be used together."}}}},
    {.name = "setnx", .key_flags = "OW insert"},
    {.name = "setex", .key_flags = "OW update"},
    {.name = "psetex", .key_flags = "OW update"},
    {.name = "getset",
     .key_flags = "RW access update",
     .deprecated_since = "6.2.0",
     .replaced_by = "`SET` with the `!GET` argument"},
    {.name = "getdel", .key_flags = "RW access delete"},
    {.name = "mget", .key_flags = "RO access", .tips = "request_policy:multi_shard"},
    {.name = "mset",
     .key_flags = "OW update",
     .tips = "request_policy:multi_shard response_policy:all_succeeded"},
    {.name = "append", .key_flags = "RW insert"},
    {.name = "strlen", .key_flags = "RO"},
    {.name = "incr", .key_flags = "RW access update"},
    {.name = "decr", .key_flags = "RW access update"},
    {.name = "incrby", .key_flags = "RW access update"},
    {.name = "decrby", .key_flags = "RW access update"},
    {.name = "del", .key_flags = "RM delete", .tips = kMultiShardSum},
    {.name = "unlink", .key_flags = "RM delete", .tips = kMultiShardSum},
    {.name = "exists",
     .key_flags = "RO",
     .tips = kMultiShardSum,
     .history = {{{"3.0.3", "Accepts multiple `key` arguments."}}}},
    {.name = "touch", .key_flags = "RO", .tips = kMultiShardSum},
    {.name = "type", .key_flags = "RO"},
    {.name = "expire", .key_flags = "RW update", .history = {{kExpireOptions}}},
    {.name = "pexpire", .key_flags = "RW update", .history = {{kExpireOptions}}},
    {.name = "ttl",
     .key_flags = "RO access",
     .tips = "nondeterministic_output",
     .history = {{kTtlMinusTwo}}},
    {.name = "pttl",
     .key_flags = "RO access",
     .tips = "nondeterministic_output",
     .history = {{kTtlMinusTwo}}},
    {.name = "persist", .key_flags = "RW update"},
    {.name = "dbsize", .tips = "request_policy:all_shards response_policy:agg_sum"},
    {.name = "flushdb", .tips = kAllShardsOk, .history = {{kFlushAsync, kFlushSync}}},
    {.name = "flushall", .tips = kAllShardsOk, .history = {{kFlushAsync, kFlushSync}}},
    {.name = "ping", .tips = kAllShardsOk},
    {.name = "hello",
     .history = {{{"6.2.0",
                   "`protover` made optional; when called without arguments the command "
                   "reports the current connection's context."}}}},
    {.name = "command", .tips = "nondeterministic_output_order"},
};

// The space-separated words of s.
std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    size_t end = s.find(' ');
    out.push_back(s.substr(0, end));
    if (end == std::string_view::npos) break;
    s.remove_prefix(end + 1);
  }
  return out;
}

size_t history_size(const RedisMeta& m) {
  size_t n = 0;
  while (n < m.history.size() && !m.history[n].version.empty()) ++n;
  return n;
}

const RedisMeta* find_meta(std::string_view name) {
  for (const RedisMeta& m : kRedisMeta) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

// ---- Reply pieces ----

void reply_bits(proto::ReplyBuilder& rb, uint32_t bits, std::span<const NamedBit> names,
                std::string_view prefix) {
  size_t n = 0;
  for (const NamedBit& b : names) n += (bits & b.bit) ? 1 : 0;
  rb.set(n);
  for (const NamedBit& b : names) {
    if ((bits & b.bit) == 0) continue;
    if (prefix.empty()) {
      rb.simple(b.name);
    } else {
      std::string s(prefix);
      s.append(b.name);
      rb.simple(s);
    }
  }
}

// The key spec Redis would report for a range of keys: begin at `first`, end at `last` relative
// to it (or counted from the end when negative).
void reply_key_spec(proto::ReplyBuilder& rb, const CommandSpec& spec, const RedisMeta* meta) {
  bool notes = meta != nullptr && !meta->key_notes.empty();
  rb.map(notes ? 4 : 3);
  if (notes) {
    rb.bulk("notes");
    rb.bulk(meta->key_notes);
  }
  rb.bulk("flags");
  if (meta != nullptr && !meta->key_flags.empty()) {
    std::vector<std::string_view> flags = words(meta->key_flags);
    rb.set(flags.size());
    for (std::string_view f : flags) rb.simple(f);
  } else if (spec.flags & kWrite) {
    rb.set(2);
    rb.simple("RW");
    rb.simple("update");
  } else {
    rb.set(2);
    rb.simple("RO");
    rb.simple("access");
  }
  rb.bulk("begin_search");
  rb.map(2);
  rb.bulk("type");
  rb.bulk("index");
  rb.bulk("spec");
  rb.map(1);
  rb.bulk("index");
  rb.integer(spec.keys.first);
  rb.bulk("find_keys");
  rb.map(2);
  rb.bulk("type");
  rb.bulk("range");
  rb.bulk("spec");
  rb.map(3);
  rb.bulk("lastkey");
  rb.integer(spec.keys.last >= 0 ? spec.keys.last - spec.keys.first : spec.keys.last);
  rb.bulk("keystep");
  rb.integer(spec.keys.step);
  rb.bulk("limit");
  rb.integer(0);
}

// One COMMAND INFO entry: [name, arity, flags, first key, last key, step, ACL categories, tips,
// key specs, subcommands].
void reply_info(proto::ReplyBuilder& rb, const CommandSpec& spec) {
  const RedisMeta* meta = find_meta(spec.name);
  rb.array(10);
  rb.bulk(spec.name);
  rb.integer(spec.arity);
  reply_bits(rb, spec.flags, kFlagNames, "");
  rb.integer(spec.has_keys ? spec.keys.first : 0);
  rb.integer(spec.has_keys ? spec.keys.last : 0);
  rb.integer(spec.has_keys ? spec.keys.step : 0);
  reply_bits(rb, spec.acl, kAclNames, "@");
  std::vector<std::string_view> tips = words(meta != nullptr ? meta->tips : "");
  rb.set(tips.size());
  for (std::string_view t : tips) rb.bulk(t);
  if (spec.has_keys) {
    rb.set(1);
    reply_key_spec(rb, spec, meta);
  } else {
    rb.set(0);
  }
  rb.set(0);  // subcommands: Redis replies an empty set when there are none
}

// One COMMAND DOCS value: {summary, since, group, complexity, [deprecation], [history]}.
void reply_docs(proto::ReplyBuilder& rb, const CommandSpec& spec) {
  const RedisMeta* meta = find_meta(spec.name);
  bool deprecated = meta != nullptr && !meta->deprecated_since.empty();
  size_t history = meta != nullptr ? history_size(*meta) : 0;
  rb.map(4 + (deprecated ? 3 : 0) + (history > 0 ? 1 : 0));
  rb.bulk("summary");
  rb.bulk(spec.summary);
  rb.bulk("since");
  rb.bulk(spec.since);
  rb.bulk("group");
  rb.bulk(spec.group);
  rb.bulk("complexity");
  rb.bulk(spec.complexity);
  if (deprecated) {
    rb.bulk("doc_flags");
    rb.set(1);
    rb.simple("deprecated");
    rb.bulk("deprecated_since");
    rb.bulk(meta->deprecated_since);
    rb.bulk("replaced_by");
    rb.bulk(meta->replaced_by);
  }
  if (history > 0) {
    rb.bulk("history");
    rb.set(history);
    for (size_t i = 0; i < history; ++i) {
      const HistoryEntry& h = meta->history[i];
      rb.array(2);
      rb.bulk(h.version);
      rb.bulk(h.change);
    }
  }
}

// ---- Subcommands ----

void command_all(ConnContext& ctx) {
  const auto& all = ctx.registry.all();
  ctx.rb.array(all.size());
  for (const auto& spec : all) reply_info(ctx.rb, *spec);
}

// COMMAND INFO [name ...]: nil for an unknown name; every command when no name is given.
void command_info(ConnContext& ctx) {
  if (ctx.args.size() == 2) return command_all(ctx);
  ctx.rb.array(ctx.args.size() - 2);
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    const CommandSpec* spec = ctx.registry.find(ctx.args[i]);
    if (spec == nullptr) {
      ctx.rb.null();
    } else {
      reply_info(ctx.rb, *spec);
    }
  }
}

// COMMAND DOCS [name ...]: a map from name to docs; unknown names are left out.
void command_docs(ConnContext& ctx) {
  std::vector<const CommandSpec*> specs;
  if (ctx.args.size() == 2) {
    for (const auto& spec : ctx.registry.all()) specs.push_back(spec.get());
  } else {
    for (size_t i = 2; i < ctx.args.size(); ++i) {
      const CommandSpec* spec = ctx.registry.find(ctx.args[i]);
      if (spec != nullptr) specs.push_back(spec);
    }
  }
  ctx.rb.map(specs.size());
  for (const CommandSpec* spec : specs) {
    ctx.rb.bulk(spec->name);
    reply_docs(ctx.rb, *spec);
  }
}

// The ACL category named `name` (case-insensitive), or 0 when there is none.
uint32_t acl_category(std::string_view name) {
  for (const NamedBit& b : kAclNames) {
    if (base::iequals(b.name, name)) return b.bit;
  }
  return 0;
}

// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]
void command_list(ConnContext& ctx) {
  ArgList args = ctx.args;
  enum class Filter { kNone, kModule, kAclCat, kPattern } filter = Filter::kNone;
  if (args.size() == 5 && base::iequals(args[2], "filterby")) {
    if (base::iequals(args[3], "module")) {
      filter = Filter::kModule;
    } else if (base::iequals(args[3], "aclcat")) {
      filter = Filter::kAclCat;
    } else if (base::iequals(args[3], "pattern")) {
      filter = Filter::kPattern;
    } else {
      return ctx.rb.error(kErrSyntax);
    }
  } else if (args.size() != 2) {
    return ctx.rb.error(kErrSyntax);
  }
  std::vector<std::string_view> names;
  uint32_t category = filter == Filter::kAclCat ? acl_category(args[4]) : 0;
  for (const auto& spec : ctx.registry.all()) {
    bool keep = true;
    switch (filter) {
      case Filter::kNone:
        break;
      case Filter::kModule:  // no modules: nothing belongs to one
        keep = false;
        break;
      case Filter::kAclCat:
        keep = (spec->acl & category) != 0;
        break;
      case Filter::kPattern:
        keep = base::glob_match(args[4], spec->name, true);
        break;
    }
    if (keep) names.push_back(spec->name);
  }
  ctx.rb.array(names.size());
  for (std::string_view n : names) ctx.rb.bulk(n);
}

// COMMAND GETKEYS command [arg ...]: the keys the command would access.
void command_getkeys(ConnContext& ctx) {
  ArgList cmd = ctx.args.subspan(2);
  const CommandSpec* spec = ctx.registry.find(cmd[0]);
  if (spec == nullptr) return ctx.rb.error("ERR Invalid command specified");
  if (!spec->has_keys) return ctx.rb.error("ERR The command has no key arguments");
  if (!arity_ok(*spec, cmd.size())) {
    return ctx.rb.error("ERR Invalid number of arguments specified for command");
  }
  std::vector<uint32_t> idx = key_indices(*spec, cmd.size());
  ctx.rb.array(idx.size());
  for (uint32_t i : idx) ctx.rb.bulk(cmd[i]);
}

void command_help(ConnContext& ctx) {
  static constexpr std::string_view kHelp[] = {
      "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "(no subcommand)",
      "    Return details about all Redis commands.",
      "COUNT",
      "    Return the total number of commands in this Redis server.",
      "LIST",
      "    Return a list of all commands in this Redis server.",
      "INFO [<command-name> ...]",
      "    Return details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "DOCS [<command-name> ...]",
      "    Return documentation details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "GETKEYS <full-command>",
      "    Return the keys from a full Redis command.",
      "HELP",
      "    Prints this help.",
  };
  reply_help(ctx.rb, kHelp);
}

void command_count(ConnContext& ctx) {
  ctx.rb.integer(static_cast<int64_t>(ctx.registry.all().size()));
}

constexpr Subcommand kSubcommands[] = {
    {"count", "command|count", 2, command_count},        {"docs", "command|docs", -2, command_docs},
    {"getkeys", "command|getkeys", -4, command_getkeys}, {"help", "command|help", 2, command_help},
    {"info", "command|info", -2, command_info},          {"list", "command|list", -2, command_list},
};

void cmd_command(ConnContext& ctx) {
  if (ctx.args.size() == 1) return command_all(ctx);
  run_subcommand(ctx, kSubcommands, "COMMAND");
}

}  // namespace

void register_command_family(Registry& r) {
  r.add({.name = "command",
         .arity = -1,
         .flags = kLoading | kStale,
         .route = Route::kConnection,
         .run_conn = cmd_command,
         .acl = kAclSlow | kAclConnection,
         .group = "server",
         .summary = "Get array of Redis command details",
         .since = "2.8.13",
         .complexity = "O(N) where N is the total number of Redis commands"});
}

}  // namespace shardis::server
