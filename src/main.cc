// shardis-server: flags -> ServerConfig -> start the shards -> wait for SIGINT/SIGTERM.
#include <shardis/base/log.h>
#include <shardis/runtime/process.h>
#include <shardis/server/persist/snapshot.h>
#include <shardis/server/registry.h>
#include <shardis/server/server_flags.h>
#include <shardis/server/shard_set.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <string>

#include "shardis_config.h"

int main(int argc, char** argv) {
  using namespace shardis;
  server::ServerFlags flags;
  flags.cores = SHARDIS_DEFAULT_CORES;
  CLI::App app{"Shardis: a Redis-compatible in-memory data server, one shard per core"};
  app.set_version_flag("--version", std::string("shardis-server ") + SHARDIS_VERSION);
  server::add_server_flags(app, flags);
  CLI11_PARSE(app, argc, argv);
  server::ServerConfig config = server::config_from_flags(flags);
  config.options.ring_entries = SHARDIS_URING_ENTRIES;

  runtime::prepare_process();
  struct stat dir_stat {};
  if (::stat(config.options.core.persist.dir.c_str(), &dir_stat) != 0 ||
      !S_ISDIR(dir_stat.st_mode)) {
    SHARDIS_LOG_ERROR("Can't chdir to '%s': %s", config.options.core.persist.dir.c_str(),
                      std::strerror(errno != 0 ? errno : ENOTDIR));
    return 1;
  }

  server::Registry registry;
  server::register_all_families(registry);
  server::ShardSet shards(config, registry);
  std::string error;
  if (!shards.start(&error)) {
    SHARDIS_LOG_ERROR("cannot start: %s", error.c_str());
    return 1;
  }
  SHARDIS_LOG_INFO("Shardis %s started: %u shards, listening on %s:%d, pid %d, idle poll %d us",
                   SHARDIS_VERSION, config.shards, config.bind.c_str(), flags.port,
                   static_cast<int>(getpid()), config.options.idle_poll_us);
  int sig = runtime::wait_for_stop_signal();
  SHARDIS_LOG_INFO("received %s, finishing replies and stopping",
                   sig == SIGINT ? "SIGINT" : "SIGTERM");
  // SHUTDOWN has saved already (or was told not to save).
  if (!shards.stop(!server::shutdown_skips_save(), &error)) {
    SHARDIS_LOG_ERROR("Error trying to save the DB: %s", error.c_str());
    return 1;
  }
  SHARDIS_LOG_INFO("Shardis stopped");
  return 0;
}
