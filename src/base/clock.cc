#include <shardis/base/clock.h>

#include <ctime>

namespace shardis::base {

int64_t SystemClock::now_ms() const {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

const SystemClock& SystemClock::instance() {
  static const SystemClock clock;
  return clock;
}

int64_t monotonic_ms() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

}  // namespace shardis::base
