// COMMAND and its subcommands (COUNT, INFO, DOCS, LIST, GETKEYS, GETKEYSANDFLAGS, HELP),
// generated from the Registry with Redis 7.0's reply shapes, so that clients which introspect the
// server (redis-cli hints, cluster-aware clients) read Shardis as they read redis-server.
//
// Runs on the connection's shard and only reads the Registry, which is immutable after
// start-up. What Redis reports beyond CommandSpec's own fields (key specs, tips, doc history,
// arguments, container subcommands) comes from the RedisMeta each family attaches to its
// commands (CommandSpec::meta, command_meta.h); a command without one gets a single key spec
// with flags derived from its CommandSpec.
#include <shardis/base/glob.h>
#include <shardis/base/number_format.h>
#include <shardis/server/command.h>
#include <shardis/server/families/family_util.h>
#include <shardis/server/registry.h>

#include <array>
#include <cctype>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "command_meta.h"

namespace shardis::server {
namespace {

// ---- Flag and category names, in the order Redis prints them ----

struct NamedBit {
  uint32_t bit;
  std::string_view name;
};

// kSentinel is not listed: Redis hides it from COMMAND INFO.
constexpr NamedBit kFlagNames[] = {
    {kWrite, "write"},
    {kReadOnly, "readonly"},
    {kDenyOom, "denyoom"},
    {kAdmin, "admin"},
    {kPubsub, "pubsub"},
    {kNoScript, "noscript"},
    {kBlocking, "blocking"},
    {kLoading, "loading"},
    {kStale, "stale"},
    {kSkipSlowlog, "skip_slowlog"},
    {kFast, "fast"},
    {kNoAuth, "no_auth"},
    {kNoAsyncLoading, "no_async_loading"},
    {kNoMulti, "no_multi"},
    {kMovableKeys, "movablekeys"},
    {kAllowBusy, "allow_busy"},
};

constexpr NamedBit kAclNames[] = {
    {kAclKeyspace, "keyspace"},
    {kAclRead, "read"},
    {kAclWrite, "write"},
    {kAclSet, "set"},
    {kAclSortedSet, "sortedset"},
    {kAclList, "list"},
    {kAclHash, "hash"},
    {kAclString, "string"},
    {kAclBitmap, "bitmap"},
    {kAclPubsub, "pubsub"},
    {kAclAdmin, "admin"},
    {kAclFast, "fast"},
    {kAclSlow, "slow"},
    {kAclBlocking, "blocking"},
    {kAclDangerous, "dangerous"},
    {kAclConnection, "connection"},
    {kAclTransaction, "transaction"},
};

constexpr NamedBit kArgFlagNames[] = {
    {kArgOptional, "optional"},
    {kArgMultiple, "multiple"},
    {kArgMultipleToken, "multiple_token"},
};

// Indexed by ArgType.
constexpr std::string_view kArgTypeNames[] = {
    "string", "integer", "double", "key", "pattern", "unix-time", "pure-token", "oneof", "block",
};
static_assert(std::size(kArgTypeNames) == kArgBlock + 1);

// ---- A command or subcommand as COMMAND reports it ----

// CommandSpec and its RedisMeta, or a container's SubcommandMeta, seen the same way. Views the
// registry and the static metadata; lives for one reply.
struct CommandView {
  std::string_view name;  // "get", or "object|encoding" for a subcommand
  int arity = 0;
  uint32_t flags = 0;
  uint32_t acl = 0;
  KeySpec legacy{};  // COMMAND INFO's first key, last key, step
  std::array<KeySpecMeta, 2> specs{};
  size_t spec_count = 0;
  KeyFlagsFn variable_key_flags = nullptr;
  std::string_view tips;
  std::span<const SubcommandMeta> subcommands;
  // COMMAND DOCS
  std::string_view summary, since, group, complexity, deprecated_since, replaced_by;
  const History* history = nullptr;
  std::span<const ArgMeta> args;
};

// A container's group, for its subcommands' views.
CommandView view_of(const SubcommandMeta& sub, std::string_view group) {
  CommandView v{.name = sub.name,
                .arity = sub.arity,
                .flags = sub.flags,
                .acl = sub.acl,
                .tips = sub.tips,
                .summary = sub.summary,
                .since = sub.since,
                .group = group,
                .complexity = sub.complexity,
                .history = &sub.history,
                .args = sub.args};
  if (sub.key.index != 0) {
    v.specs[0] = sub.key;
    v.spec_count = 1;
    int last = sub.key.lastkey >= 0 ? sub.key.index + sub.key.lastkey : sub.key.lastkey;
    v.legacy = {sub.key.index, last, sub.key.keystep};
  }
  return v;
}

CommandView view_of(const CommandSpec& spec) {
  const RedisMeta* meta = spec.meta;
  CommandView v{.name = spec.name,
                .arity = spec.arity,
                .flags = spec.flags,
                .acl = spec.acl,
                .summary = spec.summary,
                .since = spec.since,
                .group = spec.group,
                .complexity = spec.complexity};
  if (spec.keys.first > 0) v.legacy = spec.keys;
  if (meta != nullptr) {
    v.variable_key_flags = meta->variable_key_flags;
    v.tips = meta->tips;
    v.subcommands = meta->subcommands;
    v.deprecated_since = meta->deprecated_since;
    v.replaced_by = meta->replaced_by;
    v.history = &meta->history;
    v.args = meta->args;
    for (const KeySpecMeta& k : meta->key_specs) {
      if (k.index != 0) v.specs[v.spec_count++] = k;
    }
  }
  if (v.spec_count == 0 && spec.keys.first > 0) {
    // One spec over the legacy range. Without metadata its flags are a guess from the
    // command's own flags.
    KeySpecMeta& k = v.specs[v.spec_count++];
    k.index = spec.keys.first;
    k.lastkey = spec.keys.last >= 0 ? spec.keys.last - spec.keys.first : spec.keys.last;
    k.keystep = spec.keys.step;
    if (meta != nullptr && !meta->key_flags.empty()) {
      k.flags = meta->key_flags;
      k.notes = meta->key_notes;
    } else {
      k.flags = (spec.flags & kWrite) ? "RW update" : "RO access";
    }
  }
  return v;
}

// The subcommand of `container` named `sub` (case-insensitive, without "container|").
const SubcommandMeta* find_subcommand(const CommandView& container, std::string_view sub) {
  for (const SubcommandMeta& s : container.subcommands) {
    std::string_view short_name = s.name.substr(s.name.find('|') + 1);
    if (base::iequals(short_name, sub)) return &s;
  }
  return nullptr;
}

// Redis's lookupCommandBySds: "name" or "container|sub"; nullopt when unknown.
std::optional<CommandView> lookup_by_name(const Registry& registry, std::string_view name) {
  size_t bar = name.find('|');
  const CommandSpec* spec = registry.find(name.substr(0, bar));
  if (spec == nullptr) return std::nullopt;
  CommandView v = view_of(*spec);
  if (bar == std::string_view::npos) return v;
  std::string_view sub = name.substr(bar + 1);
  if (sub.find('|') != std::string_view::npos) return std::nullopt;
  const SubcommandMeta* s = find_subcommand(v, sub);
  if (s == nullptr) return std::nullopt;
  return view_of(*s, v.group);
}

// Redis's lookupCommand for a full command line: a container's subcommand is named by args[1].
std::optional<CommandView> lookup_by_args(const Registry& registry, ArgList args) {
  const CommandSpec* spec = registry.find(args[0]);
  if (spec == nullptr) return std::nullopt;
  CommandView v = view_of(*spec);
  if (v.subcommands.empty() || args.size() < 2) return v;
  const SubcommandMeta* s = find_subcommand(v, args[1]);
  if (s == nullptr) return std::nullopt;
  return view_of(*s, v.group);
}

// ---- Helpers ----

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

size_t history_size(const History* history) {
  size_t n = 0;
  while (history != nullptr && n < history->size() && !(*history)[n].version.empty()) ++n;
  return n;
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

// A set of simple strings, one per word of `list`.
void reply_word_set(proto::ReplyBuilder& rb, std::string_view list) {
  std::vector<std::string_view> w = words(list);
  rb.set(w.size());
  for (std::string_view f : w) rb.simple(f);
}

void reply_key_spec(proto::ReplyBuilder& rb, const KeySpecMeta& k) {
  bool notes = !k.notes.empty();
  rb.map(notes ? 4 : 3);
  if (notes) {
    rb.bulk("notes");
    rb.bulk(k.notes);
  }
  rb.bulk("flags");
  reply_word_set(rb, k.flags);
  rb.bulk("begin_search");
  rb.map(2);
  rb.bulk("type");
  rb.bulk("index");
  rb.bulk("spec");
  rb.map(1);
  rb.bulk("index");
  rb.integer(k.index);
  rb.bulk("find_keys");
  rb.map(2);
  rb.bulk("type");
  if (k.keynum) {
    rb.bulk("keynum");
    rb.bulk("spec");
    rb.map(3);
    rb.bulk("keynumidx");
    rb.integer(k.keynumidx);
    rb.bulk("firstkey");
    rb.integer(k.firstkey);
    rb.bulk("keystep");
    rb.integer(k.keystep);
    return;
  }
  rb.bulk("range");
  rb.bulk("spec");
  rb.map(3);
  rb.bulk("lastkey");
  rb.integer(k.lastkey);
  rb.bulk("keystep");
  rb.integer(k.keystep);
  rb.bulk("limit");
  rb.integer(0);
}

// One COMMAND INFO entry: [name, arity, flags, first key, last key, step, ACL categories, tips,
// key specs, subcommands].
void reply_info(proto::ReplyBuilder& rb, const CommandView& v) {
  rb.array(10);
  rb.bulk(v.name);
  rb.integer(v.arity);
  reply_bits(rb, v.flags, kFlagNames, "");
  rb.integer(v.legacy.first);
  rb.integer(v.legacy.last);
  rb.integer(v.legacy.step);
  reply_bits(rb, v.acl, kAclNames, "@");
  std::vector<std::string_view> tips = words(v.tips);
  rb.set(tips.size());
  for (std::string_view t : tips) rb.bulk(t);
  rb.set(v.spec_count);
  for (size_t i = 0; i < v.spec_count; ++i) reply_key_spec(rb, v.specs[i]);
  if (v.subcommands.empty()) return rb.set(0);  // Redis: an empty set, but an array of entries
  rb.array(v.subcommands.size());
  for (const SubcommandMeta& s : v.subcommands) reply_info(rb, view_of(s, v.group));
}

// COMMAND DOCS "arguments": an array of maps {name, type, [key_spec_index], [token], [since],
// [deprecated_since], [flags], [arguments]}, the optional fields only when set, nested for the
// choices of a oneof and the parts of a block.
void reply_args(proto::ReplyBuilder& rb, std::span<const ArgMeta> args) {
  rb.array(args.size());
  for (const ArgMeta& a : args) {
    bool nested = a.type == kArgOneof || a.type == kArgBlock;
    rb.map(2 + (a.key_spec_index >= 0 ? 1 : 0) + (a.token.empty() ? 0 : 1) +
           (a.since.empty() ? 0 : 1) + (a.deprecated_since.empty() ? 0 : 1) +
           (a.flags != 0 ? 1 : 0) + (nested ? 1 : 0));
    rb.bulk("name");
    rb.bulk(a.name);
    rb.bulk("type");
    rb.bulk(kArgTypeNames[a.type]);
    if (a.key_spec_index >= 0) {
      rb.bulk("key_spec_index");
      rb.integer(a.key_spec_index);
    }
    if (!a.token.empty()) {
      rb.bulk("token");
      rb.bulk(a.token);
    }
    if (!a.since.empty()) {
      rb.bulk("since");
      rb.bulk(a.since);
    }
    if (!a.deprecated_since.empty()) {
      rb.bulk("deprecated_since");
      rb.bulk(a.deprecated_since);
    }
    if (a.flags != 0) {
      rb.bulk("flags");
      reply_bits(rb, a.flags, kArgFlagNames, "");
    }
    if (nested) {
      rb.bulk("arguments");
      reply_args(rb, a.args);
    }
  }
}

// One COMMAND DOCS value: {summary, since, group, complexity, [deprecation], [history],
// [arguments], [subcommands]}.
void reply_docs(proto::ReplyBuilder& rb, const CommandView& v) {
  bool deprecated = !v.deprecated_since.empty();
  size_t history = history_size(v.history);
  bool args = !v.args.empty();
  bool subs = !v.subcommands.empty();
  rb.map(4 + (deprecated ? 3 : 0) + (history > 0 ? 1 : 0) + (args ? 1 : 0) + (subs ? 1 : 0));
  rb.bulk("summary");
  rb.bulk(v.summary);
  rb.bulk("since");
  rb.bulk(v.since);
  rb.bulk("group");
  rb.bulk(v.group);
  rb.bulk("complexity");
  rb.bulk(v.complexity);
  if (deprecated) {
    rb.bulk("doc_flags");
    rb.set(1);
    rb.simple("deprecated");
    rb.bulk("deprecated_since");
    rb.bulk(v.deprecated_since);
    rb.bulk("replaced_by");
    rb.bulk(v.replaced_by);
  }
  if (history > 0) {
    rb.bulk("history");
    rb.set(history);
    for (size_t i = 0; i < history; ++i) {
      const HistoryEntry& h = (*v.history)[i];
      rb.array(2);
      rb.bulk(h.version);
      rb.bulk(h.change);
    }
  }
  if (args) {
    rb.bulk("arguments");
    reply_args(rb, v.args);
  }
  if (subs) {
    rb.bulk("subcommands");
    rb.map(v.subcommands.size());
    for (const SubcommandMeta& s : v.subcommands) {
      rb.bulk(s.name);
      reply_docs(rb, view_of(s, v.group));
    }
  }
}

// ---- Key extraction (COMMAND GETKEYS, GETKEYSANDFLAGS) ----

struct KeyRef {
  uint32_t pos;  // argv index, counted from the command name
  std::string_view flags;
};

// Redis's getKeysFromCommandWithSpecs for the spec kinds Shardis has: every key of every spec,
// in spec order; nullopt when a range falls outside the arguments (a syntax error).
std::optional<std::vector<KeyRef>> find_keys(const CommandView& v, ArgList args) {
  if (v.variable_key_flags != nullptr) return std::vector<KeyRef>{{1, v.variable_key_flags(args)}};
  std::vector<KeyRef> out;
  int argc = static_cast<int>(args.size());
  for (size_t j = 0; j < v.spec_count; ++j) {
    const KeySpecMeta& k = v.specs[j];
    if (k.keynum) {
      // Redis: the count must be a positive integer (these commands need at least one key, so
      // a count of 0 makes the whole line invalid) and its keys must all be present.
      size_t at = static_cast<size_t>(k.index + k.keynumidx);
      if (at >= args.size()) return std::nullopt;
      std::optional<int64_t> n = base::parse_int64(args[at]);
      if (!n || *n < 1) return std::nullopt;
      int64_t first = k.index + k.firstkey;
      int64_t last = first + (*n - 1) * k.keystep;
      if (*n > 0 && last >= argc) return std::nullopt;
      for (int64_t i = first; *n > 0 && i <= last; i += k.keystep)
        out.push_back({static_cast<uint32_t>(i), k.flags});
      continue;
    }
    int first = k.index;
    int last = k.lastkey >= 0 ? first + k.lastkey : argc + k.lastkey;
    if (last >= argc || last < first || first >= argc) return std::nullopt;
    for (int i = first; i <= last; i += k.keystep)
      out.push_back({static_cast<uint32_t>(i), k.flags});
  }
  return out;
}

// The keys of the command line at ctx.args[2...], or nullopt after replying Redis's error.
std::optional<std::vector<KeyRef>> getkeys(ConnContext& ctx) {
  ArgList cmd = ctx.args.subspan(2);
  std::optional<CommandView> v = lookup_by_args(ctx.registry, cmd);
  if (!v) {
    ctx.rb.error("ERR Invalid command specified");
  } else if (v->spec_count == 0 && v->variable_key_flags == nullptr) {
    ctx.rb.error("ERR The command has no key arguments");
  } else if (v->arity >= 0 ? cmd.size() != static_cast<size_t>(v->arity)
                           : cmd.size() < static_cast<size_t>(-v->arity)) {
    ctx.rb.error("ERR Invalid number of arguments specified for command");
  } else if (std::optional<std::vector<KeyRef>> keys = find_keys(*v, cmd); !keys) {
    ctx.rb.error("ERR Invalid arguments specified for command");
  } else {
    return keys;
  }
  return std::nullopt;
}

// ---- Subcommands ----

void command_all(ConnContext& ctx) {
  const auto& all = ctx.registry.all();
  ctx.rb.array(all.size());
  for (const auto& spec : all) reply_info(ctx.rb, view_of(*spec));
}

// COMMAND INFO [name ...]: nil for an unknown name; every command when no name is given. A name
// may be "container|subcommand".
void command_info(ConnContext& ctx) {
  if (ctx.args.size() == 2) return command_all(ctx);
  ctx.rb.array(ctx.args.size() - 2);
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    std::optional<CommandView> v = lookup_by_name(ctx.registry, ctx.args[i]);
    if (!v) {
      ctx.rb.null();
    } else {
      reply_info(ctx.rb, *v);
    }
  }
}

// COMMAND DOCS [name ...]: a map from name to docs; unknown names are left out.
void command_docs(ConnContext& ctx) {
  std::vector<CommandView> views;
  if (ctx.args.size() == 2) {
    for (const auto& spec : ctx.registry.all()) views.push_back(view_of(*spec));
  } else {
    for (size_t i = 2; i < ctx.args.size(); ++i) {
      std::optional<CommandView> v = lookup_by_name(ctx.registry, ctx.args[i]);
      if (v) views.push_back(*v);
    }
  }
  ctx.rb.map(views.size());
  for (const CommandView& v : views) {
    ctx.rb.bulk(v.name);
    reply_docs(ctx.rb, v);
  }
}

// The ACL category named `name` (case-insensitive), or 0 when there is none.
uint32_t acl_category(std::string_view name) {
  for (const NamedBit& b : kAclNames) {
    if (base::iequals(b.name, name)) return b.bit;
  }
  return 0;
}

// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]: every command, each
// followed by its subcommands ("object|encoding"), as Redis lists them.
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
  uint32_t category = filter == Filter::kAclCat ? acl_category(args[4]) : 0;
  auto keep = [&](std::string_view name, uint32_t acl) {
    switch (filter) {
      case Filter::kNone:
        return true;
      case Filter::kModule:  // no modules: nothing belongs to one
        return false;
      case Filter::kAclCat:
        return (acl & category) != 0;
      case Filter::kPattern:
        return base::glob_match(args[4], name, true);
    }
    return false;
  };
  std::vector<std::string_view> names;
  for (const auto& spec : ctx.registry.all()) {
    if (keep(spec->name, spec->acl)) names.push_back(spec->name);
    if (spec->meta == nullptr) continue;
    for (const SubcommandMeta& s : spec->meta->subcommands) {
      if (keep(s.name, s.acl)) names.push_back(s.name);
    }
  }
  ctx.rb.array(names.size());
  for (std::string_view n : names) ctx.rb.bulk(n);
}

// COMMAND GETKEYS command [arg ...]: the keys the command would access.
void command_getkeys(ConnContext& ctx) {
  std::optional<std::vector<KeyRef>> keys = getkeys(ctx);
  if (!keys) return;
  ctx.rb.array(keys->size());
  for (const KeyRef& k : *keys) ctx.rb.bulk(ctx.args[2 + k.pos]);
}

// COMMAND GETKEYSANDFLAGS command [arg ...]: each key with its key spec's flags.
void command_getkeysandflags(ConnContext& ctx) {
  std::optional<std::vector<KeyRef>> keys = getkeys(ctx);
  if (!keys) return;
  ctx.rb.array(keys->size());
  for (const KeyRef& k : *keys) {
    ctx.rb.array(2);
    ctx.rb.bulk(ctx.args[2 + k.pos]);
    reply_word_set(ctx.rb, k.flags);
  }
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
      "GETKEYSANDFLAGS <full-command>",
      "    Return the keys and the access flags from a full Redis command.",
      "HELP",
      "    Prints this help.",
  };
  reply_help(ctx.rb, kHelp);
}

// Top-level commands only, as in Redis.
void command_count(ConnContext& ctx) {
  ctx.rb.integer(static_cast<int64_t>(ctx.registry.all().size()));
}

constexpr Subcommand kSubcommands[] = {
    {"count", "command|count", 2, command_count},
    {"docs", "command|docs", -2, command_docs},
    {"getkeys", "command|getkeys", -4, command_getkeys},
    {"getkeysandflags", "command|getkeysandflags", -4, command_getkeysandflags},
    {"help", "command|help", 2, command_help},
    {"info", "command|info", -2, command_info},
    {"list", "command|list", -2, command_list},
};

void cmd_command(ConnContext& ctx) {
  if (ctx.args.size() == 1) return command_all(ctx);
  run_subcommand(ctx, kSubcommands, "COMMAND");
}

// ---- COMMAND INFO / DOCS metadata (checked against redis-server 7.0.15) ----

#include "command_family_args.inc"

constexpr uint32_t kAclConnSub = kAclSlow | kAclConnection;

constexpr SubcommandMeta kCommandSubcommandMeta[] = {
    {.name = "command|count",
     .arity = 2,
     .flags = kLoading | kStale,
     .acl = kAclConnSub,
     .summary = "Get total number of Redis commands",
     .since = "2.8.13",
     .complexity = "O(1)"},
    {.name = "command|docs",
     .arity = -2,
     .flags = kLoading | kStale,
     .acl = kAclConnSub,
     .tips = "nondeterministic_output_order",
     .summary = "Get array of specific Redis command documentation",
     .since = "7.0.0",
     .complexity = "O(N) where N is the number of commands to look up",
     .args = kCommandDocsArgs},
    {.name = "command|getkeys",
     .arity = -4,
     .flags = kLoading | kStale,
     .acl = kAclConnSub,
     .summary = "Extract keys given a full Redis command",
     .since = "2.8.13",
     .complexity = "O(N) where N is the number of arguments to the command"},
    {.name = "command|getkeysandflags",
     .arity = -4,
     .flags = kLoading | kStale,
     .acl = kAclConnSub,
     .summary = "Extract keys and access flags given a full Redis command",
     .since = "7.0.0",
     .complexity = "O(N) where N is the number of arguments to the command"},
    {.name = "command|help",
     .arity = 2,
     .flags = kLoading | kStale,
     .acl = kAclConnSub,
     .summary = kHelpSummary,
     .since = "5.0.0",
     .complexity = "O(1)"},
    {.name = "command|info",
     .arity = -2,
     .flags = kLoading | kStale,
     .acl = kAclConnSub,
     .tips = "nondeterministic_output_order",
     .summary = "Get array of specific Redis command details, or all when no argument is given.",
     .since = "2.8.13",
     .complexity = "O(N) where N is the number of commands to look up",
     .history = {{{"7.0.0", "Allowed to be called with no argument to get info on all commands."}}},
     .args = kCommandInfoArgs},
    {.name = "command|list",
     .arity = -2,
     .flags = kLoading | kStale,
     .acl = kAclConnSub,
     .tips = "nondeterministic_output_order",
     .summary = "Get an array of Redis command names",
     .since = "7.0.0",
     .complexity = "O(N) where N is the total number of Redis commands",
     .args = kCommandListArgs},
};

constexpr RedisMeta kCommandMeta{.tips = "nondeterministic_output_order",
                                 .subcommands = kCommandSubcommandMeta};

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
         .complexity = "O(N) where N is the total number of Redis commands",
         .meta = &kCommandMeta});
}

bool has_subcommand(const CommandSpec& spec, std::string_view fullname) {
  if (spec.meta == nullptr) return false;
  for (const SubcommandMeta& sub : spec.meta->subcommands) {
    if (sub.name == fullname) return true;
  }
  return false;
}

std::string subcommand_error(const CommandSpec& spec, ArgList args) {
  if (spec.meta == nullptr || spec.meta->subcommands.empty() || args.size() < 2) return {};
  std::string full(spec.name);
  full.push_back('|');
  for (char ch : args[1])
    full.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  for (const SubcommandMeta& sub : spec.meta->subcommands) {
    if (sub.name != full) continue;
    size_t argc = args.size();
    bool ok = sub.arity >= 0 ? argc == static_cast<size_t>(sub.arity)
                             : argc >= static_cast<size_t>(-sub.arity);
    return ok ? std::string() : err_wrong_args(sub.name);
  }
  std::string upper;
  for (char ch : args[0])
    upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
  return err_unknown_subcommand(args[1], upper);
}

}  // namespace shardis::server
