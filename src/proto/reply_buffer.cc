#include <shardis/proto/reply_buffer.h>

#include <algorithm>
#include <cstring>
#include <utility>

namespace shardis::proto {
namespace {

// Appending a buffer smaller than this copies its bytes; larger ones have their blocks moved.
// Copying a few hundred bytes is cheaper than adding a half-empty block to the chain.
constexpr size_t kSpliceCopyBelow = 1024;

}  // namespace

ReplyBuffer::ReplyBuffer(ReplyBuffer&& other) noexcept
    : blocks_(std::move(other.blocks_)), head_(other.head_), size_(other.size_) {
  other.blocks_.clear();
  other.head_ = 0;
  other.size_ = 0;
}

ReplyBuffer& ReplyBuffer::operator=(ReplyBuffer&& other) noexcept {
  if (this != &other) {
    blocks_ = std::move(other.blocks_);
    head_ = other.head_;
    size_ = other.size_;
    other.blocks_.clear();
    other.head_ = 0;
    other.size_ = 0;
  }
  return *this;
}

ReplyBuffer::Block& ReplyBuffer::tail_with_room(size_t n) {
  const bool has_live = head_ < blocks_.size();
  if (has_live) {
    Block& tail = blocks_.back();
    if (tail.cap - tail.end >= n) return tail;
  }
  // The first block is small so that one-line replies stay cheap; an append larger than a
  // normal block gets a block of exactly its size.
  const bool first = size_ == 0;
  const size_t base = first ? kFirstBlockSize : kBlockSize;
  const size_t cap = n <= base ? base : std::max(n, kBlockSize);
  Block block;
  block.data = std::make_unique<char[]>(cap);
  block.cap = cap;
  if (has_live && blocks_.back().begin == blocks_.back().end) {
    // An empty tail that is too small (a spare, or a reserve() never committed): replace it.
    blocks_.back() = std::move(block);
  } else {
    blocks_.push_back(std::move(block));
  }
  return blocks_.back();
}

void ReplyBuffer::append(std::string_view bytes) {
  while (!bytes.empty()) {
    Block* tail = head_ < blocks_.size() ? &blocks_.back() : nullptr;
    size_t room = tail != nullptr ? tail->cap - tail->end : 0;
    if (room == 0) {
      tail = &tail_with_room(bytes.size());
      room = tail->cap - tail->end;
    }
    const size_t n = std::min(room, bytes.size());
    std::memcpy(tail->data.get() + tail->end, bytes.data(), n);
    tail->end += n;
    size_ += n;
    bytes.remove_prefix(n);
  }
}

void ReplyBuffer::append(char c) {
  Block& tail = tail_with_room(1);
  tail.data[tail.end++] = c;
  ++size_;
}

char* ReplyBuffer::reserve(size_t n) {
  Block& tail = tail_with_room(n);
  return tail.data.get() + tail.end;
}

void ReplyBuffer::commit(size_t n) {
  blocks_.back().end += n;
  size_ += n;
}

size_t ReplyBuffer::gather(iovec* iov, size_t max_iov) const {
  size_t count = 0;
  for (size_t i = head_; i < blocks_.size() && count < max_iov; ++i) {
    const Block& b = blocks_[i];
    if (b.begin == b.end) continue;
    iov[count].iov_base = b.data.get() + b.begin;
    iov[count].iov_len = b.end - b.begin;
    ++count;
  }
  return count;
}

void ReplyBuffer::consume(size_t n) {
  n = std::min(n, size_);
  size_ -= n;
  if (size_ == 0) {
    keep_spare_only();
    return;
  }
  while (n > 0) {
    Block& b = blocks_[head_];
    const size_t avail = b.end - b.begin;
    if (n < avail) {
      b.begin += n;
      break;
    }
    // size_ > 0, so some later block still holds bytes and this one is not the tail.
    n -= avail;
    b.data.reset();
    b.cap = b.begin = b.end = 0;
    ++head_;
  }
  // Drop dead entries once they are at least half of the vector: amortized O(1) per block.
  if (head_ > 0 && head_ * 2 >= blocks_.size()) {
    blocks_.erase(blocks_.begin(), blocks_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
}

void ReplyBuffer::keep_spare_only() {
  // Keep one normal-sized block for the next reply; a block made for one huge append goes.
  Block spare;
  if (head_ < blocks_.size() && blocks_.back().cap <= kBlockSize) {
    spare = std::move(blocks_.back());
    spare.begin = spare.end = 0;
  }
  blocks_.clear();
  head_ = 0;
  if (spare.data) blocks_.push_back(std::move(spare));
}

void ReplyBuffer::append_buffer(ReplyBuffer&& other) {
  if (&other == this) return;
  if (other.size_ == 0) {
    other.clear();
    return;
  }
  if (other.size_ < kSpliceCopyBelow) {
    for (size_t i = other.head_; i < other.blocks_.size(); ++i) {
      const Block& b = other.blocks_[i];
      append(std::string_view(b.data.get() + b.begin, b.end - b.begin));
    }
    other.clear();
    return;
  }
  if (size_ == 0) {
    blocks_ = std::move(other.blocks_);
    head_ = other.head_;
    size_ = other.size_;
  } else {
    blocks_.reserve(blocks_.size() + (other.blocks_.size() - other.head_));
    for (size_t i = other.head_; i < other.blocks_.size(); ++i) {
      Block& b = other.blocks_[i];
      if (b.begin != b.end) blocks_.push_back(std::move(b));
    }
    size_ += other.size_;
  }
  other.blocks_.clear();
  other.head_ = 0;
  other.size_ = 0;
}

void ReplyBuffer::clear() {
  size_ = 0;
  keep_spare_only();
}

std::string ReplyBuffer::to_string() const {
  std::string out;
  out.reserve(size_);
  for (size_t i = head_; i < blocks_.size(); ++i) {
    const Block& b = blocks_[i];
    out.append(b.data.get() + b.begin, b.end - b.begin);
  }
  return out;
}

}  // namespace shardis::proto
