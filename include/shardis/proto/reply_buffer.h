#pragma once
// ReplyBuffer: the bytes waiting to go out on one connection (or one cross-shard reply), as a
// chain of heap blocks. Appends never move bytes already written, so a vectored send can be in
// flight over the front while handlers append at the back.
//
// Ownership and threads: a ReplyBuffer owns its blocks and is used by one thread at a time. A
// shard may fill one and hand it (by move) to another shard; append_buffer() then splices the
// blocks into the connection's buffer without copying them when they are large.
#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace shardis::proto {

class ReplyBuffer {
 public:
  // Size of a normal block; a single append larger than this gets a block of its own size.
  static constexpr size_t kBlockSize = 16 * 1024;
  // The first block of a buffer is small so that a one-line reply costs little.
  static constexpr size_t kFirstBlockSize = 512;

  ReplyBuffer() = default;
  // A moved-from buffer is empty and usable.
  ReplyBuffer(ReplyBuffer&& other) noexcept;
  ReplyBuffer& operator=(ReplyBuffer&& other) noexcept;
  ReplyBuffer(const ReplyBuffer&) = delete;
  ReplyBuffer& operator=(const ReplyBuffer&) = delete;

  void append(std::string_view bytes);
  void append(char c);
  // Returns space for at least n contiguous bytes at the back; commit() says how many were used.
  // Nothing else may touch the buffer between reserve() and its commit().
  char* reserve(size_t n);
  void commit(size_t n);

  // Unsent bytes.
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Fills up to max_iov iovecs with the unsent bytes, front first; returns how many.
  size_t gather(iovec* iov, size_t max_iov) const;
  // Drops the first n unsent bytes (n <= size()), freeing blocks that become empty.
  void consume(size_t n);
  // Moves every byte of other to the back of this buffer; other is left empty.
  void append_buffer(ReplyBuffer&& other);
  void clear();

  // Copies out the unsent bytes (tests and small cross-shard replies).
  std::string to_string() const;

 private:
  struct Block {
    std::unique_ptr<char[]> data;
    size_t cap = 0;
    size_t begin = 0;  // first unsent byte
    size_t end = 0;    // one past the last written byte
  };
  Block& tail_with_room(size_t n);
  // Drops every block but a reusable spare; the buffer must hold no unsent bytes.
  void keep_spare_only();

  std::vector<Block> blocks_;  // front = oldest; blocks_[head_] is the first live block
  size_t head_ = 0;
  size_t size_ = 0;
};

}  // namespace shardis::proto
