// ReplyBuffer tests: a randomized model test against a std::string, and the block policy
// (small first block, own block for large appends, spare reuse, splicing without copies).
#include <doctest/doctest.h>
#include <shardis/proto/reply_buffer.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace shardis::proto {
namespace {

std::string gathered(const ReplyBuffer& buf, size_t max_iov = 1024) {
  std::vector<iovec> iov(max_iov);
  const size_t n = buf.gather(iov.data(), iov.size());
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    CHECK(iov[i].iov_len > 0);
    out.append(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
  }
  return out;
}

size_t iov_count(const ReplyBuffer& buf) {
  std::vector<iovec> iov(4096);
  return buf.gather(iov.data(), iov.size());
}

std::string random_bytes(std::mt19937& rng, size_t n) {
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

TEST_CASE("empty buffer") {
  ReplyBuffer buf;
  CHECK(buf.empty());
  CHECK(buf.size() == 0);
  CHECK(buf.to_string().empty());
  iovec iov[4];
  CHECK(buf.gather(iov, 4) == 0);
  buf.consume(0);
  buf.clear();
  CHECK(buf.empty());
}

TEST_CASE("append, reserve and commit") {
  ReplyBuffer buf;
  buf.append(std::string_view("+OK\r\n"));
  buf.append(':');
  char* p = buf.reserve(10);
  std::memcpy(p, "12\r\n", 4);
  buf.commit(4);
  CHECK(buf.size() == 10);
  CHECK(buf.to_string() == "+OK\r\n:12\r\n");
  CHECK(gathered(buf) == buf.to_string());
  // reserve() without commit() adds nothing.
  buf.reserve(100);
  buf.commit(0);
  CHECK(buf.to_string() == "+OK\r\n:12\r\n");
  // A reservation larger than any block.
  p = buf.reserve(100'000);
  std::memset(p, 'z', 100'000);
  buf.commit(100'000);
  CHECK(buf.size() == 100'010);
  CHECK(buf.to_string() == "+OK\r\n:12\r\n" + std::string(100'000, 'z'));
}

TEST_CASE("block policy: small first block, normal blocks after, own block for large appends") {
  ReplyBuffer buf;
  buf.append(std::string(ReplyBuffer::kFirstBlockSize, 'a'));
  CHECK(iov_count(buf) == 1);
  buf.append('b');
  CHECK(iov_count(buf) == 2);
  // The second block is a normal block: it takes kBlockSize bytes in total.
  buf.append(std::string(ReplyBuffer::kBlockSize - 1, 'c'));
  CHECK(iov_count(buf) == 2);
  buf.append('d');
  CHECK(iov_count(buf) == 3);

  // A large append into an empty buffer is one block, not a chain of normal blocks.
  ReplyBuffer big;
  big.append(std::string(5 * ReplyBuffer::kBlockSize, 'x'));
  CHECK(iov_count(big) == 1);
  big.append(std::string(10, 'y'));
  CHECK(iov_count(big) == 2);
  CHECK(big.to_string() == std::string(5 * ReplyBuffer::kBlockSize, 'x') + std::string(10, 'y'));
}

TEST_CASE("gather respects max_iov and returns the front first") {
  ReplyBuffer buf;
  std::string model;
  for (int i = 0; i < 10; ++i) {
    const std::string chunk(ReplyBuffer::kBlockSize, static_cast<char>('a' + i));
    buf.append(chunk);
    model += chunk;
  }
  const size_t total = iov_count(buf);
  REQUIRE(total >= 10);
  iovec iov[3];
  REQUIRE(buf.gather(iov, 3) == 3);
  std::string front;
  for (const auto& v : iov) front.append(static_cast<const char*>(v.iov_base), v.iov_len);
  CHECK(model.rfind(front, 0) == 0);
  CHECK(buf.gather(iov, 0) == 0);
  // Consuming what was gathered leaves the rest in order.
  buf.consume(front.size());
  CHECK(buf.to_string() == model.substr(front.size()));
  CHECK(gathered(buf) == model.substr(front.size()));
}

TEST_CASE("consume across block boundaries") {
  ReplyBuffer buf;
  std::string model;
  for (int i = 0; i < 50; ++i) {
    const std::string s(static_cast<size_t>(i * 97 + 1), static_cast<char>('A' + i % 26));
    buf.append(s);
    model += s;
  }
  size_t step = 1;
  while (!model.empty()) {
    const size_t n = std::min(step, model.size());
    buf.consume(n);
    model.erase(0, n);
    CHECK(buf.size() == model.size());
    CHECK(gathered(buf) == model);
    step = step * 3 + 1;
  }
  CHECK(buf.empty());
}

TEST_CASE("a fully consumed buffer reuses its block") {
  ReplyBuffer buf;
  char* first = buf.reserve(16);
  std::memcpy(first, "+PONG\r\n", 7);
  buf.commit(7);
  buf.consume(7);
  CHECK(buf.empty());
  CHECK(buf.reserve(16) == first);
  buf.commit(0);
  buf.append(std::string_view("+OK\r\n"));
  buf.clear();
  CHECK(buf.empty());
  CHECK(buf.reserve(16) == first);
}

TEST_CASE("append_buffer copies small buffers and moves blocks of large ones") {
  ReplyBuffer dst;
  dst.append(std::string_view("head|"));

  ReplyBuffer small;
  small.append(std::string_view("small|"));
  dst.append_buffer(std::move(small));
  CHECK(small.empty());
  CHECK(dst.to_string() == "head|small|");
  CHECK(iov_count(dst) == 1);  // copied into the existing block

  ReplyBuffer large;
  const std::string payload(3 * ReplyBuffer::kBlockSize, 'L');
  large.append(payload);
  iovec before[8];
  const size_t nb = large.gather(before, 8);
  REQUIRE(nb >= 1);
  dst.append_buffer(std::move(large));
  CHECK(large.empty());
  CHECK(large.size() == 0);
  CHECK(dst.to_string() == "head|small|" + payload);
  iovec after[16];
  const size_t na = dst.gather(after, 16);
  REQUIRE(na == 1 + nb);
  for (size_t i = 0; i < nb; ++i) {
    // Same memory: the blocks were moved, not copied.
    CHECK(after[1 + i].iov_base == before[i].iov_base);
    CHECK(after[1 + i].iov_len == before[i].iov_len);
  }
  // The source stays usable.
  large.append(std::string_view("again"));
  CHECK(large.to_string() == "again");
  // Appending after a splice goes after the spliced bytes.
  dst.append(std::string_view("|tail"));
  CHECK(dst.to_string() == "head|small|" + payload + "|tail");
}

TEST_CASE("append_buffer into an empty buffer and of a partly consumed buffer") {
  ReplyBuffer src;
  const std::string payload = std::string(2000, 'a') + std::string(40000, 'b');
  src.append(payload);
  src.consume(1500);
  ReplyBuffer dst;
  dst.append_buffer(std::move(src));
  CHECK(dst.to_string() == payload.substr(1500));
  CHECK(src.empty());
  dst.consume(dst.size());
  CHECK(dst.empty());
  // An empty source changes nothing.
  ReplyBuffer empty;
  dst.append(std::string_view("x"));
  dst.append_buffer(std::move(empty));
  CHECK(dst.to_string() == "x");
}

TEST_CASE("move construction and assignment leave the source empty and usable") {
  ReplyBuffer a;
  a.append(std::string(1000, 'q'));
  ReplyBuffer b(std::move(a));
  CHECK(b.size() == 1000);
  CHECK(a.empty());
  a.append(std::string_view("x"));
  CHECK(a.to_string() == "x");
  ReplyBuffer c;
  c.append(std::string_view("old"));
  c = std::move(b);
  CHECK(c.to_string() == std::string(1000, 'q'));
  CHECK(b.empty());
  CHECK(b.to_string().empty());
  b.append('y');
  CHECK(b.to_string() == "y");
}

TEST_CASE("randomized model test against std::string") {
  std::mt19937 rng(2024);
  auto rnd = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  for (int round = 0; round < 12; ++round) {
    ReplyBuffer buf;
    std::string model;
    for (int op = 0; op < 2000; ++op) {
      switch (rnd(9)) {
        case 0:
        case 1: {  // small append
          const std::string s = random_bytes(rng, rnd(64));
          buf.append(s);
          model += s;
          break;
        }
        case 2: {  // large append, sometimes beyond a block
          const std::string s = random_bytes(rng, rnd(3 * ReplyBuffer::kBlockSize));
          buf.append(s);
          model += s;
          break;
        }
        case 3: {  // char
          const char c = static_cast<char>(rng());
          buf.append(c);
          model += c;
          break;
        }
        case 4: {  // reserve and commit part of it
          const size_t want = rnd(2) ? rnd(100) : rnd(40000);
          char* p = buf.reserve(want);
          const size_t used = want ? rnd(want + 1) : 0;
          const std::string s = random_bytes(rng, used);
          if (used) std::memcpy(p, s.data(), used);
          buf.commit(used);
          model += s;
          break;
        }
        case 5:
        case 6: {  // consume, like a partial send
          const size_t n = model.empty() ? 0 : rnd(model.size() + 1);
          buf.consume(n);
          model.erase(0, n);
          break;
        }
        case 7: {  // splice another buffer, small or large, partly consumed or not
          ReplyBuffer other;
          std::string other_model;
          const size_t pieces = 1 + rnd(4);
          for (size_t i = 0; i < pieces; ++i) {
            const std::string s = random_bytes(rng, rnd(2) ? rnd(300) : rnd(50000));
            other.append(s);
            other_model += s;
          }
          if (rnd(2) && !other_model.empty()) {
            const size_t n = rnd(other_model.size());
            other.consume(n);
            other_model.erase(0, n);
          }
          buf.append_buffer(std::move(other));
          model += other_model;
          CHECK(other.empty());
          break;
        }
        case 8: {
          if (rnd(20) == 0) {
            buf.clear();
            model.clear();
          }
          break;
        }
      }
      REQUIRE(buf.size() == model.size());
      REQUIRE(buf.empty() == model.empty());
      if (op % 50 == 0) {
        REQUIRE(buf.to_string() == model);
        REQUIRE(gathered(buf, 4096) == model);
      }
    }
    CHECK(buf.to_string() == model);
    // Drain it the way a connection does: gather a few iovecs, "send" part of them.
    std::string sent;
    while (!buf.empty()) {
      iovec iov[4];
      const size_t n = buf.gather(iov, 4);
      REQUIRE(n > 0);
      size_t bytes = 0;
      for (size_t i = 0; i < n; ++i) bytes += iov[i].iov_len;
      const size_t take = 1 + rnd(bytes);
      size_t left = take;
      for (size_t i = 0; i < n && left > 0; ++i) {
        const size_t k = std::min(left, iov[i].iov_len);
        sent.append(static_cast<const char*>(iov[i].iov_base), k);
        left -= k;
      }
      buf.consume(take);
    }
    CHECK(sent == model);
  }
}

}  // namespace
}  // namespace shardis::proto
