#pragma once
// Quicklist: a list of strings as a doubly linked list of Listpack nodes, for Redis lists that
// outgrow a single listpack. Push and pop at either end are O(1); index access walks nodes from
// the nearer end (O(nodes)) and then one node's entries.
//
// Contract
// - Thread: owned by one shard thread; no internal synchronisation.
// - Owns its nodes and their listpacks. Values read back (LpValue, Iterator::value()) view a
//   node's buffer and are valid until the next mutation. Values passed to mutators must not
//   point into this quicklist (a mutation may move or free any node's buffer); a caller holding
//   such a value copies it first.
// - Invariants: no node is empty; Node::count == its listpack's size(); size() is the sum of the
//   counts; a node's used bytes stay within node_bytes(), except a node holding a single entry,
//   which may be any size (a value larger than the limit gets a node of its own, as in Redis).
// - push/pop touch only the end node: a push fills the end node or adds one node, a pop frees
//   the end node when it empties. Middle inserts split a full node; erase() and erase_range()
//   merge a node with a neighbour when both are under half the limit, so nodes do not decay
//   into long runs of nearly empty ones.
// - An Iterator is a node and a position in it; it is invalidated by any mutation except through
//   erase(Iterator, ...), which returns a valid one.
#include <shardis/core/listpack.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shardis::core {

class Quicklist {
 private:
  struct Node {
    Node* prev = nullptr;
    Node* next = nullptr;
    Listpack lp;
    // Entries in lp, kept here so that index walks read only the node, not its buffer.
    uint32_t count = 0;
  };

 public:
  // Redis list-max-listpack-size -2: 8 KiB per node.
  static constexpr size_t kDefaultNodeBytes = 8192;

  // Walks the list from one element in either direction. next() moves toward the tail,
  // prev() toward the head; stepping off either end leaves the iterator invalid.
  class Iterator {
   public:
    Iterator() = default;
    bool valid() const { return node_ != nullptr; }
    LpValue value() const { return node_->lp.value_at(pos_); }
    void next() {
      pos_ = node_->lp.next(pos_);
      if (pos_ == Listpack::kNone) {
        node_ = node_->next;
        if (node_ != nullptr) pos_ = node_->lp.first();
      }
    }
    void prev() {
      pos_ = node_->lp.prev(pos_);
      if (pos_ == Listpack::kNone) {
        node_ = node_->prev;
        if (node_ != nullptr) pos_ = node_->lp.last();
      }
    }

   private:
    friend class Quicklist;
    Iterator(Node* n, Listpack::Pos p) : node_(n), pos_(p) {}
    Node* node_ = nullptr;
    Listpack::Pos pos_ = Listpack::kNone;
  };

  explicit Quicklist(size_t node_bytes = kDefaultNodeBytes) : node_bytes_(node_bytes) {}
  ~Quicklist() { clear(); }
  Quicklist(Quicklist&& o) noexcept;
  Quicklist& operator=(Quicklist&& o) noexcept;
  Quicklist(const Quicklist&) = delete;
  Quicklist& operator=(const Quicklist&) = delete;
  Quicklist clone() const;

  // Takes lp's entries in order, cut into nodes of at most node_bytes (lp is left empty). A
  // listpack within the limit becomes the single node as is, without copying.
  static Quicklist from_listpack(Listpack&& lp, size_t node_bytes = kDefaultNodeBytes);
  // All entries in one listpack, for converting a list that shrank back to the compact form;
  // leaves this quicklist empty.
  Listpack to_listpack();

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t node_count() const { return nodes_; }
  size_t node_bytes() const { return node_bytes_; }
  // Bytes allocated: node structs plus listpack buffers.
  size_t bytes() const { return bytes_; }
  void clear();

  void push_front(std::string_view v);
  void push_back(std::string_view v);
  std::optional<std::string> pop_front();
  std::optional<std::string> pop_back();

  // Indexes: negative counts from the tail (-1 is the last element), as in Redis.
  std::optional<LpValue> get(int64_t index) const;
  bool set(int64_t index, std::string_view v);  // false when out of range
  // Insert next to the element at index (which must exist; false otherwise).
  bool insert_before(int64_t index, std::string_view v);
  bool insert_after(int64_t index, std::string_view v);
  bool erase(int64_t index);
  // Erases up to count elements from start (negative counts from the tail); a count past the
  // end stops at the end. Returns how many were erased (0 when start is out of range).
  size_t erase_range(int64_t start, size_t count);

  // An iterator at index (invalid when out of range). Walking it costs O(1) per step.
  Iterator iter(int64_t index) const;
  // Erases the element at it and returns an iterator at its neighbour in the walking direction
  // (the next element when forward, the previous one otherwise); invalid past the end. Does not
  // merge nodes, so positions the caller derives stay meaningful during an LREM-style scan.
  Iterator erase(Iterator it, bool forward = true);

  // Walks every node and checks the invariants above plus the cached totals. For tests.
  bool check_invariants() const;

 private:
  // The node holding element `index` (already normalised to [0, size())), and its offset there.
  Node* locate(size_t index, size_t* offset) const;
  bool normalise(int64_t* index) const;
  bool fits(const Node* n, size_t entry_bytes) const {
    return n->lp.used_bytes() + entry_bytes <= node_bytes_;
  }
  Node* new_node(Listpack&& lp);
  Node* new_node(std::string_view v);
  void link_after(Node* at, Node* n);   // at == nullptr: n becomes the head
  void link_before(Node* at, Node* n);  // at == nullptr: n becomes the tail
  void unlink_free(Node* n);
  // Refreshes a node's cached count and the byte total after its listpack changed from
  // bytes_before allocated bytes.
  void touched(Node* n, size_t bytes_before);
  // Inserts v next to the entry at p of node n (before it, or after it when `after`).
  void insert_at(Node* n, Listpack::Pos p, bool after, std::string_view v);
  void maybe_merge(Node* n);
  Node* merge(Node* a, Node* b);  // appends b to a, frees b, returns a

  Node* head_ = nullptr;
  Node* tail_ = nullptr;
  size_t size_ = 0;
  size_t nodes_ = 0;
  size_t bytes_ = 0;
  size_t node_bytes_;
};

}  // namespace shardis::core
