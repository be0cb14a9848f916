#pragma once
// Command-line flags shared by shardis-server and bench/ok-server, so both binaries accept the
// same names, defaults and checks. Header-only: only the binaries depend on CLI11.
#include <sched.h>
#include <shardis/server/persist/persist_settings.h>
#include <shardis/server/pubsub/pubsub.h>
#include <shardis/server/shard_set.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace shardis::server {

// Bounded polling before sleep, microseconds (docs/event-loop.md has the measurement): on when
// the shards leave at least half the CPUs to others, as the default --cores does; off when they
// would take CPU time that clients on the same CPUs need.
constexpr int kIdlePollUs = 50;

struct ServerFlags {
  int port = 6379;
  std::string bind = "127.0.0.1";
  unsigned cores = 0;  // 0: default_shards()
  std::string recv_mode = "multishot";
  std::string notify_keyspace_events;  // Redis's notify-keyspace-events classes ("" = off)
  int idle_poll_us = -1;               // -1: kIdlePollUs when shards <= CPUs / 2, else 0
  PersistSettings persist;
};

// "yes"/"no" flags, as redis.conf spells booleans.
inline bool flag_yes(const std::string& v) {
  return v == "yes";
}

// Declares --port, --bind, --cores and --recv-mode on app, bound to flags.
inline void add_server_flags(CLI::App& app, ServerFlags& flags) {
  app.add_option("--port", flags.port, "TCP port to listen on")->check(CLI::Range(1, 65535));
  app.add_option("--bind", flags.bind, "IPv4 address to listen on");
  app.add_option("--cores", flags.cores,
                 "Number of shards, one thread each (default: half the CPUs this process may "
                 "run on, at least 1)")
      ->check(CLI::Range(1u, 1024u));
  app.add_option("--recv-mode", flags.recv_mode,
                 "Socket receive: multishot (armed once, buffers from a per-shard pool) or plain "
                 "(one recv per read into the connection's buffer)")
      ->check(CLI::IsMember({"plain", "multishot"}));
  app.add_option("--idle-poll-us", flags.idle_poll_us,
                 "After a loop turn with work, poll this many microseconds for more before "
                 "sleeping (0: sleep at once; default: 50 when the shards are at most half the "
                 "CPUs, else 0)")
      ->check(CLI::Range(-1, 10000));
  app.add_option("--dir", flags.persist.dir, "Directory of the snapshot files (Redis's dir)");
  app.add_option("--dbfilename", flags.persist.dbfilename,
                 "Snapshot file name (Redis's dbfilename); with --rdb-per-shard yes, the prefix "
                 "of the per-shard files and of their manifest")
      ->check([](const std::string& v) {
        return v.empty() || v.find('/') != std::string::npos
                   ? std::string("dbfilename can't be a path, just a filename")
                   : std::string();
      });
  app.add_option("--save", flags.persist.save,
                 "Snapshot rules, \"<seconds> <changes>\" pairs (Redis's save; \"\" disables "
                 "saving, also at shutdown)")
      ->check([](const std::string& v) {
        std::vector<std::pair<int64_t, int64_t>> rules;
        return parse_save_rules(v, &rules) ? std::string() : std::string("Invalid save parameters");
      });
  app.add_option_function<std::string>(
         "--rdbcompression",
         [&flags](const std::string& v) { flags.persist.rdb_compression = flag_yes(v); },
         "LZF-compress strings in snapshots and DUMP payloads (yes|no, default yes)")
      ->check(CLI::IsMember({"yes", "no"}));
  app.add_option_function<std::string>(
         "--rdb-per-shard",
         [&flags](const std::string& v) { flags.persist.rdb_per_shard = flag_yes(v); },
         "Each shard writes its own snapshot file, plus a manifest (yes, the default), or all "
         "write one file, <dbfilename>, as redis-server does (no)")
      ->check(CLI::IsMember({"yes", "no"}));
  app.add_option_function<std::string>(
         "--appendonly", [&flags](const std::string& v) { flags.persist.appendonly = flag_yes(v); },
         "Log every write to the append-only file, one segment per shard (yes|no, default no)")
      ->check(CLI::IsMember({"yes", "no"}))
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_option_function<std::string>(
         "--appendfsync",
         [&flags](const std::string& v) { parse_fsync(v, &flags.persist.appendfsync); },
         "When a logged write is on stable storage: always (before it is acknowledged), "
         "everysec (within about a second, the default) or no (when the kernel writes it)")
      ->check(CLI::IsMember({"always", "everysec", "no"}, CLI::ignore_case))
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_option("--appenddirname", flags.persist.appenddirname,
                 "Directory of the append-only file, inside --dir (default appendonlydir)")
      ->check([](const std::string& v) {
        return v.empty() || v.find('/') != std::string::npos
                   ? std::string("appenddirname can't be a path, just a dirname")
                   : std::string();
      });
  app.add_option("--appendfilename", flags.persist.appendfilename,
                 "Prefix of the append-only file's files (default appendonly.aof)")
      ->check([](const std::string& v) {
        return v.empty() || v.find('/') != std::string::npos
                   ? std::string("appendfilename can't be a path, just a filename")
                   : std::string();
      });
  app.add_option_function<std::string>(
         "--aof-load-truncated",
         [&flags](const std::string& v) { flags.persist.aof_load_truncated = flag_yes(v); },
         "At start, cut off a partial record at the end of a segment and load the rest (yes, the "
         "default), or refuse to start (no)")
      ->check(CLI::IsMember({"yes", "no"}))
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_option("--notify-keyspace-events", flags.notify_keyspace_events,
                 "Keyspace notification classes, as Redis's notify-keyspace-events (e.g. KEA)")
      ->check([](const std::string& v) {
        bool ok = false;
        notify_flags_from_string(v, &ok);
        return ok ? std::string()
                  : std::string("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
      });
}

// The shards started without --cores: half the CPUs the process may run on (its affinity mask),
// at least one. The other half is left to the clients and to the kernel's network work, which
// share the machine with the server as soon as a client runs on it: every hop to another shard
// wakes a thread that must then be scheduled, and on a machine whose CPUs are all busy that
// costs more than the second shard gains (docs/event-loop.md has the measurement).
// The CPUs this process may run on (its affinity mask), at least 1.
inline unsigned usable_cpus() {
  unsigned cpus = 0;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) cpus = static_cast<unsigned>(CPU_COUNT(&set));
  if (cpus == 0) cpus = std::thread::hardware_concurrency();
  return std::max(1u, cpus);
}

inline unsigned default_shards() {
  return std::max(1u, usable_cpus() / 2);
}

// The ServerConfig the parsed flags describe.
inline ServerConfig config_from_flags(const ServerFlags& flags) {
  ServerConfig config;
  config.bind = flags.bind;
  config.port = static_cast<uint16_t>(flags.port);
  config.shards = flags.cores != 0 ? flags.cores : default_shards();
  config.options.recv_multishot = flags.recv_mode == "multishot";
  config.options.idle_poll_us = flags.idle_poll_us >= 0              ? flags.idle_poll_us
                                : config.shards * 2 <= usable_cpus() ? kIdlePollUs
                                                                     : 0;
  bool ok = false;
  config.options.core.notify_flags = notify_flags_from_string(flags.notify_keyspace_events, &ok);
  config.options.core.persist = flags.persist;
  return config;
}

}  // namespace shardis::server
