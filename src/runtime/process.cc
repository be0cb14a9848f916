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
  sigset_t sigs = stop_signals();
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  signal(SIGPIPE, SIG_IGN);
  raise_fd_limit(65536);
}

int wait_for_stop_signal() {
  sigset_t sigs = stop_signals();
  int sig = 0;
  sigwait(&sigs, &sig);
  return sig;
}

}  // namespace shardis::runtime
