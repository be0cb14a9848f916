#pragma once
// Process-wide set-up shared by every Shardis binary. Called on the main thread before any
// shard thread starts, so the threads inherit the signal mask.

namespace shardis::runtime {

// Blocks SIGINT and SIGTERM (they are taken by wait_for_stop_signal), ignores SIGPIPE, raises
// the open-file limit for many client connections, and tunes malloc (tune_malloc).
void prepare_process();
// Sets glibc malloc so that heap growth takes few system calls and nothing is trimmed back.
void tune_malloc();
// Waits for SIGINT or SIGTERM and returns which.
int wait_for_stop_signal();

}  // namespace shardis::runtime
