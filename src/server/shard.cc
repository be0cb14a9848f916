#include <shardis/base/clock.h>
#include <shardis/base/log.h>
#include <shardis/runtime/socket_util.h>
#include <shardis/runtime/uring_engine.h>
#include <shardis/server/shard.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <stdexcept>

namespace shardis::server {

namespace {
// Deadlines (drain, accept back-off) use the monotonic clock: wall-clock steps must not move
// them. TTLs use base::Clock, which is wall time as in Redis.
int64_t mono_ms() {
  return base::monotonic_ms();
}
}  // namespace

Shard::Shard(uint32_t id, int listen_fd, Fabric& fabric, const Registry& registry,
             const ServerInfo& info, const ShardOptions& options)
    : id_(id),
      listen_fd_(listen_fd),
      stop_fd_(::eventfd(0, EFD_CLOEXEC)),
      fabric_(fabric),
      registry_(registry),
      info_(info),
      opts_(options),
      accept_tag_(0x10 | (uint64_t{id} << 8)),
      stop_tag_(0x30 | (uint64_t{id} << 8)) {}

Shard::~Shard() {
  for (Connection* c : conns_) {
    if (!c->closed) ::close(c->fd());
    delete c;
  }
  if (listen_fd_ >= 0) ::close(listen_fd_);
  if (stop_fd_ >= 0) ::close(stop_fd_);
}

void Shard::init(runtime::IoEngine* engine, runtime::CompletionHandler* handler) {
  engine_ = engine;
  handler_ = handler;
  core_ = std::make_unique<ShardCore>(id_, &fabric_, registry_, info_,
                                      base::SystemClock::instance(), opts_.core, *this, engine_);
  fabric_.set_wake_handle(id_, engine_->wake_handle());
}

void Shard::request_stop() {
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(stop_fd_, &one, sizeof(one));
}

void Shard::start_loop() {
  engine_->read(stop_fd_, &stop_buf_, sizeof(stop_buf_), stop_tag_);
  engine_->accept_multishot(listen_fd_, accept_tag_);
  accept_armed_ = true;
  for (auto& [fd, input] : adopted_) {
    Connection& c = add_connection(fd);
    if (!input.empty() && !c.append_input(input.data(), input.size())) {
      close_conn(c);
      continue;
    }
    pump(c);  // answers what it sent meanwhile, then arms its receive
  }
  adopted_.clear();
}

void Shard::prepare_wait(bool* block, int* timeout_ms) {
  if (*block) {
    // Announce sleep, then re-check the rings: a producer that published before seeing the
    // flag is caught here, one that publishes after sees the flag and wakes us.
    fabric_.sleeping(id_).store(true, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (core_->incoming_nonempty()) *block = false;
  }
  // While stopping, or while accept is paused after an error, wake up periodically; while
  // keys have a TTL, wake up for the next expiry (or every expire_idle_wake_ms at most).
  if (stopping_ || !accept_armed_) *timeout_ms = merge_timeout(*timeout_ms, 50);
  *timeout_ms = merge_timeout(*timeout_ms, core_->next_timeout_ms(opts_.expire_idle_wake_ms));
  // Pushes wait for room in a peer's ring: retry within a millisecond.
  if (core_->push_backlog()) *timeout_ms = merge_timeout(*timeout_ms, 1);
  clock_fresh_ = false;
}

bool Shard::after_wait() {
  fabric_.sleeping(id_).store(false, std::memory_order_relaxed);
  if (!clock_fresh_) core_->store().refresh_clock();

  bool left = core_->poll_fabric();
  for (Connection* c : core_->flow().take_resumed()) {
    if (!c->closed) pump(*c);
    maybe_free(*c);
  }
  if (!accept_armed_ && !stopping_ && mono_ms() >= accept_retry_at_ms_) {
    engine_->accept_multishot(listen_fd_, accept_tag_);
    accept_armed_ = true;
  }
  bool expiry_left = core_->maintain();
  if (!free_checks_.empty()) {
    std::vector<Connection*> check;
    check.swap(free_checks_);
    for (Connection* c : check) {
      c->free_check = false;
      maybe_free(*c);
    }
  }
  core_->flush();
  release_held();
  submit_sends();

  if (stopping_) {
    if (!reported_drained_ && mono_ms() - stop_started_ms_ > opts_.drain_deadline_ms) {
      for (Connection* c : std::vector<Connection*>(conns_)) {
        if (!c->closed) close_conn(*c);
      }
    }
    if (!reported_drained_ && drained()) {
      reported_drained_ = true;
      if (fabric_.report_drained()) {
        for (uint32_t s = 0; s < fabric_.shards(); ++s) {
          if (s != id_) engine_->wake(fabric_.wake_handle(s), FabricLink::kWakeTag);
        }
        engine_->run_once(false, 0, *handler_);
      }
    }
    if (reported_drained_ && fabric_.all_drained() && !core_->incoming_nonempty()) {
      finished_ = true;
    }
  }
  return left || expiry_left;
}

int Shard::merge_timeout(int a, int b) {
  if (a < 0) return b;
  if (b < 0) return a;
  return std::min(a, b);
}

void Shard::on_completion(const runtime::Completion& comp) {
  if (!clock_fresh_) {
    // The first completion after a wait: commands must see the time they run at (OBJECT
    // IDLETIME), not the time the loop went to sleep.
    core_->store().refresh_clock();
    clock_fresh_ = true;
  }
  uint64_t tag = comp.tag;
  if (tag == accept_tag_) {
    on_accept(comp.res, comp.more);
    return;
  }
  if (tag == stop_tag_) {
    begin_stop();
    return;
  }
  if (tag == FabricLink::kWakeTag) return;
  if (core_->aof().owns_tag(tag)) {
    core_->aof().on_completion(tag, comp.res, mono_ms());
    return;
  }
  auto* c = reinterpret_cast<Connection*>(tag & ~uint64_t{7});
  if ((tag & 7) == kOpRecv) {
    on_recv(*c, comp);
  } else {
    c->send_inflight = false;
    on_send(*c, comp.res);
  }
  maybe_free(*c);
}

void Shard::on_accept(int res, bool more) {
  if (!more) accept_armed_ = false;
  if (res < 0) {
    if (res != -ECANCELED) {
      // Out of descriptors or memory: retry in a moment rather than spin on the error.
      SHARDIS_LOG_WARN("accept: %s; retrying in %d ms", std::strerror(-res), kAcceptRetryMs);
      accept_retry_at_ms_ = mono_ms() + kAcceptRetryMs;
    }
    return;
  }
  if (stopping_) {
    ::close(res);
    return;
  }
  runtime::tune_client_socket(res);
  arm_recv(add_connection(res));
}

Connection& Shard::add_connection(int fd) {
  auto* c = new Connection(fd, core_->new_client_id());
  c->shard_index = static_cast<uint32_t>(conns_.size());
  conns_.push_back(c);
  core_->add_client(*c);
  return *c;
}

void Shard::on_recv(Connection& c, const runtime::Completion& comp) {
  int res = comp.res;
  if (!comp.more) {
    c.recv_armed = false;
    c.recv_cancelling = false;
  }
  if (comp.buffer >= 0) {
    bool fits =
        res <= 0 || c.append_input(engine_->pool_data(comp.buffer), static_cast<size_t>(res));
    engine_->release_pool_buffer(comp.buffer);
    if (!fits) {
      SHARDIS_LOG_WARN("closing client id=%llu: query buffer reached %zu bytes",
                       static_cast<unsigned long long>(c.client.id), Connection::kMaxQueryBuffer);
      close_conn(c);
      return;
    }
  } else if (res > 0) {
    c.received(static_cast<size_t>(res));
  }
  if (res == -ECANCELED || res == -ENOBUFS) {
    // Throttled on purpose, or the pool ran dry for a moment: re-armed when it may read again.
    pump(c);
    return;
  }
  if (res <= 0) {
    // Peer closed or error: Redis frees such a client at once, unsent replies included. While
    // stopping, a 0 comes from our own shutdown(SHUT_RD) and the replies still go out.
    c.eof = true;
    if (!stopping_ || res < 0) close_conn(c);
    return;
  }
  pump(c);
}

void Shard::on_send(Connection& c, int res) {
  if (res < 0) {
    close_conn(c);
    return;
  }
  c.out.consume(static_cast<size_t>(res));
  c.sent_bytes += static_cast<uint64_t>(res);
  if (c.closed) return;
  pump(c);
}

void Shard::output_ready(Connection& c) {
  if (c.closed) {
    // Freed later in the turn, never from inside the call chain that reported it.
    if (!c.free_check) {
      c.free_check = true;
      free_checks_.push_back(&c);
    }
    return;
  }
  if (!c.out.empty()) want_send(c);
}

void Shard::close_client(Connection& c, const char* reason) {
  if (c.closed) return;
  SHARDIS_LOG_WARN("closing client id=%llu: %s", static_cast<unsigned long long>(c.client.id),
                   reason);
  close_conn(c);
}

void Shard::pump(Connection& c) {
  if (c.closed) return;
  if (!stopping_) core_->process_input(c);
  if (c.client.close_after_reply && c.pending.empty() && c.out.empty() && !c.send_inflight) {
    close_conn(c);
    return;
  }
  if (!c.out.empty()) want_send(c);
  if (opts_.recv_multishot) {
    if (c.recv_armed && !c.recv_cancelling && !core_->flow().may_read(c)) {
      engine_->cancel(reinterpret_cast<uint64_t>(&c) | kOpRecv);
      c.recv_cancelling = true;
    }
    if (c.unparsed().empty()) c.release_input();
  }
  arm_recv(c);
}

void Shard::arm_recv(Connection& c) {
  if (c.recv_armed || c.eof || c.closed || stopping_ || !core_->flow().may_read(c)) return;
  if (opts_.recv_multishot) {
    engine_->recv_multishot(c.fd(), reinterpret_cast<uint64_t>(&c) | kOpRecv);
    c.recv_armed = true;
    return;
  }
  size_t len = 0;
  char* space = c.recv_space(&len);
  if (space == nullptr) {
    SHARDIS_LOG_WARN("closing client id=%llu: query buffer reached %zu bytes",
                     static_cast<unsigned long long>(c.client.id), Connection::kMaxQueryBuffer);
    close_conn(c);
    return;
  }
  engine_->recv(c.fd(), space, len, reinterpret_cast<uint64_t>(&c) | kOpRecv);
  c.recv_armed = true;
}

void Shard::want_send(Connection& c) {
  if (c.in_send_list || c.closed) return;
  c.in_send_list = true;
  send_list_.push_back(&c);
}

void Shard::submit_sends() {
  for (Connection* c : send_list_) {
    c->in_send_list = false;
    if (c->closed) {
      maybe_free(*c);  // the send list may have been the last thing keeping it
      continue;
    }
    if (c->send_inflight) continue;
    const size_t limit = sendable(*c);
    if (limit == 0) {
      if (!c->in_held_list && !c->out.empty()) {
        c->in_held_list = true;
        held_.push_back(c);
      }
      continue;
    }
    if (c->prepare_send(limit)) {
      engine_->sendmsg(c->fd(), c->send_msg(), reinterpret_cast<uint64_t>(c) | kOpSend);
      c->send_inflight = true;
    }
  }
  send_list_.clear();
}

size_t Shard::sendable(Connection& c) {
  const AofLog& aof = core_->aof();
  if (c.durable_seq > aof.released()) {
    // The output not marked yet may depend on records not yet durable. Bytes still in pending
    // slots enter `out` later: the seq stays for them until none is left.
    const uint64_t total = c.sent_bytes + c.out.size();
    const uint64_t start = c.durable.empty() ? c.sent_bytes : c.durable.back().end;
    if (total > start) c.durable.push_back({c.durable_seq, start, total});
  }
  if (c.pending.empty()) c.durable_seq = 0;
  while (!c.durable.empty() && c.durable.front().seq <= aof.released()) c.durable.pop_front();
  if (c.durable.empty()) return SIZE_MAX;
  const uint64_t start = c.durable.front().start;
  return start > c.sent_bytes ? static_cast<size_t>(start - c.sent_bytes) : 0;
}

void Shard::release_held() {
  if (held_.empty() || core_->aof().released() == held_released_) return;
  held_released_ = core_->aof().released();
  std::vector<Connection*> held;
  held.swap(held_);
  for (Connection* c : held) {
    c->in_held_list = false;
    if (c->closed) {
      maybe_free(*c);
      continue;
    }
    want_send(*c);
  }
}

void Shard::close_conn(Connection& c) {
  if (c.closed) return;
  c.closed = true;
  c.eof = true;
  core_->remove_client(c);
  // shutdown() ends a pending receive at once; the close itself is queued on the ring.
  ::shutdown(c.fd(), SHUT_RDWR);
  engine_->close(c.fd());
}

void Shard::maybe_free(Connection& c) {
  if (!c.closed || c.recv_armed || c.send_inflight || c.hops_inflight > 0 || c.in_send_list ||
      c.free_check || c.in_held_list) {
    return;
  }
  core_->flow().forget(c);
  uint32_t i = c.shard_index;
  conns_[i] = conns_.back();
  conns_[i]->shard_index = i;
  conns_.pop_back();
  delete &c;
}

void Shard::begin_stop() {
  if (stopping_) return;
  stopping_ = true;
  stop_started_ms_ = mono_ms();
  if (listen_fd_ >= 0) {
    engine_->cancel_fd(listen_fd_);
    engine_->close(listen_fd_);
    listen_fd_ = -1;
  }
  for (Connection* c : conns_) {
    c->eof = true;
    if (!c->closed) ::shutdown(c->fd(), SHUT_RD);
  }
}

bool Shard::drained() const {
  if (!core_->quiet()) return false;
  // The AOF's last records are written before the loop ends (unless the disk fails them past
  // the drain deadline: AofLog::close then tries once more, blocking).
  if (!core_->aof().idle() && mono_ms() - stop_started_ms_ <= opts_.drain_deadline_ms) {
    return false;
  }
  for (const Connection* c : conns_) {
    if (!c->closed && (!c->out.empty() || !c->pending.empty() || c->send_inflight)) return false;
  }
  return true;
}

}  // namespace shardis::server
