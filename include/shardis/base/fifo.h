#pragma once
// Fifo: a first-in, first-out queue on one vector, for queues that are usually empty or short
// (lock waiters of a key, clients blocked on a key). Unlike std::deque it allocates nothing
// until the first push, and an emptied queue keeps no more than its vector.
//
// Contract: front() and pop_front() need a non-empty queue. Popping is O(1) amortized: the
// consumed prefix is dropped when the queue empties, or once it is at least half the vector.
// Not thread-safe; owned by one shard's thread like everything it is used in.
#include <algorithm>
#include <cstddef>
#include <vector>

namespace shardis::base {

template <typename T>
class Fifo {
 public:
  bool empty() const { return head_ == items_.size(); }
  size_t size() const { return items_.size() - head_; }
  const T& front() const { return items_[head_]; }
  T& front() { return items_[head_]; }
  void push_back(T v) { items_.push_back(std::move(v)); }
  void pop_front() {
    ++head_;
    compact();
  }
  // Removes the first element (from the front) for which pred holds; false if there is none.
  template <typename Pred>
  bool erase_first_if(Pred pred) {
    auto begin = items_.begin() + static_cast<std::ptrdiff_t>(head_);
    auto pos = std::find_if(begin, items_.end(), pred);
    if (pos == items_.end()) return false;
    items_.erase(pos);
    compact();
    return true;
  }
  // Removes the first element equal to v; false if there is none.
  bool erase_first(const T& v) {
    return erase_first_if([&v](const T& x) { return x == v; });
  }

 private:
  static constexpr size_t kCompactAt = 32;
  void compact() {
    if (head_ == items_.size()) {
      items_.clear();
      head_ = 0;
    } else if (head_ >= kCompactAt && head_ * 2 >= items_.size()) {
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }

  std::vector<T> items_;
  size_t head_ = 0;
};

}  // namespace shardis::base
