// libFuzzer target for the RDB length and string reader (persist/rdb_codec.h). The input is read
// as a sequence of RDB strings and lengths, the first byte choosing which to read at each step,
// until the reader fails or the input ends. Checked, crashing on the first violation:
//   * the reader never reads past its input (ASan) and its offset never exceeds the input size;
//   * a failure leaves an error message that names an offset;
//   * every string read, written again by RdbWriter and read back, gives the same bytes, and
//     RdbWriter's bytes for it are no longer than the raw form (length + bytes);
//   * every length read, written again and read back, gives the same value.
#include <shardis/persist/rdb_codec.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using shardis::persist::RdbReader;
using shardis::persist::RdbWriter;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

void check_string_round_trip(const std::string& s) {
  std::string again;
  RdbWriter(again).string(s);
  std::string raw;
  RdbWriter(raw).len(s.size());
  require(again.size() <= raw.size() + s.size());
  RdbReader r(again);
  std::string back;
  require(r.string(&back));
  require(back == s);
  require(r.left() == 0);
}

void check_len_round_trip(uint64_t n) {
  std::string again;
  RdbWriter(again).len(n);
  RdbReader r(again);
  uint64_t back = 0;
  require(r.len(&back));
  require(back == n);
  require(r.left() == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t pattern = data[0];
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  RdbReader r(in);
  for (int step = 0; r.left() > 0; ++step) {
    bool ok;
    if ((pattern >> (step % 8)) & 1) {
      uint64_t n = 0;
      bool encoded = false;
      ok = r.len(&n, &encoded);
      if (ok && !encoded) check_len_round_trip(n);
    } else {
      std::string s;
      ok = r.string(&s);
      if (ok) check_string_round_trip(s);
    }
    require(r.offset() <= in.size());
    if (!ok) {
      require(r.error().find(" at offset ") != std::string::npos);
      break;
    }
  }
  return 0;
}
