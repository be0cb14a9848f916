#include <malloc.h>
#include <pthread.h>
#include <shardis/runtime/process.h>
#include <shardis/runtime/socket_util.h>
#include <signal.h>

namespace shardis::runtime {

namespace {
sigset_t stop_signals() {
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  return sigs;
}
}  // namespace

void prepare_process() {
  tune_malloc();
  sigset_t sigs = stop_signals();
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  signal(SIGPIPE, SIG_IGN);
  raise_fd_limit(65536);
}

void tune_malloc() {
  // Growing the heap by 64 MiB at a time (untouched pages cost no RSS) and never trimming it
  // turn thousands of brk calls, some of which take milliseconds, into a handful: a keyspace
  // that grows by slab pages must not stall the loop in the kernel. A fixed mmap threshold stops
  // glibc from moving it after frees, so large buffers are always mapped and unmapped whole.
  mallopt(M_TOP_PAD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
}

int wait_for_stop_signal() {
  sigset_t sigs = stop_signals();
  int sig = 0;
  sigwait(&sigs, &sig);
  return sig;
}

}  // namespace shardis::runtime
