#pragma once
// Slab: a size-class allocator for the small blocks that hold keyspace entries.
//
// Contract
// - Thread: owned by one shard thread; not thread-safe.
// - Blocks of 1..kMaxSmall bytes come from per-class free lists carved out of kPageBytes pages,
//   with no per-block header (a 24-byte entry costs exactly 24 bytes, where malloc spends 32).
//   Size classes are multiples of 8. Larger blocks go to ::operator new.
// - free(p, n) must be given the same n as alloc(n). Freed small blocks are reused by the same
//   class; pages are kept until the Slab is destroyed (the owner bounds the keyspace, not the
//   Slab). Blocks are 8-byte aligned.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace shardis::core {

class Slab {
 public:
  static constexpr size_t kMaxSmall = 256;
  static constexpr size_t kPageBytes = 64 * 1024;

  Slab() = default;
  ~Slab();
  Slab(const Slab&) = delete;
  Slab& operator=(const Slab&) = delete;

  void* alloc(size_t n);
  void free(void* p, size_t n);

  // The size actually reserved for a block of n bytes (class size, or n when large).
  static size_t block_size(size_t n);

  size_t bytes_in_use() const { return in_use_; }      // sum of block_size of live blocks
  size_t bytes_reserved() const { return reserved_; }  // pages plus live large blocks

 private:
  static constexpr size_t kClasses = kMaxSmall / 8;
  struct FreeBlock {
    FreeBlock* next;
  };
  FreeBlock* free_[kClasses] = {};
  char* bump_[kClasses] = {};      // next uncarved byte in the class's current page
  char* bump_end_[kClasses] = {};  // end of that page
  std::vector<void*> pages_;
  size_t in_use_ = 0;
  size_t reserved_ = 0;
};

}  // namespace shardis::core
