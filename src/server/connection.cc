#include <shardis/server/blocking/blocking.h>
#include <shardis/server/connection.h>
#include <shardis/server/pubsub/pubsub.h>

#include <algorithm>
#include <cstring>

namespace shardis::server {

Connection::Connection(int fd, uint64_t id) : fd_(fd) {
  client.id = id;
}

Connection::~Connection() = default;

void Connection::consume_input(size_t n) {
  in_begin_ += n;
  if (in_begin_ == in_end_) in_begin_ = in_end_ = 0;
}

char* Connection::recv_space(size_t* len) {
  if (!in_) {
    in_cap_ = kInitialInput;
    in_ = std::make_unique<char[]>(in_cap_);
  }
  if (in_cap_ - in_end_ < kMinRecvRoom && in_begin_ > 0) {
    std::memmove(in_.get(), in_.get() + in_begin_, in_end_ - in_begin_);
    in_end_ -= in_begin_;
    in_begin_ = 0;
  }
  if (in_cap_ - in_end_ < kMinRecvRoom) {
    if (in_end_ >= kMaxQueryBuffer) return nullptr;
    size_t cap = in_cap_ * 2;
    auto bigger = std::make_unique<char[]>(cap);
    std::memcpy(bigger.get(), in_.get() + in_begin_, in_end_ - in_begin_);
    in_end_ -= in_begin_;
    in_begin_ = 0;
    in_ = std::move(bigger);
    in_cap_ = cap;
  }
  *len = in_cap_ - in_end_;
  return in_.get() + in_end_;
}

bool Connection::append_input(const char* data, size_t n) {
  while (n > 0) {
    size_t room = 0;
    char* dst = recv_space(&room);
    if (dst == nullptr) return false;
    size_t k = std::min(room, n);
    std::memcpy(dst, data, k);
    in_end_ += k;
    data += k;
    n -= k;
  }
  return true;
}

void Connection::release_input() {
  if (in_begin_ != in_end_) return;
  in_.reset();
  in_cap_ = in_begin_ = in_end_ = 0;
}

proto::ReplyBuffer& Connection::local_sink() {
  if (pending.empty()) return out;
  // Consecutive local replies behind a remote one share one completed slot.
  if (pending.back().done) return pending.back().buf;
  pending.emplace_back();
  pending.back().done = true;
  return pending.back().buf;
}

ReplySlot* Connection::add_pending_slot() {
  pending.emplace_back();
  return &pending.back();
}

void Connection::drain_pending() {
  while (!pending.empty() && pending.front().done) {
    out.append_buffer(std::move(pending.front().buf));
    pending.pop_front();
  }
}

void Connection::push(std::string_view bytes) {
  if (client.resp >= 3 || pending.empty()) {
    out.append(bytes);
  } else {
    local_sink().append(bytes);
  }
}

bool Connection::prepare_send(size_t limit) {
  size_t n = out.gather(iov_, kMaxIov);
  size_t kept = 0;
  for (size_t total = 0; kept < n && total < limit; ++kept) {
    iov_[kept].iov_len = std::min(iov_[kept].iov_len, limit - total);
    total += iov_[kept].iov_len;
  }
  n = kept;
  if (n == 0) return false;
  msg_ = msghdr{};
  msg_.msg_iov = iov_;
  msg_.msg_iovlen = n;
  return true;
}

}  // namespace shardis::server
