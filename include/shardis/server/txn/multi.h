#pragma once
// MULTI / EXEC / WATCH on the coordinator: queuing, and the transactions EXEC and WATCH run.
//
// EXEC is one transaction (txn.h) over every shard its commands and watched keys touch, with
// Redis 7.0's semantics:
//   * acquire: every participant takes its locks and checks its watched keys; if any changed,
//     nothing runs and EXEC answers a null array;
//   * body: the queued commands run in order. Commands on one shard, and the parts of
//     fanned-out commands, run as a batch per participant ("segment"); a command whose keys span
//     shards and that is not a fan-out (RENAME, SMOVE, ...) runs alone, by detaching its keys,
//     running on the coordinator's scratch store and attaching them back. A command's error does
//     not stop the others. Connection commands (SELECT, PING, ...) run at EXEC, in order;
//   * release: every participant drops its locks and the client's watches.
// With no watched key, the first segment runs as the locks are taken, and a transaction of one
// segment costs one message per remote participant and direction (the participant acquired
// last releases at once).
//
// Thread: the connection's shard.
#include <shardis/server/connection.h>
#include <shardis/server/txn/txn.h>

namespace shardis::server {

class ShardCore;

// Queues a command inside MULTI (Redis's queueMultiCommand): nothing is kept once the
// transaction is doomed, but the client still gets QUEUED.
void multi_queue(Connection& c, const CommandSpec& spec, ArgList args);
// EXEC. Returns false, having done nothing, when a credit is missing.
bool exec_start(ShardCore& core, Connection& c);
// WATCH key...: stamps the keys on their owners. false: a credit is missing.
bool watch_start(ShardCore& core, Connection& c, ArgList args);
// Drops every watch of c (UNWATCH, DISCARD, EXECABORT, disconnect).
void unwatch_all(ShardCore& core, Connection& c);
// Forgets the queued commands and the dirty flag (DISCARD, EXEC).
void multi_reset(Connection& c);
// EXEC's handler (families/transaction_family.cc): the router recognizes a refused EXEC by it.
CoordHandler exec_handler();

}  // namespace shardis::server
