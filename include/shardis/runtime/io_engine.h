#pragma once
// IoEngine: the one small interface between a shard's event loop and the kernel. Operations are
// completion-based: the loop queues operations tagged with a 64-bit value, and run_once()
// submits them all in one system call, waits, and hands every completion to the handler.
// io_uring implements it directly (UringEngine); a readiness-based fallback can implement the
// same calls by performing each operation when its descriptor is ready.
//
// Thread: an engine belongs to one shard thread. Only wake() may target another thread's
// engine, and it is queued on the caller's own engine (submitted with the caller's next batch).
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace shardis::runtime {

struct Completion {
  uint64_t tag = 0;
  int res = 0;        // result as the syscall would return it (negative errno on failure)
  bool more = false;  // the operation stays armed (multishot) and will complete again
  int buffer = -1;    // pool buffer holding the received bytes (recv_multishot), else -1
};

class CompletionHandler {
 public:
  virtual ~CompletionHandler() = default;
  virtual void on_completion(const Completion& c) = 0;
};

class IoEngine {
 public:
  virtual ~IoEngine() = default;

  // Accept connections on listen_fd until cancelled; one completion per connection (res = fd).
  virtual void accept_multishot(int listen_fd, uint64_t tag) = 0;
  // One receive into buf; completes with the byte count, 0 at EOF, or -errno.
  virtual void recv(int fd, void* buf, size_t len, uint64_t tag) = 0;

  // Receive pool: `count` buffers of `size` bytes that the kernel fills as data arrives, so an
  // idle connection pins no receive buffer. Returns false with *error if unavailable.
  virtual bool setup_recv_pool(unsigned count, unsigned size, std::string* error) = 0;
  // Receives repeatedly into pool buffers until cancelled, EOF, an error, or the pool runs dry
  // (-ENOBUFS); each completion names its buffer, which the handler must release.
  virtual void recv_multishot(int fd, uint64_t tag) = 0;
  virtual const char* pool_data(int buffer) const = 0;
  virtual void release_pool_buffer(int buffer) = 0;
  // Cancels the operation tagged tag (it completes with -ECANCELED, or its own result).
  virtual void cancel(uint64_t tag) = 0;
  // One vectored send; msg (and what it points to) must stay valid until it completes.
  virtual void sendmsg(int fd, const msghdr* msg, uint64_t tag) = 0;
  // One read (eventfd and similar).
  virtual void read(int fd, void* buf, size_t len, uint64_t tag) = 0;
  // Cancels every pending operation on fd; each completes with -ECANCELED (or its own result).
  virtual void cancel_fd(int fd) = 0;
  // Closes fd; no completion is delivered.
  virtual void close(int fd) = 0;

  // File output (the append-only file). Writes len bytes of buf at offset of fd, completing
  // with the byte count; with sync_tag != 0 an fdatasync of fd is linked behind it: it runs only
  // once the write completed in full, and completes with sync_tag (0, -errno, or -ECANCELED
  // when the write failed or was short). buf must stay valid until the write completes.
  virtual void write_file(int fd, const void* buf, size_t len, uint64_t offset, uint64_t tag,
                          uint64_t sync_tag) = 0;
  // An fdatasync of fd on its own (covers the writes that completed before it was submitted).
  virtual void sync_file(int fd, uint64_t tag) = 0;

  // Wakes the engine whose wake_handle() is target: it gets a completion tagged tag.
  virtual void wake(int target_handle, uint64_t tag) = 0;
  virtual int wake_handle() const = 0;

  // Submits everything queued, then waits for at least one completion when block is true
  // (at most timeout_ms milliseconds if timeout_ms >= 0), then delivers all ready completions.
  // Returns the number delivered.
  virtual int run_once(bool block, int timeout_ms, CompletionHandler& handler) = 0;
  // Submits everything queued, then polls without sleeping for up to `us` microseconds until a
  // completion is ready or other_work() returns true. Returns whether either happened. Costs CPU
  // instead of a sleep and a wake-up: see docs/event-loop.md for when the loop uses it.
  virtual bool poll_for_work(int us, const std::function<bool()>& other_work) = 0;
};

}  // namespace shardis::runtime
