#pragma once
// Time source for TTLs. Shards read time through a Clock so tests can control it.
// SystemClock is stateless and thread-safe; ManualClock is for single-threaded tests.
#include <cstdint>

namespace shardis::base {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch (wall clock, as Redis uses for EXPIREAT and TTL).
  virtual int64_t now_ms() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t now_ms() const override;
  static const SystemClock& instance();
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 1'700'000'000'000) : now_(start_ms) {}
  int64_t now_ms() const override { return now_; }
  void advance_ms(int64_t d) { now_ += d; }
  void set_ms(int64_t t) { now_ = t; }

 private:
  int64_t now_;
};

// Milliseconds of the monotonic clock: deadlines and intervals that wall-clock steps must not
// move (drain deadlines, fsync pacing).
int64_t monotonic_ms();

}  // namespace shardis::base
