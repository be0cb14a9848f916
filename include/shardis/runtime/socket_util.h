#pragma once
// Socket set-up done once per shard at start (not on the hot path).
#include <cstdint>
#include <string>

namespace shardis::runtime {

// A listening TCP socket with SO_REUSEPORT, so every shard can own one for the same port and
// the kernel spreads connections between them. Returns the fd, or -1 with *error set.
int open_reuseport_listener(const std::string& bind_addr, uint16_t port, std::string* error);
// Options for an accepted client socket (TCP_NODELAY).
void tune_client_socket(int fd);
// Raises RLIMIT_NOFILE towards want; returns the limit in force.
uint64_t raise_fd_limit(uint64_t want);

}  // namespace shardis::runtime
