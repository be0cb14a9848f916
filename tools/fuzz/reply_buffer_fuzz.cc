// libFuzzer target for ReplyBuffer. The input is a program of byte-coded operations run on two
// buffers (a connection's buffer and one filled "on another shard"), each shadowed by a
// std::string model. After every operation each buffer it touched must hold exactly its model's
// bytes, seen through gather() (front first, no empty iovecs, never more than max_iov) and
// size().
//
// Operation byte: bits 0-2 the operation, bit 3 the target buffer, bits 4-7 a size class.
//   0 append(string_view)     1 append(char)          2 reserve(n), fill n, commit(m <= n)
//   3 consume(k <= size)      4 append_buffer(other)  5 gather(max_iov), then consume part of it
//   6 clear / move-assign / move-construct            7 full to_string() comparison
#include <shardis/proto/reply_buffer.h>
#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using shardis::proto::ReplyBuffer;

[[noreturn]] void violated(const char* what, int line) {
  std::fprintf(stderr, "reply_buffer_fuzz: invariant violated at line %d: %s\n", line, what);
  std::abort();
}

#define FUZZ_CHECK(cond)                    \
  do {                                      \
    if (!(cond)) violated(#cond, __LINE__); \
  } while (0)

// Buffers are kept below this so that checking every byte after every operation stays cheap;
// it still spans many normal blocks and several blocks of their own size.
constexpr size_t kMaxBytes = 96 * 1024;
// Where the buffer's policy changes (block sizes, the splice copy threshold in reply_buffer.cc).
constexpr size_t kSpliceThreshold = 1024;

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool done() const { return pos_ >= size_; }
  uint8_t u8() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint16_t u16() {
    const uint16_t lo = u8();
    return static_cast<uint16_t>(lo | (u8() << 8));
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// The model: the bytes a buffer must hold, with a dead prefix so that consuming is cheap.
class Model {
 public:
  std::string_view view() const { return std::string_view(bytes_).substr(head_); }
  size_t size() const { return bytes_.size() - head_; }
  bool empty() const { return size() == 0; }
  void append(std::string_view s) { bytes_.append(s); }
  void append(const Model& other) { bytes_.append(other.view()); }
  void consume(size_t n) {
    head_ += n;
    if (head_ * 2 >= bytes_.size()) {
      bytes_.erase(0, head_);
      head_ = 0;
    }
  }
  void clear() {
    bytes_.clear();
    head_ = 0;
  }

 private:
  std::string bytes_;
  size_t head_ = 0;
};

struct Shadowed {
  ReplyBuffer buf;
  Model model;
};

// Pseudo-random bytes handed out in consecutive slices, from the same start for every input.
// The period is prime, so it never lines up with a block size, and a lost, doubled or reordered
// piece shows.
class ByteSource {
 public:
  static constexpr size_t kMaxTake = 64 * 1024;

  // Valid for the life of the process; len <= kMaxTake.
  std::string_view take(size_t len) {
    FUZZ_CHECK(len <= kMaxTake);
    static const std::vector<char> table = make_table();
    const std::string_view s(table.data() + off_, len);
    off_ = (off_ + len) % kPeriod;
    return s;
  }

 private:
  static constexpr size_t kPeriod = 65521;

  static std::vector<char> make_table() {
    std::vector<char> t(kPeriod + kMaxTake);
    uint32_t x = 0x12345678;
    for (size_t i = 0; i < kPeriod; ++i) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      t[i] = static_cast<char>(x);
    }
    for (size_t i = kPeriod; i < t.size(); ++i) t[i] = t[i - kPeriod];
    return t;
  }

  size_t off_ = 0;
};

size_t size_for(unsigned cls, Reader& in) {
  switch (cls) {
    case 0:
      return 0;
    case 1:
      return 1;
    case 2:
      return in.u8() % 16;
    case 3:
      return in.u8();
    case 4:
      return ReplyBuffer::kFirstBlockSize - 1 + in.u8() % 3;
    case 5:
      return ReplyBuffer::kBlockSize - 1 + in.u8() % 3;
    case 6:
      return in.u16() % ReplyBuffer::kBlockSize;
    case 7:
      return ReplyBuffer::kBlockSize + in.u16() % (2 * ReplyBuffer::kBlockSize);
    case 8:
      return kSpliceThreshold - 1 + in.u8() % 3;
    default:
      return in.u16() % 2048;
  }
}

void verify(const Shadowed& s) {
  FUZZ_CHECK(s.buf.size() == s.model.size());
  FUZZ_CHECK(s.buf.empty() == s.model.empty());
  const std::string_view want = s.model.view();
  constexpr size_t kIov = 512;
  iovec iov[kIov];
  const size_t n = s.buf.gather(iov, kIov);
  FUZZ_CHECK(n <= kIov);
  size_t off = 0;
  for (size_t i = 0; i < n; ++i) {
    FUZZ_CHECK(iov[i].iov_len > 0);
    FUZZ_CHECK(iov[i].iov_len <= want.size() - off);
    FUZZ_CHECK(std::memcmp(iov[i].iov_base, want.data() + off, iov[i].iov_len) == 0);
    off += iov[i].iov_len;
  }
  if (n < kIov) {
    FUZZ_CHECK(off == want.size());
  } else {
    FUZZ_CHECK(s.buf.to_string() == want);
  }
}

// Runs one operation; returns true if it may have changed the buffer it did not target.
bool run_op(uint8_t op, Reader& in, Shadowed (&bufs)[2], ByteSource& bytes) {
  const unsigned kind = op & 7;
  Shadowed& t = bufs[(op >> 3) & 1];
  Shadowed& other = bufs[((op >> 3) & 1) ^ 1];
  const unsigned cls = op >> 4;
  switch (kind) {
    case 0: {
      const size_t len = size_for(cls, in);
      if (t.model.size() + len > kMaxBytes) break;
      const std::string_view s = bytes.take(len);
      t.buf.append(s);
      t.model.append(s);
      break;
    }
    case 1: {
      if (t.model.size() + 1 > kMaxBytes) break;
      const char c = bytes.take(1)[0];
      t.buf.append(c);
      t.model.append(std::string_view(&c, 1));
      break;
    }
    case 2: {
      const size_t n = size_for(cls, in);
      if (t.model.size() + n > kMaxBytes) break;
      const size_t used = n == 0 ? 0 : in.u16() % (n + 1);
      char* p = t.buf.reserve(n);
      FUZZ_CHECK(p != nullptr);
      FUZZ_CHECK(t.buf.size() == t.model.size());
      // The whole reserved range must be writable; only the committed prefix may show.
      std::memset(p, 0xEE, n);
      const std::string_view s = bytes.take(used);
      if (used > 0) std::memcpy(p, s.data(), used);
      t.buf.commit(used);
      t.model.append(s);
      break;
    }
    case 3: {
      const size_t k = size_for(cls, in) % (t.model.size() + 1);
      t.buf.consume(k);
      t.model.consume(k);
      break;
    }
    case 4: {
      t.buf.append_buffer(std::move(other.buf));
      t.model.append(other.model);
      other.model.clear();
      FUZZ_CHECK(other.buf.empty() && other.buf.size() == 0);
      FUZZ_CHECK(other.buf.to_string().empty());
      break;
    }
    case 5: {
      // A vectored send that writes part of what it was offered.
      const size_t max_iov = cls < 8 ? cls : in.u8();
      std::vector<iovec> iov(max_iov + 1);
      const size_t n = t.buf.gather(iov.data(), max_iov);
      FUZZ_CHECK(n <= max_iov);
      const std::string_view want = t.model.view();
      size_t offered = 0;
      for (size_t i = 0; i < n; ++i) {
        FUZZ_CHECK(iov[i].iov_len > 0);
        FUZZ_CHECK(iov[i].iov_len <= want.size() - offered);
        FUZZ_CHECK(std::memcmp(iov[i].iov_base, want.data() + offered, iov[i].iov_len) == 0);
        offered += iov[i].iov_len;
      }
      FUZZ_CHECK(max_iov == 0 || n > 0 || t.model.empty());
      const size_t sent = in.u16() % (offered + 1);
      t.buf.consume(sent);
      t.model.consume(sent);
      break;
    }
    case 6: {
      switch (cls % 3) {
        case 0:
          t.buf.clear();
          t.model.clear();
          break;
        case 1:
          t.buf = std::move(other.buf);
          t.model = std::move(other.model);
          other.model.clear();
          FUZZ_CHECK(other.buf.empty());
          break;
        default: {
          ReplyBuffer moved(std::move(t.buf));
          FUZZ_CHECK(t.buf.empty());
          // The moved-from buffer is usable: write to it, then throw that away.
          t.buf.append("x");
          FUZZ_CHECK(t.buf.to_string() == "x");
          t.buf = std::move(moved);
          FUZZ_CHECK(moved.empty());
          break;
        }
      }
      break;
    }
    default:
      FUZZ_CHECK(t.buf.to_string() == t.model.view());
      break;
  }
  return kind == 4 || kind == 6;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader in(data, size);
  Shadowed bufs[2];
  ByteSource bytes;
  while (!in.done()) {
    const uint8_t op = in.u8();
    const unsigned target = (op >> 3) & 1;
    const bool both = run_op(op, in, bufs, bytes);
    verify(bufs[target]);
    if (both) verify(bufs[target ^ 1]);
  }
  verify(bufs[0]);
  verify(bufs[1]);
  for (Shadowed& s : bufs) {
    // Sending everything empties a buffer, which then takes new bytes again.
    s.buf.consume(s.buf.size());
    FUZZ_CHECK(s.buf.empty());
    s.buf.append("+OK\r\n");
    FUZZ_CHECK(s.buf.to_string() == "+OK\r\n");
  }
  return 0;
}
