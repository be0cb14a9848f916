// ok-server: answers +OK to every command, through the same shards, io_uring loop, RESP parser
// and send path as shardis-server, but with no dispatch and no keyspace. Its throughput is the
// ceiling the I/O path allows; bench/compare_redis.py puts it in the same table.
#include <shardis/base/log.h>
#include <shardis/runtime/process.h>
#include <shardis/server/registry.h>
#include <shardis/server/server_flags.h>
#include <shardis/server/shard_set.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <string>

int main(int argc, char** argv) {
  using namespace shardis;
  server::ServerFlags flags;
  flags.port = 6390;
  flags.cores = 1;
  CLI::App app{"Shardis +OK server (I/O path benchmark)"};
  server::add_server_flags(app, flags);
  CLI11_PARSE(app, argc, argv);
  server::ServerConfig config = server::config_from_flags(flags);
  config.options.core.reply_ok_only = true;

  runtime::prepare_process();

  server::Registry registry;
  server::ShardSet shards(config, registry);
  std::string error;
  if (!shards.start(&error)) {
    SHARDIS_LOG_ERROR("cannot start: %s", error.c_str());
    return 1;
  }
  SHARDIS_LOG_INFO("ok-server started: %u shards, %s:%d, pid %d", config.shards,
                   config.bind.c_str(), flags.port, static_cast<int>(getpid()));
  runtime::wait_for_stop_signal();
  shards.stop();
  return 0;
}
