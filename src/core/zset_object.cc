// ZsetObject: see zset_object.h for the contract.
#include <shardis/base/number_format.h>
#include <shardis/core/zset_object.h>
#include <xxhash.h>

#include <cassert>
#include <cmath>
#include <cstring>
#include <random>
#include <utility>

namespace shardis::core {
namespace {

using Node = ZsetIndex::Node;
using Pos = Listpack::Pos;

// Drawn once per process, so that which members collide cannot be worked out in advance.
uint64_t member_seed() {
  static const uint64_t seed = [] {
    std::random_device rd;
    return (uint64_t{rd()} << 32) ^ rd();
  }();
  return seed;
}

// Skiplist level seeds: a per-thread splitmix64 stream, so shapes are reproducible per thread.
uint64_t next_index_seed() {
  thread_local uint64_t state = 0x5A5E7C0DE5EEDull;
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// ---- Listpack score form (see the contract) ----

constexpr double kIntScoreLimit = 9007199254740992.0;  // 2^53
constexpr char kRawScoreTag = 'd';
constexpr size_t kScoreBuf = 24;

// Writes the listpack form of score into buf; returns its length.
size_t encode_score(double score, char* buf) {
  if (score > -kIntScoreLimit && score < kIntScoreLimit && score == std::trunc(score)) {
    return base::format_int64(static_cast<int64_t>(score), buf);
  }
  std::memcpy(buf, &score, sizeof(score));
  buf[sizeof(score)] = kRawScoreTag;
  return sizeof(score) + 1;
}

double decode_score(const LpValue& v) {
  if (v.is_int) return static_cast<double>(v.i);
  assert(v.s.size() == sizeof(double) + 1 && v.s.back() == kRawScoreTag);
  double d;
  std::memcpy(&d, v.s.data(), sizeof(d));
  return d;
}

// The text of a listpack entry; an integer is rendered into buf (kScoreBuf bytes).
std::string_view entry_text(const LpValue& v, char* buf) {
  if (!v.is_int) return v.s;
  return {buf, base::format_int64(v.i, buf)};
}

}  // namespace

uint64_t ZsetObject::NodeTraits::hash(std::string_view member) {
  return XXH3_64bits_withSeed(member.data(), member.size(), member_seed());
}

// ---- Iter ----

ZsetElement ZsetObject::Iter::get() {
  if (node_ != nullptr) return {node_->member(), node_->score()};
  const Listpack& lp = z_->lp_;
  std::string_view member = entry_text(lp.value_at(pos_), scratch_);
  return {member, decode_score(lp.value_at(lp.next(pos_)))};
}

double ZsetObject::Iter::score() const {
  if (node_ != nullptr) return node_->score();
  return z_->lp_score_at(pos_);
}

void ZsetObject::Iter::next() {
  if (node_ != nullptr) {
    node_ = node_->next();
    return;
  }
  if (pos_ == Listpack::kNone) return;
  pos_ = z_->lp_.next(z_->lp_.next(pos_));
}

void ZsetObject::Iter::prev() {
  if (node_ != nullptr) {
    node_ = node_->prev();
    return;
  }
  if (pos_ == Listpack::kNone) return;
  const Pos score_before = z_->lp_.prev(pos_);
  pos_ = score_before == Listpack::kNone ? Listpack::kNone : z_->lp_.prev(score_before);
}

ZsetObject::Iter ZsetObject::make_iter(const Node* n) const {
  Iter it;
  it.z_ = this;
  it.node_ = n;
  return it;
}

ZsetObject::Iter ZsetObject::make_iter(Pos p) const {
  Iter it;
  it.z_ = this;
  it.pos_ = p;
  return it;
}

// ---- Construction ----

ZsetObject::ZsetObject() = default;
ZsetObject::~ZsetObject() = default;  // the map frees only its buckets, the index its nodes

std::unique_ptr<ZsetObject> ZsetObject::from_sorted(std::span<const ZsetElement> sorted) {
  auto z = std::make_unique<ZsetObject>();
  bool small = sorted.size() <= kMaxListpackEntries;
  for (size_t i = 0; small && i < sorted.size(); ++i) {
    small = sorted[i].member.size() <= kMaxListpackValue;
  }
  if (small) {
    char buf[kScoreBuf];
    for (const ZsetElement& e : sorted) {
      z->lp_.push_back(e.member);
      z->lp_.push_back(std::string_view(buf, encode_score(e.score, buf)));
    }
    return z;
  }
  z->sl_ = std::make_unique<Skiplist>(next_index_seed());
  for (const ZsetElement& e : sorted) z->sl_insert(e.score, e.member);
  return z;
}

std::unique_ptr<ZsetObject> ZsetObject::clone() const {
  auto z = std::make_unique<ZsetObject>();
  if (!sl_) {
    z->lp_ = lp_.clone();
    return z;
  }
  z->sl_ = std::make_unique<Skiplist>(next_index_seed());
  for (const Node* n = sl_->index.first(); n != nullptr; n = n->next()) {
    z->sl_insert(n->score(), n->member());
  }
  return z;
}

void ZsetObject::convert_to_skiplist() {
  if (sl_) return;
  auto sl = std::make_unique<Skiplist>(next_index_seed());
  char buf[kScoreBuf];
  for (Pos p = lp_.first(); p != Listpack::kNone; p = lp_.next(lp_.next(p))) {
    std::string_view member = entry_text(lp_.value_at(p), buf);
    const Node* n = sl->index.insert(lp_score_at(p), member);
    sl->map.insert(const_cast<Node*>(n), NodeTraits::hash(n->member()));
  }
  sl_ = std::move(sl);
  lp_ = Listpack();
}

const char* ZsetObject::encoding_name() const {
  return sl_ ? "skiplist" : "listpack";
}

size_t ZsetObject::size() const {
  return sl_ ? sl_->index.size() : lp_.size() / 2;
}

size_t ZsetObject::bytes() const {
  size_t n = sizeof(*this) + lp_.bytes();
  if (sl_) n += sizeof(Skiplist) + sl_->index.bytes() + sl_->map.bucket_bytes();
  return n;
}

// ---- Listpack and skiplist helpers ----

Pos ZsetObject::lp_find(std::string_view member) const {
  return lp_.find(member, lp_.first(), 1);
}

double ZsetObject::lp_score_at(Pos member_pos) const {
  return decode_score(lp_.value_at(lp_.next(member_pos)));
}

void ZsetObject::lp_insert(double score, std::string_view member) {
  char buf[kScoreBuf];
  Pos p = lp_.first();
  while (p != Listpack::kNone) {
    const Pos sp = lp_.next(p);
    const double s = decode_score(lp_.value_at(sp));
    if (s > score) break;
    if (s == score) {
      char mbuf[kScoreBuf];
      if (entry_text(lp_.value_at(p), mbuf).compare(member) > 0) break;
    }
    p = lp_.next(sp);
  }
  const std::string_view score_text(buf, encode_score(score, buf));
  if (p == Listpack::kNone) {
    lp_.push_back(member);
    lp_.push_back(score_text);
    return;
  }
  p = lp_.insert_at(p, member);
  lp_.insert_at(lp_.next(p), score_text);
}

Pos ZsetObject::lp_erase_pair(Pos member_pos) {
  const Pos score_pos = lp_.erase_at(member_pos);
  return lp_.erase_at(score_pos);
}

const Node* ZsetObject::sl_find(std::string_view member) const {
  Node** slot = sl_->map.find(member, NodeTraits::hash(member));
  return slot ? *slot : nullptr;
}

void ZsetObject::sl_insert(double score, std::string_view member) {
  const Node* n = sl_->index.insert(score, member);
  sl_->map.insert(const_cast<Node*>(n), NodeTraits::hash(n->member()));
}

// ---- Reads ----

std::optional<double> ZsetObject::score(std::string_view member) const {
  if (sl_) {
    const Node* n = sl_find(member);
    if (n == nullptr) return std::nullopt;
    return n->score();
  }
  const Pos p = lp_find(member);
  if (p == Listpack::kNone) return std::nullopt;
  return lp_score_at(p);
}

std::optional<size_t> ZsetObject::rank(std::string_view member, bool reverse) const {
  size_t r = 0;
  if (sl_) {
    const Node* n = sl_find(member);
    if (n == nullptr) return std::nullopt;
    const int64_t got = sl_->index.rank(n->score(), n->member());
    assert(got >= 0);
    r = static_cast<size_t>(got);
  } else {
    Pos p = lp_.first();
    char buf[kScoreBuf];
    while (p != Listpack::kNone && entry_text(lp_.value_at(p), buf) != member) {
      p = lp_.next(lp_.next(p));
      ++r;
    }
    if (p == Listpack::kNone) return std::nullopt;
  }
  return reverse ? size() - 1 - r : r;
}

size_t ZsetObject::count_in_range(const ScoreRange& r) const {
  if (sl_) return sl_->index.count_in_range(r);
  size_t n = 0;
  for (Iter it = first_in_range(r); it.valid() && score_lte_max(it.score(), r); it.next()) ++n;
  return n;
}

size_t ZsetObject::count_in_lex_range(const LexRange& r) const {
  if (sl_) return sl_->index.count_in_lex_range(r);
  size_t n = 0;
  for (Iter it = first_in_lex_range(r); it.valid() && member_lte_max(it.get().member, r);
       it.next()) {
    ++n;
  }
  return n;
}

ZsetObject::Iter ZsetObject::begin() const {
  return sl_ ? make_iter(sl_->index.first()) : make_iter(lp_.first());
}

ZsetObject::Iter ZsetObject::last() const {
  if (sl_) return make_iter(sl_->index.last());
  const Pos score_pos = lp_.last();
  return make_iter(score_pos == Listpack::kNone ? Listpack::kNone : lp_.prev(score_pos));
}

ZsetObject::Iter ZsetObject::at_rank(size_t rank) const {
  if (sl_) return make_iter(sl_->index.at_rank(rank));
  if (rank >= size()) return make_iter(Listpack::kNone);
  return make_iter(lp_.seek(static_cast<int64_t>(rank * 2)));
}

// The listpack range searches follow Redis's zzlFirstInRange and friends: the first element
// past one bound, then a check of the other bound. (Scores are in order, so a score search needs
// no early check; members need not be.)
ZsetObject::Iter ZsetObject::first_in_range(const ScoreRange& r) const {
  if (sl_) return make_iter(sl_->index.first_in_range(r));
  for (Iter it = begin(); it.valid(); it.next()) {
    const double s = it.score();
    if (score_gte_min(s, r)) return score_lte_max(s, r) ? it : make_iter(Listpack::kNone);
  }
  return make_iter(Listpack::kNone);
}

ZsetObject::Iter ZsetObject::last_in_range(const ScoreRange& r) const {
  if (sl_) return make_iter(sl_->index.last_in_range(r));
  for (Iter it = last(); it.valid(); it.prev()) {
    const double s = it.score();
    if (score_lte_max(s, r)) return score_gte_min(s, r) ? it : make_iter(Listpack::kNone);
  }
  return make_iter(Listpack::kNone);
}

// Redis's zzlIsInLexRange: with members out of order (mixed scores) a listpack search gives up
// at once when the last member is below min or the first above max.
bool ZsetObject::lp_may_hold_lex(const LexRange& r) const {
  if (lp_.empty()) return false;
  Iter lo = begin(), hi = last();
  return member_gte_min(hi.get().member, r) && member_lte_max(lo.get().member, r);
}

ZsetObject::Iter ZsetObject::first_in_lex_range(const LexRange& r) const {
  if (sl_) return make_iter(sl_->index.first_in_lex_range(r));
  if (!lp_may_hold_lex(r)) return make_iter(Listpack::kNone);
  for (Iter it = begin(); it.valid(); it.next()) {
    const std::string_view m = it.get().member;
    if (member_gte_min(m, r)) return member_lte_max(m, r) ? it : make_iter(Listpack::kNone);
  }
  return make_iter(Listpack::kNone);
}

ZsetObject::Iter ZsetObject::last_in_lex_range(const LexRange& r) const {
  if (sl_) return make_iter(sl_->index.last_in_lex_range(r));
  if (!lp_may_hold_lex(r)) return make_iter(Listpack::kNone);
  for (Iter it = last(); it.valid(); it.prev()) {
    const std::string_view m = it.get().member;
    if (member_lte_max(m, r)) return member_gte_min(m, r) ? it : make_iter(Listpack::kNone);
  }
  return make_iter(Listpack::kNone);
}

ZsetObject::Iter ZsetObject::random(uint64_t rnd) const {
  assert(!empty());
  if (sl_) return make_iter(sl_->map.random(rnd));
  return at_rank(rnd % size());
}

// ---- Writes ----

ZsetObject::AddResult ZsetObject::add(double score, std::string_view member, unsigned flags,
                                      double* new_score) {
  const Node* node = nullptr;
  Pos pos = Listpack::kNone;
  std::optional<double> cur;
  if (sl_) {
    node = sl_find(member);
    if (node != nullptr) cur = node->score();
  } else {
    pos = lp_find(member);
    if (pos != Listpack::kNone) cur = lp_score_at(pos);
  }
  if (cur) {
    if (flags & kAddNx) return AddResult::kSkipped;
    if (flags & kAddIncr) {
      score += *cur;
      if (std::isnan(score)) return AddResult::kNaN;
    }
    if (((flags & kAddGt) && score <= *cur) || ((flags & kAddLt) && score >= *cur)) {
      return AddResult::kSkipped;
    }
    *new_score = score;
    if (score == *cur) return AddResult::kUnchanged;
    if (node != nullptr) {
      sl_->index.update_score(node->score(), node->member(), score);
    } else {
      lp_erase_pair(pos);
      lp_insert(score, member);
    }
    return AddResult::kUpdated;
  }
  if (flags & kAddXx) return AddResult::kSkipped;
  if (!sl_ && (size() + 1 > kMaxListpackEntries || member.size() > kMaxListpackValue)) {
    convert_to_skiplist();
  }
  if (sl_) {
    sl_insert(score, member);
  } else {
    lp_insert(score, member);
  }
  *new_score = score;
  return AddResult::kAdded;
}

bool ZsetObject::erase(std::string_view member) {
  if (!sl_) {
    const Pos p = lp_find(member);
    if (p == Listpack::kNone) return false;
    lp_erase_pair(p);
    return true;
  }
  const uint64_t h = NodeTraits::hash(member);
  Node* n = sl_->map.erase(member, h);
  if (n == nullptr) return false;
  const double s = n->score();
  // The node (and the member bytes the map keyed on) lives until the index frees it here.
  const bool erased = sl_->index.erase(s, n->member());
  assert(erased);
  (void)erased;
  return true;
}

size_t ZsetObject::erase_rank_range(size_t start, size_t end) {
  const size_t n = size();
  if (start > end || start >= n) return 0;
  if (end >= n) end = n - 1;
  if (sl_) {
    return sl_->index.delete_range_by_rank(
        start, end, [this](std::string_view m, double) { sl_->map.erase(m, NodeTraits::hash(m)); });
  }
  return lp_.erase_range(static_cast<int64_t>(start * 2), (end - start + 1) * 2) / 2;
}

size_t ZsetObject::erase_range(const ScoreRange& r) {
  if (sl_) {
    return sl_->index.delete_range_by_score(
        r, [this](std::string_view m, double) { sl_->map.erase(m, NodeTraits::hash(m)); });
  }
  Iter it = first_in_range(r);
  size_t removed = 0;
  Pos p = it.pos_;
  while (p != Listpack::kNone && score_lte_max(lp_score_at(p), r)) {
    p = lp_erase_pair(p);
    ++removed;
  }
  return removed;
}

size_t ZsetObject::erase_lex_range(const LexRange& r) {
  if (sl_) {
    return sl_->index.delete_range_by_lex(
        r, [this](std::string_view m, double) { sl_->map.erase(m, NodeTraits::hash(m)); });
  }
  Iter it = first_in_lex_range(r);
  size_t removed = 0;
  Pos p = it.pos_;
  char buf[kScoreBuf];
  while (p != Listpack::kNone && member_lte_max(entry_text(lp_.value_at(p), buf), r)) {
    p = lp_erase_pair(p);
    ++removed;
  }
  return removed;
}

void ZsetObject::pop(bool from_max, size_t count, std::vector<ZsetEntry>* out) {
  count = std::min(count, size());
  if (count == 0) return;
  out->reserve(out->size() + count);
  if (sl_) {
    for (size_t i = 0; i < count; ++i) {
      const Node* n = from_max ? sl_->index.last() : sl_->index.first();
      out->push_back({std::string(n->member()), n->score()});
      erase(out->back().member);
    }
    return;
  }
  const size_t start = from_max ? size() - count : 0;
  if (from_max) {
    Iter it = last();
    for (size_t i = 0; i < count; ++i, it.prev()) {
      ZsetElement e = it.get();
      out->push_back({std::string(e.member), e.score});
    }
  } else {
    Iter it = begin();
    for (size_t i = 0; i < count; ++i, it.next()) {
      ZsetElement e = it.get();
      out->push_back({std::string(e.member), e.score});
    }
  }
  lp_.erase_range(static_cast<int64_t>(start * 2), count * 2);
}

}  // namespace shardis::core
