#include <shardis/core/intset.h>

#include <cassert>
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>
#include <utility>

namespace shardis::core {

namespace {

constexpr uint32_t kMinCapacity = 4;

template <typename T>
size_t lower_bound(const T* a, size_t n, int64_t v) {
  size_t lo = 0;
  size_t hi = n;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (static_cast<int64_t>(a[mid]) < v) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

template <typename T>
int64_t load(const void* data, size_t i) {
  return static_cast<const T*>(data)[i];
}

template <typename From, typename To>
void widen(void* data, size_t n, size_t shift) {
  // Back to front: value i moves to (i + shift) * sizeof(To) >= i * sizeof(From), so it never
  // lands on a value that is still to be read.
  for (size_t i = n; i-- > 0;) {
    const To v = static_cast<const From*>(data)[i];
    static_cast<To*>(data)[i + shift] = v;
  }
}

}  // namespace

Intset::~Intset() {
  std::free(data_);
}

Intset::Intset(const Intset& other) : width_(other.width_) {
  if (other.size_ > 0) {
    data_ = std::malloc(size_t{other.size_} * other.width_);
    if (data_ == nullptr) throw std::bad_alloc();
    std::memcpy(data_, other.data_, size_t{other.size_} * other.width_);
    size_ = cap_ = other.size_;
  }
}

Intset& Intset::operator=(const Intset& other) {
  if (this != &other) {
    Intset copy(other);
    *this = std::move(copy);
  }
  return *this;
}

Intset::Intset(Intset&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      cap_(std::exchange(other.cap_, 0)),
      width_(std::exchange(other.width_, 2)) {}

Intset& Intset::operator=(Intset&& other) noexcept {
  if (this != &other) {
    std::free(data_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    cap_ = std::exchange(other.cap_, 0);
    width_ = std::exchange(other.width_, 2);
  }
  return *this;
}

unsigned Intset::width_for(int64_t v) {
  if (v >= INT16_MIN && v <= INT16_MAX) return 2;
  if (v >= INT32_MIN && v <= INT32_MAX) return 4;
  return 8;
}

int64_t Intset::get(size_t i) const {
  assert(i < size_);
  switch (width_) {
    case 2:
      return load<int16_t>(data_, i);
    case 4:
      return load<int32_t>(data_, i);
    default:
      return load<int64_t>(data_, i);
  }
}

int64_t Intset::random(uint64_t rnd) const {
  assert(size_ > 0);
  return get(rnd % size_);
}

void Intset::set_at(size_t i, int64_t v) {
  switch (width_) {
    case 2:
      static_cast<int16_t*>(data_)[i] = static_cast<int16_t>(v);
      break;
    case 4:
      static_cast<int32_t*>(data_)[i] = static_cast<int32_t>(v);
      break;
    default:
      static_cast<int64_t*>(data_)[i] = v;
  }
}

size_t Intset::search(int64_t v, bool* found) const {
  size_t pos;
  switch (width_) {
    case 2:
      pos = lower_bound(static_cast<const int16_t*>(data_), size_, v);
      break;
    case 4:
      pos = lower_bound(static_cast<const int32_t*>(data_), size_, v);
      break;
    default:
      pos = lower_bound(static_cast<const int64_t*>(data_), size_, v);
  }
  *found = pos < size_ && get(pos) == v;
  return pos;
}

bool Intset::contains(int64_t v) const {
  // A value wider than the array cannot be in it (the check Redis makes first, too).
  if (width_for(v) > width_ || size_ == 0) return false;
  bool found;
  search(v, &found);
  return found;
}

void Intset::reserve(size_t n, unsigned w) {
  if (n <= cap_ && w == width_) return;
  size_t cap = cap_ < kMinCapacity ? kMinCapacity : cap_;
  while (cap < n) cap *= 2;
  if (cap > UINT32_MAX) cap = UINT32_MAX;
  void* p = std::realloc(data_, cap * w);
  if (p == nullptr) throw std::bad_alloc();
  data_ = p;
  cap_ = static_cast<uint32_t>(cap);
}

void Intset::upgrade_and_add(int64_t v, unsigned w) {
  const size_t n = size_;
  const unsigned old_w = width_;
  reserve(n + 1, w);  // bytes for n + 1 values at w; the values are still at old_w
  // v does not fit the old width, so it is below every value or above every value.
  const bool front = v < 0;
  const size_t shift = front ? 1 : 0;
  if (old_w == 2 && w == 4) {
    widen<int16_t, int32_t>(data_, n, shift);
  } else if (old_w == 2) {
    widen<int16_t, int64_t>(data_, n, shift);
  } else {
    widen<int32_t, int64_t>(data_, n, shift);
  }
  width_ = static_cast<uint8_t>(w);
  set_at(front ? 0 : n, v);
  ++size_;
}

bool Intset::add(int64_t v) {
  if (size_ == UINT32_MAX) throw std::length_error("intset is full");
  const unsigned w = width_for(v);
  if (w > width_) {
    upgrade_and_add(v, w);
    return true;
  }
  bool found;
  const size_t pos = search(v, &found);
  if (found) return false;
  reserve(size_t{size_} + 1, width_);
  auto* base = static_cast<char*>(data_);
  std::memmove(base + (pos + 1) * width_, base + pos * width_, (size_ - pos) * width_);
  set_at(pos, v);
  ++size_;
  return true;
}

bool Intset::remove(int64_t v) {
  if (width_for(v) > width_ || size_ == 0) return false;
  bool found;
  const size_t pos = search(v, &found);
  if (!found) return false;
  auto* base = static_cast<char*>(data_);
  std::memmove(base + pos * width_, base + (pos + 1) * width_, (size_ - pos - 1) * width_);
  --size_;
  if (size_ == 0) {
    std::free(data_);
    data_ = nullptr;
    cap_ = 0;
  } else if (cap_ > kMinCapacity && size_ < cap_ / 4) {
    // Give back half; the buffer stays at least twice the size, so add/remove at the boundary
    // cannot make every call reallocate.
    void* p = std::realloc(data_, size_t{cap_ / 2} * width_);
    if (p != nullptr) {
      data_ = p;
      cap_ /= 2;
    }
  }
  return true;
}

void Intset::clear() {
  std::free(data_);
  data_ = nullptr;
  size_ = cap_ = 0;
  width_ = 2;
}

}  // namespace shardis::core
