#pragma once
// Process-wide set-up shared by every Shardis binary. Called on the main thread before any
// shard thread starts, so the threads inherit the signal mask.

namespace shardis::runtime {

// Blocks SIGINT and SIGTERM (they are taken by wait_for_stop_signal), ignores SIGPIPE, and
// raises the open-file limit for many client connections.
void prepare_process();
// Waits for SIGINT or SIGTERM and returns which.
int wait_for_stop_signal();

}  // namespace shardis::runtime
