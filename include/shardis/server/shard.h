#pragma once
// Shard: one event loop on one thread. It owns its io_uring engine, the client connections it
// accepted on its own SO_REUSEPORT listener, and a ShardCore (the keyspace slice and all command
// logic). Nothing here is touched by another thread except through Fabric rings and
// request_stop().
//
// One loop turn: run_once (submit + wait + completions: accepts, receives that parse and
// dispatch commands, finished sends) -> take hops from the fabric (bounded) -> parse again for
// connections whose pause ended -> maintenance (active expiry) -> flush hops (one publish per
// ring) -> one vectored send per connection with output -> back to run_once.
#include <shardis/runtime/io_engine.h>
#include <shardis/server/connection.h>
#include <shardis/server/fabric.h>
#include <shardis/server/registry.h>
#include <shardis/server/shard_core.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
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

  // Creates the engine and the core on the calling thread (the shard's thread). Returns false
  // with *error.
  bool init(std::string* error);
  // Thread body; returns when the server is stopping and every shard has drained.
  void run();
  // Any thread: asks the shard to stop accepting and reading, then drain.
  void request_stop();

 private:
  static constexpr uint64_t kAcceptTag = 0x10;
  static constexpr uint64_t kStopTag = 0x30;
  static constexpr uint64_t kOpRecv = 1;
  static constexpr uint64_t kOpSend = 2;

  void on_completion(const runtime::Completion& comp) override;
  // ClientIo
  void output_ready(Connection& c) override;
  void close_client(Connection& c, const char* reason) override;

  void on_accept(int res, bool more);
  void on_recv(Connection& c, const runtime::Completion& comp);
  void on_send(Connection& c, int res);
  void pump(Connection& c);
  void arm_recv(Connection& c);
  void want_send(Connection& c);
  void submit_sends();
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
  std::unique_ptr<runtime::IoEngine> engine_;
  std::unique_ptr<ShardCore> core_;

  std::vector<Connection*> conns_;
  std::vector<Connection*> send_list_;
  std::vector<Connection*> free_checks_;  // closed connections to free once nothing is away
  bool accept_armed_ = false;
  static constexpr int kAcceptRetryMs = 100;
  int64_t accept_retry_at_ms_ = 0;
  bool clock_fresh_ = false;  // the access clock was refreshed since the loop last waited
  bool stopping_ = false;
  bool reported_drained_ = false;
  int64_t stop_started_ms_ = 0;
};

}  // namespace shardis::server
