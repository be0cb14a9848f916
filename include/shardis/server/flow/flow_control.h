#pragma once
// FlowControl: the one owner of a shard's flow control.
//
//   * Fabric credits: requests this shard may have in flight to each peer (Fabric's
//     credits_per_pair). A request takes one; its response gives it back. See fabric.h for why
//     this bound keeps every ring push from failing.
//   * Credit waiters: connections that stopped, before consuming a command, because the command
//     needs a credit to a peer that has none left. They are resumed once any credit returns.
//   * Pauses: why a connection may not parse its next command or receive more bytes now. A
//     connection is paused while a pause reason is set (waiting for a credit, blocked in a
//     blocking command, a transaction of it acquiring its keys, closing after a reply) or while
//     its output is over the limits (unsent bytes, replies still being computed).
//
// When a reason clears, the connection is queued for resumption; the shard loop takes the
// queue once per turn (take_resumed) and parses and reads again.
//
// Thread: the owning shard's only.
#include <shardis/server/connection.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace shardis::server {

struct FlowLimits {
  size_t out_high_water = 4 * 1024 * 1024;  // unsent bytes before a client is not read
  size_t max_pending_replies = 128;         // replies still being computed elsewhere
};

class FlowControl {
 public:
  FlowControl(uint32_t shards, uint32_t credits_per_peer, FlowLimits limits);

  // ---- Credits ----
  bool has_credit(uint32_t peer) const { return credits_[peer] > 0; }
  void take_credit(uint32_t peer) { --credits_[peer]; }
  void return_credit(uint32_t peer);
  // c stops until a credit returns (its current command is offered again then).
  void wait_for_credit(Connection& c);

  // ---- Pauses ----
  void pause(Connection& c, uint8_t reason) { c.pause |= reason; }
  // Clears a reason; when none is left the connection is queued for resumption.
  void unpause(Connection& c, uint8_t reason);
  // True when c may parse and run its next command.
  bool may_parse(const Connection& c) const { return c.pause == 0 && !over_limits(c); }
  // True when c may receive more bytes. A blocked client is still read, as Redis reads it:
  // its later commands wait in its input buffer (bounded by the query buffer limit), and a
  // disconnection is seen at once, which ends the wait.
  bool may_read(const Connection& c) const {
    return (c.pause & ~Connection::kPauseBlocked) == 0 && !over_limits(c);
  }
  bool over_limits(const Connection& c) const {
    return c.out.size() > limits_.out_high_water || c.pending.size() > limits_.max_pending_replies;
  }
  // Queues c for resumption (its output drained below the limits, or a reply came in).
  void resume_later(Connection& c);

  // Connections to parse and read again, once per loop turn.
  std::vector<Connection*> take_resumed();
  // c is being freed: drop it from every list.
  void forget(Connection& c);

  const FlowLimits& limits() const { return limits_; }

 private:
  std::vector<uint32_t> credits_;
  std::vector<Connection*> credit_waiters_;
  std::vector<Connection*> resumed_;
  FlowLimits limits_;
};

}  // namespace shardis::server
