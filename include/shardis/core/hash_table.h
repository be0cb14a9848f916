#pragma once
// HashTable: the keyspace index of one database on one shard.
//
// Contract
// - Thread: owned by one shard thread; no internal synchronisation.
// - Stores non-owning pointers T* (entries live elsewhere, e.g. in a Slab). The table never
//   allocates, frees or dereferences an entry except through Traits::key(entry).
// - Layout: power-of-two array of 64-byte buckets; each bucket holds up to 7 entry pointers, a
//   presence mask and a one-byte hash fragment per slot, so a miss costs one cache line. A full
//   bucket chains to a child bucket (same layout) allocated on demand.
// - Growth and shrink are incremental: while a resize is in flight two bucket arrays exist and
//   every insert/erase moves at most kRehashStepBuckets buckets (plus their chains) from the old
//   array to the new one; rehash_step() lets the owner do bounded extra work per loop turn.
//   No single call ever moves more than max(kRehashStepBuckets, n) buckets.
// - Pointers to slots (T**) returned by find()/insert() stay valid until the next insert, erase,
//   rehash_step, clear or scan-with-mutation on this table. find() never moves entries.
// - scan(): Redis's reverse-binary cursor. Every entry present for the whole of a full scan
//   (cursor 0 back to 0) is reported at least once, even if resizes start or finish between
//   calls; an entry may be reported more than once.
//
// Traits requirements:
//   static std::string_view key(const T* e);    // the entry's key bytes
//   static uint64_t hash(std::string_view key);  // well-mixed 64-bit hash (xxh3)
//
// Implementation notes
// - Bucket index = low bits of the hash; fragment = top byte, so the two never overlap.
// - Resize policy: grow (x2) when an insert would push size() above 7 * bucket_count() (100% of
//   the primary slots); shrink (/2) when an erase leaves size() below bucket_count() * 7 / 8
//   (12.5%). After a grow the load is >= 50% and after a shrink <= 25%, so the two cannot
//   ping-pong. A resize never starts while another is in flight: the request is simply made again
//   by the next insert/erase once the in-flight one is done; chains absorb any overflow meanwhile
//   (a grow from N buckets finishes within N / kRehashStepBuckets inserts, long before the next
//   threshold at twice the size).
// - Chains are kept compact: only the last bucket of a chain has free slots (erase refills a hole
//   from the tail and frees an emptied tail), so a non-empty chain always has a non-empty head.
// - Child buckets come from a per-array pool of 64-byte-aligned chunks (no malloc header per
//   child, no scattered 64-byte blocks). During a resize only not-yet-moved old buckets can get
//   new children, and every old child is freed when its bucket moves, so the old pool is empty
//   when the old array is done and is released whole with it: children never outlive the array
//   generation that needed them.
// - While a large old array is being emptied its moved prefix is handed back to the kernel in
//   1 MiB pieces, so neither the peak during a grow nor the final unmap is the whole old array.
// - When the last entry is erased every bucket is freed (the trivial O(1) case).
#include <sys/mman.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string_view>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace shardis::core {

namespace detail {

inline uint64_t reverse_bits(uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
  v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
  v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
  return __builtin_bswap64(v);
}

// splitmix64: derives a stream of well-mixed values from the caller's one random value.
inline uint64_t next_random(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Bucket arrays from 64 KiB up are mapped directly: the kernel hands out zero pages lazily, so
// starting a grow costs no memset of the whole new array (that would be a latency spike of
// milliseconds at 10M keys) and freeing returns the memory to the system at once.
inline constexpr size_t kMapThresholdBytes = size_t{64} << 10;
// A mapped old array is returned to the kernel in pieces of this size as a resize empties it.
inline constexpr size_t kReleaseBytes = size_t{1} << 20;
inline constexpr size_t kBucketAlign = 64;

inline void* alloc_zeroed_array(size_t bytes) {
  if (bytes >= kMapThresholdBytes) {
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    return p;
  }
  void* p = ::operator new (bytes, std::align_val_t{kBucketAlign});
  std::memset(p, 0, bytes);
  return p;
}

// Gives back the pages of [p, p + bytes) of a mapped array; they read as zero afterwards.
inline void release_pages(void* p, size_t bytes) {
  ::madvise(p, bytes, MADV_DONTNEED);
}

inline void free_array(void* p, size_t bytes) {
  if (bytes >= kMapThresholdBytes) {
    ::munmap(p, bytes);
  } else {
    ::operator delete (p, bytes, std::align_val_t{kBucketAlign});
  }
}

}  // namespace detail

template <typename T, typename Traits>
class HashTable {
 public:
  static constexpr size_t kSlotsPerBucket = 7;
  // One bucket per operation, as Redis: moving a bucket means reading every entry in it to
  // rehash its key (a cache miss each, up to 7 per bucket, plus chains), and the new array's
  // pages are touched for the first time. A grow still ends long before the next one is due
  // (N inserts against 7N), and the shard loop moves more buckets per turn while it is idle.
  static constexpr size_t kRehashStepBuckets = 1;

  HashTable() = default;
  ~HashTable();  // frees buckets only, never entries (call clear(fn) first if needed)
  HashTable(const HashTable&) = delete;
  HashTable& operator=(const HashTable&) = delete;
  HashTable(HashTable&& other) noexcept;
  HashTable& operator=(HashTable&& other) noexcept;

  // The slot holding the entry whose key equals `key`, or nullptr. `h` is Traits::hash(key).
  T** find(std::string_view key, uint64_t h) const;
  // Adds an entry whose key is not present (caller guarantees). Returns its slot.
  // May start a resize and does a bounded rehash step.
  T** insert(T* e, uint64_t h);
  // Removes and returns the entry with `key`, or nullptr if absent. Does a bounded rehash step
  // and may start a shrink.
  T* erase(std::string_view key, uint64_t h);

  size_t size() const { return size_; }
  bool rehashing() const { return t_[1].buckets != nullptr; }
  // Moves up to `buckets` buckets of an in-flight resize; returns true if a resize is still in
  // flight afterwards.
  bool rehash_step(size_t buckets);
  // Old-array buckets (empty or not, each with its chain) that the most recent insert, erase or
  // rehash_step call moved. For tests and metrics: insert/erase never report more than
  // kRehashStepBuckets.
  size_t last_step_moved() const { return last_moved_; }

  // Calls fn(T*) for the entries of the bucket(s) named by `cursor` and returns the next cursor
  // (0 when the scan is complete). See the contract above. fn must not change the table.
  template <typename Fn>
  uint64_t scan(uint64_t cursor, Fn&& fn) const;

  // A pseudo-random entry chosen with help of `rnd` (any 64-bit random value), or nullptr when
  // empty. Not exactly uniform (bucket first, then slot), as Redis's dictGetRandomKey.
  T* random(uint64_t rnd) const;

  // Calls fn(T*) for every entry once. The table must not be changed during the walk.
  template <typename Fn>
  void for_each(Fn&& fn) const;

  // Removes every entry, calling fn(T*) on each, and frees all buckets.
  template <typename Fn>
  void clear(Fn&& fn);

  // Bytes held by bucket arrays and child buckets.
  size_t bucket_bytes() const {
    return (count(t_[0]) + count(t_[1]) + t_[0].pool.capacity + t_[1].pool.capacity) *
           sizeof(Bucket);
  }
  // The part of bucket_bytes() mapped directly from the kernel (outside malloc's accounting).
  size_t mapped_bytes() const {
    size_t n = 0;
    for (const Table& t : t_) {
      size_t bytes = count(t) * sizeof(Bucket);
      if (bytes >= detail::kMapThresholdBytes) n += bytes;
    }
    return n;
  }
  // Number of buckets in the main array (and in the array being filled, during a resize).
  size_t bucket_count() const { return rehashing() ? count(t_[1]) : count(t_[0]); }

 private:
  static constexpr uint8_t kPresentMask = 0x7f;  // meta bits 0..6: slot i holds an entry
  static constexpr uint8_t kChildBit = 0x80;     // meta bit 7: slot 6 holds the child pointer
  static constexpr uint8_t kHeadMask = 0x3f;     // usable slots of a bucket that has a child
  static constexpr int kRandomTries = 64;        // random(): probes before the linear walk

  struct alignas(64) Bucket {
    uint8_t meta;  // first: meta and fragments form one 8-byte word for the compare
    uint8_t frag[kSlotsPerBucket];
    T* slot[kSlotsPerBucket];
  };
  static_assert(sizeof(Bucket) == 64 && alignof(Bucket) == 64, "a bucket is one cache line");

  // Child buckets of one array. Freed children are linked through slot[0].
  struct ChildPool {
    Bucket* free = nullptr;
    Bucket* next = nullptr;  // uncarved part of the newest chunk
    Bucket* end = nullptr;
    size_t capacity = 0;  // buckets in all chunks
    std::vector<std::pair<Bucket*, size_t>> chunks;
  };
  static constexpr size_t kMaxChunkBuckets = 1024;  // 64 KiB; chunks double up to this

  struct Table {
    Bucket* buckets = nullptr;
    size_t mask = 0;
    ChildPool pool;
  };

  static size_t count(const Table& t) { return t.buckets ? t.mask + 1 : 0; }
  static uint8_t fragment(uint64_t h) { return static_cast<uint8_t>(h >> 56); }
  static Bucket* child(const Bucket* b) { return reinterpret_cast<Bucket*>(b->slot[6]); }
  static bool chain_empty(const Bucket* b) { return b->meta == 0; }  // by chain compactness

  // Present slots of b whose fragment equals frag, as a bit mask over slot indexes.
  static unsigned match(const Bucket* b, uint8_t frag) {
#if defined(__SSE2__)
    uint64_t word;
    std::memcpy(&word, b, sizeof(word));
    const __m128i eq = _mm_cmpeq_epi8(_mm_cvtsi64_si128(static_cast<long long>(word)),
                                      _mm_set1_epi8(static_cast<char>(frag)));
    return (static_cast<unsigned>(_mm_movemask_epi8(eq)) >> 1) & b->meta & kPresentMask;
#else
    unsigned m = 0;
    for (unsigned i = 0; i < kSlotsPerBucket; ++i) m |= unsigned{b->frag[i] == frag} << i;
    return m & b->meta & kPresentMask;
#endif
  }

  template <typename Fn>
  static void emit_chain(const Bucket* b, Fn& fn) {
    for (;;) {
      for (unsigned m = b->meta & kPresentMask; m != 0; m &= m - 1)
        fn(b->slot[std::countr_zero(m)]);
      if (!(b->meta & kChildBit)) return;
      b = child(b);
    }
  }

  static T** find_in_chain(Bucket* b, std::string_view key, uint8_t frag) {
    for (;;) {
      for (unsigned m = match(b, frag); m != 0; m &= m - 1) {
        const int i = std::countr_zero(m);
        if (Traits::key(b->slot[i]) == key) return &b->slot[i];
      }
      if (!(b->meta & kChildBit)) return nullptr;
      b = child(b);
    }
  }

  static Bucket* new_child(Table& t) {
    ChildPool& p = t.pool;
    Bucket* c = p.free;
    if (c != nullptr) {
      p.free = reinterpret_cast<Bucket*>(c->slot[0]);
    } else {
      if (p.next == p.end) {
        const size_t n = std::min(kMaxChunkBuckets, std::max<size_t>(1, p.capacity));
        p.chunks.emplace_back(nullptr, 0);  // first, so that no chunk can leak if this throws
        try {
          p.next = static_cast<Bucket*>(
              ::operator new (n * sizeof(Bucket), std::align_val_t{detail::kBucketAlign}));
        } catch (...) {
          p.chunks.pop_back();
          throw;
        }
        p.chunks.back() = {p.next, n};
        p.end = p.next + n;
        p.capacity += n;
      }
      c = p.next++;
    }
    std::memset(static_cast<void*>(c), 0, sizeof(Bucket));
    return c;
  }
  static void free_child(Table& t, Bucket* c) {
    c->slot[0] = reinterpret_cast<T*>(t.pool.free);
    t.pool.free = c;
  }

  static void alloc_table(Table& t, size_t n) {
    t.buckets = static_cast<Bucket*>(detail::alloc_zeroed_array(n * sizeof(Bucket)));
    t.mask = n - 1;
  }
  // Frees the array and every child bucket of t.
  static void free_table(Table& t) {
    if (t.buckets) detail::free_array(t.buckets, count(t) * sizeof(Bucket));
    for (auto [chunk, n] : t.pool.chunks) {
      ::operator delete (static_cast<void*>(chunk), n * sizeof(Bucket),
                         std::align_val_t{detail::kBucketAlign});
    }
    t = Table{};
  }

  // Puts e into the first free slot of its chain in t, extending the chain if it is full.
  T** place(Table& t, T* e, uint64_t h);
  // Removes slot i of bucket b (in the chain starting at head) and keeps the chain compact.
  void remove_at(Table& t, Bucket* head, Bucket* b, unsigned i);
  // Moves old bucket rehash_idx_ (with its chain) into t_[1].
  void move_bucket(Bucket* b);
  // Moves up to n old buckets, finishing the resize if the old array is done; returns how many.
  size_t step(size_t n);
  void start_resize(size_t new_count);
  void release_all();

  Table t_[2];               // t_[0]: main (old, during a resize); t_[1]: being filled
  size_t size_ = 0;          // entries in both arrays
  size_t rehash_idx_ = 0;    // during a resize: t_[0] buckets below this are empty and done
  size_t released_idx_ = 0;  // during a resize: t_[0] buckets below this went back to the kernel
  size_t last_moved_ = 0;    // see last_step_moved()
};

// ---------------------------------------------------------------------------------------------

template <typename T, typename Traits>
HashTable<T, Traits>::~HashTable() {
  release_all();
}

template <typename T, typename Traits>
HashTable<T, Traits>::HashTable(HashTable&& other) noexcept
    : size_(other.size_),
      rehash_idx_(other.rehash_idx_),
      released_idx_(other.released_idx_),
      last_moved_(other.last_moved_) {
  t_[0] = std::exchange(other.t_[0], Table{});
  t_[1] = std::exchange(other.t_[1], Table{});
  other.size_ = other.rehash_idx_ = other.released_idx_ = other.last_moved_ = 0;
}

template <typename T, typename Traits>
HashTable<T, Traits>& HashTable<T, Traits>::operator=(HashTable&& other) noexcept {
  if (this != &other) {
    release_all();
    t_[0] = std::exchange(other.t_[0], Table{});
    t_[1] = std::exchange(other.t_[1], Table{});
    size_ = std::exchange(other.size_, 0);
    rehash_idx_ = std::exchange(other.rehash_idx_, 0);
    released_idx_ = std::exchange(other.released_idx_, 0);
    last_moved_ = std::exchange(other.last_moved_, 0);
  }
  return *this;
}

template <typename T, typename Traits>
T** HashTable<T, Traits>::find(std::string_view key, uint64_t h) const {
  if (size_ == 0) return nullptr;
  const uint8_t frag = fragment(h);
  if (rehashing()) {
    const size_t i0 = h & t_[0].mask;
    if (i0 >= rehash_idx_) {
      if (T** s = find_in_chain(&t_[0].buckets[i0], key, frag)) return s;
    }
    return find_in_chain(&t_[1].buckets[h & t_[1].mask], key, frag);
  }
  return find_in_chain(&t_[0].buckets[h & t_[0].mask], key, frag);
}

template <typename T, typename Traits>
T** HashTable<T, Traits>::place(Table& t, T* e, uint64_t h) {
  const uint8_t frag = fragment(h);
  Bucket* b = &t.buckets[h & t.mask];
  for (;;) {
    const bool has_child = b->meta & kChildBit;
    const unsigned free_slots = ~unsigned{b->meta} & (has_child ? kHeadMask : kPresentMask);
    if (free_slots != 0) {
      const int i = std::countr_zero(free_slots);
      b->slot[i] = e;
      b->frag[i] = frag;
      b->meta |= static_cast<uint8_t>(1u << i);
      return &b->slot[i];
    }
    if (has_child) {
      b = child(b);
      continue;
    }
    // Full tail: its last entry moves to a new child and slot 6 becomes the link.
    Bucket* c = new_child(t);
    c->slot[0] = b->slot[6];
    c->frag[0] = b->frag[6];
    c->slot[1] = e;
    c->frag[1] = frag;
    c->meta = 0x3;
    b->slot[6] = reinterpret_cast<T*>(c);
    b->meta = static_cast<uint8_t>((b->meta & ~0x40u) | kChildBit);
    return &c->slot[1];
  }
}

template <typename T, typename Traits>
void HashTable<T, Traits>::remove_at(Table& t, Bucket* head, Bucket* b, unsigned i) {
  b->meta &= static_cast<uint8_t>(~(1u << i));
  Bucket* parent = nullptr;
  Bucket* tail = head;
  while (tail->meta & kChildBit) {
    parent = tail;
    tail = child(tail);
  }
  if (tail != b) {
    // Refill the hole from the tail (non-empty: an emptied non-head tail is always freed).
    const int j = 31 - std::countl_zero(unsigned{tail->meta} & kPresentMask);
    b->slot[i] = tail->slot[j];
    b->frag[i] = tail->frag[j];
    b->meta |= static_cast<uint8_t>(1u << i);
    tail->meta &= static_cast<uint8_t>(~(1u << j));
  }
  if (parent != nullptr && (tail->meta & kPresentMask) == 0) {
    free_child(t, tail);
    parent->slot[6] = nullptr;
    parent->meta &= static_cast<uint8_t>(~kChildBit);
  }
}

template <typename T, typename Traits>
void HashTable<T, Traits>::move_bucket(Bucket* b) {
  Bucket* cur = b;
  for (;;) {
    const unsigned present = cur->meta & kPresentMask;
    // The hash must be recomputed from the key; start all the entries' cache misses at once.
    for (unsigned m = present; m != 0; m &= m - 1)
      __builtin_prefetch(cur->slot[std::countr_zero(m)]);
    for (unsigned m = present; m != 0; m &= m - 1) {
      T* e = cur->slot[std::countr_zero(m)];
      place(t_[1], e, Traits::hash(Traits::key(e)));
    }
    Bucket* next = (cur->meta & kChildBit) ? child(cur) : nullptr;
    if (cur != b) free_child(t_[0], cur);
    if (next == nullptr) break;
    cur = next;
  }
  b->meta = 0;
}

template <typename T, typename Traits>
size_t HashTable<T, Traits>::step(size_t n) {
  if (!rehashing()) return 0;
  const size_t old_count = count(t_[0]);
  size_t moved = 0;
  while (moved < n && rehash_idx_ < old_count) {
    move_bucket(&t_[0].buckets[rehash_idx_]);
    ++rehash_idx_;
    ++moved;
  }
  if (rehash_idx_ == old_count) {
    // Every old chain is gone, so the old pool holds no live child: both go at once.
    free_table(t_[0]);
    t_[0] = std::exchange(t_[1], Table{});
    rehash_idx_ = released_idx_ = 0;
    return moved;
  }
  constexpr size_t kReleaseBuckets = detail::kReleaseBytes / sizeof(Bucket);
  if (old_count * sizeof(Bucket) >= detail::kMapThresholdBytes) {
    while (rehash_idx_ - released_idx_ >= kReleaseBuckets) {
      detail::release_pages(&t_[0].buckets[released_idx_], detail::kReleaseBytes);
      released_idx_ += kReleaseBuckets;
    }
  }
  return moved;
}

template <typename T, typename Traits>
void HashTable<T, Traits>::start_resize(size_t new_count) {
  assert(!rehashing());
  alloc_table(t_[1], new_count);
  rehash_idx_ = released_idx_ = 0;
}

template <typename T, typename Traits>
bool HashTable<T, Traits>::rehash_step(size_t buckets) {
  last_moved_ = step(buckets);
  return rehashing();
}

template <typename T, typename Traits>
T** HashTable<T, Traits>::insert(T* e, uint64_t h) {
  last_moved_ = 0;
  if (t_[0].buckets == nullptr) {
    alloc_table(t_[0], 1);
  } else if (rehashing()) {
    last_moved_ = step(kRehashStepBuckets);
  }
  if (!rehashing() && size_ + 1 > kSlotsPerBucket * count(t_[0])) {
    start_resize(count(t_[0]) * 2);
    last_moved_ += step(kRehashStepBuckets - last_moved_);
  }
  ++size_;
  // During a resize a new key goes to the old array when its old bucket has not moved yet: that
  // bucket's page is resident, and the key moves with its bucket in sequence later. Placing it in
  // the new array instead would touch a random, most likely never-touched page of a freshly
  // mapped array: a page fault for nearly every insert at the start of a grow.
  if (rehashing() && (h & t_[0].mask) >= rehash_idx_) return place(t_[0], e, h);
  return place(rehashing() ? t_[1] : t_[0], e, h);
}

template <typename T, typename Traits>
T* HashTable<T, Traits>::erase(std::string_view key, uint64_t h) {
  last_moved_ = 0;
  if (size_ == 0) return nullptr;
  if (rehashing()) last_moved_ = step(kRehashStepBuckets);

  const uint8_t frag = fragment(h);
  Table* t = &t_[0];
  Bucket* head = nullptr;
  T** s = nullptr;
  if (rehashing()) {
    const size_t i0 = h & t_[0].mask;
    if (i0 >= rehash_idx_) {
      head = &t_[0].buckets[i0];
      s = find_in_chain(head, key, frag);
    }
    if (s == nullptr) t = &t_[1];
  }
  if (s == nullptr) {
    head = &t->buckets[h & t->mask];
    s = find_in_chain(head, key, frag);
  }
  if (s == nullptr) return nullptr;

  T* e = *s;
  // s points into the slot array of its bucket; recover the bucket and the slot index.
  auto* b = reinterpret_cast<Bucket*>(reinterpret_cast<uintptr_t>(s) & ~uintptr_t{63});
  remove_at(*t, head, b, static_cast<unsigned>(s - b->slot));
  --size_;

  if (size_ == 0) {
    release_all();  // O(1): two arrays and their pools' chunks
    return e;
  }
  const size_t n = count(t_[0]);
  if (!rehashing() && n > 1 && size_ * 8 < n * 7) {
    start_resize(n / 2);
    last_moved_ += step(kRehashStepBuckets - last_moved_);
  }
  return e;
}

template <typename T, typename Traits>
template <typename Fn>
uint64_t HashTable<T, Traits>::scan(uint64_t v, Fn&& fn) const {
  if (size_ == 0) return 0;
  if (!rehashing()) {
    const Table& t = t_[0];
    emit_chain(&t.buckets[v & t.mask], fn);
    v |= ~t.mask;
    v = detail::reverse_bits(detail::reverse_bits(v) + 1);
    return v;
  }
  // Visit the bucket of the smaller array, then every bucket of the larger one that it expands
  // to (they share the low bits). Old buckets already moved are empty, so visiting them is
  // harmless.
  const Table* small = &t_[0];
  const Table* large = &t_[1];
  if (small->mask > large->mask) std::swap(small, large);
  emit_chain(&small->buckets[v & small->mask], fn);
  do {
    emit_chain(&large->buckets[v & large->mask], fn);
    v |= ~large->mask;
    v = detail::reverse_bits(detail::reverse_bits(v) + 1);
  } while (v & (small->mask ^ large->mask));
  return v;
}

template <typename T, typename Traits>
T* HashTable<T, Traits>::random(uint64_t rnd) const {
  if (size_ == 0) return nullptr;
  // Bucket positions [first, total) across both arrays; old buckets below rehash_idx_ are empty.
  const size_t n0 = count(t_[0]);
  const size_t first = rehashing() ? rehash_idx_ : 0;
  const size_t total = n0 + count(t_[1]);
  const size_t span = total - first;
  auto bucket_at = [&](size_t pos) -> const Bucket* {
    return pos < n0 ? &t_[0].buckets[pos] : &t_[1].buckets[pos - n0];
  };
  uint64_t state = rnd;
  const Bucket* head = nullptr;
  for (int i = 0; i < kRandomTries && head == nullptr; ++i) {
    const Bucket* b = bucket_at(first + detail::next_random(state) % span);
    if (!chain_empty(b)) head = b;
  }
  if (head == nullptr) {
    // Very sparse (or unlucky): walk from a random position; size_ > 0 guarantees a hit.
    size_t pos = detail::next_random(state) % span;
    for (size_t k = 0; k < span && head == nullptr; ++k) {
      const Bucket* b = bucket_at(first + (pos + k) % span);
      if (!chain_empty(b)) head = b;
    }
    assert(head != nullptr);
    if (head == nullptr) return nullptr;
  }
  size_t entries = 0;
  for (const Bucket* b = head;; b = child(b)) {
    entries += std::popcount(unsigned{b->meta} & kPresentMask);
    if (!(b->meta & kChildBit)) break;
  }
  size_t k = detail::next_random(state) % entries;
  for (const Bucket* b = head;; b = child(b)) {
    const unsigned present = b->meta & kPresentMask;
    const size_t here = std::popcount(present);
    if (k < here) {
      unsigned m = present;
      for (size_t j = 0; j < k; ++j) m &= m - 1;
      return b->slot[std::countr_zero(m)];
    }
    k -= here;
  }
}

template <typename T, typename Traits>
template <typename Fn>
void HashTable<T, Traits>::for_each(Fn&& fn) const {
  if (size_ == 0) return;
  for (const Table& t : t_) {
    const size_t n = count(t);
    for (size_t i = 0; i < n; ++i) emit_chain(&t.buckets[i], fn);
  }
}

template <typename T, typename Traits>
template <typename Fn>
void HashTable<T, Traits>::clear(Fn&& fn) {
  for_each(fn);
  release_all();
}

template <typename T, typename Traits>
void HashTable<T, Traits>::release_all() {
  free_table(t_[0]);
  free_table(t_[1]);
  size_ = 0;
  rehash_idx_ = released_idx_ = 0;
}

}  // namespace shardis::core
