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
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
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
      store_(base::SystemClock::instance(), id, fabric.shards()) {}

Shard::~Shard() {
  for (Connection* c : conns_) {
    if (!c->closed) ::close(c->fd());
    delete c;
  }
  if (listen_fd_ >= 0) ::close(listen_fd_);
  if (stop_fd_ >= 0) ::close(stop_fd_);
}

bool Shard::init(std::string* error) {
  try {
    engine_ = std::make_unique<runtime::UringEngine>(opts_.ring_entries);
  } catch (const std::exception& e) {
    *error = e.what();
    return false;
  }
  if (opts_.recv_multishot &&
      !engine_->setup_recv_pool(opts_.recv_pool_buffers, opts_.recv_pool_buffer_size, error)) {
    return false;
  }
  dispatcher_ =
      std::make_unique<Dispatcher>(id_, fabric_, registry_, info_, store_, *engine_, *this);
  fabric_.set_wake_handle(id_, engine_->wake_handle());
  return true;
}

void Shard::request_stop() {
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(stop_fd_, &one, sizeof(one));
}

void Shard::run() {
  engine_->read(stop_fd_, &stop_buf_, sizeof(stop_buf_), kStopTag);
  engine_->accept_multishot(listen_fd_, kAcceptTag);
  accept_armed_ = true;
  bool block = true;
  for (;;) {
    if (block) {
      // Announce sleep, then re-check the rings: a producer that published before seeing the
      // flag is caught here, one that publishes after sees the flag and wakes us.
      fabric_.sleeping(id_).store(true, std::memory_order_relaxed);
      std::atomic_thread_fence(std::memory_order_seq_cst);
      if (dispatcher_->incoming_nonempty()) block = false;
    }
    // While stopping, or while accept is paused after an error, wake up periodically; while
    // keys have a TTL, wake up for the next expiry (or every expire_idle_wake_ms at most).
    int timeout_ms = (stopping_ || !accept_armed_) ? 50 : -1;
    if (block) timeout_ms = merge_timeout(timeout_ms, expiry_wait_ms());
    engine_->run_once(block, timeout_ms, *this);
    fabric_.sleeping(id_).store(false, std::memory_order_relaxed);

    bool left = dispatcher_->drain_incoming(opts_.incoming_budget);
    if (dispatcher_->take_credit_event() && !credit_waiters_.empty()) {
      std::vector<Connection*> waiters;
      waiters.swap(credit_waiters_);
      for (Connection* c : waiters) {
        c->waiting_credits = false;
        if (!c->closed) pump(*c);
        maybe_free(*c);
      }
    }
    if (!accept_armed_ && !stopping_ && mono_ms() >= accept_retry_at_ms_) {
      engine_->accept_multishot(listen_fd_, kAcceptTag);
      accept_armed_ = true;
    }
    bool expiry_left = store_.on_turn(opts_.expire_keys_per_turn, opts_.expire_budget_us);
    dispatcher_->flush();
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
            if (s != id_) engine_->wake(fabric_.wake_handle(s), Dispatcher::kWakeTag);
          }
          engine_->run_once(false, 0, *this);
        }
      }
      if (reported_drained_ && fabric_.all_drained() && !dispatcher_->incoming_nonempty()) break;
    }
    block = !left && !expiry_left;
  }
}

int Shard::expiry_wait_ms() const {
  int64_t next = store_.next_expiry();
  if (next < 0) return -1;
  int64_t wait = next - store_.clock().now_ms();
  if (wait < 1) wait = 1;
  return static_cast<int>(std::min<int64_t>(wait, opts_.expire_idle_wake_ms));
}

int Shard::merge_timeout(int a, int b) {
  if (a < 0) return b;
  if (b < 0) return a;
  return std::min(a, b);
}

void Shard::on_completion(const runtime::Completion& comp) {
  uint64_t tag = comp.tag;
  switch (tag) {
    case kAcceptTag:
      on_accept(comp.res, comp.more);
      return;
    case Dispatcher::kWakeTag:
      return;
    case kStopTag:
      begin_stop();
      return;
    default:
      break;
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
  auto* c = new Connection(res, fabric_.next_client_id());
  c->shard_index = static_cast<uint32_t>(conns_.size());
  conns_.push_back(c);
  arm_recv(*c);
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
  if (c.closed) return;
  pump(c);
}

void Shard::on_remote_reply(Connection& c) {
  if (c.closed) {
    maybe_free(c);
    return;
  }
  if (!c.out.empty()) want_send(c);
}

bool Shard::throttled(const Connection& c) const {
  return c.waiting_credits || c.client.close_after_reply || over_high_water(c);
}

bool Shard::over_high_water(const Connection& c) const {
  return c.out.size() > opts_.out_high_water || c.pending.size() > opts_.max_pending_replies;
}

void Shard::pump(Connection& c) {
  if (c.closed) return;
  process_input(c);
  if (c.client.close_after_reply && c.pending.empty() && c.out.empty() && !c.send_inflight) {
    close_conn(c);
    return;
  }
  if (!c.out.empty()) want_send(c);
  if (opts_.recv_multishot) {
    if (c.recv_armed && !c.recv_cancelling && throttled(c)) {
      engine_->cancel(reinterpret_cast<uint64_t>(&c) | kOpRecv);
      c.recv_cancelling = true;
    }
    if (c.unparsed().empty()) c.release_input();
  }
  arm_recv(c);
}

void Shard::process_input(Connection& c) {
  while (!stopping_ && !c.client.close_after_reply && !c.waiting_credits && !over_high_water(c)) {
    std::string_view in = c.unparsed();
    if (in.empty()) return;
    auto st = c.parser.parse(in);
    if (st == proto::RespParser::Status::kNeedMore) {
      c.consume_input(c.parser.consumed());
      return;
    }
    if (st == proto::RespParser::Status::kError) {
      proto::ReplyBuilder rb(c.local_sink(), c.client.resp);
      rb.error("ERR " + c.parser.error());
      c.client.close_after_reply = true;
      c.consume_input(in.size());
      return;
    }
    const auto& args = c.parser.args();
    if (opts_.reply_ok_only) {
      proto::ReplyBuilder(c.local_sink(), c.client.resp).ok();
    } else if (!dispatcher_->dispatch(c, args)) {
      c.parser.reset();
      c.waiting_credits = true;
      credit_waiters_.push_back(&c);
      return;
    }
    c.consume_input(c.parser.consumed());
  }
}

void Shard::arm_recv(Connection& c) {
  if (c.recv_armed || c.eof || c.closed || stopping_ || throttled(c)) return;
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
    if (c->closed || c->send_inflight) continue;
    if (c->prepare_send()) {
      engine_->sendmsg(c->fd(), c->send_msg(), reinterpret_cast<uint64_t>(c) | kOpSend);
      c->send_inflight = true;
    }
  }
  send_list_.clear();
}

void Shard::close_conn(Connection& c) {
  if (c.closed) return;
  c.closed = true;
  c.eof = true;
  // shutdown() ends a pending receive at once; the close itself is queued on the ring.
  ::shutdown(c.fd(), SHUT_RDWR);
  engine_->close(c.fd());
}

void Shard::maybe_free(Connection& c) {
  if (!c.closed || c.recv_armed || c.send_inflight || c.hops_inflight > 0 || c.in_send_list) {
    return;
  }
  std::erase(credit_waiters_, &c);
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
  if (dispatcher_->hops_outstanding() > 0) return false;
  for (const Connection* c : conns_) {
    if (!c->closed && (!c->out.empty() || !c->pending.empty() || c->send_inflight)) return false;
  }
  return true;
}

}  // namespace shardis::server
