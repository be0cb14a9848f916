#include <shardis/base/log.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace shardis::base {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};

// Each thread keeps its own copy of its tag, so set_thread_log_tag() callers need not keep the
// string alive.
thread_local char t_tag[32] = "main";

// One byte per level, in the spirit of Redis's log marks: debug, info, warning, error.
constexpr char kLevelMarks[] = {'.', '*', '#', '!'};

// Longest line written; longer messages are cut so that a line is always one write(2).
constexpr size_t kMaxLine = 4096;

void write_all(const char* data, size_t len) {
  while (len > 0) {
    const ssize_t n = ::write(STDERR_FILENO, data, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // Nowhere left to report a failure to log.
    }
    data += n;
    len -= static_cast<size_t>(n);
  }
}

}  // namespace

void set_log_level(LogLevel level) {
  g_level.store(static_cast<int>(level), std::memory_order_relaxed);
}

void set_thread_log_tag(const char* tag) {
  std::snprintf(t_tag, sizeof(t_tag), "%s", tag != nullptr ? tag : "");
}

void log(LogLevel level, const char* fmt, ...) {
  const int lvl = static_cast<int>(level);
  if (lvl < g_level.load(std::memory_order_relaxed)) return;

  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  tm local;
  localtime_r(&ts.tv_sec, &local);

  char line[kMaxLine];
  size_t len = static_cast<size_t>(
      std::snprintf(line, sizeof(line), "%d:%s ", static_cast<int>(::getpid()), t_tag));
  if (len >= sizeof(line)) len = sizeof(line) - 1;
  len += strftime(line + len, sizeof(line) - len, "%d %b %Y %H:%M:%S", &local);
  const int lvl_index = lvl < 0 ? 0 : (lvl > 3 ? 3 : lvl);
  const int n = std::snprintf(line + len, sizeof(line) - len, ".%03d %c ",
                              static_cast<int>(ts.tv_nsec / 1'000'000), kLevelMarks[lvl_index]);
  if (n > 0) len += static_cast<size_t>(n);
  if (len >= sizeof(line)) len = sizeof(line) - 1;

  va_list ap;
  va_start(ap, fmt);
  const int m = std::vsnprintf(line + len, sizeof(line) - len, fmt, ap);
  va_end(ap);
  if (m > 0) len += static_cast<size_t>(m);
  // Leave room for the newline even when the message was cut.
  if (len > sizeof(line) - 1) len = sizeof(line) - 1;
  line[len++] = '\n';
  write_all(line, len);
}

}  // namespace shardis::base
