// Pub/sub commands: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, SSUBSCRIBE, SUNSUBSCRIBE,
// PUBLISH, SPUBLISH and PUBSUB (CHANNELS, NUMSUB, NUMPAT, SHARDCHANNELS, SHARDNUMSUB, HELP), with
// Redis 7.0's replies.
//
// Subscriptions are client state: the (un)subscribe commands run on the connection's shard
// (Route::kCoordinator) against its PubSub registry. PUBLISH, SPUBLISH and PUBSUB run on every
// shard (Route::kAllShards, no locks): each part delivers to, or reports on, its own shard's
// subscribers, and the coordinator sums or merges. Shard channels are a namespace of their own,
// as in non-cluster Redis.
#include <shardis/base/glob.h>
#include <shardis/base/number_format.h>
#include <shardis/server/command.h>
#include <shardis/server/connection.h>
#include <shardis/server/families/family_util.h>
#include <shardis/server/pubsub/pubsub.h>
#include <shardis/server/registry.h>
#include <shardis/server/shard_core.h>

#include <algorithm>
#include <array>
#include <set>
#include <string>
#include <vector>

#include "command_meta.h"

namespace shardis::server {
namespace {

// ---- (Un)subscribing, on the connection's shard ----

// ["<kind>", name, count] as Redis's addReplyPubsub(Un)Subscribed; name may be nil.
void reply_sub(proto::ReplyBuilder& rb, std::string_view kind, const std::string_view* name,
               size_t count) {
  rb.push(3);
  rb.bulk(kind);
  if (name != nullptr) {
    rb.bulk(*name);
  } else {
    rb.null();
  }
  rb.integer(static_cast<int64_t>(count));
}

size_t count_of(const Connection& c, bool sharded) {
  if (!c.subs) return 0;
  return sharded ? c.subs->shard_channels.size() : c.subs->count();
}

bool subscribe_generic(CoordContext& ctx, bool sharded) {
  PubSub& ps = ctx.core.pubsub();
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    ps.subscribe(ctx.conn, ctx.args[i], sharded);
    reply_sub(ctx.rb, sharded ? "ssubscribe" : "subscribe", &ctx.args[i],
              count_of(ctx.conn, sharded));
  }
  return true;
}

bool unsubscribe_generic(CoordContext& ctx, bool sharded) {
  PubSub& ps = ctx.core.pubsub();
  std::string_view kind = sharded ? "sunsubscribe" : "unsubscribe";
  std::vector<std::string> names;
  if (ctx.args.size() > 1) {
    names.assign(ctx.args.begin() + 1, ctx.args.end());
  } else if (ctx.conn.subs) {
    const auto& set = sharded ? ctx.conn.subs->shard_channels : ctx.conn.subs->channels;
    names.assign(set.begin(), set.end());
  }
  if (names.empty()) {
    reply_sub(ctx.rb, kind, nullptr, count_of(ctx.conn, sharded));
    return true;
  }
  for (const std::string& n : names) {
    ps.unsubscribe(ctx.conn, n, sharded);
    std::string_view v = n;
    reply_sub(ctx.rb, kind, &v, count_of(ctx.conn, sharded));
  }
  return true;
}

bool cmd_subscribe(CoordContext& ctx) {
  return subscribe_generic(ctx, false);
}
bool cmd_ssubscribe(CoordContext& ctx) {
  return subscribe_generic(ctx, true);
}
bool cmd_unsubscribe(CoordContext& ctx) {
  return unsubscribe_generic(ctx, false);
}
bool cmd_sunsubscribe(CoordContext& ctx) {
  return unsubscribe_generic(ctx, true);
}

bool cmd_psubscribe(CoordContext& ctx) {
  PubSub& ps = ctx.core.pubsub();
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    ps.psubscribe(ctx.conn, ctx.args[i]);
    reply_sub(ctx.rb, "psubscribe", &ctx.args[i], count_of(ctx.conn, false));
  }
  return true;
}

bool cmd_punsubscribe(CoordContext& ctx) {
  PubSub& ps = ctx.core.pubsub();
  std::vector<std::string> names;
  if (ctx.args.size() > 1) {
    names.assign(ctx.args.begin() + 1, ctx.args.end());
  } else if (ctx.conn.subs) {
    names = ctx.conn.subs->patterns;
  }
  if (names.empty()) {
    reply_sub(ctx.rb, "punsubscribe", nullptr, count_of(ctx.conn, false));
    return true;
  }
  for (const std::string& n : names) {
    ps.punsubscribe(ctx.conn, n);
    std::string_view v = n;
    reply_sub(ctx.rb, "punsubscribe", &v, count_of(ctx.conn, false));
  }
  return true;
}

// ---- PUBLISH / SPUBLISH, on every shard ----

void part_publish(ExecContext& ctx, std::span<const uint32_t>, PartResult& out) {
  out.emplace<PartCount>().n = ctx.services->pubsub().publish(ctx.args[1], ctx.args[2], false);
}

void part_spublish(ExecContext& ctx, std::span<const uint32_t>, PartResult& out) {
  out.emplace<PartCount>().n = ctx.services->pubsub().publish(ctx.args[1], ctx.args[2], true);
}

// ---- PUBSUB, on every shard ----

struct PubsubSub {
  std::string_view name;
  std::string_view fullname;
  int arity;
};
constexpr PubsubSub kPubsubSubs[] = {
    {"channels", "pubsub|channels", -2},
    {"help", "pubsub|help", 2},
    {"numpat", "pubsub|numpat", 2},
    {"numsub", "pubsub|numsub", -2},
    {"shardchannels", "pubsub|shardchannels", -2},
    {"shardnumsub", "pubsub|shardnumsub", -2},
};

const PubsubSub* find_sub(std::string_view name) {
  for (const PubsubSub& s : kPubsubSubs) {
    if (base::iequals(name, s.name)) return &s;
  }
  return nullptr;
}

std::string check_pubsub(ArgList args) {
  const PubsubSub* s = find_sub(args[1]);
  if (s == nullptr) return err_unknown_subcommand(args[1], "PUBSUB");
  size_t argc = args.size();
  bool ok = s->arity >= 0 ? argc == static_cast<size_t>(s->arity)
                          : argc >= static_cast<size_t>(-s->arity);
  if (!ok) return err_wrong_args(s->fullname);
  // CHANNELS and SHARDCHANNELS take at most one pattern.
  if ((s->name == "channels" || s->name == "shardchannels") && argc > 3) {
    return err_unknown_subcommand(args[1], "PUBSUB");
  }
  return {};
}

void part_pubsub(ExecContext& ctx, std::span<const uint32_t>, PartResult& out) {
  const PubsubSub& s = *find_sub(ctx.args[1]);
  PubSub& ps = ctx.services->pubsub();
  if (s.name == "channels" || s.name == "shardchannels") {
    PartKeys& keys = out.emplace<PartKeys>();
    bool all = ctx.args.size() == 2;
    ps.channels(all ? std::string_view() : ctx.args[2], all, s.name == "shardchannels", keys.keys);
  } else if (s.name == "numpat") {
    ps.patterns(out.emplace<PartKeys>().keys);
  } else if (s.name == "numsub" || s.name == "shardnumsub") {
    PartValues& v = out.emplace<PartValues>();
    for (size_t i = 2; i < ctx.args.size(); ++i) {
      v.values.emplace_back(std::to_string(ps.numsub(ctx.args[i], s.name == "shardnumsub")));
    }
  } else {
    out.emplace<std::monostate>();
  }
}

void merge_pubsub(ArgList args, std::span<PartResult> parts, proto::ReplyBuilder& rb) {
  const PubsubSub& s = *find_sub(args[1]);
  if (s.name == "help") {
    constexpr std::string_view kHelp[] = {
        "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: "
        "'*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
        "HELP",
        "    Prints this help.",
    };
    reply_help(rb, kHelp);
    return;
  }
  if (s.name == "channels" || s.name == "shardchannels" || s.name == "numpat") {
    // Channel names are unique per shard; a channel with subscribers on several shards is one.
    std::set<std::string> names;
    for (PartResult& p : parts) {
      for (std::string& k : std::get<PartKeys>(p).keys) names.insert(std::move(k));
    }
    if (s.name == "numpat") return rb.integer(static_cast<int64_t>(names.size()));
    rb.array(names.size());
    for (const std::string& n : names) rb.bulk(n);
    return;
  }
  // NUMSUB / SHARDNUMSUB: per channel, the sum over the shards.
  size_t channels = args.size() - 2;
  rb.array(channels * 2);
  for (size_t i = 0; i < channels; ++i) {
    int64_t total = 0;
    for (const PartResult& p : parts) total += std::stoll(*std::get<PartValues>(p).values[i]);
    rb.bulk(args[i + 2]);
    rb.integer(total);
  }
}

#include "pubsub_family_args.inc"

constexpr uint32_t kSubFlags = kPubsub | kNoScript | kLoading | kStale | kPubsubContext;
constexpr uint32_t kPubsubAcl = kAclPubsub | kAclSlow;
constexpr uint32_t kIntrospect = kPubsub | kLoading | kStale;

constexpr SubcommandMeta kPubsubSubcommandMeta[] = {
    {.name = "pubsub|channels",
     .arity = -2,
     .flags = kIntrospect,
     .acl = kPubsubAcl,
     .summary = "List active channels",
     .since = "2.8.0",
     .complexity = "O(N) where N is the number of active channels, and assuming constant time "
                   "pattern matching (relatively short channels and patterns)",
     .args = kPubsubChannelsArgs},
    {.name = "pubsub|help",
     .arity = 2,
     .flags = kLoading | kStale,
     .acl = kAclSlow,
     .summary = kHelpSummary,
     .since = "6.2.0",
     .complexity = "O(1)"},
    {.name = "pubsub|numpat",
     .arity = 2,
     .flags = kIntrospect,
     .acl = kPubsubAcl,
     .summary = "Get the count of unique patterns pattern subscriptions",
     .since = "2.8.0",
     .complexity = "O(1)"},
    {.name = "pubsub|numsub",
     .arity = -2,
     .flags = kIntrospect,
     .acl = kPubsubAcl,
     .summary = "Get the count of subscribers for channels",
     .since = "2.8.0",
     .complexity = "O(N) for the NUMSUB subcommand, where N is the number of requested channels",
     .args = kPubsubNumsubArgs},
    {.name = "pubsub|shardchannels",
     .arity = -2,
     .flags = kIntrospect,
     .acl = kPubsubAcl,
     .summary = "List active shard channels",
     .since = "7.0.0",
     .complexity = "O(N) where N is the number of active shard channels, and assuming constant "
                   "time pattern matching (relatively short shard channels).",
     .args = kPubsubShardchannelsArgs},
    {.name = "pubsub|shardnumsub",
     .arity = -2,
     .flags = kIntrospect,
     .acl = kPubsubAcl,
     .summary = "Get the count of subscribers for shard channels",
     .since = "7.0.0",
     .complexity = "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard "
                   "channels",
     .args = kPubsubShardnumsubArgs},
};

constexpr RedisMeta kSubscribeMeta{.args = kSubscribeArgs};
constexpr RedisMeta kUnsubscribeMeta{.args = kUnsubscribeArgs};
constexpr RedisMeta kPsubscribeMeta{.args = kPsubscribeArgs};
constexpr RedisMeta kPunsubscribeMeta{.args = kPunsubscribeArgs};
constexpr RedisMeta kSsubscribeMeta{.key_flags = "not_key", .args = kSsubscribeArgs};
constexpr RedisMeta kSunsubscribeMeta{.key_flags = "not_key", .args = kSunsubscribeArgs};
constexpr RedisMeta kPublishMeta{.args = kPublishArgs};
constexpr RedisMeta kSpublishMeta{.key_flags = "not_key", .args = kSpublishArgs};
constexpr RedisMeta kPubsubMeta{.subcommands = kPubsubSubcommandMeta};

}  // namespace

void register_pubsub_family(Registry& r) {
  r.add({.name = "subscribe",
         .arity = -2,
         .flags = kSubFlags,
         .route = Route::kCoordinator,
         .run_coord = cmd_subscribe,
         .acl = kPubsubAcl,
         .group = "pubsub",
         .summary = "Listen for messages published to the given channels",
         .since = "2.0.0",
         .complexity = "O(N) where N is the number of channels to subscribe to.",
         .meta = &kSubscribeMeta});
  r.add({.name = "unsubscribe",
         .arity = -1,
         .flags = kSubFlags,
         .route = Route::kCoordinator,
         .run_coord = cmd_unsubscribe,
         .acl = kPubsubAcl,
         .group = "pubsub",
         .summary = "Stop listening for messages posted to the given channels",
         .since = "2.0.0",
         .complexity = "O(N) where N is the number of clients already subscribed to a channel.",
         .meta = &kUnsubscribeMeta});
  r.add(
      {.name = "psubscribe",
       .arity = -2,
       .flags = kSubFlags,
       .route = Route::kCoordinator,
       .run_coord = cmd_psubscribe,
       .acl = kPubsubAcl,
       .group = "pubsub",
       .summary = "Listen for messages published to channels matching the given patterns",
       .since = "2.0.0",
       .complexity = "O(N) where N is the number of patterns the client is already subscribed to.",
       .meta = &kPsubscribeMeta});
  r.add({.name = "punsubscribe",
         .arity = -1,
         .flags = kSubFlags,
         .route = Route::kCoordinator,
         .run_coord = cmd_punsubscribe,
         .acl = kPubsubAcl,
         .group = "pubsub",
         .summary = "Stop listening for messages posted to channels matching the given patterns",
         .since = "2.0.0",
         .complexity = "O(N+M) where N is the number of patterns the client is already subscribed "
                       "and M is the number of total patterns subscribed in the system (by any "
                       "client).",
         .meta = &kPunsubscribeMeta});
  r.add({.name = "ssubscribe",
         .arity = -2,
         .flags = kSubFlags,
         .keys = {1, -1, 1},
         .route = Route::kCoordinator,
         .run_coord = cmd_ssubscribe,
         .acl = kPubsubAcl,
         .group = "pubsub",
         .summary = "Listen for messages published to the given shard channels",
         .since = "7.0.0",
         .complexity = "O(N) where N is the number of shard channels to subscribe to.",
         .meta = &kSsubscribeMeta});
  r.add(
      {.name = "sunsubscribe",
       .arity = -1,
       .flags = kSubFlags,
       .keys = {1, -1, 1},
       .route = Route::kCoordinator,
       .run_coord = cmd_sunsubscribe,
       .acl = kPubsubAcl,
       .group = "pubsub",
       .summary = "Stop listening for messages posted to the given shard channels",
       .since = "7.0.0",
       .complexity = "O(N) where N is the number of clients already subscribed to a shard channel.",
       .meta = &kSunsubscribeMeta});
  r.add({.name = "publish",
         .arity = 3,
         .flags = kPubsub | kLoading | kStale | kFast,
         .route = Route::kAllShards,
         .part = part_publish,
         .merge = Merge::kSumInteger,
         .lock = LockPolicy::kNone,
         .acl = kAclPubsub | kAclFast,
         .group = "pubsub",
         .summary = "Post a message to a channel",
         .since = "2.0.0",
         .complexity = "O(N+M) where N is the number of clients subscribed to the receiving "
                       "channel and M is the total number of subscribed patterns (by any client).",
         .meta = &kPublishMeta});
  r.add({.name = "spublish",
         .arity = 3,
         .flags = kPubsub | kLoading | kStale | kFast,
         .keys = {1, 1, 1},
         .route = Route::kAllShards,
         .part = part_spublish,
         .merge = Merge::kSumInteger,
         .lock = LockPolicy::kNone,
         .acl = kAclPubsub | kAclFast,
         .group = "pubsub",
         .summary = "Post a message to a shard channel",
         .since = "7.0.0",
         .complexity =
             "O(N) where N is the number of clients subscribed to the receiving shard channel.",
         .meta = &kSpublishMeta});
  // A container command: COMMAND INFO reports no flags of its own, as Redis does.
  r.add({.name = "pubsub",
         .arity = -2,
         .route = Route::kAllShards,
         .part = part_pubsub,
         .merge = Merge::kCustom,
         .merge_fn = merge_pubsub,
         .check = check_pubsub,
         .lock = LockPolicy::kNone,
         .acl = kAclSlow,
         .group = "pubsub",
         .summary = "A container for Pub/Sub commands",
         .since = "2.8.0",
         .complexity = "Depends on subcommand.",
         .meta = &kPubsubMeta});
}

}  // namespace shardis::server
