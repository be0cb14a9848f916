// ZsetIndex against a std::set<std::pair<double, std::string>> model (plus member -> score),
// and the Redis range-argument parsers against Redis's rules.
#include <doctest/doctest.h>
#include <shardis/core/zset_index.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shardis::core {
namespace {

using namespace std::string_literals;
using Node = ZsetIndex::Node;
using Key = std::pair<double, std::string>;
using Keys = std::vector<const Key*>;  // into the model's set
constexpr double kInf = std::numeric_limits<double>::infinity();

bool same_bits(double a, double b) {
  return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b);
}

struct Model {
  std::set<Key> ord;  // pair's < : score with <, then member bytes; -0.0 and 0.0 are equivalent
  std::map<std::string, double> score_of;

  bool has(const std::string& m) const { return score_of.count(m) == 1; }
  void add(double s, const std::string& m) {
    REQUIRE(ord.insert({s, m}).second);
    score_of[m] = s;
  }
  void remove(const std::string& m) {
    REQUIRE(ord.erase({score_of.at(m), m}) == 1);
    score_of.erase(m);
  }
  int64_t rank(double s, const std::string& m) const {
    auto it = score_of.find(m);
    if (it == score_of.end() || !(it->second == s)) return -1;
    return std::distance(ord.begin(), ord.find({it->second, m}));
  }
  // Elements in a score range, in order.
  Keys in_range(const ScoreRange& r) const {
    Keys out;
    auto it = ord.lower_bound({r.min, std::string()});  // first with score >= min
    if (r.min_exclusive) {
      while (it != ord.end() && it->first == r.min) ++it;
    }
    for (; it != ord.end(); ++it) {
      if (r.max_exclusive ? !(it->first < r.max) : !(it->first <= r.max)) break;
      out.push_back(&*it);
    }
    return out;
  }
  Keys in_lex_range(const LexRange& r) const {
    Keys out;
    for (const Key& k : ord) {
      if (lex_in(k.second, r)) out.push_back(&k);
    }
    return out;
  }
  static bool lex_in(const std::string& m, const LexRange& r) {
    bool above = false;
    switch (r.min.kind) {
      case LexBound::Kind::kMinusInf:
        above = true;
        break;
      case LexBound::Kind::kPlusInf:
        above = false;
        break;
      case LexBound::Kind::kValue: {
        const int c = m.compare(r.min.value);
        above = r.min.exclusive ? c > 0 : c >= 0;
      }
    }
    bool below = false;
    switch (r.max.kind) {
      case LexBound::Kind::kMinusInf:
        below = false;
        break;
      case LexBound::Kind::kPlusInf:
        below = true;
        break;
      case LexBound::Kind::kValue: {
        const int c = m.compare(r.max.value);
        below = r.max.exclusive ? c < 0 : c <= 0;
      }
    }
    return above && below;
  }
};

void check_node(const Node* n, const Key& k) {
  REQUIRE(n != nullptr);
  REQUIRE(same_bits(n->score(), k.first));
  REQUIRE(n->member() == k.second);
}

// Full forward and backward walks, every rank both ways, bytes accounting.
void check_all(const ZsetIndex& z, const Model& m) {
  REQUIRE(z.size() == m.ord.size());
  const Node* n = z.first();
  REQUIRE((n == nullptr || n->prev() == nullptr));
  for (const Key& k : m.ord) {
    check_node(n, k);
    n = n->next();
  }
  REQUIRE(n == nullptr);
  n = z.last();
  REQUIRE((n == nullptr || n->next() == nullptr));
  for (auto it = m.ord.rbegin(); it != m.ord.rend(); ++it) {
    check_node(n, *it);
    n = n->prev();
  }
  REQUIRE(n == nullptr);
  int64_t r = 0;
  for (const Key& k : m.ord) {
    REQUIRE(z.rank(k.first, k.second) == r);
    check_node(z.at_rank(static_cast<size_t>(r)), k);
    ++r;
  }
  REQUIRE(z.at_rank(m.ord.size()) == nullptr);
  size_t bytes = 0;
  for (const Key& k : m.ord) bytes += sizeof(Node) + k.second.size();
  CHECK(z.bytes() >= bytes);
  if (m.ord.empty()) CHECK(z.bytes() == 0);
}

// Distinct binary members over a small alphabet (so prefixes and shared prefixes abound),
// including the empty member, NUL bytes, CR LF and 0xff.
std::vector<std::string> member_pool(std::mt19937_64& rng, size_t n) {
  static constexpr char kAlphabet[] = {'a', 'b', '\0', '\r', '\n', '\xff', 'z'};
  std::set<std::string> out = {""s, "\r\n"s, "\0"s, "a"s, "a\0"s, "a\0\0"s, "ab"s};
  while (out.size() < n) {
    std::string s(rng() % 9, '\0');
    for (char& c : s) c = kAlphabet[rng() % sizeof(kAlphabet)];
    out.insert(s);
  }
  return {out.begin(), out.end()};  // sorted, which the lex phase uses
}

double pick_score(std::mt19937_64& rng) {
  const unsigned k = rng() % 100;
  if (k < 35) return static_cast<double>(static_cast<int>(rng() % 7) - 3);  // many ties
  if (k < 45) return (rng() & 1) ? -0.0 : 0.0;
  if (k < 50) return (rng() & 1) ? -kInf : kInf;
  if (k < 55) {
    const double tiny[] = {std::numeric_limits<double>::denorm_min(),
                           std::numeric_limits<double>::min(), 1e-300};
    const double v = tiny[rng() % 3];
    return (rng() & 1) ? -v : v;
  }
  return std::uniform_real_distribution<double>(-100, 100)(rng);
}

// The same score or, for a zero, sometimes the other zero (equal to it).
double same_or_flipped(std::mt19937_64& rng, double s) {
  if (s == 0 && (rng() & 1)) return std::signbit(s) ? 0.0 : -0.0;
  return s;
}

ScoreRange pick_range(std::mt19937_64& rng) {
  ScoreRange r;
  r.min = pick_score(rng);
  r.max = pick_score(rng);
  if (rng() % 4 != 0 && r.min > r.max) std::swap(r.min, r.max);  // some inverted ones stay
  if (rng() % 10 == 0) r.min = -kInf;
  if (rng() % 10 == 0) r.max = kInf;
  r.min_exclusive = rng() & 1;
  r.max_exclusive = rng() & 1;
  return r;
}

std::string range_str(const ScoreRange& r) {
  return (r.min_exclusive ? "(" : "[") + std::to_string(r.min) + ", " + std::to_string(r.max) +
         (r.max_exclusive ? ")" : "]");
}

void check_score_range(const ZsetIndex& z, const Model& m, const ScoreRange& r, bool walk) {
  INFO("range " << range_str(r));
  const Keys want = m.in_range(r);
  const Node* first = z.first_in_range(r);
  const Node* last = z.last_in_range(r);
  REQUIRE(z.count_in_range(r) == want.size());
  if (want.empty()) {
    REQUIRE(first == nullptr);
    REQUIRE(last == nullptr);
    return;
  }
  check_node(first, *want.front());
  check_node(last, *want.back());
  if (walk) {
    const Node* n = first;
    for (const Key* k : want) {
      check_node(n, *k);
      n = n->next();
    }
    REQUIRE(n == last->next());
  }
}

template <typename Del>
void check_delete(Model& m, const Keys& want, Del&& del) {
  std::vector<Key> got;
  const size_t removed = del([&got](std::string_view member, double score) {
    got.emplace_back(score, std::string(member));
  });
  REQUIRE(removed == want.size());
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    REQUIRE(same_bits(got[i].first, want[i]->first));
    REQUIRE(got[i].second == want[i]->second);
  }
  for (const Key& k : got) m.remove(k.second);  // after the loop: removal frees *want[i]
}

TEST_CASE("ZsetIndex: randomized model check, score phase (250k ops)") {
  const uint64_t seed = 0x5e7a11ce;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  const std::vector<std::string> pool = member_pool(rng, 1500);
  ZsetIndex z(seed);
  Model m;
  // What the run exercised; checked at the end so that a tuning change cannot quietly turn a
  // branch into dead code.
  struct {
    size_t inserts = 0, updates = 0, moved = 0, erased = 0, erase_miss = 0, rank_hit = 0,
           rank_miss = 0, ranges = 0, nonempty = 0, deleted = 0;
  } st;
  constexpr int kOps = 250000;
  for (int op = 0; op < kOps; ++op) {
    INFO("op " << op);
    const std::string& member = pool[rng() % pool.size()];
    const unsigned what = rng() % 100;
    if (what < 42) {
      double s = pick_score(rng);
      if (m.has(member) && rng() % 4 == 0) {
        // A nudge, which mostly keeps the order (the in-place path).
        const double old = m.score_of[member];
        s = rng() % 2 ? same_or_flipped(rng, old) : std::nextafter(old, rng() % 2 ? kInf : -kInf);
      }
      if (!m.has(member)) {
        check_node(z.insert(s, member), {s, member});
        m.add(s, member);
        ++st.inserts;
      } else {
        // update_score keeps the node, in place or relinked.
        const double old = m.score_of[member];
        const int64_t old_rank = z.rank(old, member);
        const Node* before = z.at_rank(static_cast<size_t>(old_rank));
        const Node* after = z.update_score(same_or_flipped(rng, old), member, s);
        REQUIRE(after == before);
        check_node(after, {s, member});
        m.remove(member);
        m.add(s, member);
        REQUIRE(z.rank(s, member) == m.rank(s, member));
        ++st.updates;
        st.moved += m.rank(s, member) != old_rank;
      }
    } else if (what < 54) {
      double s = m.has(member) && rng() % 4 != 0 ? same_or_flipped(rng, m.score_of[member])
                                                 : pick_score(rng);
      const bool expect = m.has(member) && m.score_of[member] == s;
      REQUIRE(z.erase(s, member) == expect);
      if (expect) m.remove(member);
      ++(expect ? st.erased : st.erase_miss);
    } else if (what < 64) {
      double s = m.has(member) && rng() % 4 != 0 ? same_or_flipped(rng, m.score_of[member])
                                                 : pick_score(rng);
      const int64_t want = m.rank(s, member);
      REQUIRE(z.rank(s, member) == want);
      ++(want >= 0 ? st.rank_hit : st.rank_miss);
    } else if (what < 71) {
      const size_t r = rng() % (m.ord.size() + 3);
      const Node* n = z.at_rank(r);
      if (r >= m.ord.size()) {
        REQUIRE(n == nullptr);
      } else {
        check_node(n, *std::next(m.ord.begin(), static_cast<std::ptrdiff_t>(r)));
      }
    } else if (what < 98) {
      const ScoreRange r = pick_range(rng);
      check_score_range(z, m, r, rng() % 4 == 0);
      ++st.ranges;
      st.nonempty += z.count_in_range(r) > 0;
    } else if (what < 99) {
      // Narrow score deletions: one of the tie values, or a small interval.
      ScoreRange r;
      r.min = pick_score(rng);
      r.max = rng() % 2 ? r.min : r.min + 1;
      r.min_exclusive = rng() % 3 == 0;
      r.max_exclusive = rng() % 3 == 0;
      INFO("delete range " << range_str(r));
      const Keys want = m.in_range(r);
      check_delete(m, want, [&](auto fn) { return z.delete_range_by_score(r, fn); });
      st.deleted += want.size();
    } else {
      // A few ranks, sometimes inverted (start > end), sometimes running off the end.
      size_t start = rng() % (m.ord.size() + 2);
      size_t end = start + rng() % 5;
      if (start > 0 && rng() % 6 == 0) end = start - 1;
      if (rng() % 8 == 0) {
        start = m.ord.size() - std::min<size_t>(m.ord.size(), rng() % 5);
        end = SIZE_MAX;
      }
      INFO("delete ranks " << start << ".." << end);
      Keys want;
      size_t i = 0;
      for (const Key& k : m.ord) {
        if (i >= start && i <= end) want.push_back(&k);
        ++i;
      }
      check_delete(m, want, [&](auto fn) { return z.delete_range_by_rank(start, end, fn); });
      st.deleted += want.size();
    }
    REQUIRE(z.size() == m.ord.size());
    if (op % 5000 == 0) check_all(z, m);
  }
  check_all(z, m);
  MESSAGE("final size " << z.size() << "; inserts " << st.inserts << ", updates " << st.updates
                        << " (" << st.moved << " moved), erases " << st.erased << " + "
                        << st.erase_miss << " misses, ranks " << st.rank_hit << " + "
                        << st.rank_miss << " misses, ranges " << st.nonempty << " non-empty of "
                        << st.ranges << ", range-deleted " << st.deleted);
  CHECK(st.moved > 1000);
  CHECK(st.updates - st.moved > 5000);
  CHECK(st.erased > 1000);
  CHECK(st.erase_miss > 1000);
  CHECK(st.rank_miss > 1000);
  CHECK(st.nonempty > st.ranges / 4);
  CHECK(st.ranges - st.nonempty > 1000);
  CHECK(st.deleted > 1000);
}

std::string pick_lex_bound(std::mt19937_64& rng, const std::vector<std::string>& pool) {
  const unsigned k = rng() % 20;
  if (k == 0) return "-";
  if (k == 1) return "+";
  std::string v = pool[rng() % pool.size()];
  if (k == 2) v.push_back('\x01');  // between pool members
  return (rng() & 1 ? "[" : "(") + v;
}

TEST_CASE("ZsetIndex: randomized model check, lex phase with all scores +-0 (60k ops)") {
  const uint64_t seed = 0x1e7;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  const std::vector<std::string> pool = member_pool(rng, 1200);
  ZsetIndex z(seed);
  Model m;
  auto zero = [&rng] { return rng() & 1 ? -0.0 : 0.0; };
  size_t ranges = 0, nonempty = 0, deleted = 0;
  constexpr int kOps = 60000;
  for (int op = 0; op < kOps; ++op) {
    INFO("op " << op);
    const size_t mi = rng() % pool.size();
    const std::string& member = pool[mi];
    const unsigned what = rng() % 100;
    if (what < 35) {
      if (!m.has(member)) {
        const double s = zero();
        check_node(z.insert(s, member), {s, member});
        m.add(s, member);
      } else {
        // Flipping the zero's sign never changes the order: always in place.
        const double old = m.score_of[member];
        const double s = std::signbit(old) ? 0.0 : -0.0;
        const Node* before = z.at_rank(static_cast<size_t>(m.rank(old, member)));
        REQUIRE(z.update_score(zero(), member, s) == before);
        REQUIRE(same_bits(before->score(), s));
        m.remove(member);
        m.add(s, member);
      }
    } else if (what < 47) {
      const bool expect = m.has(member);
      REQUIRE(z.erase(zero(), member) == expect);
      if (expect) m.remove(member);
    } else if (what < 55) {
      REQUIRE(z.rank(zero(), member) == m.rank(0.0, member));
    } else if (what < 96) {
      const std::string a = pick_lex_bound(rng, pool);
      const std::string b = pick_lex_bound(rng, pool);
      INFO("lex range " << a << " " << b);
      const std::optional<LexRange> r = parse_lex_range(a, b);
      REQUIRE(r.has_value());
      const Keys want = m.in_lex_range(*r);
      REQUIRE(z.count_in_lex_range(*r) == want.size());
      ++ranges;
      nonempty += !want.empty();
      const Node* first = z.first_in_lex_range(*r);
      const Node* last = z.last_in_lex_range(*r);
      if (want.empty()) {
        REQUIRE(first == nullptr);
        REQUIRE(last == nullptr);
      } else {
        check_node(first, *want.front());
        check_node(last, *want.back());
      }
    } else {
      // A window of up to ~20 pool members.
      const size_t hi = std::min(pool.size() - 1, mi + rng() % 20);
      const std::string a = (rng() & 1 ? "[" : "(") + member;
      const std::string b = (rng() & 1 ? "[" : "(") + pool[hi];
      INFO("delete lex " << a << " " << b);
      const std::optional<LexRange> r = parse_lex_range(a, b);
      REQUIRE(r.has_value());
      const Keys want = m.in_lex_range(*r);
      check_delete(m, want, [&](auto fn) { return z.delete_range_by_lex(*r, fn); });
      deleted += want.size();
    }
    REQUIRE(z.size() == m.ord.size());
    if (op % 5000 == 0) check_all(z, m);
  }
  check_all(z, m);
  MESSAGE("final size " << z.size() << "; lex ranges " << nonempty << " non-empty of " << ranges
                        << ", lex-deleted " << deleted);
  CHECK(nonempty > ranges / 4);
  CHECK(ranges - nonempty > 1000);
  CHECK(deleted > 1000);
}

std::vector<std::string> members_in_order(const ZsetIndex& z) {
  std::vector<std::string> out;
  for (const Node* n = z.first(); n != nullptr; n = n->next()) out.emplace_back(n->member());
  return out;
}

TEST_CASE("ZsetIndex: -0.0 and 0.0 are one score; nodes keep their bits") {
  ZsetIndex z(1);
  z.insert(0.0, "b");
  z.insert(-0.0, "a");
  z.insert(0.0, "c");
  z.insert(-0.0, "d");
  z.insert(-1, "z");
  z.insert(1, "\0"s);
  CHECK(members_in_order(z) == std::vector<std::string>{"z", "a", "b", "c", "d", "\0"s});
  CHECK(std::signbit(z.at_rank(1)->score()));
  CHECK_FALSE(std::signbit(z.at_rank(2)->score()));
  // Either zero finds either node.
  CHECK(z.rank(0.0, "a") == 1);
  CHECK(z.rank(-0.0, "c") == 3);
  CHECK(z.count_in_range({0.0, 0.0, false, false}) == 4);
  CHECK(z.count_in_range({-0.0, -0.0, false, false}) == 4);
  CHECK(z.count_in_range({-0.0, 1, true, false}) == 1);  // (0, 1]: only "\0"
  CHECK(z.count_in_range({-1, 0.0, true, true}) == 0);   // (-1, 0)
  CHECK(z.first_in_range({0.0, kInf, false, false})->member() == "a");
  CHECK(z.last_in_range({-kInf, -0.0, false, false})->member() == "d");
  CHECK(z.erase(0.0, "d"));
  CHECK_FALSE(z.erase(0.0, "d"));
  CHECK(z.size() == 5);
}

TEST_CASE("ZsetIndex: binary members order as memcmp, shorter first") {
  ZsetIndex z(2);
  const std::vector<std::string> sorted = {""s,     "\0"s,   "\0\0"s, "\n"s,   "\r"s,
                                           "\r\n"s, "a"s,    "a\0"s,  "a\0b"s, "ab"s,
                                           "b"s,    "\x7f"s, "\x80"s, "\xff"s, "\xff\0"s};
  std::vector<std::string> shuffled = sorted;
  std::mt19937_64 rng(3);
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  for (const std::string& s : shuffled) z.insert(5, s);
  CHECK(members_in_order(z) == sorted);
  for (size_t i = 0; i < sorted.size(); ++i) CHECK(z.rank(5, sorted[i]) == int64_t(i));
  CHECK(z.rank(5, "a\0c"s) == -1);
  CHECK(z.rank(4, "a") == -1);
}

TEST_CASE("ZsetIndex: update_score keeps the node and reorders only when needed") {
  ZsetIndex z(4);
  const Node* a = z.insert(1, "a");
  const Node* b = z.insert(2, "b");
  const Node* c = z.insert(3, "c");
  CHECK(z.update_score(2, "b", 2.5) == b);  // between its neighbours: in place
  CHECK(z.rank(2.5, "b") == 1);
  CHECK(z.update_score(2.5, "b", 10) == b);  // moves to the end, same node
  CHECK(members_in_order(z) == std::vector<std::string>{"a", "c", "b"});
  CHECK(z.last() == b);
  CHECK(b->prev() == c);
  CHECK(z.update_score(3, "c", -1) == c);
  CHECK(members_in_order(z) == std::vector<std::string>{"c", "a", "b"});
  CHECK(z.first() == c);
  CHECK(c->prev() == nullptr);
  CHECK(a->prev() == c);
  // Equal score, member decides: "a" at 10 goes before "b" at 10.
  CHECK(z.update_score(1, "a", 10) == a);
  CHECK(members_in_order(z) == std::vector<std::string>{"c", "a", "b"});
  CHECK(z.update_score(-1, "c", 10) == c);
  CHECK(members_in_order(z) == std::vector<std::string>{"a", "b", "c"});
  CHECK(z.rank(10, "c") == 2);
}

TEST_CASE("ZsetIndex: ranges at +-inf, empty and inverted ranges") {
  ZsetIndex z(5);
  z.insert(-kInf, "lo");
  z.insert(0, "mid");
  z.insert(kInf, "hi");
  CHECK(z.count_in_range({-kInf, kInf, false, false}) == 3);
  CHECK(z.count_in_range({-kInf, kInf, true, true}) == 1);
  CHECK(z.count_in_range({kInf, kInf, false, false}) == 1);
  CHECK(z.count_in_range({kInf, kInf, true, false}) == 0);
  CHECK(z.count_in_range({1, 0, false, false}) == 0);
  CHECK(z.first_in_range({1, 0, false, false}) == nullptr);
  CHECK(z.last_in_range({0, 0, true, false}) == nullptr);
  CHECK(z.first_in_range({-kInf, -kInf, false, false})->member() == "lo");
  CHECK(z.last_in_range({-kInf, 5, false, false})->member() == "mid");
  std::vector<std::string> gone;
  auto collect = [&gone](std::string_view m, double) { gone.emplace_back(m); };
  CHECK(z.delete_range_by_score({1, 0, false, false}, collect) == 0);
  CHECK(z.delete_range_by_score({-kInf, 0, false, true}, collect) == 1);
  CHECK(gone == std::vector<std::string>{"lo"});
  ZsetIndex empty(6);
  CHECK(empty.first_in_range({-kInf, kInf, false, false}) == nullptr);
  CHECK(empty.count_in_range({-kInf, kInf, false, false}) == 0);
  CHECK(empty.delete_range_by_rank(0, 10, collect) == 0);
  CHECK(empty.rank(0, "") == -1);
  CHECK(empty.at_rank(0) == nullptr);
}

TEST_CASE("ZsetIndex: delete_range_by_rank clips, reports in order, keeps spans right") {
  ZsetIndex z(7);
  for (int i = 0; i < 100; ++i) z.insert(i, "m" + std::to_string(i));
  std::vector<double> gone;
  auto collect = [&gone](std::string_view, double s) { gone.push_back(s); };
  CHECK(z.delete_range_by_rank(5, 3, collect) == 0);
  CHECK(z.delete_range_by_rank(100, 200, collect) == 0);
  CHECK(z.delete_range_by_rank(10, 12, collect) == 3);
  CHECK(gone == std::vector<double>{10, 11, 12});
  gone.clear();
  CHECK(z.delete_range_by_rank(90, SIZE_MAX, collect) == 7);
  CHECK(gone.front() == 93);
  CHECK(gone.back() == 99);
  CHECK(z.size() == 90);
  CHECK(z.last()->score() == 92);
  for (size_t r = 0; r < z.size(); ++r) {
    const Node* n = z.at_rank(r);
    REQUIRE(n != nullptr);
    REQUIRE(z.rank(n->score(), n->member()) == int64_t(r));
  }
  CHECK(z.delete_range_by_rank(0, SIZE_MAX, collect) == 90);
  CHECK(z.empty());
  CHECK(z.first() == nullptr);
  CHECK(z.last() == nullptr);
  CHECK(z.bytes() == 0);
}

TEST_CASE("ZsetIndex: lex ranges follow Redis on edge bounds") {
  ZsetIndex z(8);
  for (const char* s : {"a", "b", "c", "d"}) z.insert(0, s);
  auto count = [&z](std::string_view a, std::string_view b) {
    const std::optional<LexRange> r = parse_lex_range(a, b);
    REQUIRE(r.has_value());
    return z.count_in_lex_range(*r);
  };
  CHECK(count("-", "+") == 4);
  CHECK(count("+", "-") == 0);
  CHECK(count("-", "-") == 0);
  CHECK(count("+", "+") == 0);
  CHECK(count("[b", "[b") == 1);
  CHECK(count("(b", "[b") == 0);
  CHECK(count("[b", "(b") == 0);
  CHECK(count("[", "[b") == 2);  // "" is below every member
  CHECK(count("(a", "(d") == 2);
  CHECK(count("[c", "[a") == 0);
  CHECK(count("[bb", "+") == 2);
  CHECK(z.first_in_lex_range(*parse_lex_range("(a", "+"))->member() == "b");
  CHECK(z.last_in_lex_range(*parse_lex_range("-", "(d"))->member() == "c");
  std::vector<std::string> gone;
  auto collect = [&gone](std::string_view m, double) { gone.emplace_back(m); };
  CHECK(z.delete_range_by_lex(*parse_lex_range("(a", "[c"), collect) == 2);
  CHECK(gone == std::vector<std::string>{"b", "c"});
  CHECK(members_in_order(z) == std::vector<std::string>{"a", "d"});
}

TEST_CASE("ZsetIndex: move, clear and a large index") {
  const uint64_t seed = 99;
  INFO("seed " << seed);
  ZsetIndex a(seed);
  std::mt19937_64 rng(seed);
  Model m;
  for (int i = 0; i < 50000; ++i) {
    const double s = static_cast<double>(rng() % 1000);
    const std::string member = std::to_string(i);
    a.insert(s, member);
    m.add(s, member);
  }
  ZsetIndex b(std::move(a));
  CHECK(a.size() == 0);  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
  CHECK(a.first() == nullptr);
  a.insert(1, "x");  // the moved-from index is usable
  CHECK(a.size() == 1);
  check_all(b, m);
  a = std::move(b);
  check_all(a, m);
  a.clear();
  CHECK(a.size() == 0);
  CHECK(a.bytes() == 0);
  a.insert(2, "y");
  CHECK(members_in_order(a) == std::vector<std::string>{"y"});
}

// --- parsers ---------------------------------------------------------------------------------

TEST_CASE("parse_score_range follows zslParseRange") {
  struct Case {
    std::string in;
    bool ok;
    double v;
    bool ex;
  };
  const Case cases[] = {
      {"1.5", true, 1.5, false},
      {"(1.5", true, 1.5, true},
      {"-inf", true, -kInf, false},
      {"+inf", true, kInf, false},
      {"inf", true, kInf, false},
      {"(-inf", true, -kInf, true},
      {"(+inf", true, kInf, true},
      {"INF", true, kInf, false},
      {"-Infinity", true, -kInf, false},
      {"-0", true, -0.0, false},
      {"1e3", true, 1000, false},
      {"0x10", true, 16, false},
      {"1e400", true, kInf, false},  // strtod overflow is not checked by Redis
      {" 7", true, 7, false},        // strtod skips leading space
      {"( 7", true, 7, true},
      {"", true, 0, false},  // strtod reads nothing and stops at the
                             // NUL
      {"(", true, 0, true},
      {"5\0junk"s, true, 5, false},  // C string: the embedded NUL
                                     // ends it
      {"nan", false, 0, false},
      {"(nan", false, 0, false},
      {"-nan", false, 0, false},
      {"NaN", false, 0, false},
      {"abc", false, 0, false},
      {"1.5x", false, 0, false},
      {"7 ", false, 0, false},
      {"((1", false, 0, false},
      {"[1", false, 0, false},
      {"1,5", false, 0, false},
  };
  for (const Case& c : cases) {
    INFO("input '" << c.in << "'");
    const std::optional<ScoreRange> r = parse_score_range(c.in, "0");
    REQUIRE(r.has_value() == c.ok);
    const std::optional<ScoreRange> r2 = parse_score_range("0", c.in);
    REQUIRE(r2.has_value() == c.ok);
    if (!c.ok) continue;
    CHECK(same_bits(r->min, c.v));
    CHECK(r->min_exclusive == c.ex);
    CHECK_FALSE(r->max_exclusive);
    CHECK(same_bits(r2->max, c.v));
    CHECK(r2->max_exclusive == c.ex);
  }
  // A long argument (past any small buffer) parses too.
  const std::string longer = "(" + std::string(100, '0') + "1.25";
  const std::optional<ScoreRange> r = parse_score_range(longer, longer + "x");
  CHECK_FALSE(r.has_value());
  const std::optional<ScoreRange> r2 = parse_score_range(longer, "+inf");
  REQUIRE(r2.has_value());
  CHECK(r2->min == 1.25);
  CHECK(r2->min_exclusive);
}

TEST_CASE("parse_lex_range follows zslParseLexRange") {
  using K = LexBound::Kind;
  struct Case {
    std::string in;
    bool ok;
    K kind;
    bool ex;
    std::string value;
  };
  const Case cases[] = {
      {"-", true, K::kMinusInf, true, ""},
      {"+", true, K::kPlusInf, true, ""},
      {"[a", true, K::kValue, false, "a"},
      {"(a", true, K::kValue, true, "a"},
      {"[", true, K::kValue, false, ""},
      {"(", true, K::kValue, true, ""},
      {"[a\0b"s, true, K::kValue, false, "a\0b"s},  // binary-safe value
      {"[[", true, K::kValue, false, "["},
      {"+\0x"s, true, K::kPlusInf, true, ""},  // Redis only checks the byte after the sign
      {"", false, K::kValue, false, ""},
      {"a", false, K::kValue, false, ""},
      {"-a", false, K::kValue, false, ""},
      {"+a", false, K::kValue, false, ""},
      {"--", false, K::kValue, false, ""},
      {"\0[a"s, false, K::kValue, false, ""},
  };
  for (const Case& c : cases) {
    INFO("input '" << c.in << "'");
    const std::optional<LexRange> r = parse_lex_range(c.in, "+");
    REQUIRE(r.has_value() == c.ok);
    const std::optional<LexRange> r2 = parse_lex_range("-", c.in);
    REQUIRE(r2.has_value() == c.ok);
    if (!c.ok) continue;
    CHECK(r->min.kind == c.kind);
    CHECK(r->min.exclusive == c.ex);
    CHECK(r->min.value == c.value);
    CHECK(r2->max.kind == c.kind);
    CHECK(r2->max.value == c.value);
  }
}

}  // namespace
}  // namespace shardis::core
