// shardis-server: flags -> ServerConfig -> start the shards -> wait for SIGINT/SIGTERM.
#include <shardis/base/log.h>
#include <shardis/runtime/process.h>
#include <shardis/server/registry.h>
#include <shardis/server/shard_set.h>
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <string>
#include <thread>

#include "shardis_config.h"

int main(int argc, char** argv) {
  using namespace shardis;
  server::ServerConfig config;
  unsigned cores = SHARDIS_DEFAULT_CORES;
  int port = 6379;

  CLI::App app{"Shardis: a Redis-compatible in-memory data server, one shard per core"};
  app.set_version_flag("--version", std::string("shardis-server ") + SHARDIS_VERSION);
  app.add_option("--port", port, "TCP port to listen on")->check(CLI::Range(1, 65535));
  app.add_option("--bind", config.bind, "IPv4 address to listen on");
  app.add_option("--cores", cores, "Number of shards, one thread each (default: all online CPUs)")
      ->check(CLI::Range(1u, 1024u));
  std::string recv_mode = "multishot";
  app.add_option("--recv-mode", recv_mode,
                 "Socket receive: plain (one recv per read into the connection's buffer) or "
                 "multishot (armed once, buffers from a per-shard pool)")
      ->check(CLI::IsMember({"plain", "multishot"}));
  CLI11_PARSE(app, argc, argv);
  config.options.recv_multishot = recv_mode == "multishot";

  if (cores == 0) cores = std::max(1u, std::thread::hardware_concurrency());
  config.port = static_cast<uint16_t>(port);
  config.shards = cores;
  config.options.ring_entries = SHARDIS_URING_ENTRIES;

  runtime::prepare_process();

  server::Registry registry;
  server::register_all_families(registry);
  server::ShardSet shards(config, registry);
  std::string error;
  if (!shards.start(&error)) {
    SHARDIS_LOG_ERROR("cannot start: %s", error.c_str());
    return 1;
  }
  SHARDIS_LOG_INFO("Shardis %s started: %u shards, listening on %s:%d, pid %d", SHARDIS_VERSION,
                   cores, config.bind.c_str(), port, static_cast<int>(getpid()));
  int sig = runtime::wait_for_stop_signal();
  SHARDIS_LOG_INFO("received %s, finishing replies and stopping",
                   sig == SIGINT ? "SIGINT" : "SIGTERM");
  shards.stop();
  SHARDIS_LOG_INFO("Shardis stopped");
  return 0;
}
