#pragma once
// UringEngine: IoEngine over one io_uring ring, owned by one shard thread.
// The ring is set up single-issuer with deferred task work where the kernel allows it, so
// completions are only processed inside run_once(), on the owning thread.
#include <liburing.h>

#include <string>

#include <shardis/runtime/io_engine.h>

namespace shardis::runtime {

class UringEngine final : public IoEngine {
 public:
  // entries: submission queue size. Throws std::runtime_error if the ring cannot be set up.
  explicit UringEngine(unsigned entries);
  ~UringEngine() override;
  UringEngine(const UringEngine&) = delete;
  UringEngine& operator=(const UringEngine&) = delete;

  void accept_multishot(int listen_fd, uint64_t tag) override;
  void recv(int fd, void* buf, size_t len, uint64_t tag) override;
  void sendmsg(int fd, const msghdr* msg, uint64_t tag) override;
  void read(int fd, void* buf, size_t len, uint64_t tag) override;
  void cancel_fd(int fd) override;
  void close(int fd) override;
  void wake(int target_handle, uint64_t tag) override;
  int wake_handle() const override { return ring_.ring_fd; }
  int run_once(bool block, int timeout_ms, CompletionHandler& handler) override;

  // Tag reserved for completions the engine swallows itself.
  static constexpr uint64_t kIgnoreTag = ~0ull;

 private:
  io_uring_sqe* next_sqe();

  io_uring ring_{};
};

}  // namespace shardis::runtime
