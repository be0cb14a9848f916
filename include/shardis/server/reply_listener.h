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

  // The reply in slot (one of c's pending slots) is complete: marks it done, moves c's
  // completed replies, in order, to its output, and reports the output. May free c if it is
  // closed: the caller must not touch c afterwards.
  void deliver(Connection& c, ReplySlot& slot) {
    slot.done = true;
    c.drain_pending();
    on_output(c);
  }
};

}  // namespace shardis::server
