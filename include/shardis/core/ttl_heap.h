#pragma once
// TtlHeap: an indexed binary min-heap of (absolute expiry in ms, handle).
//
// Contract
// - Thread: owned by one shard thread.
// - Each handle has at most one node. The heap reports every position change of a node through
//   Hooks::set_index(H, uint32_t), so the owner can keep the node's index next to the handle and
//   update or remove a TTL in O(log n) without a search.
// - top() is the node with the smallest expiry; ties in any order.
// Hooks requirements:  static void set_index(H h, uint32_t index);
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace shardis::core {

template <typename H, typename Hooks>
class TtlHeap {
 public:
  struct Node {
    int64_t when;
    H handle;
  };

  bool empty() const { return nodes_.empty(); }
  size_t size() const { return nodes_.size(); }
  const Node& top() const { return nodes_.front(); }
  int64_t when(uint32_t index) const { return nodes_[index].when; }
  H handle(uint32_t index) const { return nodes_[index].handle; }
  size_t bytes() const { return nodes_.capacity() * sizeof(Node); }

  void push(int64_t when, H h) {
    nodes_.push_back(Node{when, h});
    sift_up(static_cast<uint32_t>(nodes_.size() - 1));
  }

  // Changes the expiry of the node at index.
  void update(uint32_t index, int64_t when) {
    int64_t old = nodes_[index].when;
    nodes_[index].when = when;
    if (when < old) {
      sift_up(index);
    } else {
      sift_down(index);
    }
  }

  // The handle at index now lives elsewhere (its owner moved it): point the node at it.
  void rebind(uint32_t index, H h) {
    nodes_[index].handle = h;
    Hooks::set_index(h, index);
  }

  void remove(uint32_t index) {
    uint32_t last = static_cast<uint32_t>(nodes_.size() - 1);
    if (index != last) {
      nodes_[index] = nodes_[last];
      nodes_.pop_back();
      Hooks::set_index(nodes_[index].handle, index);
      if (index > 0 && nodes_[index].when < nodes_[(index - 1) / 2].when) {
        sift_up(index);
      } else {
        sift_down(index);
      }
    } else {
      nodes_.pop_back();
    }
  }

  void pop() { remove(0); }

  void clear() {
    nodes_.clear();
    nodes_.shrink_to_fit();
  }

  void swap(TtlHeap& other) noexcept { nodes_.swap(other.nodes_); }

 private:
  void place(uint32_t index, const Node& n) {
    nodes_[index] = n;
    Hooks::set_index(n.handle, index);
  }

  void sift_up(uint32_t index) {
    Node n = nodes_[index];
    while (index > 0) {
      uint32_t parent = (index - 1) / 2;
      if (nodes_[parent].when <= n.when) break;
      place(index, nodes_[parent]);
      index = parent;
    }
    place(index, n);
  }

  void sift_down(uint32_t index) {
    Node n = nodes_[index];
    const uint32_t size = static_cast<uint32_t>(nodes_.size());
    for (;;) {
      uint32_t child = 2 * index + 1;
      if (child >= size) break;
      if (child + 1 < size && nodes_[child + 1].when < nodes_[child].when) ++child;
      if (n.when <= nodes_[child].when) break;
      place(index, nodes_[child]);
      index = child;
    }
    place(index, n);
  }

  std::vector<Node> nodes_;
};

}  // namespace shardis::core
