#include <shardis/persist/redis_intset.h>

#include <cassert>
#include <cstddef>
#include <limits>
#include <utility>

namespace shardis::persist {

namespace {

constexpr size_t kHeaderBytes = 8;

uint64_t load_le(std::string_view b, size_t p, size_t n) {
  uint64_t v = 0;
  for (size_t i = n; i-- > 0;) v = (v << 8) | static_cast<uint8_t>(b[p + i]);
  return v;
}

void append_le(std::string& out, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

int64_t sign_extend(uint64_t u, size_t bytes) {
  if (bytes == 8) return static_cast<int64_t>(u);
  const uint64_t sign = uint64_t{1} << (8 * bytes - 1);
  return static_cast<int64_t>(u ^ sign) - static_cast<int64_t>(sign);
}

size_t width_of(int64_t v) {
  if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
    return 8;
  }
  if (v < std::numeric_limits<int16_t>::min() || v > std::numeric_limits<int16_t>::max()) {
    return 4;
  }
  return 2;
}

bool fail(std::string* error, const char* what, size_t offset) {
  if (error != nullptr) {
    *error = std::string("intset: ") + what + " at offset " + std::to_string(offset);
  }
  return false;
}

}  // namespace

std::string redis_intset_blob(std::span<const int64_t> ascending_distinct, unsigned min_width) {
  assert(min_width == 2 || min_width == 4 || min_width == 8);
  size_t width = min_width;
  for (size_t i = 0; i < ascending_distinct.size(); ++i) {
    assert(i == 0 || ascending_distinct[i - 1] < ascending_distinct[i]);
    const size_t w = width_of(ascending_distinct[i]);
    if (w > width) width = w;
  }
  assert(ascending_distinct.size() <= std::numeric_limits<uint32_t>::max());
  std::string out;
  out.reserve(kHeaderBytes + width * ascending_distinct.size());
  append_le(out, width, 4);
  append_le(out, ascending_distinct.size(), 4);
  for (int64_t v : ascending_distinct) append_le(out, static_cast<uint64_t>(v), width);
  return out;
}

bool parse_redis_intset(std::string_view blob, std::vector<int64_t>* out, std::string* error) {
  if (blob.size() < kHeaderBytes) return fail(error, "blob shorter than its header", 0);
  const uint64_t width = load_le(blob, 0, 4);
  if (width != 2 && width != 4 && width != 8) return fail(error, "invalid encoding", 0);
  const uint64_t count = load_le(blob, 4, 4);
  if (kHeaderBytes + count * width != blob.size()) {
    return fail(error, "length does not match the blob size", 4);
  }
  if (count == 0) return fail(error, "empty intset", 4);
  std::vector<int64_t> values;
  values.reserve(static_cast<size_t>(count));
  const auto w = static_cast<size_t>(width);
  for (size_t i = 0; i < count; ++i) {
    const size_t at = kHeaderBytes + i * w;
    const int64_t v = sign_extend(load_le(blob, at, w), w);
    if (!values.empty() && v <= values.back()) {
      return fail(error, "values not strictly ascending", at);
    }
    values.push_back(v);
  }
  *out = std::move(values);
  return true;
}

}  // namespace shardis::persist
