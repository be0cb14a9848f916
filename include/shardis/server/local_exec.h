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

// Writes the merged reply of a fanned-out command. parts[i] belongs to the shard whose key
// indices are key_idx[i]; values are put back in argv order.
void merge_partials(const CommandSpec& spec, std::span<const std::vector<uint32_t>> key_idx,
                    std::span<Partial> parts, proto::ReplyBuilder& rb);

}  // namespace shardis::server
