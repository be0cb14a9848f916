#include <shardis/core/zset_index.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>

namespace shardis::core {

namespace {

using Node = ZsetIndex::Node;

// splitmix64: a small, well-mixed stream; one value per new node.
uint64_t next_random(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// (a_score, a_member) < (b_score, b_member). string_view::compare is memcmp over the common
// prefix (bytes as unsigned char), then the shorter first: Redis's sdscmp.
bool key_less(double as, std::string_view am, double bs, std::string_view bm) {
  return as < bs || (as == bs && am.compare(bm) < 0);
}

bool gte_min(double v, const ScoreRange& r) {
  return r.min_exclusive ? v > r.min : v >= r.min;
}
bool lte_max(double v, const ScoreRange& r) {
  return r.max_exclusive ? v < r.max : v <= r.max;
}
bool empty_range(const ScoreRange& r) {
  return r.min > r.max || (r.min == r.max && (r.min_exclusive || r.max_exclusive));
}

// Sign of (v - b), with "-" below and "+" above every member (Redis sdscmplex).
int lex_cmp(std::string_view v, const LexBound& b) {
  switch (b.kind) {
    case LexBound::Kind::kMinusInf:
      return 1;
    case LexBound::Kind::kPlusInf:
      return -1;
    case LexBound::Kind::kValue:
      break;
  }
  const int c = v.compare(b.value);
  return (c > 0) - (c < 0);
}
bool lex_gte_min(std::string_view v, const LexRange& r) {
  const int c = lex_cmp(v, r.min);
  return r.min.exclusive ? c > 0 : c >= 0;
}
bool lex_lte_max(std::string_view v, const LexRange& r) {
  const int c = lex_cmp(v, r.max);
  return r.max.exclusive ? c < 0 : c <= 0;
}
int bound_cmp(const LexBound& a, const LexBound& b) {
  using K = LexBound::Kind;
  if (a.kind == b.kind && a.kind != K::kValue) return 0;
  if (a.kind == K::kMinusInf || b.kind == K::kPlusInf) return -1;
  if (a.kind == K::kPlusInf || b.kind == K::kMinusInf) return 1;
  return a.value.compare(b.value);
}
bool empty_range(const LexRange& r) {
  const int c = bound_cmp(r.min, r.max);
  return c > 0 || (c == 0 && (r.min.exclusive || r.max.exclusive));
}

// One end of a score range, as Redis zslParseRange reads it: strtod over a NUL-terminated copy,
// which must stop at a NUL (the copy's end or an embedded one).
bool parse_score_bound(std::string_view s, double* v, bool* exclusive) {
  *exclusive = !s.empty() && s[0] == '(';
  if (*exclusive) s.remove_prefix(1);
  char small[64];
  std::string big;
  const char* p;
  if (s.size() < sizeof(small)) {
    std::memcpy(small, s.data(), s.size());
    small[s.size()] = '\0';
    p = small;
  } else {
    big.assign(s);
    p = big.c_str();
  }
  char* end = nullptr;
  *v = std::strtod(p, &end);
  return *end == '\0' && !std::isnan(*v);
}

// Redis zslParseLexRangeItem. For "+" and "-" Redis tests that the byte after the sign is the
// terminating NUL, which an embedded NUL passes too; mirrored here.
bool parse_lex_bound(std::string_view s, LexBound* b) {
  if (s.empty()) return false;
  switch (s[0]) {
    case '+':
    case '-':
      if (s.size() > 1 && s[1] != '\0') return false;
      b->kind = s[0] == '+' ? LexBound::Kind::kPlusInf : LexBound::Kind::kMinusInf;
      b->exclusive = true;
      b->value = {};
      return true;
    case '(':
    case '[':
      b->kind = LexBound::Kind::kValue;
      b->exclusive = s[0] == '(';
      b->value = s.substr(1);
      return true;
    default:
      return false;
  }
}

}  // namespace

bool score_gte_min(double score, const ScoreRange& r) {
  return gte_min(score, r);
}
bool score_lte_max(double score, const ScoreRange& r) {
  return lte_max(score, r);
}
bool member_gte_min(std::string_view member, const LexRange& r) {
  return lex_gte_min(member, r);
}
bool member_lte_max(std::string_view member, const LexRange& r) {
  return lex_lte_max(member, r);
}

bool score_in_range(double score, const ScoreRange& r) {
  return gte_min(score, r) && lte_max(score, r);
}

bool member_in_lex_range(std::string_view member, const LexRange& r) {
  return lex_gte_min(member, r) && lex_lte_max(member, r);
}

std::optional<ScoreRange> parse_score_range(std::string_view min, std::string_view max) {
  ScoreRange r;
  if (!parse_score_bound(min, &r.min, &r.min_exclusive)) return std::nullopt;
  if (!parse_score_bound(max, &r.max, &r.max_exclusive)) return std::nullopt;
  return r;
}

std::optional<LexRange> parse_lex_range(std::string_view min, std::string_view max) {
  LexRange r;
  if (!parse_lex_bound(min, &r.min) || !parse_lex_bound(max, &r.max)) return std::nullopt;
  return r;
}

// ---------------------------------------------------------------------------------------------

ZsetIndex::ZsetIndex(uint64_t seed) : rng_(seed) {
  static_assert(sizeof(Node) % alignof(Level) == 0, "levels follow the node without padding");
  static_assert(offsetof(Head, levels) == sizeof(Node), "the head's levels are its levels()");
  static_assert(sizeof(Level) == 2 * sizeof(void*));
  head_.node.height_ = kMaxLevel;
}

ZsetIndex::~ZsetIndex() {
  clear();
}

ZsetIndex::ZsetIndex(ZsetIndex&& other) noexcept
    : head_(other.head_),
      tail_(std::exchange(other.tail_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      bytes_(std::exchange(other.bytes_, 0)),
      level_(std::exchange(other.level_, 1)),
      rng_(other.rng_) {
  other.head_ = Head{};
  other.head_.node.height_ = kMaxLevel;
}

ZsetIndex& ZsetIndex::operator=(ZsetIndex&& other) noexcept {
  if (this != &other) {
    clear();
    head_ = other.head_;
    tail_ = std::exchange(other.tail_, nullptr);
    size_ = std::exchange(other.size_, 0);
    bytes_ = std::exchange(other.bytes_, 0);
    level_ = std::exchange(other.level_, 1);
    rng_ = other.rng_;
    other.head_ = Head{};
    other.head_.node.height_ = kMaxLevel;
  }
  return *this;
}

void ZsetIndex::clear() {
  Node* x = head_.levels[0].forward;
  while (x != nullptr) {
    Node* next = x->levels()[0].forward;
    free_node(x);
    x = next;
  }
  for (Level& l : head_.levels) l = Level{nullptr, 0};
  tail_ = nullptr;
  size_ = 0;
  level_ = 1;
  assert(bytes_ == 0);
  bytes_ = 0;
}

int ZsetIndex::random_level() {
  // Each further level has probability 1/4: one more pair of low zero bits.
  const int level = 1 + std::countr_zero(next_random(rng_)) / 2;
  return std::min(level, kMaxLevel);
}

ZsetIndex::Node* ZsetIndex::new_node(int height, double score, std::string_view member) {
  if (member.size() > UINT32_MAX) throw std::length_error("sorted set member too long");
  const size_t bytes = node_bytes(static_cast<size_t>(height), member.size());
  void* mem = ::operator new(bytes);
  Node* x = new (mem) Node();
  x->score_ = score;
  x->len_ = static_cast<uint32_t>(member.size());
  x->height_ = static_cast<uint8_t>(height);
  Level* lv = x->levels();
  for (int i = 0; i < height; ++i) new (&lv[i]) Level{nullptr, 0};
  if (!member.empty()) std::memcpy(lv + height, member.data(), member.size());
  bytes_ += bytes;
  return x;
}

void ZsetIndex::free_node(Node* x) {
  const size_t bytes = node_bytes(x->height_, x->len_);
  bytes_ -= bytes;
  x->~Node();
  ::operator delete(static_cast<void*>(x), bytes);
}

ZsetIndex::Node* ZsetIndex::find_path(double score, std::string_view member, Node** update,
                                      size_t* rank) {
  Node* x = head();
  for (int i = level_ - 1; i >= 0; --i) {
    if (rank != nullptr) rank[i] = i == level_ - 1 ? 0 : rank[i + 1];
    for (;;) {
      Node* f = x->levels()[i].forward;
      if (f == nullptr || !key_less(f->score_, f->member(), score, member)) break;
      if (rank != nullptr) rank[i] += x->levels()[i].span;
      x = f;
    }
    update[i] = x;
  }
  return x->levels()[0].forward;
}

void ZsetIndex::link(Node* x, Node** update, size_t* rank) {
  const int h = x->height_;
  if (h > level_) {
    for (int i = level_; i < h; ++i) {
      rank[i] = 0;
      update[i] = head();
      head_.levels[i].span = size_;
    }
    level_ = h;
  }
  Level* xl = x->levels();
  for (int i = 0; i < h; ++i) {
    Level& ul = update[i]->levels()[i];
    xl[i].forward = ul.forward;
    ul.forward = x;
    // update[i] is at rank[i] and x lands at rank[0] + 1.
    xl[i].span = ul.span - (rank[0] - rank[i]);
    ul.span = rank[0] - rank[i] + 1;
  }
  for (int i = h; i < level_; ++i) ++update[i]->levels()[i].span;
  x->backward_ = update[0] == head() ? nullptr : update[0];
  if (xl[0].forward != nullptr) {
    xl[0].forward->backward_ = x;
  } else {
    tail_ = x;
  }
  ++size_;
}

void ZsetIndex::unlink(Node* x, Node** update) {
  const Level* xl = x->levels();
  for (int i = 0; i < level_; ++i) {
    Level& ul = update[i]->levels()[i];
    if (ul.forward == x) {
      ul.span += xl[i].span - 1;
      ul.forward = xl[i].forward;
    } else {
      --ul.span;
    }
  }
  if (xl[0].forward != nullptr) {
    xl[0].forward->backward_ = x->backward_;
  } else {
    tail_ = x->backward_;
  }
  while (level_ > 1 && head_.levels[level_ - 1].forward == nullptr) --level_;
  --size_;
}

const ZsetIndex::Node* ZsetIndex::insert(double score, std::string_view member) {
  assert(!std::isnan(score));
  Node* update[kMaxLevel];
  size_t rank[kMaxLevel];
  find_path(score, member, update, rank);
  Node* x = new_node(random_level(), score, member);
  link(x, update, rank);
  return x;
}

bool ZsetIndex::erase(double score, std::string_view member) {
  Node* update[kMaxLevel];
  Node* x = find_path(score, member, update, nullptr);
  if (x == nullptr || x->score_ != score || x->member() != member) return false;
  unlink(x, update);
  free_node(x);
  return true;
}

const ZsetIndex::Node* ZsetIndex::update_score(double old_score, std::string_view member,
                                               double new_score) {
  assert(!std::isnan(new_score));
  Node* update[kMaxLevel];
  size_t rank[kMaxLevel];
  Node* x = find_path(old_score, member, update, nullptr);
  if (x == nullptr || x->score_ != old_score || x->member() != member) {
    assert(false && "update_score: member not present with that score");
    return nullptr;
  }
  const Node* prev = x->backward_;
  const Node* next = x->levels()[0].forward;
  if ((prev == nullptr || key_less(prev->score_, prev->member(), new_score, member)) &&
      (next == nullptr || key_less(new_score, member, next->score_, next->member()))) {
    x->score_ = new_score;
    return x;
  }
  // Relink the same node (same height, same member bytes): no allocation, and the node
  // pointer the caller may hold stays valid.
  unlink(x, update);
  x->score_ = new_score;
  find_path(new_score, x->member(), update, rank);
  link(x, update, rank);
  return x;
}

int64_t ZsetIndex::rank(double score, std::string_view member) const {
  const Node* x = head();
  size_t traversed = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    for (;;) {
      const Node* f = x->levels()[i].forward;
      if (f == nullptr) break;
      if (!(f->score_ < score || (f->score_ == score && f->member().compare(member) <= 0))) break;
      traversed += x->levels()[i].span;
      x = f;
    }
    // x is the last node <= (score, member): a hit only if both parts are equal (the same
    // member at another score is a miss).
    if (x != head() && x->score_ == score && x->member() == member) {
      return static_cast<int64_t>(traversed) - 1;
    }
  }
  return -1;
}

const ZsetIndex::Node* ZsetIndex::at_rank(size_t r) const {
  if (r >= size_) return nullptr;
  const size_t target = r + 1;  // spans count 1-based positions
  const Node* x = head();
  size_t traversed = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    for (;;) {
      const Node* f = x->levels()[i].forward;
      if (f == nullptr || traversed + x->levels()[i].span > target) break;
      traversed += x->levels()[i].span;
      x = f;
    }
    if (traversed == target) return x;
  }
  return nullptr;
}

// --- score ranges ----------------------------------------------------------------------------

const ZsetIndex::Node* ZsetIndex::first_score(const ScoreRange& r, size_t* rank) const {
  if (size_ == 0 || empty_range(r) || !gte_min(tail_->score_, r)) return nullptr;
  const Node* x = head();
  size_t traversed = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    for (;;) {
      const Node* f = x->levels()[i].forward;
      if (f == nullptr || gte_min(f->score_, r)) break;  // walk while out of range
      traversed += x->levels()[i].span;
      x = f;
    }
  }
  x = x->levels()[0].forward;  // not null: the tail is >= min
  if (!lte_max(x->score_, r)) return nullptr;
  *rank = traversed;
  return x;
}

const ZsetIndex::Node* ZsetIndex::last_score(const ScoreRange& r, size_t* rank) const {
  if (size_ == 0 || empty_range(r) || !lte_max(first()->score_, r)) return nullptr;
  const Node* x = head();
  size_t traversed = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    for (;;) {
      const Node* f = x->levels()[i].forward;
      if (f == nullptr || !lte_max(f->score_, r)) break;  // walk while in range
      traversed += x->levels()[i].span;
      x = f;
    }
  }
  // x is not the head: the first node is <= max.
  if (!gte_min(x->score_, r)) return nullptr;
  *rank = traversed - 1;
  return x;
}

const ZsetIndex::Node* ZsetIndex::first_in_range(const ScoreRange& r) const {
  size_t rank;
  return first_score(r, &rank);
}

const ZsetIndex::Node* ZsetIndex::last_in_range(const ScoreRange& r) const {
  size_t rank;
  return last_score(r, &rank);
}

size_t ZsetIndex::count_in_range(const ScoreRange& r) const {
  size_t a, b;
  if (first_score(r, &a) == nullptr) return 0;
  last_score(r, &b);  // a node is in range, so there is a last one
  return b - a + 1;
}

// --- lex ranges ------------------------------------------------------------------------------

const ZsetIndex::Node* ZsetIndex::first_lex(const LexRange& r, size_t* rank) const {
  if (size_ == 0 || empty_range(r) || !lex_gte_min(tail_->member(), r)) return nullptr;
  const Node* x = head();
  size_t traversed = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    for (;;) {
      const Node* f = x->levels()[i].forward;
      if (f == nullptr || lex_gte_min(f->member(), r)) break;
      traversed += x->levels()[i].span;
      x = f;
    }
  }
  x = x->levels()[0].forward;
  // Not null when members are sorted (equal scores); with mixed scores there may be no node.
  if (x == nullptr || !lex_lte_max(x->member(), r)) return nullptr;
  *rank = traversed;
  return x;
}

const ZsetIndex::Node* ZsetIndex::last_lex(const LexRange& r, size_t* rank) const {
  if (size_ == 0 || empty_range(r) || !lex_lte_max(first()->member(), r)) return nullptr;
  const Node* x = head();
  size_t traversed = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    for (;;) {
      const Node* f = x->levels()[i].forward;
      if (f == nullptr || !lex_lte_max(f->member(), r)) break;
      traversed += x->levels()[i].span;
      x = f;
    }
  }
  if (x == head() || !lex_gte_min(x->member(), r)) return nullptr;
  *rank = traversed - 1;
  return x;
}

const ZsetIndex::Node* ZsetIndex::first_in_lex_range(const LexRange& r) const {
  size_t rank;
  return first_lex(r, &rank);
}

const ZsetIndex::Node* ZsetIndex::last_in_lex_range(const LexRange& r) const {
  size_t rank;
  return last_lex(r, &rank);
}

size_t ZsetIndex::count_in_lex_range(const LexRange& r) const {
  size_t a, b;
  if (first_lex(r, &a) == nullptr || last_lex(r, &b) == nullptr || b < a) return 0;
  return b - a + 1;
}

// --- deletions -------------------------------------------------------------------------------

template <typename Keep>
size_t ZsetIndex::delete_while(Node** update, Keep keep, const Sink& fn) {
  // update[] is the predecessor path of the first candidate; after an unlink it is still the
  // path of the node that followed.
  Node* x = update[0]->levels()[0].forward;
  size_t removed = 0;
  while (x != nullptr && keep(x)) {
    Node* next = x->levels()[0].forward;
    // The callback first: if it throws, the index is still whole.
    fn.call(fn.ctx, x->member(), x->score_);
    unlink(x, update);
    free_node(x);
    ++removed;
    x = next;
  }
  return removed;
}

size_t ZsetIndex::delete_score_impl(const ScoreRange& r, const Sink& fn) {
  if (size_ == 0 || empty_range(r)) return 0;
  Node* update[kMaxLevel];
  Node* x = head();
  for (int i = level_ - 1; i >= 0; --i) {
    for (;;) {
      Node* f = x->levels()[i].forward;
      if (f == nullptr || gte_min(f->score_, r)) break;
      x = f;
    }
    update[i] = x;
  }
  return delete_while(
      update, [&r](const Node* n) { return lte_max(n->score_, r); }, fn);
}

size_t ZsetIndex::delete_lex_impl(const LexRange& r, const Sink& fn) {
  if (size_ == 0 || empty_range(r)) return 0;
  Node* update[kMaxLevel];
  Node* x = head();
  for (int i = level_ - 1; i >= 0; --i) {
    for (;;) {
      Node* f = x->levels()[i].forward;
      if (f == nullptr || lex_gte_min(f->member(), r)) break;
      x = f;
    }
    update[i] = x;
  }
  return delete_while(
      update, [&r](const Node* n) { return lex_lte_max(n->member(), r); }, fn);
}

size_t ZsetIndex::delete_rank_impl(size_t start, size_t end, const Sink& fn) {
  if (start > end || start >= size_) return 0;
  end = std::min(end, size_ - 1);
  Node* update[kMaxLevel];
  Node* x = head();
  size_t traversed = 0;  // 1-based rank of x
  for (int i = level_ - 1; i >= 0; --i) {
    for (;;) {
      Node* f = x->levels()[i].forward;
      if (f == nullptr || traversed + x->levels()[i].span > start) break;
      traversed += x->levels()[i].span;
      x = f;
    }
    update[i] = x;
  }
  size_t left = end - start + 1;
  return delete_while(
      update, [&left](const Node*) { return left-- > 0; }, fn);
}

}  // namespace shardis::core
