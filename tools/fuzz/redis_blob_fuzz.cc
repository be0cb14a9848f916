// libFuzzer target for Redis's compact blob formats (persist/redis_listpack.h, redis_ziplist.h,
// redis_intset.h) and LZF (persist/rdb_codec.h). Input: [selector][bytes...]. Bits 0-2 of the
// selector (modulo 5) choose the format: listpack, ziplist, zipmap, intset, LZF; bit 3 patches the
// blob's size field (listpack, ziplist) to the real size, so that mutations reach the entries
// sooner. Checked, crashing on the first
// violation:
//   * a validator never reads outside the blob (ASan) and a refusal names an offset;
//   * what a validator accepts iterates: every value lies inside the blob and the number of
//     values agrees with the header (unless the header says "unknown");
//   * accepted values written again through RedisListpackWriter validate and read back equal;
//     an accepted intset, written again at its width, gives back the same bytes;
//   * the bytes, read as a program of values, drive the writers: the listpack writer's blob has
//     bytes() bytes, validates and reads back every value as written, an integer exactly when
//     the value is a canonical int64; the intset blob parses back to the values;
//   * lzf_compress output is at least 4 bytes shorter than its input and decompresses to it;
//     lzf_decompress on arbitrary bytes never writes past its output; RdbWriter with compression
//     reads back through RdbReader.
#include <shardis/base/number_format.h>
#include <shardis/persist/rdb_codec.h>
#include <shardis/persist/redis_intset.h>
#include <shardis/persist/redis_listpack.h>
#include <shardis/persist/redis_ziplist.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace persist = shardis::persist;
using shardis::core::LpValue;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

uint64_t load_le(std::string_view b, size_t p, size_t n) {
  uint64_t v = 0;
  for (size_t i = n; i-- > 0;) v = (v << 8) | static_cast<uint8_t>(b[p + i]);
  return v;
}

bool inside(std::string_view view, std::string_view blob) {
  return view.data() >= blob.data() && view.data() + view.size() <= blob.data() + blob.size();
}

std::string text_of(const LpValue& v) {
  return v.is_int ? shardis::base::int64_to_string(v.i) : std::string(v.s);
}

void require_error(const std::string& error) {
  require(error.find(" at offset ") != std::string::npos);
}

// One value the writer was given, and how it must read back.
struct Sent {
  std::string text;
  bool is_int;
};

// Writes the values to a listpack and checks the blob.
void check_listpack_of(const std::vector<Sent>& values, bool as_ints) {
  persist::RedisListpackWriter w;
  for (const Sent& s : values) {
    if (as_ints && s.is_int) {
      w.add_int(*shardis::base::parse_int64(s.text));
    } else {
      w.add(s.text);
    }
  }
  require(w.count() == values.size());
  const size_t bytes = w.bytes();
  const std::string blob = w.finish();
  require(blob.size() == bytes);
  std::string error;
  require(persist::validate_redis_listpack(blob, &error));
  persist::RedisListpackReader r(blob);
  LpValue v;
  size_t i = 0;
  for (; r.next(&v); ++i) {
    require(i < values.size());
    require(v.is_int == values[i].is_int);
    require(text_of(v) == values[i].text);
  }
  require(i == values.size());
}

// The input as a program of values: a byte below 0xEE is a string of that many bytes; 0xEE n c
// is n * 64 copies of c (long strings from short input); 0xEF..0xFF take 8 bytes as an int64,
// shifted right by 4 * (byte - 0xEF) (at most 63) to reach every width.
std::vector<Sent> program(std::string_view in) {
  constexpr size_t kMaxTotal = 64 * 1024;  // keeps each run fast
  std::vector<Sent> out;
  size_t total = 0;
  size_t p = 0;
  while (p < in.size() && total < kMaxTotal) {
    const auto op = static_cast<uint8_t>(in[p++]);
    std::string s;
    if (op < 0xEE) {
      s = std::string(in.substr(p, op));
      p += s.size();
    } else if (op == 0xEE) {
      if (in.size() - p < 2) break;
      s.assign(size_t{static_cast<uint8_t>(in[p])} * 64, in[p + 1]);
      p += 2;
    } else {
      if (in.size() - p < 8) break;
      const auto x = static_cast<int64_t>(load_le(in, p, 8)) >> std::min(63, 4 * (op - 0xEF));
      p += 8;
      out.push_back({shardis::base::int64_to_string(x), true});
      continue;
    }
    total += s.size();
    out.push_back({s, shardis::base::parse_int64(s).has_value()});
  }
  return out;
}

template <typename Reader>
std::vector<Sent> read_values(std::string_view blob) {
  std::vector<Sent> out;
  Reader r(blob);
  LpValue v;
  while (r.next(&v)) {
    if (!v.is_int) require(inside(v.s, blob));
    const std::string t = text_of(v);
    out.push_back({t, shardis::base::parse_int64(t).has_value()});
  }
  return out;
}

void fuzz_listpack(std::string blob) {
  std::string error;
  if (!persist::validate_redis_listpack(blob, &error)) {
    require_error(error);
  } else {
    const std::vector<Sent> values = read_values<persist::RedisListpackReader>(blob);
    const uint64_t header = load_le(blob, 4, 2);
    require(header == 0xFFFF || header == values.size());
    check_listpack_of(values, false);
  }
  check_listpack_of(program(blob), true);
  check_listpack_of(program(blob), false);
}

void fuzz_ziplist(const std::string& blob) {
  std::string error;
  if (!persist::validate_redis_ziplist(blob, &error)) {
    require_error(error);
    return;
  }
  const std::vector<Sent> values = read_values<persist::RedisZiplistReader>(blob);
  const uint64_t header = load_le(blob, 8, 2);
  require(header == 0xFFFF || header == values.size());
  check_listpack_of(values, true);
}

void fuzz_zipmap(const std::string& blob) {
  std::string error;
  persist::ZipmapPairs pairs;
  const bool ok = persist::redis_zipmap_pairs(blob, &pairs, &error);
  std::string error2;
  require(persist::validate_redis_zipmap(blob, &error2) == ok);
  if (!ok) {
    require_error(error);
    require(pairs.empty());
    return;
  }
  require(!pairs.empty());
  const auto count = static_cast<uint8_t>(blob[0]);
  require(count >= 254 || count == pairs.size());
  for (const auto& [k, v] : pairs) require(inside(k, blob) && inside(v, blob));
}

void fuzz_intset(const std::string& blob) {
  std::vector<int64_t> values;
  std::string error;
  if (!persist::parse_redis_intset(blob, &values, &error)) {
    require_error(error);
  } else {
    require(!values.empty());
    for (size_t i = 1; i < values.size(); ++i) require(values[i - 1] < values[i]);
    const auto width = static_cast<unsigned>(load_le(blob, 0, 4));
    require(persist::redis_intset_blob(values, width) == blob);
  }
  // The bytes as int64 values, sorted and made distinct.
  std::vector<int64_t> mine;
  for (size_t p = 0; p + 8 <= blob.size(); p += 8) {
    mine.push_back(static_cast<int64_t>(load_le(blob, p, 8)) >> (blob[p] & 63));
  }
  std::sort(mine.begin(), mine.end());
  mine.erase(std::unique(mine.begin(), mine.end()), mine.end());
  if (mine.empty()) return;
  const std::string out = persist::redis_intset_blob(mine);
  std::vector<int64_t> back;
  require(persist::parse_redis_intset(out, &back, &error));
  require(back == mine);
}

void fuzz_lzf(const std::string& in) {
  std::string packed;
  if (persist::lzf_compress(in, &packed)) {
    require(packed.size() + 4 <= in.size());
    std::string back;
    require(persist::lzf_decompress(packed, in.size(), &back));
    require(back == in);
  }
  // Arbitrary bytes as compressed input, with a claimed size from the first two bytes.
  if (in.size() >= 2) {
    std::string out;
    const size_t claimed = load_le(in, 0, 2);
    if (persist::lzf_decompress(std::string_view(in).substr(2), claimed, &out)) {
      require(out.size() == claimed);
    }
  }
  std::string stream;
  persist::RdbWriter w(stream, true);
  w.string(in);
  w.string(std::string_view(in).substr(in.size() / 2));
  persist::RdbReader r(stream);
  std::string got;
  require(r.string(&got) && got == in);
  require(r.string(&got) && got == std::string_view(in).substr(in.size() / 2));
  require(r.left() == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t selector = data[0];
  std::string blob(reinterpret_cast<const char*>(data) + 1, size - 1);
  const int format = (selector & 7) % 5;
  if ((selector & 8) != 0 && format <= 1 && blob.size() >= 4) {
    for (size_t i = 0; i < 4; ++i) blob[i] = static_cast<char>(blob.size() >> (8 * i));
  }
  switch (format) {
    case 0:
      fuzz_listpack(blob);
      break;
    case 1:
      fuzz_ziplist(blob);
      break;
    case 2:
      fuzz_zipmap(blob);
      break;
    case 3:
      fuzz_intset(blob);
      break;
    default:
      fuzz_lzf(blob);
      break;
  }
  return 0;
}
