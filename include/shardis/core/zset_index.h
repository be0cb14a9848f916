#pragma once
// ZsetIndex: the ordered half of a sorted set, a skiplist of (score, member) with span counts
// (Pugh's skiplist with Redis's rank extension, as zskiplist in Redis's t_zset.c).
//
// Contract
// - Thread: owned by the shard that owns the key; no internal synchronisation.
// - Ownership: the index owns its nodes and each node holds its member bytes inline (one
//   allocation per member). Members are binary-safe. The member -> score map that a sorted set
//   also needs lives elsewhere; every call that removes nodes reports each removed member so
//   the owner can keep that map in sync.
// - Order: by score, then by member bytes (memcmp, a shorter prefix first), as Redis. Scores are
//   compared with ==/<, so -0.0 and 0.0 are the same score: nodes with either are ordered among
//   each other by member alone, a range bound of 0 matches both, and erase/rank/update_score
//   find a node given either zero. A node keeps the exact bits it was given (so -0.0 stays
//   -0.0). NaN scores are not allowed (Redis rejects them before they get here).
// - The caller guarantees that insert() is only given absent members and that erase() and
//   update_score() are given the member's current score (erase() simply returns false if not).
// - Node pointers stay valid until that node is removed (erase, a delete_range_*, clear or the
//   destructor). update_score() keeps the same node even when it moves it.
// - Ranks are 0-based. Node levels follow p = 1/4 up to kMaxLevel from a splitmix64 stream
//   seeded by the constructor, so a given seed and call sequence give the same shape.
// - Lex ranges (ZRANGEBYLEX) compare members only; like in Redis they are meaningful when all
//   scores are equal, and give some deterministic answer otherwise.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>

namespace shardis::core {

// A score interval with Redis semantics: min <= x (or min < x when min_exclusive), likewise max.
// Infinite bounds are plain +-inf doubles.
struct ScoreRange {
  double min = 0;
  double max = 0;
  bool min_exclusive = false;
  bool max_exclusive = false;
};

// One end of a lex interval: "-" (below every member), "+" (above every member), or a value
// taken from "[x" (inclusive) or "(x" (exclusive). `value` is not owned: it points into the
// caller's argument, which must outlive the range.
struct LexBound {
  enum class Kind : uint8_t { kMinusInf, kValue, kPlusInf };
  Kind kind = Kind::kValue;
  bool exclusive = false;
  std::string_view value;
};

struct LexRange {
  LexBound min;
  LexBound max;
};

// Redis zslParseRange: "x" is inclusive, "(x" exclusive; x is read by strtod, so "-inf",
// "+inf", "inf", "1e3" and "0x10" are accepted, and (as Redis) so are leading white space, an
// empty x (which reads as 0) and anything after an embedded NUL. NaN is rejected, as is any other
// unread trailing byte. nullopt on error (the caller picks the error text).
std::optional<ScoreRange> parse_score_range(std::string_view min, std::string_view max);
// Redis zslParseLexRange: each of min/max is "-", "+", "[x" or "(x"; the views in the result
// point into min/max. nullopt on error.
std::optional<LexRange> parse_lex_range(std::string_view min, std::string_view max);

// Range bounds with Redis's rules (zslValueGteMin, zslLexValueLteMax, ...): whether a score or
// member is on the inner side of one bound of r, and of both.
bool score_gte_min(double score, const ScoreRange& r);
bool score_lte_max(double score, const ScoreRange& r);
bool score_in_range(double score, const ScoreRange& r);
bool member_gte_min(std::string_view member, const LexRange& r);
bool member_lte_max(std::string_view member, const LexRange& r);
bool member_in_lex_range(std::string_view member, const LexRange& r);

class ZsetIndex {
 public:
  static constexpr int kMaxLevel = 32;

  class Node {
   public:
    double score() const { return score_; }
    std::string_view member() const {
      return {reinterpret_cast<const char*>(levels() + height_), len_};
    }
    // Level-0 successor and predecessor (nullptr past either end).
    const Node* next() const { return levels()[0].forward; }
    const Node* prev() const { return backward_; }

   private:
    friend class ZsetIndex;
    struct Level {
      Node* forward;
      size_t span;  // level-0 steps from this node to `forward` (to the end when forward is null)
    };

    Node() = default;
    Level* levels() {
      return reinterpret_cast<Level*>(reinterpret_cast<char*>(this) + sizeof(Node));
    }
    const Level* levels() const {
      return reinterpret_cast<const Level*>(reinterpret_cast<const char*>(this) + sizeof(Node));
    }

    double score_ = 0;
    Node* backward_ = nullptr;
    uint32_t len_ = 0;
    uint8_t height_ = 0;
    // Followed in memory by Level[height_] and then len_ member bytes.
  };

  explicit ZsetIndex(uint64_t seed);
  ~ZsetIndex();
  ZsetIndex(const ZsetIndex&) = delete;
  ZsetIndex& operator=(const ZsetIndex&) = delete;
  ZsetIndex(ZsetIndex&& other) noexcept;
  ZsetIndex& operator=(ZsetIndex&& other) noexcept;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const Node* first() const { return head_.levels[0].forward; }
  const Node* last() const { return tail_; }
  // Heap bytes held by the nodes (the head is part of the object).
  size_t bytes() const { return bytes_; }

  // Adds a member that is not present (caller guarantees). Returns its node.
  const Node* insert(double score, std::string_view member);
  // Removes (score, member); false if no such node.
  bool erase(double score, std::string_view member);
  // Changes the score of a present member from old_score to new_score and returns its node,
  // which is the same node as before. When the node's neighbours still bracket the new score
  // it is changed in place (Redis zslUpdateScore); otherwise it is unlinked and relinked.
  // An absent (old_score, member) is a caller bug: it asserts, and returns nullptr in release.
  const Node* update_score(double old_score, std::string_view member, double new_score);

  // 0-based rank of (score, member), or -1 if absent.
  int64_t rank(double score, std::string_view member) const;
  // The node at 0-based rank r, or nullptr if r >= size().
  const Node* at_rank(size_t r) const;

  // Score ranges. first/last return nullptr when no node is in the range; an empty or inverted
  // range (min > max, or min == max with an exclusive end) matches nothing.
  const Node* first_in_range(const ScoreRange& r) const;
  const Node* last_in_range(const ScoreRange& r) const;
  size_t count_in_range(const ScoreRange& r) const;

  // Lex ranges, same conventions.
  const Node* first_in_lex_range(const LexRange& r) const;
  const Node* last_in_lex_range(const LexRange& r) const;
  size_t count_in_lex_range(const LexRange& r) const;

  // Deletions call fn(std::string_view member, double score) once per removed node, in
  // ascending order, just before that node is unlinked and freed (the view dies with it; if fn
  // throws, that node and the rest stay). fn must not touch this index.
  // They return the number of nodes removed.
  template <typename Fn>
  size_t delete_range_by_score(const ScoreRange& r, Fn&& fn) {
    return delete_score_impl(r, sink(fn));
  }
  template <typename Fn>
  size_t delete_range_by_lex(const LexRange& r, Fn&& fn) {
    return delete_lex_impl(r, sink(fn));
  }
  // Removes ranks [start, end] (0-based, inclusive) clipped to [0, size()); nothing if
  // start > end.
  template <typename Fn>
  size_t delete_range_by_rank(size_t start, size_t end, Fn&& fn) {
    return delete_rank_impl(start, end, sink(fn));
  }

  // Removes every node, without callbacks.
  void clear();

 private:
  using Level = Node::Level;

  // Type-erased reference to the caller's callback; lives only during one delete call.
  struct Sink {
    void* ctx;
    void (*call)(void* ctx, std::string_view member, double score);
  };
  template <typename Fn>
  static Sink sink(Fn& fn) {
    using F = std::remove_reference_t<Fn>;
    return {const_cast<void*>(static_cast<const void*>(&fn)),
            [](void* c, std::string_view m, double s) { (*static_cast<F*>(c))(m, s); }};
  }

  // The head is a node with kMaxLevel levels and no member; nothing points back at it
  // (the first node's backward is nullptr), so moving the index copies it.
  struct Head {
    Node node;
    Level levels[kMaxLevel];
  };

  Node* head() { return &head_.node; }
  const Node* head() const { return &head_.node; }

  int random_level();
  Node* new_node(int height, double score, std::string_view member);
  void free_node(Node* x);
  // Fills update[i] (the last node at level i before the position of (score, member)) and
  // rank[i] (its 1-based rank, 0 for the head). rank may be null.
  Node* find_path(double score, std::string_view member, Node** update, size_t* rank);
  // Links x (height and key already set) after the path given by update/rank.
  void link(Node* x, Node** update, size_t* rank);
  // Unlinks x; update[] is its predecessor path.
  void unlink(Node* x, Node** update);
  // From the node after update[0], removes nodes while keep(node) holds (defined in the .cc).
  template <typename Keep>
  size_t delete_while(Node** update, Keep keep, const Sink& fn);
  static size_t node_bytes(size_t height, size_t len) {
    return sizeof(Node) + height * sizeof(Level) + len;
  }

  size_t delete_score_impl(const ScoreRange& r, const Sink& fn);
  size_t delete_lex_impl(const LexRange& r, const Sink& fn);
  size_t delete_rank_impl(size_t start, size_t end, const Sink& fn);

  // First node in range and its 0-based rank (or nullptr); last likewise.
  const Node* first_score(const ScoreRange& r, size_t* rank) const;
  const Node* last_score(const ScoreRange& r, size_t* rank) const;
  const Node* first_lex(const LexRange& r, size_t* rank) const;
  const Node* last_lex(const LexRange& r, size_t* rank) const;

  Head head_{};
  Node* tail_ = nullptr;
  size_t size_ = 0;
  size_t bytes_ = 0;
  int level_ = 1;  // levels in use: head_.levels[i].forward is null for i >= level_
  uint64_t rng_;
};

}  // namespace shardis::core
