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

namespace shardis::runtime {

class CompletionHandler {
 public:
  virtual ~CompletionHandler() = default;
  // res: result as the syscall would return it (negative errno on failure).
  // more: the operation stays armed (multishot accept) and will complete again.
  virtual void on_completion(uint64_t tag, int res, bool more) = 0;
};

class IoEngine {
 public:
  virtual ~IoEngine() = default;

  // Accept connections on listen_fd until cancelled; one completion per connection (res = fd).
  virtual void accept_multishot(int listen_fd, uint64_t tag) = 0;
  // One receive into buf; completes with the byte count, 0 at EOF, or -errno.
  virtual void recv(int fd, void* buf, size_t len, uint64_t tag) = 0;
  // One vectored send; msg (and what it points to) must stay valid until it completes.
  virtual void sendmsg(int fd, const msghdr* msg, uint64_t tag) = 0;
  // One read (eventfd and similar).
  virtual void read(int fd, void* buf, size_t len, uint64_t tag) = 0;
  // Cancels every pending operation on fd; each completes with -ECANCELED (or its own result).
  virtual void cancel_fd(int fd) = 0;
  // Closes fd; no completion is delivered.
  virtual void close(int fd) = 0;

  // Wakes the engine whose wake_handle() is target: it gets a completion tagged tag.
  virtual void wake(int target_handle, uint64_t tag) = 0;
  virtual int wake_handle() const = 0;

  // Submits everything queued, then waits for at least one completion when block is true
  // (at most timeout_ms milliseconds if timeout_ms >= 0), then delivers all ready completions.
  // Returns the number delivered.
  virtual int run_once(bool block, int timeout_ms, CompletionHandler& handler) = 0;
};

}  // namespace shardis::runtime
