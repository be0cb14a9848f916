// ZsetObject against a model (member -> score plus an ordered set of (score, member)), across
// the listpack -> skiplist conversions by member count and by member length.
#include <doctest/doctest.h>
#include <shardis/core/zset_object.h>

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
using Key = std::pair<double, std::string>;
using Enc = ZsetObject::Encoding;
using Res = ZsetObject::AddResult;
constexpr double kInf = std::numeric_limits<double>::infinity();

bool same_bits(double a, double b) {
  return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b);
}

// Redis's sorted set, the slow way. `converted` follows the encoding rule of the contract.
struct Model {
  std::set<Key> ord;
  std::map<std::string, double> score_of;
  bool converted = false;

  bool has(const std::string& m) const { return score_of.count(m) == 1; }
  // A listpack stores -0 as 0.
  double stored(double s) const { return (!converted && s == 0) ? 0.0 : s; }
  void put(double s, const std::string& m) {
    ord.insert({s, m});
    score_of[m] = s;
  }
  void remove(std::string m) {  // by value: callers pass views of ord
    REQUIRE(ord.erase({score_of.at(m), m}) == 1);
    score_of.erase(m);
  }
  // ZADD semantics; returns what ZsetObject::add should and the score it reports.
  Res add(double s, const std::string& m, unsigned flags, double* reported) {
    auto it = score_of.find(m);
    if (it != score_of.end()) {
      if (flags & ZsetObject::kAddNx) return Res::kSkipped;
      const double cur = it->second;
      if (flags & ZsetObject::kAddIncr) {
        s += cur;
        if (std::isnan(s)) return Res::kNaN;
      }
      if (((flags & ZsetObject::kAddGt) && s <= cur) ||
          ((flags & ZsetObject::kAddLt) && s >= cur)) {
        return Res::kSkipped;
      }
      *reported = s;
      if (s == cur) return Res::kUnchanged;
      remove(m);
      put(stored(s), m);
      return Res::kUpdated;
    }
    if (flags & ZsetObject::kAddXx) return Res::kSkipped;
    if (ord.size() + 1 > ZsetObject::kMaxListpackEntries ||
        m.size() > ZsetObject::kMaxListpackValue) {
      converted = true;
    }
    *reported = s;
    put(stored(s), m);
    return Res::kAdded;
  }
  std::vector<Key> in_range(const ScoreRange& r) const {
    std::vector<Key> out;
    for (const Key& k : ord) {
      if (score_in_range(k.first, r)) out.push_back(k);
    }
    return out;
  }
  std::vector<Key> in_lex_range(const LexRange& r) const {
    std::vector<Key> out;
    for (const Key& k : ord) {
      if (member_in_lex_range(k.second, r)) out.push_back(k);
    }
    return out;
  }
};

std::vector<Key> contents(const ZsetObject& z) {
  std::vector<Key> out;
  z.for_each([&](ZsetElement e) { out.push_back({e.score, std::string(e.member)}); });
  return out;
}

void check_same(const ZsetObject& z, const Model& m) {
  REQUIRE(z.size() == m.ord.size());
  CHECK(z.encoding() == (m.converted ? Enc::kSkiplist : Enc::kListpack));
  const std::vector<Key> got = contents(z);
  REQUIRE(got.size() == m.ord.size());
  size_t i = 0;
  for (const Key& k : m.ord) {
    CHECK(got[i].second == k.second);
    CHECK(same_bits(got[i].first, k.first));
    ++i;
  }
  // Backwards too.
  std::vector<Key> back;
  for (ZsetObject::Iter it = z.last(); it.valid(); it.prev()) {
    ZsetElement e = it.get();
    back.push_back({e.score, std::string(e.member)});
  }
  std::reverse(back.begin(), back.end());
  CHECK(back == got);
}

struct Gen {
  explicit Gen(uint64_t seed) : rng(seed) {}
  std::mt19937_64 rng;
  bool long_members = false;

  size_t below(size_t n) { return static_cast<size_t>(rng() % n); }
  double score() {
    static const double pool[] = {0.0,   -0.0, 1.0,   -1.0, 2.5,  1.1,    -3.75,
                                  1e300, kInf, -kInf, 7.0,  42.0, 1e-300, 4503599627370497.0};
    if (below(3) == 0) return pool[below(std::size(pool))];
    return static_cast<double>(static_cast<int>(below(40)) - 20) / (below(2) ? 1 : 4);
  }
  std::string member() {
    switch (below(8)) {
      case 0:
        return std::to_string(static_cast<int>(below(300)) - 50);  // stored as listpack ints
      case 1:
        return std::string(1, static_cast<char>(below(3))) + "\r\n";  // binary
      case 2:
        if (long_members) return std::string(60 + below(10), static_cast<char>('a' + below(3)));
        [[fallthrough]];
      default: {
        std::string s(1 + below(3), 'a');
        for (char& c : s) c = static_cast<char>('a' + below(12));
        return s;
      }
    }
  }
  ScoreRange range() {
    ScoreRange r{score(), score(), below(2) == 0, below(2) == 0};
    if (below(4) != 0 && r.min > r.max) std::swap(r.min, r.max);
    return r;
  }
};

void check_ranges(const ZsetObject& z, const Model& m, Gen& g) {
  const ScoreRange r = g.range();
  const std::vector<Key> want = m.in_range(r);
  CHECK(z.count_in_range(r) == want.size());
  std::vector<Key> got;
  for (ZsetObject::Iter it = z.first_in_range(r); it.valid() && score_in_range(it.score(), r);
       it.next()) {
    ZsetElement e = it.get();
    got.push_back({e.score, std::string(e.member)});
  }
  CHECK(got == want);
  got.clear();
  for (ZsetObject::Iter it = z.last_in_range(r); it.valid() && score_in_range(it.score(), r);
       it.prev()) {
    ZsetElement e = it.get();
    got.push_back({e.score, std::string(e.member)});
  }
  std::reverse(got.begin(), got.end());
  CHECK(got == want);
}

void check_member(const ZsetObject& z, const Model& m, const std::string& member) {
  auto it = m.score_of.find(member);
  std::optional<double> s = z.score(member);
  std::optional<size_t> rank = z.rank(member, false);
  std::optional<size_t> rev = z.rank(member, true);
  if (it == m.score_of.end()) {
    CHECK_FALSE(s.has_value());
    CHECK_FALSE(rank.has_value());
    CHECK_FALSE(rev.has_value());
    return;
  }
  REQUIRE(s.has_value());
  CHECK(same_bits(*s, it->second));
  const size_t want =
      static_cast<size_t>(std::distance(m.ord.begin(), m.ord.find({it->second, member})));
  REQUIRE(rank.has_value());
  CHECK(*rank == want);
  REQUIRE(rev.has_value());
  CHECK(*rev == m.ord.size() - 1 - want);
  ZsetObject::Iter at = z.at_rank(want);
  REQUIRE(at.valid());
  CHECK(at.get().member == member);
}

// One random operation on both sides.
void step(ZsetObject& z, Model& m, Gen& g) {
  const size_t op = g.below(100);
  if (op < 45) {
    unsigned flags = 0;
    switch (g.below(8)) {
      case 0:
        flags = ZsetObject::kAddNx;
        break;
      case 1:
        flags = ZsetObject::kAddXx;
        break;
      case 2:
        flags = ZsetObject::kAddGt | (g.below(2) ? unsigned{ZsetObject::kAddXx} : 0u);
        break;
      case 3:
        flags = ZsetObject::kAddLt;
        break;
      case 4:
        flags = ZsetObject::kAddIncr | (g.below(2) ? unsigned{ZsetObject::kAddGt} : 0u);
        break;
      default:
        break;
    }
    const double s = g.score();
    const std::string member = g.member();
    double want_score = 12345, got_score = 12345;
    const Res want = m.add(s, member, flags, &want_score);
    const Res got = z.add(s, member, flags, &got_score);
    CHECK(got == want);
    if (want != Res::kSkipped && want != Res::kNaN) CHECK(same_bits(got_score, want_score));
  } else if (op < 60) {
    const std::string member = g.member();
    CHECK(z.erase(member) == m.has(member));
    if (m.has(member)) m.remove(member);
  } else if (op < 75) {
    check_member(z, m,
                 g.below(2) || m.ord.empty()
                     ? g.member()
                     : std::next(m.ord.begin(), g.below(m.ord.size()))->second);
  } else if (op < 85) {
    check_ranges(z, m, g);
  } else if (op < 88) {
    const ScoreRange r = g.range();
    const std::vector<Key> gone = m.in_range(r);
    CHECK(z.erase_range(r) == gone.size());
    for (const Key& k : gone) m.remove(k.second);
  } else if (op < 91) {
    const size_t start = g.below(m.ord.size() + 3);
    const size_t end = start + g.below(6);
    size_t want = 0;
    if (start < m.ord.size()) {
      auto first = std::next(m.ord.begin(), start);
      auto last = std::next(m.ord.begin(), std::min(end + 1, m.ord.size()));
      std::vector<std::string> gone;
      for (auto it = first; it != last; ++it) gone.push_back(it->second);
      want = gone.size();
      for (const std::string& s : gone) m.remove(s);
    }
    CHECK(z.erase_rank_range(start, end) == want);
  } else if (op < 95) {
    const bool from_max = g.below(2) == 1;
    const size_t count = g.below(5);
    std::vector<ZsetEntry> got;
    z.pop(from_max, count, &got);
    CHECK(got.size() == std::min(count, m.ord.size()));
    for (const ZsetEntry& e : got) {
      REQUIRE_FALSE(m.ord.empty());
      const Key& k = from_max ? *m.ord.rbegin() : *m.ord.begin();
      CHECK(e.member == k.second);
      CHECK(same_bits(e.score, k.first));
      m.remove(k.second);
    }
  } else if (op < 99) {
    if (!z.empty()) {
      ZsetObject::Iter it = z.random(g.rng());
      REQUIRE(it.valid());
      ZsetElement e = it.get();
      auto found = m.score_of.find(std::string(e.member));
      REQUIRE(found != m.score_of.end());
      CHECK(same_bits(found->second, e.score));
    }
  } else {
    std::unique_ptr<ZsetObject> c = z.clone();
    check_same(*c, m);
  }
}

TEST_CASE("zset object matches a model across the conversion by count") {
  for (uint64_t seed : {1u, 2u, 3u}) {
    CAPTURE(seed);
    Gen g(seed);
    ZsetObject z;
    Model m;
    // Grow slowly past 128 members, then shrink, then grow again (a skiplist stays one).
    for (int round = 0; round < 4; ++round) {
      const bool grow = round % 2 == 0;
      for (int i = 0; i < 12000; ++i) {
        if (grow && g.below(3) == 0) {
          double unused;
          std::string member = "g" + std::to_string(g.below(400));
          double s = g.score();
          CHECK(z.add(s, member, 0, &unused) == m.add(s, member, 0, &unused));
        } else if (!grow && g.below(2) == 0 && !m.ord.empty()) {
          const std::string member = std::next(m.ord.begin(), g.below(m.ord.size()))->second;
          CHECK(z.erase(member));
          m.remove(member);
        } else {
          step(z, m, g);
        }
        if (i % 500 == 0) check_same(z, m);
      }
      check_same(z, m);
    }
    CHECK(m.converted);
  }
}

TEST_CASE("zset object matches a model across the conversion by member length") {
  for (uint64_t seed : {11u, 12u, 13u, 14u}) {
    CAPTURE(seed);
    Gen g(seed);
    g.long_members = true;
    ZsetObject z;
    Model m;
    for (int i = 0; i < 6000; ++i) {
      step(z, m, g);
      if (i % 300 == 0) check_same(z, m);
    }
    check_same(z, m);
  }
}

TEST_CASE("zset object conversion thresholds") {
  double s;
  ZsetObject z;
  for (int i = 0; i < 128; ++i) z.add(i, "m" + std::to_string(i), 0, &s);
  CHECK(z.encoding() == Enc::kListpack);
  CHECK(z.add(6.5, "m5", 0, &s) == Res::kUpdated);  // an update is not an insert
  CHECK(z.encoding() == Enc::kListpack);
  CHECK(z.add(200, "m200", ZsetObject::kAddXx, &s) == Res::kSkipped);
  CHECK(z.encoding() == Enc::kListpack);
  CHECK(z.add(200, "m200", 0, &s) == Res::kAdded);
  CHECK(z.encoding() == Enc::kSkiplist);
  CHECK(std::string(z.encoding_name()) == "skiplist");
  for (int i = 0; i < 128; ++i) z.erase("m" + std::to_string(i));
  z.erase("m200");
  CHECK(z.size() == 0);
  CHECK(z.encoding() == Enc::kSkiplist);  // never converts back by itself

  ZsetObject y;
  CHECK(y.add(1, std::string(64, 'x'), 0, &s) == Res::kAdded);
  CHECK(y.encoding() == Enc::kListpack);
  CHECK(std::string(y.encoding_name()) == "listpack");
  CHECK(y.add(1, std::string(65, 'x'), ZsetObject::kAddXx, &s) == Res::kSkipped);
  CHECK(y.encoding() == Enc::kListpack);
  CHECK(y.add(1, std::string(65, 'x'), 0, &s) == Res::kAdded);
  CHECK(y.encoding() == Enc::kSkiplist);
  CHECK(y.size() == 2);
}

TEST_CASE("zset object from_sorted picks the encoding by size and member length") {
  auto build = [](size_t n, size_t len) {
    std::vector<std::string> names;
    for (size_t i = 0; i < n; ++i) {
      std::string s = std::to_string(1000 + i);
      s.resize(std::max(len, s.size()), 'z');
      names.push_back(s);
    }
    std::vector<ZsetElement> elems;
    for (size_t i = 0; i < n; ++i) elems.push_back({names[i], static_cast<double>(i) / 3});
    std::unique_ptr<ZsetObject> z = ZsetObject::from_sorted(elems);
    REQUIRE(z->size() == n);
    size_t i = 0;
    z->for_each([&](ZsetElement e) {
      CHECK(e.member == names[i]);
      CHECK(same_bits(e.score, static_cast<double>(i) / 3));
      ++i;
    });
    return z->encoding();
  };
  CHECK(build(0, 1) == Enc::kListpack);
  CHECK(build(128, 64) == Enc::kListpack);
  CHECK(build(129, 4) == Enc::kSkiplist);
  CHECK(build(3, 65) == Enc::kSkiplist);
}

TEST_CASE("zset object scores read back exactly; a listpack stores -0 as 0") {
  const double values[] = {1.1,
                           -1.1,
                           1e308,
                           -1e308,
                           kInf,
                           -kInf,
                           4503599627370495.0,
                           9007199254740992.0,
                           9007199254740993.0,
                           5e-324,
                           123456789012345678.0,
                           -9007199254740991.0,
                           0.5};
  for (bool skiplist : {false, true}) {
    ZsetObject z;
    if (skiplist) z.convert_to_skiplist();
    double s;
    int i = 0;
    for (double v : values) {
      z.add(v, "v" + std::to_string(i++), 0, &s);
      CHECK(same_bits(s, v));
    }
    i = 0;
    for (double v : values) CHECK(same_bits(*z.score("v" + std::to_string(i++)), v));
    CHECK(z.add(-0.0, "zero", 0, &s) == Res::kAdded);
    CHECK(same_bits(s, -0.0));  // the computed score
    CHECK(same_bits(*z.score("zero"), skiplist ? -0.0 : 0.0));
    CHECK(z.add(0.0, "zero", 0, &s) == Res::kUnchanged);  // -0 == 0
    CHECK(z.add(-0.0, "zero", ZsetObject::kAddIncr, &s) == Res::kUnchanged);
    CHECK(z.add(-kInf, "v4", ZsetObject::kAddIncr, &s) == Res::kNaN);
    CHECK(same_bits(*z.score("v4"), kInf));
  }
}

TEST_CASE("zset object lex ranges over equal scores, both encodings") {
  for (uint64_t seed : {21u, 22u}) {
    for (size_t target : {40u, 300u}) {
      CAPTURE(seed);
      CAPTURE(target);
      Gen g(seed);
      ZsetObject z;
      Model m;
      double s;
      while (m.ord.size() < target) {
        std::string member = g.member();
        m.add(2.0, member, 0, &s);
        z.add(2.0, member, 0, &s);
      }
      auto bound = [&](LexBound* b, std::string* store) {
        switch (g.below(6)) {
          case 0:
            *b = {LexBound::Kind::kMinusInf, true, {}};
            return;
          case 1:
            *b = {LexBound::Kind::kPlusInf, true, {}};
            return;
          default:
            *store = g.member();
            *b = {LexBound::Kind::kValue, g.below(2) == 0, *store};
        }
      };
      for (int i = 0; i < 1500; ++i) {
        std::string a, b;
        LexRange r;
        bound(&r.min, &a);
        bound(&r.max, &b);
        const std::vector<Key> want = m.in_lex_range(r);
        CHECK(z.count_in_lex_range(r) == want.size());
        std::vector<Key> got;
        for (ZsetObject::Iter it = z.first_in_lex_range(r);
             it.valid() && member_in_lex_range(it.get().member, r); it.next()) {
          got.push_back({it.score(), std::string(it.get().member)});
        }
        CHECK(got == want);
        got.clear();
        for (ZsetObject::Iter it = z.last_in_lex_range(r);
             it.valid() && member_in_lex_range(it.get().member, r); it.prev()) {
          got.push_back({it.score(), std::string(it.get().member)});
        }
        std::reverse(got.begin(), got.end());
        CHECK(got == want);
        if (i % 50 == 0) {
          CHECK(z.erase_lex_range(r) == want.size());
          for (const Key& k : want) m.remove(k.second);
          check_same(z, m);
          while (m.ord.size() < target) {
            std::string member = g.member();
            m.add(2.0, member, 0, &s);
            z.add(2.0, member, 0, &s);
          }
        }
      }
    }
  }
}

TEST_CASE("zset object scan reports every member") {
  for (size_t n : {5u, 1000u}) {
    ZsetObject z;
    double s;
    for (size_t i = 0; i < n; ++i)
      z.add(static_cast<double>(i % 7), "m" + std::to_string(i), 0, &s);
    std::map<std::string, double> seen;
    uint64_t cursor = 0;
    int calls = 0;
    do {
      cursor = z.scan(cursor, [&](ZsetElement e) { seen[std::string(e.member)] = e.score; });
      ++calls;
    } while (cursor != 0);
    CHECK(seen.size() == n);
    for (auto& [member, score] : seen) CHECK(*z.score(member) == score);
    if (n == 5) CHECK(calls == 1);
    if (n == 1000) CHECK(calls > 1);
  }
}

TEST_CASE("zset object clone is deep and keeps the encoding") {
  for (size_t n : {10u, 200u}) {
    ZsetObject z;
    double s;
    for (size_t i = 0; i < n; ++i) z.add(static_cast<double>(i), "m" + std::to_string(i), 0, &s);
    std::unique_ptr<ZsetObject> c = z.clone();
    CHECK(c->encoding() == z.encoding());
    CHECK(contents(*c) == contents(z));
    z.erase("m1");
    CHECK(c->score("m1").has_value());
    CHECK(c->size() == n);
    CHECK(c->bytes() > 0);
  }
}

}  // namespace
}  // namespace shardis::core
