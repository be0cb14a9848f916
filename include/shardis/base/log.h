#pragma once
// Process-wide logging to stderr. Thread-safe: each call formats into a local buffer and
// emits it with one write(2), so lines from different shard threads never interleave.
#include <cstdarg>

namespace shardis::base {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

void set_log_level(LogLevel level);
// The calling thread's tag in each line (for example "shard 2"); defaults to "main".
void set_thread_log_tag(const char* tag);
void log(LogLevel level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

}  // namespace shardis::base

#define SHARDIS_LOG_INFO(...) ::shardis::base::log(::shardis::base::LogLevel::kInfo, __VA_ARGS__)
#define SHARDIS_LOG_WARN(...) ::shardis::base::log(::shardis::base::LogLevel::kWarning, __VA_ARGS__)
#define SHARDIS_LOG_ERROR(...) ::shardis::base::log(::shardis::base::LogLevel::kError, __VA_ARGS__)
