#pragma once
// UringEngine: IoEngine over one io_uring ring, owned by one shard thread.
// The ring is set up single-issuer with deferred task work where the kernel allows it, so
// completions are only processed inside run_once(), on the owning thread.
#include <liburing.h>
#include <shardis/runtime/io_engine.h>

#include <string>

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
  bool setup_recv_pool(unsigned count, unsigned size, std::string* error) override;
  void recv_multishot(int fd, uint64_t tag) override;
  const char* pool_data(int buffer) const override {
    return pool_ + size_t(buffer) * pool_buf_size_;
  }
  void release_pool_buffer(int buffer) override;
  void cancel(uint64_t tag) override;
  void sendmsg(int fd, const msghdr* msg, uint64_t tag) override;
  void read(int fd, void* buf, size_t len, uint64_t tag) override;
  void cancel_fd(int fd) override;
  void close(int fd) override;
  void write_file(int fd, const void* buf, size_t len, uint64_t offset, uint64_t tag,
                  uint64_t sync_tag) override;
  void sync_file(int fd, uint64_t tag) override;
  void wake(int target_handle, uint64_t tag) override;
  int wake_handle() const override { return ring_.ring_fd; }
  int run_once(bool block, int timeout_ms, CompletionHandler& handler) override;
  bool poll_for_work(int us, const std::function<bool()>& other_work) override;

  // Tag reserved for completions the engine swallows itself.
  static constexpr uint64_t kIgnoreTag = ~0ull;

 private:
  io_uring_sqe* next_sqe();

  static constexpr uint16_t kPoolGroup = 1;

  io_uring ring_{};
  bool taskrun_flag_ = false;  // the kernel flags pending deferred task work (TASKRUN_FLAG)
  io_uring_buf_ring* buf_ring_ = nullptr;  // shared with the kernel
  size_t buf_ring_bytes_ = 0;
  char* pool_ = nullptr;
  size_t pool_bytes_ = 0;
  unsigned pool_count_ = 0;
  unsigned pool_buf_size_ = 0;
};

}  // namespace shardis::runtime
