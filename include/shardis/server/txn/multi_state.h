#pragma once
// MultiState: a client's MULTI and WATCH state (Redis's mstate, watched_keys and the
// CLIENT_DIRTY_* flags). Client state, not database state: it lives in the Connection, on the
// connection's shard. The versions it remembers are checked on the keys' owners at EXEC.
#include <shardis/server/txn/txn_command.h>
#include <shardis/server/txn/watch_table.h>

#include <cstdint>
#include <string>
#include <vector>

namespace shardis::server {

struct WatchedKey {
  int db = 0;
  std::string key;
  uint32_t shard = 0;  // its owner
  WatchStamp stamp;
};

struct MultiState {
  bool active = false;      // between MULTI and EXEC or DISCARD
  bool dirty_exec = false;  // a command was refused while queuing: EXEC answers EXECABORT
  std::vector<TxnCommand> queue;
  std::vector<WatchedKey> watched;
};

}  // namespace shardis::server
