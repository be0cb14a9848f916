#pragma once
// ReplyListener: told when a connection's output grew outside of its own input processing (a
// hop's answer, a transaction's reply, a blocked client's wake-up). ShardCore implements it.
//
// Thread: the connection's shard.
#include <shardis/server/connection.h>

namespace shardis::server {

class ReplyListener {
 public:
  virtual ~ReplyListener() = default;
  virtual void on_output(Connection& c) = 0;
  // As on_output, for output that another shard computed and that depends on nothing of this
  // shard (a command's reply that came back over the fabric): with appendfsync always it need
  // not wait for this shard's AOF (see Shard::sendable).
  virtual void on_remote_output(Connection& c) { on_output(c); }

  // The reply in slot (one of c's pending slots) is complete: marks it done, moves c's
  // completed replies, in order, to its output, and reports the output (remote: computed by
  // another shard alone). May free c if it is closed: the caller must not touch c afterwards.
  void deliver(Connection& c, ReplySlot& slot, bool remote = false) {
    slot.done = true;
    c.drain_pending();
    if (remote) {
      on_remote_output(c);
    } else {
      on_output(c);
    }
  }
};

}  // namespace shardis::server
