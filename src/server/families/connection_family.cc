// Connection commands: PING, ECHO, QUIT, SELECT, HELLO and CLIENT (ID, GETNAME, SETNAME, HELP),
// with Redis 7.0's replies and errors.
//
// All run on the connection's own shard (Route::kConnection) and change only the ClientState
// they are given. HELLO switches the reply builder as well as the client, so that its own reply
// is already in the protocol it selects.
#include <shardis/base/number_format.h>
#include <shardis/server/command.h>
#include <shardis/server/db.h>
#include <shardis/server/families/family_util.h>
#include <shardis/server/registry.h>
#include <shardis/server/shard_core.h>
#include <shardis/server/txn/txn.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "command_meta.h"

namespace shardis::server {
namespace {

constexpr std::string_view kErrBadClientName =
    "ERR Client names cannot contain spaces, newlines or special characters.";

// Client names are printable ASCII without spaces ('!' to '~'), so CLIENT LIST stays parseable.
bool valid_client_name(std::string_view name) {
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u < '!' || u > '~') return false;
  }
  return true;
}

// Sets (or, with an empty name, clears) the connection name; false if the name is invalid.
bool set_client_name(ClientState& client, std::string_view name) {
  if (!valid_client_name(name)) return false;
  client.name.assign(name);
  return true;
}

void cmd_ping(ConnContext& ctx) {
  if (ctx.args.size() > 2) return ctx.rb.error(err_wrong_args("ping"));
  if (ctx.client.pubsub > 0 && ctx.client.resp == 2) {
    // Subscribed mode: the reply is an array like the messages around it.
    ctx.rb.array(2);
    ctx.rb.bulk("pong");
    return ctx.rb.bulk(ctx.args.size() == 2 ? ctx.args[1] : std::string_view());
  }
  if (ctx.args.size() == 2) return ctx.rb.bulk(ctx.args[1]);
  ctx.rb.simple("PONG");
}

void cmd_echo(ConnContext& ctx) {
  ctx.rb.bulk(ctx.args[1]);
}

// QUIT takes (and ignores) any arguments; the connection closes once the reply is sent.
void cmd_quit(ConnContext& ctx) {
  ctx.client.close_after_reply = true;
  ctx.rb.ok();
}

void cmd_select(ConnContext& ctx) {
  std::optional<int64_t> index = base::parse_int64(ctx.args[1]);
  if (!index) return ctx.rb.error(kErrNotInteger);
  if (*index < std::numeric_limits<int32_t>::min() ||
      *index > std::numeric_limits<int32_t>::max()) {
    return ctx.rb.error("ERR value is out of range, value must between -2147483648 and 2147483647");
  }
  if (*index < 0 || *index >= ShardStore::kNumDbs) {
    return ctx.rb.error("ERR DB index is out of range");
  }
  ctx.client.db = static_cast<int>(*index);
  ctx.rb.ok();
}

// HELLO [protover [AUTH username password] [SETNAME clientname]]
// No password is configured, so the "default" user accepts any password and every other user
// name is refused, as Redis does without requirepass. Like Redis 7.0, the options act in order
// as they are read: a SETNAME before a failing option has already renamed the connection. The
// protocol changes only when every option succeeded.
void cmd_hello(ConnContext& ctx) {
  ArgList args = ctx.args;
  int64_t version = ctx.client.resp;
  if (args.size() >= 2) {
    std::optional<int64_t> v = base::parse_int64(args[1]);
    if (!v) return ctx.rb.error("ERR Protocol version is not an integer or out of range");
    if (*v < 2 || *v > 3) return ctx.rb.error("NOPROTO unsupported protocol version");
    version = *v;
  }
  for (size_t j = 2; j < args.size(); ++j) {
    size_t more = args.size() - 1 - j;
    if (base::iequals(args[j], "auth") && more >= 2) {
      // The password is not checked: "default" has none.
      if (args[j + 1] != "default") {
        return ctx.rb.error("WRONGPASS invalid username-password pair or user is disabled.");
      }
      j += 2;
    } else if (base::iequals(args[j], "setname") && more >= 1) {
      if (!set_client_name(ctx.client, args[j + 1])) return ctx.rb.error(kErrBadClientName);
      j += 1;
    } else {
      std::string err = "ERR Syntax error in HELLO option '";
      err.append(c_str_view(args[j]));
      err.append("'");
      return ctx.rb.error(err);
    }
  }

  ctx.client.resp = static_cast<int>(version);
  ctx.rb.set_resp(ctx.client.resp);
  proto::ReplyBuilder& rb = ctx.rb;
  rb.map(7);
  rb.bulk("server");
  rb.bulk("redis");
  rb.bulk("version");
  rb.bulk("7.0.15");
  rb.bulk("proto");
  rb.integer(version);
  rb.bulk("id");
  rb.integer(static_cast<int64_t>(ctx.client.id));
  rb.bulk("mode");
  rb.bulk("standalone");
  rb.bulk("role");
  rb.bulk("master");
  rb.bulk("modules");
  rb.array(0);
}

// ---- CLIENT ID | GETNAME | SETNAME name | HELP ----

void client_id(ConnContext& ctx) {
  ctx.rb.integer(static_cast<int64_t>(ctx.client.id));
}

void client_getname(ConnContext& ctx) {
  if (ctx.client.name.empty()) return ctx.rb.null();
  ctx.rb.bulk(ctx.client.name);
}

void client_setname(ConnContext& ctx) {
  if (!set_client_name(ctx.client, ctx.args[2])) return ctx.rb.error(kErrBadClientName);
  ctx.rb.ok();
}

void client_help(ConnContext& ctx) {
  static constexpr std::string_view kHelp[] = {
      "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GETNAME",
      "    Return the name of the current connection.",
      "ID",
      "    Return the ID of the current connection.",
      "SETNAME <name>",
      "    Assign the name <name> to the current connection.",
      "UNBLOCK <clientid> [TIMEOUT|ERROR]",
      "    Unblock the specified blocked client.",
      "HELP",
      "    Prints this help.",
  };
  reply_help(ctx.rb, kHelp);
}

constexpr Subcommand kClientSubcommands[] = {
    {"id", "client|id", 2, client_id},
    {"getname", "client|getname", 2, client_getname},
    {"setname", "client|setname", 3, client_setname},
    {"help", "client|help", 2, client_help},
};

// CLIENT UNBLOCK client-id [TIMEOUT|ERROR]: the client's shard ends its wait, and answers
// whether it was blocked. Its id names its shard (ShardCore::client_shard).
class UnblockTxn final : public Txn {
 public:
  void on_acquired(Transactions& t) override {
    bool was = parts[0].actions[0].dirty;
    proto::ReplyBuffer out;
    proto::ReplyBuilder(out, resp).integer(was ? 1 : 0);
    t.reply(*this, std::move(out));
  }
};

struct UnblockRequest {
  uint64_t target = 0;
  bool error = false;
};

// Checks CLIENT UNBLOCK's arguments. Replies the error, or 0 for an id no client can have, and
// returns nullopt; else what to unblock.
std::optional<UnblockRequest> parse_unblock(CoordContext& ctx) {
  ArgList args = ctx.args;
  if (args.size() < 3) {
    ctx.rb.error(err_wrong_args("client|unblock"));
    return std::nullopt;
  }
  if (args.size() > 4) {
    ctx.rb.error("ERR unknown subcommand or wrong number of arguments for '" +
                 std::string(c_str_view(args[1]).substr(0, 128)) + "'. Try CLIENT HELP.");
    return std::nullopt;
  }
  UnblockRequest req;
  if (args.size() == 4) {
    if (base::iequals(args[3], "error")) {
      req.error = true;
    } else if (!base::iequals(args[3], "timeout")) {
      ctx.rb.error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
      return std::nullopt;
    }
  }
  std::optional<int64_t> id = base::parse_int64(args[2]);
  if (!id) {
    ctx.rb.error(kErrNotInteger);
    return std::nullopt;
  }
  if (*id <= 0) {
    ctx.rb.integer(0);
    return std::nullopt;
  }
  req.target = static_cast<uint64_t>(*id);
  return req;
}

bool client_unblock(CoordContext& ctx) {
  std::optional<UnblockRequest> req = parse_unblock(ctx);
  if (!req) return true;
  ShardCore& core = ctx.core;
  uint32_t shard = ShardCore::client_shard(req->target, core.shards());
  if (shard == core.id()) {
    ctx.rb.integer(core.blocking().unblock_client(req->target, req->error) ? 1 : 0);
    return true;
  }
  auto t = std::make_unique<UnblockTxn>();
  t->conn = &ctx.conn;
  t->resp = ctx.conn.client.resp;
  TxnParticipant& p = t->parts.emplace_back();
  p.shard = shard;
  p.release_after = true;
  TxnAction& a = p.actions.emplace_back();
  a.kind = TxnAction::kUnblock;
  a.wait_id = req->target;
  a.unblock_error = req->error;
  return core.txns().start(std::move(t));
}

// CLIENT UNBLOCK inside EXEC, on the blocked client's shard (its id names it); the arguments
// were checked when the block was planned.
void run_unblock_in_exec(ExecContext& ctx) {
  auto target = static_cast<uint64_t>(*base::parse_int64(ctx.args[2]));
  bool error = ctx.args.size() == 4 && base::iequals(ctx.args[3], "error");
  ctx.rb.integer(
      ctx.services != nullptr && ctx.services->blocking().unblock_client(target, error) ? 1 : 0);
}

uint32_t unblock_shard(ArgList args, uint32_t shards) {
  return ShardCore::client_shard(static_cast<uint64_t>(*base::parse_int64(args[2])), shards);
}

const CommandSpec kUnblockInExec{.name = "client|unblock",
                                 .route = Route::kKey,
                                 .run = run_unblock_in_exec,
                                 .pick_shard = unblock_shard,
                                 .lock = LockPolicy::kNone};

// CLIENT: UNBLOCK reaches other shards; the other subcommands are the connection's own.
bool cmd_client(CoordContext& ctx) {
  if (base::iequals(ctx.args[1], "unblock")) return client_unblock(ctx);
  ConnContext conn{ctx.args, ctx.conn.client, ctx.rb, ctx.core.registry(), ctx.core.info()};
  run_subcommand(conn, kClientSubcommands, "CLIENT");
  return true;
}

const CommandSpec* client_exec_as(CoordContext& ctx) {
  if (!base::iequals(ctx.args[1], "unblock")) {
    cmd_client(ctx);
    return nullptr;
  }
  return parse_unblock(ctx) ? &kUnblockInExec : nullptr;
}

// ---- COMMAND INFO / DOCS metadata (checked against redis-server 7.0.15) ----

#include "connection_family_args.inc"

constexpr uint32_t kConnSub = kNoScript | kLoading | kStale;
constexpr uint32_t kAclConnSub = kAclSlow | kAclConnection;

constexpr SubcommandMeta kClientSubcommandMeta[] = {
    {.name = "client|getname",
     .arity = 2,
     .flags = kConnSub,
     .acl = kAclConnSub,
     .summary = "Get the current connection name",
     .since = "2.6.9",
     .complexity = "O(1)"},
    {.name = "client|help",
     .arity = 2,
     .flags = kLoading | kStale,
     .acl = kAclConnSub,
     .summary = kHelpSummary,
     .since = "5.0.0",
     .complexity = "O(1)"},
    {.name = "client|id",
     .arity = 2,
     .flags = kConnSub,
     .acl = kAclConnSub,
     .summary = "Returns the client ID for the current connection",
     .since = "5.0.0",
     .complexity = "O(1)"},
    {.name = "client|setname",
     .arity = 3,
     .flags = kConnSub,
     .acl = kAclConnSub,
     .summary = "Set the current connection name",
     .since = "2.6.9",
     .complexity = "O(1)",
     .args = kClientSetnameArgs},
    {.name = "client|unblock",
     .arity = -3,
     .flags = kAdmin | kNoScript | kLoading | kStale,
     .acl = kAclAdmin | kAclSlow | kAclDangerous | kAclConnection,
     .summary = "Unblock a client blocked in a blocking command from a different connection",
     .since = "5.0.0",
     .complexity = "O(log N) where N is the number of client connections",
     .args = kClientUnblockArgs},
};

constexpr RedisMeta kPingMeta{.tips = "request_policy:all_shards response_policy:all_succeeded",
                              .args = kPingArgs};
constexpr RedisMeta kEchoMeta{.args = kEchoArgs};
constexpr RedisMeta kSelectMeta{.args = kSelectArgs};
constexpr RedisMeta kHelloMeta{
    .history = {{{"6.2.0",
                  "`protover` made optional; when called without arguments the command "
                  "reports the current connection's context."}}},
    .args = kHelloArgs};
constexpr RedisMeta kClientMeta{.subcommands = kClientSubcommandMeta};

}  // namespace

void register_connection_family(Registry& r) {
  constexpr uint32_t kAclConnFast = kAclFast | kAclConnection;
  r.add({.name = "ping",
         .arity = -1,
         .flags = kFast | kPubsubContext,
         .route = Route::kConnection,
         .run_conn = cmd_ping,
         .acl = kAclConnFast,
         .group = "connection",
         .summary = "Ping the server",
         .since = "1.0.0",
         .complexity = "O(1)",
         .meta = &kPingMeta});
  r.add({.name = "echo",
         .arity = 2,
         .flags = kLoading | kStale | kFast,
         .route = Route::kConnection,
         .run_conn = cmd_echo,
         .acl = kAclConnFast,
         .group = "connection",
         .summary = "Echo the given string",
         .since = "1.0.0",
         .complexity = "O(1)",
         .meta = &kEchoMeta});
  r.add({.name = "quit",
         .arity = -1,
         .flags = kNoScript | kLoading | kStale | kFast | kNoAuth | kAllowBusy | kRunsInMulti |
                  kPubsubContext,
         .route = Route::kConnection,
         .run_conn = cmd_quit,
         .acl = kAclConnFast,
         .group = "connection",
         .summary = "Close the connection",
         .since = "1.0.0",
         .complexity = "O(1)"});
  r.add({.name = "select",
         .arity = 2,
         .flags = kLoading | kStale | kFast,
         .route = Route::kConnection,
         .run_conn = cmd_select,
         .acl = kAclConnFast,
         .group = "connection",
         .summary = "Change the selected database for the current connection",
         .since = "1.0.0",
         .complexity = "O(1)",
         .meta = &kSelectMeta});
  r.add({.name = "hello",
         .arity = -1,
         .flags = kNoScript | kLoading | kStale | kFast | kNoAuth | kAllowBusy,
         .route = Route::kConnection,
         .run_conn = cmd_hello,
         .acl = kAclConnFast,
         .group = "connection",
         .summary = "Handshake with Redis",
         .since = "6.0.0",
         .complexity = "O(1)",
         .meta = &kHelloMeta});
  // A container command: COMMAND INFO reports no flags of its own, as Redis does.
  r.add({.name = "client",
         .arity = -2,
         .route = Route::kCoordinator,
         .run_coord = cmd_client,
         .exec_as = client_exec_as,
         .acl = kAclSlow,
         .group = "connection",
         .summary = "A container for client connection commands",
         .since = "2.4.0",
         .complexity = "Depends on subcommand.",
         .meta = &kClientMeta});
}

}  // namespace shardis::server
