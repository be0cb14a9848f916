// libFuzzer target for ReplyBuffer. The input is a program of byte-coded operations run on two
// buffers (a connection's buffer and one filled "on another shard"), each shadowed by a
// std::string model. After every operation both buffers must hold exactly their model's bytes,
// seen through gather() (front first, no empty iovecs, never more than max_iov) and size().
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
constexpr size_t kMaxBytes = 160 * 1024;
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

struct Shadowed {
  ReplyBuffer buf;
  std::string model;
};

// Distinct, position-dependent bytes, so that a lost, doubled or reordered piece shows.
class ByteSource {
 public:
  char next() {
    ++n_;
    return static_cast<char>((n_ * 0x9d) ^ (n_ >> 8) ^ (n_ >> 16));
  }
  std::string take(size_t len) {
    std::string s(len, '\0');
    for (char& c : s) c = next();
    return s;
  }

 private:
  uint32_t n_ = 0;
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
  constexpr size_t kIov = 512;
  iovec iov[kIov];
  const size_t n = s.buf.gather(iov, kIov);
  FUZZ_CHECK(n <= kIov);
  size_t off = 0;
  for (size_t i = 0; i < n; ++i) {
    FUZZ_CHECK(iov[i].iov_len > 0);
    FUZZ_CHECK(iov[i].iov_len <= s.model.size() - off);
    FUZZ_CHECK(std::memcmp(iov[i].iov_base, s.model.data() + off, iov[i].iov_len) == 0);
    off += iov[i].iov_len;
  }
  if (n < kIov) {
    FUZZ_CHECK(off == s.model.size());
  } else {
    FUZZ_CHECK(s.buf.to_string() == s.model);
  }
}

void run_op(uint8_t op, Reader& in, Shadowed (&bufs)[2], ByteSource& bytes) {
  const unsigned kind = op & 7;
  Shadowed& t = bufs[(op >> 3) & 1];
  Shadowed& other = bufs[((op >> 3) & 1) ^ 1];
  const unsigned cls = op >> 4;
  switch (kind) {
    case 0: {
      const size_t len = size_for(cls, in);
      if (t.model.size() + len > kMaxBytes) break;
      const std::string s = bytes.take(len);
      t.buf.append(std::string_view(s));
      t.model += s;
      break;
    }
    case 1: {
      if (t.model.size() + 1 > kMaxBytes) break;
      const char c = bytes.next();
      t.buf.append(c);
      t.model += c;
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
      const std::string s = bytes.take(used);
      if (used > 0) std::memcpy(p, s.data(), used);
      t.buf.commit(used);
      t.model += s;
      break;
    }
    case 3: {
      const size_t k = size_for(cls, in) % (t.model.size() + 1);
      t.buf.consume(k);
      t.model.erase(0, k);
      break;
    }
    case 4: {
      t.buf.append_buffer(std::move(other.buf));
      t.model += other.model;
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
      size_t offered = 0;
      for (size_t i = 0; i < n; ++i) {
        FUZZ_CHECK(iov[i].iov_len > 0);
        FUZZ_CHECK(iov[i].iov_len <= t.model.size() - offered);
        FUZZ_CHECK(std::memcmp(iov[i].iov_base, t.model.data() + offered, iov[i].iov_len) == 0);
        offered += iov[i].iov_len;
      }
      FUZZ_CHECK(max_iov == 0 || n > 0 || t.model.empty());
      const size_t sent = in.u16() % (offered + 1);
      t.buf.consume(sent);
      t.model.erase(0, sent);
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
      FUZZ_CHECK(t.buf.to_string() == t.model);
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader in(data, size);
  Shadowed bufs[2];
  ByteSource bytes;
  while (!in.done()) {
    run_op(in.u8(), in, bufs, bytes);
    verify(bufs[0]);
    verify(bufs[1]);
  }
  for (Shadowed& s : bufs) {
    // Sending everything empties a buffer, which then takes new bytes again.
    s.buf.consume(s.buf.size());
    FUZZ_CHECK(s.buf.empty());
    s.buf.append("+OK\r\n");
    FUZZ_CHECK(s.buf.to_string() == "+OK\r\n");
  }
  return 0;
}
