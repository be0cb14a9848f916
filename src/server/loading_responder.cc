#include <poll.h>
#include <shardis/base/clock.h>
#include <shardis/base/number_format.h>
#include <shardis/proto/resp_parser.h>
#include <shardis/runtime/socket_util.h>
#include <shardis/server/loading_responder.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace shardis::server {

namespace {
constexpr std::string_view kLoading = "-LOADING Redis is loading the dataset in memory\r\n";
constexpr int kPollMs = 10;
}  // namespace

LoadingResponder::LoadingResponder(std::vector<int> listen_fds)
    : listen_fds_(std::move(listen_fds)), started_ms_(base::SystemClock::instance().now_ms()) {}

LoadingResponder::~LoadingResponder() {
  for (Client& c : clients_) ::close(c.fd);
}

void LoadingResponder::accept_from(uint32_t shard) {
  // One per readiness: the listener may be blocking.
  const int fd = ::accept4(listen_fds_[shard], nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) return;  // an error the shard's own accept will meet again
  runtime::tune_client_socket(fd);
  clients_.push_back(Client{shard, fd, {}, {}});
}

bool LoadingResponder::flush(Client& c) {
  while (!c.out.empty()) {
    const ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    if (n <= 0) return false;
    c.out.erase(0, static_cast<size_t>(n));
  }
  return true;
}

bool LoadingResponder::serve(Client& c) {
  proto::RespParser parser;
  size_t used = 0;
  for (;;) {
    const std::string_view in = std::string_view(c.in).substr(used);
    if (in.empty()) break;
    const proto::RespParser::Status st = parser.parse(in);
    if (st == proto::RespParser::Status::kError) return false;
    if (st == proto::RespParser::Status::kNeedMore) {
      used += parser.consumed();
      break;
    }
    const auto& args = parser.args();
    if (!args.empty() && base::iequals(args[0], "info")) {
      const int64_t now = base::SystemClock::instance().now_ms();
      std::string body = "# Persistence\r\nloading:1\r\nasync_loading:0\r\nloading_start_time:" +
                         std::to_string(started_ms_ / 1000) + "\r\nloading_total_bytes:0\r\n" +
                         "loading_rdb_used_mem:0\r\nloading_loaded_bytes:0\r\n" +
                         "loading_loaded_perc:0.00\r\nloading_eta_seconds:1\r\n" +
                         "loading_elapsed_seconds:" + std::to_string((now - started_ms_) / 1000) +
                         "\r\n";
      c.out += "$" + std::to_string(body.size()) + "\r\n" + body + "\r\n";
    } else {
      c.out += kLoading;
    }
    used += parser.consumed();
    parser.reset();
  }
  c.in.erase(0, used);
  return c.in.size() <= kMaxInput && flush(c);
}

void LoadingResponder::run(const std::function<bool()>& done) {
  std::vector<pollfd> fds;
  while (!done()) {
    fds.clear();
    for (int l : listen_fds_) fds.push_back(pollfd{l, POLLIN, 0});
    for (const Client& c : clients_) {
      fds.push_back(pollfd{c.fd, static_cast<short>(POLLIN | (c.out.empty() ? 0 : POLLOUT)), 0});
    }
    if (::poll(fds.data(), fds.size(), kPollMs) <= 0) continue;
    for (uint32_t i = 0; i < listen_fds_.size(); ++i) {
      if (fds[i].revents & POLLIN) accept_from(i);
    }
    std::vector<Client> kept;
    const size_t n = fds.size() - listen_fds_.size();
    for (size_t i = 0; i < clients_.size(); ++i) {
      Client& c = clients_[i];
      const short ev = i < n ? fds[listen_fds_.size() + i].revents : 0;
      bool ok = true;
      if (ev & (POLLIN | POLLHUP | POLLERR)) {
        char buf[16384];
        const ssize_t got = ::recv(c.fd, buf, sizeof(buf), MSG_DONTWAIT);
        if (got > 0) {
          c.in.append(buf, static_cast<size_t>(got));
          ok = serve(c);
        } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
          ok = false;
        }
      }
      if (ok && (ev & POLLOUT)) ok = flush(c);
      if (ok) {
        kept.push_back(std::move(c));
      } else {
        ::close(c.fd);
      }
    }
    clients_ = std::move(kept);
  }
}

std::vector<LoadingResponder::Handover> LoadingResponder::take() {
  std::vector<Handover> out;
  for (Client& c : clients_) {
    // A client that cannot take its last answers now (it pipelined without reading) is closed
    // rather than waited for.
    if (!flush(c) || !c.out.empty()) {
      ::close(c.fd);
      continue;
    }
    out.push_back(Handover{c.shard, c.fd, std::move(c.in)});
  }
  clients_.clear();
  return out;
}

}  // namespace shardis::server
