#include <shardis/core/quicklist.h>

#include <algorithm>
#include <utility>

namespace shardis::core {

Quicklist::Quicklist(Quicklist&& o) noexcept
    : head_(std::exchange(o.head_, nullptr)),
      tail_(std::exchange(o.tail_, nullptr)),
      size_(std::exchange(o.size_, 0)),
      nodes_(std::exchange(o.nodes_, 0)),
      bytes_(std::exchange(o.bytes_, 0)),
      node_bytes_(o.node_bytes_) {}

Quicklist& Quicklist::operator=(Quicklist&& o) noexcept {
  if (this != &o) {
    clear();
    head_ = std::exchange(o.head_, nullptr);
    tail_ = std::exchange(o.tail_, nullptr);
    size_ = std::exchange(o.size_, 0);
    nodes_ = std::exchange(o.nodes_, 0);
    bytes_ = std::exchange(o.bytes_, 0);
    node_bytes_ = o.node_bytes_;
  }
  return *this;
}

Quicklist Quicklist::clone() const {
  Quicklist c(node_bytes_);
  for (const Node* n = head_; n != nullptr; n = n->next) {
    c.link_before(nullptr, c.new_node(n->lp.clone()));
  }
  c.size_ = size_;
  return c;
}

void Quicklist::clear() {
  Node* n = head_;
  while (n != nullptr) {
    Node* next = n->next;
    delete n;
    n = next;
  }
  head_ = tail_ = nullptr;
  size_ = nodes_ = bytes_ = 0;
}

Quicklist Quicklist::from_listpack(Listpack&& lp, size_t node_bytes) {
  Quicklist q(node_bytes);
  if (lp.empty()) {
    lp.clear();
    return q;
  }
  q.size_ = lp.size();
  // Cut from the tail: split() then moves only the chunk it cuts, so the whole conversion copies
  // each byte once.
  size_t acc = Listpack::kHeaderBytes;
  Listpack::Pos chunk = Listpack::kNone;  // first entry of the chunk being gathered
  for (Listpack::Pos p = lp.last(); p != Listpack::kNone; p = lp.prev(p)) {
    const size_t eb = lp.entry_bytes_at(p);
    if (chunk != Listpack::kNone && acc + eb > node_bytes) {
      q.link_after(nullptr, q.new_node(lp.split(chunk)));
      acc = Listpack::kHeaderBytes;
    }
    acc += eb;
    chunk = p;
  }
  q.link_after(nullptr, q.new_node(std::move(lp)));
  return q;
}

Listpack Quicklist::to_listpack() {
  Listpack out;
  if (head_ == nullptr) return out;
  if (head_ == tail_) {
    out = std::move(head_->lp);
  } else {
    size_t used = Listpack::kHeaderBytes;
    for (const Node* n = head_; n != nullptr; n = n->next) {
      used += n->lp.used_bytes() - Listpack::kHeaderBytes;
    }
    out.reserve(used);
    for (const Node* n = head_; n != nullptr; n = n->next) out.append(n->lp);
  }
  clear();
  return out;
}

Quicklist::Node* Quicklist::new_node(Listpack&& lp) {
  Node* n = new Node;
  n->lp = std::move(lp);
  n->count = static_cast<uint32_t>(n->lp.size());
  bytes_ += sizeof(Node) + n->lp.bytes();
  ++nodes_;
  return n;
}

Quicklist::Node* Quicklist::new_node(std::string_view v) {
  Listpack lp;
  lp.push_back(v);
  return new_node(std::move(lp));
}

void Quicklist::link_after(Node* at, Node* n) {
  n->prev = at;
  n->next = at != nullptr ? at->next : head_;
  if (n->next != nullptr) {
    n->next->prev = n;
  } else {
    tail_ = n;
  }
  if (at != nullptr) {
    at->next = n;
  } else {
    head_ = n;
  }
}

void Quicklist::link_before(Node* at, Node* n) {
  if (at == nullptr) return link_after(tail_, n);
  link_after(at->prev, n);
}

void Quicklist::unlink_free(Node* n) {
  (n->prev != nullptr ? n->prev->next : head_) = n->next;
  (n->next != nullptr ? n->next->prev : tail_) = n->prev;
  bytes_ -= sizeof(Node) + n->lp.bytes();
  --nodes_;
  delete n;
}

void Quicklist::touched(Node* n, size_t bytes_before) {
  bytes_ = bytes_ - bytes_before + n->lp.bytes();
  n->count = static_cast<uint32_t>(n->lp.size());
}

bool Quicklist::normalise(int64_t* index) const {
  const int64_t n = static_cast<int64_t>(size_);
  if (*index < 0) *index += n;
  return *index >= 0 && *index < n;
}

Quicklist::Node* Quicklist::locate(size_t index, size_t* offset) const {
  if (index < size_ / 2) {
    Node* n = head_;
    while (index >= n->count) index -= n->count, n = n->next;
    *offset = index;
    return n;
  }
  size_t from_tail = size_ - 1 - index;  // elements after `index`
  Node* n = tail_;
  while (from_tail >= n->count) from_tail -= n->count, n = n->prev;
  *offset = n->count - 1 - from_tail;
  return n;
}

void Quicklist::push_front(std::string_view v) {
  if (head_ != nullptr && fits(head_, Listpack::entry_bytes(v))) {
    const size_t before = head_->lp.bytes();
    head_->lp.push_front(v);
    touched(head_, before);
  } else {
    link_after(nullptr, new_node(v));
  }
  ++size_;
}

void Quicklist::push_back(std::string_view v) {
  if (tail_ != nullptr && fits(tail_, Listpack::entry_bytes(v))) {
    const size_t before = tail_->lp.bytes();
    tail_->lp.push_back(v);
    touched(tail_, before);
  } else {
    link_before(nullptr, new_node(v));
  }
  ++size_;
}

std::optional<std::string> Quicklist::pop_front() {
  if (head_ == nullptr) return std::nullopt;
  const size_t before = head_->lp.bytes();
  std::optional<std::string> v = head_->lp.pop_front();
  touched(head_, before);
  if (head_->count == 0) unlink_free(head_);
  --size_;
  return v;
}

std::optional<std::string> Quicklist::pop_back() {
  if (tail_ == nullptr) return std::nullopt;
  const size_t before = tail_->lp.bytes();
  std::optional<std::string> v = tail_->lp.pop_back();
  touched(tail_, before);
  if (tail_->count == 0) unlink_free(tail_);
  --size_;
  return v;
}

std::optional<LpValue> Quicklist::get(int64_t index) const {
  const Iterator it = iter(index);
  if (!it.valid()) return std::nullopt;
  return it.value();
}

Quicklist::Iterator Quicklist::iter(int64_t index) const {
  if (!normalise(&index)) return {};
  size_t off;
  Node* n = locate(static_cast<size_t>(index), &off);
  return {n, n->lp.seek(static_cast<int64_t>(off))};
}

void Quicklist::insert_at(Node* n, Listpack::Pos p, bool after, std::string_view v) {
  const size_t eb = Listpack::entry_bytes(v);
  ++size_;
  if (fits(n, eb)) {
    const size_t before = n->lp.bytes();
    const Listpack::Pos q = after ? n->lp.next(p) : p;
    if (q == Listpack::kNone) {
      n->lp.push_back(v);
    } else {
      n->lp.insert_at(q, v);
    }
    touched(n, before);
    return;
  }
  // n is full. At its ends, the neighbour may take v; else v goes into a node of its own.
  if (after && p == n->lp.last()) {
    if (n->next != nullptr && fits(n->next, eb)) {
      const size_t before = n->next->lp.bytes();
      n->next->lp.push_front(v);
      touched(n->next, before);
    } else {
      link_after(n, new_node(v));
    }
    return;
  }
  if (!after && p == n->lp.first()) {
    if (n->prev != nullptr && fits(n->prev, eb)) {
      const size_t before = n->prev->lp.bytes();
      n->prev->lp.push_back(v);
      touched(n->prev, before);
    } else {
      link_before(n, new_node(v));
    }
    return;
  }
  // In the middle: split n where v goes, then v joins whichever half has room.
  const size_t before = n->lp.bytes();
  Node* right = new_node(n->lp.split(after ? n->lp.next(p) : p));
  touched(n, before);
  link_after(n, right);
  if (fits(n, eb)) {
    const size_t b = n->lp.bytes();
    n->lp.push_back(v);
    touched(n, b);
  } else if (fits(right, eb)) {
    const size_t b = right->lp.bytes();
    right->lp.push_front(v);
    touched(right, b);
  } else {
    link_after(n, new_node(v));
  }
}

bool Quicklist::insert_before(int64_t index, std::string_view v) {
  const Iterator it = iter(index);
  if (!it.valid()) return false;
  insert_at(it.node_, it.pos_, false, v);
  return true;
}

bool Quicklist::insert_after(int64_t index, std::string_view v) {
  const Iterator it = iter(index);
  if (!it.valid()) return false;
  insert_at(it.node_, it.pos_, true, v);
  return true;
}

bool Quicklist::set(int64_t index, std::string_view v) {
  const Iterator it = iter(index);
  if (!it.valid()) return false;
  Node* n = it.node_;
  const Listpack::Pos p = it.pos_;
  const size_t old_eb = n->lp.entry_bytes_at(p);
  const size_t new_eb = Listpack::entry_bytes(v);
  if (n->count == 1 || n->lp.used_bytes() - old_eb + new_eb <= node_bytes_) {
    const size_t before = n->lp.bytes();
    n->lp.replace_at(p, v);
    touched(n, before);
    return true;
  }
  // The new value does not fit here: take the old one out (n keeps at least one entry) and
  // insert v where it was, which may split n.
  const size_t before = n->lp.bytes();
  const Listpack::Pos q = n->lp.erase_at(p);
  touched(n, before);
  --size_;
  if (q == Listpack::kNone) {
    insert_at(n, n->lp.last(), true, v);
  } else {
    insert_at(n, q, false, v);
  }
  return true;
}

bool Quicklist::erase(int64_t index) {
  const Iterator it = iter(index);
  if (!it.valid()) return false;
  Node* n = it.node_;
  const size_t before = n->lp.bytes();
  n->lp.erase_at(it.pos_);
  touched(n, before);
  --size_;
  if (n->count == 0) {
    unlink_free(n);
  } else {
    maybe_merge(n);
  }
  return true;
}

Quicklist::Iterator Quicklist::erase(Iterator it, bool forward) {
  Node* n = it.node_;
  Iterator out = it;
  // Backward: the previous entry sits before p, so erasing p leaves its position valid.
  if (!forward) out.prev();
  const size_t before = n->lp.bytes();
  const Listpack::Pos q = n->lp.erase_at(it.pos_);
  touched(n, before);
  --size_;
  Node* next = n->next;
  const bool emptied = n->count == 0;
  if (emptied) unlink_free(n);
  if (forward) {
    if (!emptied && q != Listpack::kNone) {
      out.pos_ = q;
    } else {
      out = next != nullptr ? Iterator(next, next->lp.first()) : Iterator();
    }
  }
  return out;
}

size_t Quicklist::erase_range(int64_t start, size_t count) {
  if (count == 0 || !normalise(&start)) return 0;
  const size_t extent = std::min(count, size_ - static_cast<size_t>(start));
  size_t off;
  Node* n = locate(static_cast<size_t>(start), &off);
  Node* partial = nullptr;  // the last node that kept some of its entries
  size_t left = extent;
  while (left > 0) {
    const size_t take = std::min<size_t>(n->count - off, left);
    Node* next = n->next;
    if (off == 0 && take == n->count) {
      unlink_free(n);
    } else {
      const size_t before = n->lp.bytes();
      n->lp.erase_range(static_cast<int64_t>(off), take);
      touched(n, before);
      partial = n;
    }
    left -= take;
    off = 0;
    n = next;
  }
  size_ -= extent;
  // The nodes on either side of the gap are now neighbours; merge them if both are small.
  Node* junction = partial != nullptr ? partial : n != nullptr ? n : tail_;
  if (junction != nullptr) maybe_merge(junction);
  return extent;
}

void Quicklist::maybe_merge(Node* n) {
  const size_t half = node_bytes_ / 2;
  auto small = [half](const Node* x) { return x->lp.used_bytes() < half; };
  if (!small(n)) return;
  if (n->prev != nullptr && small(n->prev)) n = merge(n->prev, n);
  if (n->next != nullptr && small(n) && small(n->next)) merge(n, n->next);
}

Quicklist::Node* Quicklist::merge(Node* a, Node* b) {
  const size_t before = a->lp.bytes();
  a->lp.append(b->lp);
  touched(a, before);
  unlink_free(b);
  return a;
}

bool Quicklist::check_invariants() const {
  size_t total = 0;
  size_t nodes = 0;
  size_t bytes = 0;
  const Node* prev = nullptr;
  for (const Node* n = head_; n != nullptr; prev = n, n = n->next) {
    if (n->prev != prev) return false;
    if (!n->lp.valid() || n->count == 0 || n->count != n->lp.size()) return false;
    if (n->count > 1 && n->lp.used_bytes() > node_bytes_) return false;
    total += n->count;
    bytes += sizeof(Node) + n->lp.bytes();
    ++nodes;
  }
  return prev == tail_ && total == size_ && nodes == nodes_ && bytes == bytes_;
}

}  // namespace shardis::core
