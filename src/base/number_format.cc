#include <shardis/base/number_format.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace shardis::base {
namespace {

// Redis rejects integer strings of 21 bytes or more before looking at them (LONG_STR_SIZE).
constexpr size_t kMaxInt64Chars = 21;
// Redis copies a long double argument into a buffer of this size (MAX_LONG_DOUBLE_CHARS);
// longer inputs are rejected and every formatted value fits.
constexpr size_t kMaxLongDoubleChars = 5 * 1024;

constexpr char kDigitPairs[] =
    "00010203040506070809"
    "10111213141516171819"
    "20212223242526272829"
    "30313233343536373839"
    "40414243444546474849"
    "50515253545556575859"
    "60616263646566676869"
    "70717273747576777879"
    "80818283848586878889"
    "90919293949596979899";

int count_digits(uint64_t v) {
  int n = 1;
  for (;;) {
    if (v < 10) return n;
    if (v < 100) return n + 1;
    if (v < 1000) return n + 2;
    if (v < 10000) return n + 3;
    v /= 10000;
    n += 4;
  }
}

// A NUL-terminated copy of s for the C conversion functions, on the stack when it is short.
class CString {
 public:
  explicit CString(std::string_view s) {
    char* dst = small_;
    if (s.size() >= sizeof(small_)) {
      large_ = std::make_unique<char[]>(s.size() + 1);
      dst = large_.get();
    }
    if (!s.empty()) std::memcpy(dst, s.data(), s.size());
    dst[s.size()] = '\0';
    str_ = dst;
  }
  const char* c_str() const { return str_; }

 private:
  char small_[128];
  std::unique_ptr<char[]> large_;
  const char* str_;
};

bool is_c_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

}  // namespace

std::optional<int64_t> parse_int64(std::string_view s) {
  if (s.empty() || s.size() >= kMaxInt64Chars) return std::nullopt;
  if (s.size() == 1 && s[0] == '0') return 0;
  size_t i = 0;
  bool negative = false;
  if (s[0] == '-') {
    negative = true;
    i = 1;
    if (i == s.size()) return std::nullopt;
  }
  // The first digit must be 1-9: this rejects "-0", "00" and "01".
  if (s[i] < '1' || s[i] > '9') return std::nullopt;
  uint64_t v = static_cast<uint64_t>(s[i] - '0');
  for (++i; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    // At most 20 bytes reach here, so only the last two digits can overflow uint64.
    const uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (v > (UINT64_MAX - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  if (negative) {
    if (v > static_cast<uint64_t>(INT64_MAX) + 1) return std::nullopt;
    return static_cast<int64_t>(0 - v);
  }
  if (v > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return static_cast<int64_t>(v);
}

std::optional<long double> parse_long_double(std::string_view s) {
  if (s.empty() || s.size() >= kMaxLongDoubleChars) return std::nullopt;
  if (is_c_space(s[0])) return std::nullopt;
  CString buf(s);
  char* end = nullptr;
  errno = 0;
  const long double v = std::strtold(buf.c_str(), &end);
  // The whole input must be consumed: an embedded NUL or trailing space fails here.
  if (static_cast<size_t>(end - buf.c_str()) != s.size()) return std::nullopt;
  // Overflow and underflow to zero are errors; a denormal result is kept.
  if (errno == ERANGE && (std::isinf(v) || v == 0)) return std::nullopt;
  if (errno == EINVAL || std::isnan(v)) return std::nullopt;
  return v;
}

std::optional<double> parse_double(std::string_view s) {
  if (s.empty() || is_c_space(s[0])) return std::nullopt;
  CString buf(s);
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(buf.c_str(), &end);
  if (static_cast<size_t>(end - buf.c_str()) != s.size()) return std::nullopt;
  if (errno == ERANGE && (std::isinf(v) || v == 0)) return std::nullopt;
  if (std::isnan(v)) return std::nullopt;
  return v;
}

size_t format_int64(int64_t v, char* buf) {
  size_t len = 0;
  uint64_t u = static_cast<uint64_t>(v);
  if (v < 0) {
    buf[len++] = '-';
    u = 0 - u;
  }
  const size_t digits = static_cast<size_t>(count_digits(u));
  char* p = buf + len + digits;
  while (u >= 100) {
    const size_t pair = static_cast<size_t>(u % 100) * 2;
    u /= 100;
    *--p = kDigitPairs[pair + 1];
    *--p = kDigitPairs[pair];
  }
  if (u >= 10) {
    const size_t pair = static_cast<size_t>(u) * 2;
    *--p = kDigitPairs[pair + 1];
    *--p = kDigitPairs[pair];
  } else {
    *--p = static_cast<char>('0' + u);
  }
  return len + digits;
}

std::string int64_to_string(int64_t v) {
  char buf[24];
  return std::string(buf, format_int64(v, buf));
}

std::string long_double_to_human(long double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  // "%.17Lf" of the largest long double is about 4950 bytes.
  char buf[kMaxLongDoubleChars];
  int n = std::snprintf(buf, sizeof(buf), "%.17Lf", v);
  if (n < 0 || static_cast<size_t>(n) >= sizeof(buf)) return std::string();
  size_t len = static_cast<size_t>(n);
  if (std::memchr(buf, '.', len) != nullptr) {
    while (buf[len - 1] == '0') --len;
    if (buf[len - 1] == '.') --len;
  }
  if (len == 2 && buf[0] == '-' && buf[1] == '0') return "0";
  return std::string(buf, len);
}

std::string double_to_resp(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (std::isnan(v)) return "nan";
  char buf[32];
  const int n = std::snprintf(buf, sizeof(buf), "%.17g", v);
  return std::string(buf, static_cast<size_t>(n));
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    unsigned char x = static_cast<unsigned char>(a[i]);
    unsigned char y = static_cast<unsigned char>(b[i]);
    if (x >= 'A' && x <= 'Z') x = static_cast<unsigned char>(x + ('a' - 'A'));
    if (y >= 'A' && y <= 'Z') y = static_cast<unsigned char>(y + ('a' - 'A'));
    if (x != y) return false;
  }
  return true;
}

}  // namespace shardis::base
