#pragma once
// Running a command on one shard, start to finish, with no hop. The dispatcher calls these on
// the fast path (every key is local) and on the owner shard when a command arrives from
// another shard; the in-process family tests call run_command_here directly.
#include <shardis/proto/reply_builder.h>
#include <shardis/server/command.h>
#include <shardis/server/registry.h>

namespace shardis::server {

// Runs `args` on this shard as if it owned every key: lookup, arity, routing kind, merge.
// Precondition: this shard owns all keys of the command (always true with one shard).
void run_command_here(const Registry& registry, const ServerInfo& server, ArgList args,
                      ShardStore& store, ClientState& client, proto::ReplyBuilder& rb);

// Checks a looked-up command (spec is nullptr when args[0] is unknown): existence, arity and
// arguments. On failure writes the error reply and returns false.
bool validate_command(const CommandSpec* spec, ArgList args, proto::ReplyBuilder& rb);

// Runs a validated command on this shard, which owns all of its keys.
void run_spec_here(const CommandSpec& spec, const Registry& registry, const ServerInfo& server,
                   ArgList args, ShardStore& store, ClientState& client, proto::ReplyBuilder& rb);

// Writes the merged reply of a fanned-out command. parts[i] belongs to the shard whose key
// indices are key_idx[i]; values are put back in argv order.
void merge_partials(const CommandSpec& spec, ArgList args,
                    std::span<const std::vector<uint32_t>> key_idx, std::span<Partial> parts,
                    proto::ReplyBuilder& rb);

}  // namespace shardis::server
