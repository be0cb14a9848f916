#include <shardis/core/slab.h>

#include <new>

namespace shardis::core {

namespace {

// Class c holds blocks of (c + 1) * 8 bytes.
size_t class_of(size_t n) {
  return n == 0 ? 0 : (n - 1) / 8;
}

}  // namespace

Slab::~Slab() {
  for (void* page : pages_) ::operator delete(page, kPageBytes);
}

size_t Slab::block_size(size_t n) {
  if (n > kMaxSmall) return n;
  return (class_of(n) + 1) * 8;
}

void* Slab::alloc(size_t n) {
  if (n > kMaxSmall) {
    void* p = ::operator new(n);
    in_use_ += n;
    reserved_ += n;
    return p;
  }
  const size_t c = class_of(n);
  const size_t size = (c + 1) * 8;
  in_use_ += size;
  if (FreeBlock* b = free_[c]) {
    free_[c] = b->next;
    return b;
  }
  if (static_cast<size_t>(bump_end_[c] - bump_[c]) < size) {
    // The tail of the old page (less than one block) is left unused.
    pages_.push_back(nullptr);  // first, so that a failure below leaks nothing
    char* page;
    try {
      page = static_cast<char*>(::operator new(kPageBytes));
    } catch (...) {
      pages_.pop_back();
      in_use_ -= size;
      throw;
    }
    pages_.back() = page;
    reserved_ += kPageBytes;
    bump_[c] = page;
    bump_end_[c] = page + kPageBytes;
  }
  void* p = bump_[c];
  bump_[c] += size;
  return p;
}

void Slab::free(void* p, size_t n) {
  if (p == nullptr) return;
  if (n > kMaxSmall) {
    ::operator delete(p, n);
    in_use_ -= n;
    reserved_ -= n;
    return;
  }
  const size_t c = class_of(n);
  in_use_ -= (c + 1) * 8;
  auto* b = static_cast<FreeBlock*>(p);
  b->next = free_[c];
  free_[c] = b;
}

}  // namespace shardis::core
