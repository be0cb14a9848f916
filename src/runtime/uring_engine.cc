#include <shardis/runtime/uring_engine.h>
#include <sys/mman.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

namespace shardis::runtime {

UringEngine::UringEngine(unsigned entries) {
  io_uring_params p{};
  p.flags = IORING_SETUP_CQSIZE | IORING_SETUP_SUBMIT_ALL | IORING_SETUP_SINGLE_ISSUER |
            IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_TASKRUN_FLAG;
  p.cq_entries = entries * 4;
  int rc = io_uring_queue_init_params(entries, &ring_, &p);
  taskrun_flag_ = rc == 0;
  if (rc == -EINVAL) {
    // Older kernels: no single-issuer / deferred task work; cooperative task work instead.
    p = io_uring_params{};
    p.flags = IORING_SETUP_CQSIZE | IORING_SETUP_COOP_TASKRUN;
    p.cq_entries = entries * 4;
    rc = io_uring_queue_init_params(entries, &ring_, &p);
  }
  if (rc < 0) {
    throw std::runtime_error(std::string("io_uring setup failed: ") + std::strerror(-rc));
  }
}

UringEngine::~UringEngine() {
  io_uring_queue_exit(&ring_);
  if (buf_ring_ != nullptr) ::munmap(buf_ring_, buf_ring_bytes_);
  if (pool_ != nullptr) ::munmap(pool_, pool_bytes_);
}

bool UringEngine::setup_recv_pool(unsigned count, unsigned size, std::string* error) {
  if (count == 0 || (count & (count - 1)) != 0 || count > 32768) {
    *error = "receive pool size must be a power of two up to 32768";
    return false;
  }
  buf_ring_bytes_ = size_t(count) * sizeof(io_uring_buf);
  void* ring_mem =
      ::mmap(nullptr, buf_ring_bytes_, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
  pool_bytes_ = size_t(count) * size;
  void* pool_mem =
      ::mmap(nullptr, pool_bytes_, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
  if (ring_mem == MAP_FAILED || pool_mem == MAP_FAILED) {
    *error = std::string("receive pool: ") + std::strerror(errno);
    if (ring_mem != MAP_FAILED) ::munmap(ring_mem, buf_ring_bytes_);
    if (pool_mem != MAP_FAILED) ::munmap(pool_mem, pool_bytes_);
    return false;
  }
  buf_ring_ = static_cast<io_uring_buf_ring*>(ring_mem);
  pool_ = static_cast<char*>(pool_mem);
  io_uring_buf_ring_init(buf_ring_);
  io_uring_buf_reg reg{};
  reg.ring_addr = reinterpret_cast<uint64_t>(buf_ring_);
  reg.ring_entries = count;
  reg.bgid = kPoolGroup;
  int rc = io_uring_register_buf_ring(&ring_, &reg, 0);
  if (rc < 0) {
    *error = std::string("registering the receive pool: ") + std::strerror(-rc);
    return false;
  }
  pool_count_ = count;
  pool_buf_size_ = size;
  int mask = io_uring_buf_ring_mask(count);
  for (unsigned i = 0; i < count; ++i) {
    io_uring_buf_ring_add(buf_ring_, pool_ + size_t(i) * size, size, static_cast<uint16_t>(i), mask,
                          static_cast<int>(i));
  }
  io_uring_buf_ring_advance(buf_ring_, static_cast<int>(count));
  return true;
}

void UringEngine::recv_multishot(int fd, uint64_t tag) {
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_recv_multishot(sqe, fd, nullptr, 0, 0);
  sqe->flags |= IOSQE_BUFFER_SELECT;
  sqe->buf_group = kPoolGroup;
  io_uring_sqe_set_data64(sqe, tag);
}

void UringEngine::release_pool_buffer(int buffer) {
  io_uring_buf_ring_add(buf_ring_, pool_ + size_t(buffer) * pool_buf_size_, pool_buf_size_,
                        static_cast<uint16_t>(buffer), io_uring_buf_ring_mask(pool_count_), 0);
  io_uring_buf_ring_advance(buf_ring_, 1);
}

void UringEngine::cancel(uint64_t tag) {
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_cancel64(sqe, tag, 0);
  io_uring_sqe_set_data64(sqe, kIgnoreTag);
  sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
}

io_uring_sqe* UringEngine::next_sqe() {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  while (sqe == nullptr) {
    // Submission queue full: hand what we have to the kernel (no wait) and retry.
    io_uring_submit(&ring_);
    sqe = io_uring_get_sqe(&ring_);
  }
  return sqe;
}

void UringEngine::accept_multishot(int listen_fd, uint64_t tag) {
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_multishot_accept(sqe, listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
  io_uring_sqe_set_data64(sqe, tag);
}

void UringEngine::recv(int fd, void* buf, size_t len, uint64_t tag) {
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_recv(sqe, fd, buf, len, 0);
  io_uring_sqe_set_data64(sqe, tag);
}

void UringEngine::sendmsg(int fd, const msghdr* msg, uint64_t tag) {
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_sendmsg(sqe, fd, msg, MSG_NOSIGNAL);
  io_uring_sqe_set_data64(sqe, tag);
}

void UringEngine::read(int fd, void* buf, size_t len, uint64_t tag) {
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_read(sqe, fd, buf, static_cast<unsigned>(len), 0);
  io_uring_sqe_set_data64(sqe, tag);
}

void UringEngine::write_file(int fd, const void* buf, size_t len, uint64_t offset, uint64_t tag,
                             uint64_t sync_tag) {
  // A linked pair must go to the kernel in one submission: make room for both first.
  if (sync_tag != 0 && io_uring_sq_space_left(&ring_) < 2) io_uring_submit(&ring_);
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_write(sqe, fd, buf, static_cast<unsigned>(len), offset);
  io_uring_sqe_set_data64(sqe, tag);
  if (sync_tag == 0) return;
  sqe->flags |= IOSQE_IO_LINK;
  io_uring_sqe* sync = next_sqe();
  io_uring_prep_fsync(sync, fd, IORING_FSYNC_DATASYNC);
  io_uring_sqe_set_data64(sync, sync_tag);
}

void UringEngine::sync_file(int fd, uint64_t tag) {
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_fsync(sqe, fd, IORING_FSYNC_DATASYNC);
  io_uring_sqe_set_data64(sqe, tag);
}

void UringEngine::cancel_fd(int fd) {
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_cancel_fd(sqe, fd, IORING_ASYNC_CANCEL_ALL);
  io_uring_sqe_set_data64(sqe, kIgnoreTag);
  sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
}

void UringEngine::close(int fd) {
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_close(sqe, fd);
  io_uring_sqe_set_data64(sqe, kIgnoreTag);
  sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
}

void UringEngine::wake(int target_handle, uint64_t tag) {
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_msg_ring(sqe, target_handle, 0, tag, 0);
  io_uring_sqe_set_data64(sqe, kIgnoreTag);
  sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
}

bool UringEngine::poll_for_work(int us, const std::function<bool()>& other_work) {
  io_uring_submit_and_get_events(&ring_);
  const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(us);
  for (unsigned i = 1;; ++i) {
    if (io_uring_cq_ready(&ring_) > 0 || other_work()) return true;
    // Deferred task work: finished operations post their completions only when this thread
    // enters the kernel. The TASKRUN flag tells, without a system call, that some are waiting.
    if (!taskrun_flag_ || (IO_URING_READ_ONCE(*ring_.sq.kflags) & IORING_SQ_TASKRUN) != 0) {
      io_uring_get_events(&ring_);
      if (io_uring_cq_ready(&ring_) > 0) return true;
    }
    if ((i & 7) == 0 && std::chrono::steady_clock::now() >= until) return false;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
}

int UringEngine::run_once(bool block, int timeout_ms, CompletionHandler& handler) {
  if (!block) {
    io_uring_submit_and_get_events(&ring_);
  } else if (timeout_ms < 0) {
    io_uring_submit_and_wait(&ring_, 1);
  } else {
    __kernel_timespec ts{};
    ts.tv_sec = timeout_ms / 1000;
    ts.tv_nsec = static_cast<long long>(timeout_ms % 1000) * 1'000'000;
    io_uring_cqe* unused = nullptr;
    io_uring_submit_and_wait_timeout(&ring_, &unused, 1, &ts, nullptr);
  }
  int n = 0;
  unsigned head;
  io_uring_cqe* cqe;
  io_uring_for_each_cqe(&ring_, head, cqe) {
    uint64_t tag = io_uring_cqe_get_data64(cqe);
    ++n;
    if (tag == kIgnoreTag) continue;
    Completion c;
    c.tag = tag;
    c.res = cqe->res;
    c.more = (cqe->flags & IORING_CQE_F_MORE) != 0;
    if (cqe->flags & IORING_CQE_F_BUFFER)
      c.buffer = static_cast<int>(cqe->flags >> IORING_CQE_BUFFER_SHIFT);
    handler.on_completion(c);
  }
  io_uring_cq_advance(&ring_, static_cast<unsigned>(n));
  return n;
}

}  // namespace shardis::runtime
