#pragma once
// Shard: one event loop's worth of state. It owns the client connections it accepted on its own
// SO_REUSEPORT listener and a ShardCore (the keyspace slice and all command logic). It runs on
// one thread, inside a ShardLoop that owns the io_uring engine; a loop usually drives one shard,
// and several when the process has fewer CPUs than shards (shard_loop.h). Nothing here is
// touched by another thread except through Fabric rings and request_stop().
//
// One loop turn: prepare_wait (sleep announcement, timeout) -> run_once on the loop's engine
// (submit + wait + completions: accepts, receives that parse and dispatch commands, finished
// sends) -> after_wait: take hops from the fabric (bounded) -> parse again for connections whose
// pause ended -> maintenance (active expiry) -> flush hops (one publish per ring) -> one vectored
// send per connection with output.
#include <shardis/runtime/io_engine.h>
#include <shardis/server/connection.h>
#include <shardis/server/fabric.h>
#include <shardis/server/registry.h>
#include <shardis/server/shard_core.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace shardis::server {

struct ShardOptions {
  CoreOptions core;
  int expire_idle_wake_ms = 100;  // longest sleep while keys with a TTL exist
  int drain_deadline_ms = 3000;   // on stop, then close clients that do not read
  unsigned ring_entries = 4096;
  // Receive mode. Multishot: one armed receive per connection filling buffers from a per-shard
  // pool; bytes are copied into the connection's input buffer, which is freed when empty.
  // Plain: one recv per connection into its own input buffer, re-armed after each read.
  bool recv_multishot = true;
  unsigned recv_pool_buffers = 2048;  // power of two
  unsigned recv_pool_buffer_size = 16384;
  // After a turn with work, poll this many microseconds for more before sleeping (0: never).
  int idle_poll_us = 0;
};

class Shard final : public runtime::CompletionHandler, public ClientIo {
 public:
  // listen_fd is owned by the shard from now on. Construct on any thread; run() on its own.
  Shard(uint32_t id, int listen_fd, Fabric& fabric, const Registry& registry,
        const ServerInfo& info, const ShardOptions& options);
  ~Shard() override;

  // Creates the core on the calling thread (the loop's thread), on the loop's engine; handler
  // receives the engine's completions (the loop, which routes this shard's back here).
  void init(runtime::IoEngine* engine, runtime::CompletionHandler* handler);
  // Any thread: asks the shard to stop accepting and reading, then drain.
  void request_stop();
  // Before the loop runs: a client accepted for this shard while it loaded (LoadingResponder),
  // with its unanswered input; served from start_loop on.
  void adopt(int fd, std::string input) { adopted_.emplace_back(fd, std::move(input)); }
  // This shard's listener (for LoadingResponder, before the loop runs).
  int listen_fd() const { return listen_fd_; }

  // ---- Driven by ShardLoop, on the loop's thread ----
  // Arms the stop read and the listener.
  void start_loop();
  // Before a wait: with *block, announces sleep and clears *block if hops are already waiting;
  // merges this shard's wait timeout into *timeout_ms (-1: none).
  void prepare_wait(bool* block, int* timeout_ms);
  // After a wait (or a poll): the rest of the turn. Returns whether work is left for a next turn
  // at once (hops over budget, expiry left).
  bool after_wait();
  // Stopping, drained, and every shard reported so: the loop may end.
  bool finished() const { return finished_; }
  bool incoming_nonempty() { return core_->incoming_nonempty(); }
  // Completion tags this shard owns besides its connections' (accept, stop).
  bool owns_tag(uint64_t tag) const {
    return tag == accept_tag_ || tag == stop_tag_ || (core_ && core_->aof().owns_tag(tag));
  }
  uint32_t id() const { return id_; }
  // The shard's core, once init() ran; its thread only.
  ShardCore& core() { return *core_; }
  void on_completion(const runtime::Completion& comp) override;

  static constexpr uint64_t kOpRecv = 1;
  static constexpr uint64_t kOpSend = 2;

 private:
  // ClientIo
  void output_ready(Connection& c) override;
  void close_client(Connection& c, const char* reason) override;

  void on_accept(int res, bool more);
  // A new client connection on fd (accepted here or adopted); returns it.
  Connection& add_connection(int fd);
  void on_recv(Connection& c, const runtime::Completion& comp);
  void on_send(Connection& c, int res);
  void pump(Connection& c);
  void arm_recv(Connection& c);
  void want_send(Connection& c);
  void submit_sends();
  // appendfsync always: how many bytes of c's output may go now (the rest waits for the AOF's
  // fsync of what it depends on); marks output made while records are not yet durable.
  size_t sendable(Connection& c);
  // Connections whose output waits for an fsync go on again once it completed.
  void release_held();
  void close_conn(Connection& c);
  void maybe_free(Connection& c);
  void begin_stop();
  // The shorter of two run_once timeouts (-1 means none).
  static int merge_timeout(int a, int b);
  bool drained() const;

  uint32_t id_;
  int listen_fd_;
  int stop_fd_;
  uint64_t stop_buf_ = 0;
  Fabric& fabric_;
  const Registry& registry_;
  const ServerInfo& info_;
  ShardOptions opts_;
  runtime::IoEngine* engine_ = nullptr;            // the loop's
  runtime::CompletionHandler* handler_ = nullptr;  // the loop's
  // Small numbers (no connection's address) naming this shard: accept and stop completions.
  uint64_t accept_tag_;
  uint64_t stop_tag_;
  std::unique_ptr<ShardCore> core_;

  std::vector<std::pair<int, std::string>> adopted_;
  std::vector<Connection*> conns_;
  std::vector<Connection*> send_list_;
  std::vector<Connection*> held_;  // output waiting for the AOF's fsync (Connection::durable)
  uint64_t held_released_ = 0;     // the AOF's released() when held_ was last looked at
  std::vector<Connection*> free_checks_;  // closed connections to free once nothing is away
  bool accept_armed_ = false;
  static constexpr int kAcceptRetryMs = 100;
  int64_t accept_retry_at_ms_ = 0;
  bool clock_fresh_ = false;  // the access clock was refreshed since the loop last waited
  bool stopping_ = false;
  bool reported_drained_ = false;
  int64_t stop_started_ms_ = 0;
  bool finished_ = false;
};

}  // namespace shardis::server
