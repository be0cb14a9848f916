#pragma once
// ZsetObject: the value of a Redis sorted-set key, in Redis 7.0's two encodings.
//
// Contract
// - Thread: owned by the shard that owns the key; no internal synchronisation.
// - Order: by score, then by member bytes (memcmp, a shorter prefix first); -0 and 0 are the
//   same score. Members are distinct, binary-safe, at most UINT32_MAX bytes. Scores are never
//   NaN (callers reject NaN before it gets here).
// - Encoding "listpack": one core::Listpack of member, score, member, score, ... in order, while
//   the set has at most kMaxListpackEntries members of at most kMaxListpackValue bytes each.
//   Inserting past either limit converts it to "skiplist" first, as Redis's zsetAdd does.
// - Encoding "skiplist": a core::ZsetIndex (order and rank) plus a core::HashTable from member
//   to the index node (the table's key is the node's own member bytes, stored once). A skiplist
//   never converts back; a result built whole (ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE) gets the
//   encoding its size calls for from from_sorted(), as Redis does.
// - Scores read back bit for bit, with one exception that Redis has too: a listpack stores -0 as
//   the integer 0 (a skiplist keeps -0). Integral scores of magnitude below 2^53 are stored as
//   listpack integers, any other as its 8 bytes plus a tag byte that no integer text ends with.
// - Iter positions and every member view handed out (ZsetElement::member) stay valid until the next
//   mutation of the object; a view of a listpack member stored as an integer points into the
//   Iter that produced it, so it dies with that Iter (or when the Iter moves).
#include <shardis/core/hash_table.h>
#include <shardis/core/listpack.h>
#include <shardis/core/zset_index.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace shardis::core {

struct ZsetElement {
  std::string_view member;
  double score = 0;
};

// An owned element, for results that outlive the object's next change (ZPOPMIN, ...).
struct ZsetEntry {
  std::string member;
  double score = 0;
};

class ZsetObject {
 public:
  // Redis 7.0's zset-max-listpack-entries and zset-max-listpack-value defaults.
  static constexpr size_t kMaxListpackEntries = 128;
  static constexpr size_t kMaxListpackValue = 64;

  enum class Encoding : uint8_t { kListpack, kSkiplist };

  // ZADD's conditions (combinations are checked by the caller, as Redis does).
  enum AddFlag : unsigned {
    kAddNx = 1u << 0,    // only add new members
    kAddXx = 1u << 1,    // only update existing members
    kAddGt = 1u << 2,    // update only when the new score is greater
    kAddLt = 1u << 3,    // update only when the new score is less
    kAddIncr = 1u << 4,  // the score is an increment of the current one (0 when absent)
  };
  enum class AddResult : uint8_t {
    kAdded,      // a new member
    kUpdated,    // an existing member whose score changed
    kUnchanged,  // an existing member given its current score
    kSkipped,    // NX/XX/GT/LT ruled it out: nothing changed
    kNaN,        // the increment made the score NaN: nothing changed
  };

  // A position in the order, or past either end (!valid()). See the contract for lifetimes.
  class Iter {
   public:
    bool valid() const { return node_ != nullptr || pos_ != Listpack::kNone; }
    ZsetElement get();
    double score() const;
    void next();  // towards higher (score, member)
    void prev();

   private:
    friend class ZsetObject;
    const ZsetObject* z_ = nullptr;
    const ZsetIndex::Node* node_ = nullptr;  // skiplist
    Listpack::Pos pos_ = Listpack::kNone;    // listpack: the member entry
    char scratch_[24];                       // a listpack integer member rendered as text
  };

  ZsetObject();
  ~ZsetObject();
  ZsetObject(const ZsetObject&) = delete;
  ZsetObject& operator=(const ZsetObject&) = delete;

  // A set holding `sorted` (ascending by (score, member), members distinct), in the encoding
  // Redis 7.0 gives a result built whole: listpack when it fits the limits, else skiplist.
  static std::unique_ptr<ZsetObject> from_sorted(std::span<const ZsetElement> sorted);
  // A deep copy in the same encoding (COPY).
  std::unique_ptr<ZsetObject> clone() const;

  Encoding encoding() const { return sl_ ? Encoding::kSkiplist : Encoding::kListpack; }
  const char* encoding_name() const;  // "listpack" or "skiplist"
  size_t size() const;
  bool empty() const { return size() == 0; }
  // Heap bytes held, the object included (MEMORY USAGE).
  size_t bytes() const;

  std::optional<double> score(std::string_view member) const;

  // ZADD / ZINCRBY for one member. *new_score receives the member's score afterwards, or, for
  // kNaN, nothing. The computed score is what *new_score reports even where the listpack then
  // stores -0 as 0 (ZINCRBY replies -0, as Redis). member must not view this object's storage.
  AddResult add(double score, std::string_view member, unsigned flags, double* new_score);
  // Removes member; false if absent.
  bool erase(std::string_view member);

  // 0-based rank from the lowest (or, when reverse, the highest) element; nullopt if absent.
  std::optional<size_t> rank(std::string_view member, bool reverse) const;
  size_t count_in_range(const ScoreRange& r) const;
  size_t count_in_lex_range(const LexRange& r) const;

  // Positions. begin() is the lowest element, last() the highest; at_rank counts from the
  // lowest. The range forms return the lowest (first_*) or highest (last_*) element inside the
  // range, or an invalid Iter when there is none.
  Iter begin() const;
  Iter last() const;
  Iter at_rank(size_t rank) const;
  Iter first_in_range(const ScoreRange& r) const;
  Iter last_in_range(const ScoreRange& r) const;
  Iter first_in_lex_range(const LexRange& r) const;
  Iter last_in_lex_range(const LexRange& r) const;
  // A random element chosen with `rnd` (any 64-bit random value): uniform for a listpack; for a
  // skiplist a random table bucket, then a random entry in it (HashTable::random), close to
  // uniform. Requires !empty().
  Iter random(uint64_t rnd) const;

  // Range deletions; they return how many members went.
  size_t erase_rank_range(size_t start, size_t end);  // ranks [start, end], clipped
  size_t erase_range(const ScoreRange& r);
  size_t erase_lex_range(const LexRange& r);
  // Removes up to count elements from the low end (or the high end when from_max) and appends
  // them to *out in the order they were removed.
  void pop(bool from_max, size_t count, std::vector<ZsetEntry>* out);

  // Calls fn(ZsetElement) for each element in ascending order. No change during the walk.
  template <typename Fn>
  void for_each(Fn&& fn) const;
  // One ZSCAN step: a listpack reports every element in order and returns 0; a skiplist reports
  // the elements of the bucket(s) named by cursor and returns the next cursor (HashTable::scan's
  // guarantees). fn(ZsetElement) must not change the set.
  template <typename Fn>
  uint64_t scan(uint64_t cursor, Fn&& fn) const;

  // Converts a listpack to a skiplist holding the same elements (no-op for a skiplist).
  void convert_to_skiplist();

 private:
  struct NodeTraits {
    static std::string_view key(const ZsetIndex::Node* n) { return n->member(); }
    static uint64_t hash(std::string_view member);
  };
  // The table holds the index's nodes; the index owns them.
  using NodeMap = HashTable<ZsetIndex::Node, NodeTraits>;
  struct Skiplist {
    explicit Skiplist(uint64_t seed) : index(seed) {}
    ZsetIndex index;
    NodeMap map;
  };

  // Listpack helpers: the member entry of `member`, the score of the pair at a member entry,
  // and inserting a pair at its place in the order.
  Listpack::Pos lp_find(std::string_view member) const;
  double lp_score_at(Listpack::Pos member_pos) const;
  void lp_insert(double score, std::string_view member);
  Listpack::Pos lp_erase_pair(Listpack::Pos member_pos);
  bool lp_may_hold_lex(const LexRange& r) const;
  // Skiplist helpers.
  const ZsetIndex::Node* sl_find(std::string_view member) const;
  void sl_insert(double score, std::string_view member);
  Iter make_iter(const ZsetIndex::Node* n) const;
  Iter make_iter(Listpack::Pos p) const;

  Listpack lp_;                   // the elements while encoding() is kListpack; empty otherwise
  std::unique_ptr<Skiplist> sl_;  // the elements once converted
};

// ---------------------------------------------------------------------------------------------

template <typename Fn>
void ZsetObject::for_each(Fn&& fn) const {
  for (Iter it = begin(); it.valid(); it.next()) fn(it.get());
}

template <typename Fn>
uint64_t ZsetObject::scan(uint64_t cursor, Fn&& fn) const {
  if (!sl_) {
    for_each(fn);
    return 0;
  }
  return sl_->map.scan(cursor, [&](const ZsetIndex::Node* n) {
    fn(ZsetElement{n->member(), n->score()});
  });
}

}  // namespace shardis::core
