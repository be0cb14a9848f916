#pragma once
// Connection: one client socket and its state. Owned by the shard that accepted it; only that
// shard's thread touches it. Holds the input buffer (bytes received, not yet parsed), the
// parser, the client state, the output buffer, and the replies still being computed elsewhere
// (pending), which keep request order: a reply enters `out` only when every earlier one has.
//
// Messages the server starts itself (published messages, keyspace events, wake-ups) enter
// through push(): from this shard directly, from others through the fabric's push rings (see
// ShardCore::post). A RESP3 push goes straight into `out`, between two replies; a RESP2 message
// (the subscribed-mode arrays) queues behind the replies still pending, so that it never
// overtakes the reply of a command sent before it.
#include <shardis/proto/reply_buffer.h>
#include <shardis/proto/resp_parser.h>
#include <shardis/server/command.h>
#include <shardis/server/hop.h>
#include <shardis/server/txn/multi_state.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string_view>

namespace shardis::server {

struct BlockedState;   // blocking/blocking.h
struct Subscriptions;  // pubsub/pubsub.h

class alignas(16) Connection {
 public:
  static constexpr size_t kInitialInput = 16 * 1024;
  static constexpr size_t kMinRecvRoom = 4 * 1024;
  static constexpr size_t kMaxQueryBuffer = 1024ull * 1024 * 1024;  // client-query-buffer-limit
  static constexpr size_t kMaxIov = 64;

  Connection(int fd, uint64_t id);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  int fd() const { return fd_; }

  // Input buffer.
  std::string_view unparsed() const { return {in_.get() + in_begin_, in_end_ - in_begin_}; }
  void consume_input(size_t n);
  // Room to receive into, compacting or growing the buffer; nullptr if the query buffer would
  // pass kMaxQueryBuffer.
  char* recv_space(size_t* len);
  void received(size_t n) { in_end_ += n; }
  // Appends received bytes; false if the query buffer would pass kMaxQueryBuffer.
  bool append_input(const char* data, size_t n);
  // Frees the input buffer; only when nothing is unparsed (an idle connection pins nothing).
  void release_input();

  // Where the next reply goes: straight into `out` when nothing earlier is pending, else into a
  // new slot that is already complete.
  proto::ReplyBuffer& local_sink();
  // A slot for a reply computed on another shard.
  ReplySlot* add_pending_slot();
  // Moves completed replies at the front of `pending` into `out`.
  void drain_pending();

  // A message the server starts itself: into `out` at once (RESP3, or nothing pending), else
  // behind the pending replies.
  void push(std::string_view bytes);

  // Prepares msg_ over the unsent output, at most limit bytes; returns false if there is nothing
  // to send.
  bool prepare_send(size_t limit = SIZE_MAX);
  const msghdr* send_msg() const { return &msg_; }

  proto::ReplyBuffer out;
  std::deque<ReplySlot> pending;
  proto::RespParser parser;
  ClientState client;
  std::unique_ptr<MultiState> multi;      // MULTI / WATCH state, made on first use
  std::unique_ptr<BlockedState> blocked;  // while blocked in BLPOP and the like
  std::unique_ptr<Subscriptions> subs;    // pub/sub subscriptions, made on first use
  int64_t soft_limit_since_ms = 0;        // over the pubsub soft output limit since then

  // appendfsync always: output bytes [start, end) (counted from the connection's first byte)
  // may depend on AOF records up to `seq`; they are not sent before the AOF's released()
  // reaches seq (Shard::sendable). durable_seq: the output queued (in `out` or in pending
  // slots) since the last mark may depend on records up to it; 0 when it depends on none.
  struct DurableMark {
    uint64_t seq;
    uint64_t start;
    uint64_t end;
  };
  std::deque<DurableMark> durable;
  uint64_t durable_seq = 0;
  uint64_t sent_bytes = 0;  // output bytes sent so far

  // Why the connection may not parse or read now (FlowControl): a bit per reason.
  static constexpr uint8_t kPauseCredit = 1 << 0;    // its next command needs a fabric credit
  static constexpr uint8_t kPauseBlocked = 1 << 1;   // blocked in BLPOP and the like
  static constexpr uint8_t kPauseTxn = 1 << 2;       // a transaction of it is taking its keys
  static constexpr uint8_t kPauseQuit = 1 << 3;      // closes once its replies are sent
  static constexpr uint8_t kPausePushRoom = 1 << 4;  // the shard's push backlog is over its limit
  uint8_t pause = 0;
  bool in_resume_list = false;

  // I/O state, managed by the shard.
  bool recv_armed = false;
  bool recv_cancelling = false;  // a multishot receive is being cancelled (throttling)
  bool send_inflight = false;
  bool eof = false;     // peer closed, error, or server stopping: read no more
  bool closed = false;  // fd closed; waiting for outstanding work before freeing
  bool in_send_list = false;
  bool in_held_list = false;  // waiting in the shard's list of output held for an fsync
  bool free_check = false;    // queued for the shard's end-of-turn free check
  // Work of this connection that another shard (or a later turn) still has to answer; the
  // connection is not freed before it comes back.
  uint32_t hops_inflight = 0;
  uint32_t shard_index = 0;  // position in the owning shard's connection list

 private:
  int fd_;
  std::unique_ptr<char[]> in_;
  size_t in_cap_ = 0;
  size_t in_begin_ = 0;
  size_t in_end_ = 0;
  iovec iov_[kMaxIov];
  msghdr msg_{};
};

}  // namespace shardis::server
