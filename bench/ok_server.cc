// ok-server: answers +OK to every command, through the same shards, io_uring loop, RESP parser
// and send path as shardis-server, but with no dispatch and no keyspace. Its throughput is the
// ceiling the I/O path allows; bench/compare_redis.sh puts it in the same table.
#include <shardis/base/log.h>
#include <shardis/runtime/process.h>
#include <shardis/server/registry.h>
#include <shardis/server/shard_set.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <string>
#include <thread>

int main(int argc, char** argv) {
  using namespace shardis;
  server::ServerConfig config;
  unsigned cores = 1;
  int port = 6390;
  CLI::App app{"Shardis +OK server (I/O path benchmark)"};
  app.add_option("--port", port, "TCP port")->check(CLI::Range(1, 65535));
  app.add_option("--bind", config.bind, "IPv4 address");
  app.add_option("--cores", cores, "Number of shards")->check(CLI::Range(1u, 1024u));
  std::string recv_mode = "multishot";
  app.add_option("--recv-mode", recv_mode,
                 "Socket receive: plain (one recv per read into the connection's buffer) or "
                 "multishot (armed once, buffers from a per-shard pool)")
      ->check(CLI::IsMember({"plain", "multishot"}));
  CLI11_PARSE(app, argc, argv);
  config.options.recv_multishot = recv_mode == "multishot";
  config.port = static_cast<uint16_t>(port);
  config.shards = cores;
  config.options.reply_ok_only = true;

  runtime::prepare_process();

  server::Registry registry;
  server::ShardSet shards(config, registry);
  std::string error;
  if (!shards.start(&error)) {
    SHARDIS_LOG_ERROR("cannot start: %s", error.c_str());
    return 1;
  }
  SHARDIS_LOG_INFO("ok-server started: %u shards, %s:%d, pid %d", cores, config.bind.c_str(), port,
                   static_cast<int>(getpid()));
  runtime::wait_for_stop_signal();
  shards.stop();
  return 0;
}
