#pragma once
// Command-line flags shared by shardis-server and bench/ok-server, so both binaries accept the
// same names, defaults and checks. Header-only: only the binaries depend on CLI11.
#include <shardis/server/pubsub/pubsub.h>
#include <shardis/server/shard_set.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <string>
#include <thread>

namespace shardis::server {

struct ServerFlags {
  int port = 6379;
  std::string bind = "127.0.0.1";
  unsigned cores = 0;  // 0: all online CPUs
  std::string recv_mode = "multishot";
  std::string notify_keyspace_events;  // Redis's notify-keyspace-events classes ("" = off)
};

// Declares --port, --bind, --cores and --recv-mode on app, bound to flags.
inline void add_server_flags(CLI::App& app, ServerFlags& flags) {
  app.add_option("--port", flags.port, "TCP port to listen on")->check(CLI::Range(1, 65535));
  app.add_option("--bind", flags.bind, "IPv4 address to listen on");
  app.add_option("--cores", flags.cores,
                 "Number of shards, one thread each (default: all online CPUs)")
      ->check(CLI::Range(1u, 1024u));
  app.add_option("--recv-mode", flags.recv_mode,
                 "Socket receive: multishot (armed once, buffers from a per-shard pool) or plain "
                 "(one recv per read into the connection's buffer)")
      ->check(CLI::IsMember({"plain", "multishot"}));
  app.add_option("--notify-keyspace-events", flags.notify_keyspace_events,
                 "Keyspace notification classes, as Redis's notify-keyspace-events (e.g. KEA)")
      ->check([](const std::string& v) {
        bool ok = false;
        notify_flags_from_string(v, &ok);
        return ok ? std::string()
                  : std::string("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
      });
}

// The ServerConfig the parsed flags describe.
inline ServerConfig config_from_flags(const ServerFlags& flags) {
  ServerConfig config;
  config.bind = flags.bind;
  config.port = static_cast<uint16_t>(flags.port);
  config.shards =
      flags.cores != 0 ? flags.cores : std::max(1u, std::thread::hardware_concurrency());
  config.options.recv_multishot = flags.recv_mode == "multishot";
  bool ok = false;
  config.options.core.notify_flags = notify_flags_from_string(flags.notify_keyspace_events, &ok);
  return config;
}

}  // namespace shardis::server
