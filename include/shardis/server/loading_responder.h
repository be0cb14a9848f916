#pragma once
// LoadingResponder: while the shards load their data at start (snapshot or append-only file),
// answers the clients that connect, as redis-server does while loading: INFO says "loading:1"
// (clients such as ioredis wait on it), every other command gets
// "-LOADING Redis is loading the dataset in memory". Once every shard has loaded, the sockets it
// accepted, with any input not answered yet, go to the shard whose listener accepted them.
//
// Thread: the main thread, before the shards' loops run; it only accepts on the shards'
// listeners (their loops arm their own accepts later) and touches its own sockets.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace shardis::server {

class LoadingResponder {
 public:
  // listen_fds[i]: shard i's listener (not owned).
  explicit LoadingResponder(std::vector<int> listen_fds);
  ~LoadingResponder();
  LoadingResponder(const LoadingResponder&) = delete;
  LoadingResponder& operator=(const LoadingResponder&) = delete;

  // Serves clients until done() returns true (checked every 10 ms at least).
  void run(const std::function<bool()>& done);

  struct Handover {
    uint32_t shard = 0;
    int fd = -1;
    std::string input;  // received and not answered: the start of the next command(s)
  };
  // The open connections, for their shards; they are no longer this object's.
  std::vector<Handover> take();

  static constexpr size_t kMaxInput = 64 * 1024;  // more unanswered input closes the client

 private:
  struct Client {
    uint32_t shard;
    int fd;
    std::string in;
    std::string out;
  };
  void accept_from(uint32_t shard);
  // Answers every complete command of c's input; false when c must be closed.
  bool serve(Client& c);
  bool flush(Client& c);

  std::vector<int> listen_fds_;
  std::vector<Client> clients_;
  int64_t started_ms_ = 0;
};

}  // namespace shardis::server
