// Intset against a std::set<int64_t> model, with values picked to cross the 16 -> 32 -> 64-bit
// upgrades at their exact boundaries, plus the width rules (upgrade, never downgrade).
#include <doctest/doctest.h>
#include <shardis/core/intset.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <set>
#include <vector>

namespace shardis::core {
namespace {

constexpr int64_t kI16Min = std::numeric_limits<int16_t>::min();
constexpr int64_t kI16Max = std::numeric_limits<int16_t>::max();
constexpr int64_t kI32Min = std::numeric_limits<int32_t>::min();
constexpr int64_t kI32Max = std::numeric_limits<int32_t>::max();
constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();

// Values right at and next to every width boundary, grouped by the width they need.
const std::vector<int64_t> kEdges16 = {kI16Min, kI16Min + 1, -1, 0, 1, kI16Max - 1, kI16Max};
const std::vector<int64_t> kEdges32 = {kI16Min - 1, kI16Max + 1, kI32Min,
                                       kI32Min + 1, kI32Max - 1, kI32Max};
const std::vector<int64_t> kEdges64 = {kI32Min - 1, kI32Max + 1, kI64Min,
                                       kI64Min + 1, kI64Max - 1, kI64Max};

void check_equal(const Intset& s, const std::set<int64_t>& model) {
  REQUIRE(s.size() == model.size());
  REQUIRE(std::equal(s.begin(), s.end(), model.begin(), model.end()));
  size_t i = 0;
  for (int64_t v : model) REQUIRE(s.get(i++) == v);
  if (!model.empty()) {
    CHECK(s.min() == *model.begin());
    CHECK(s.max() == *model.rbegin());
  }
  CHECK(s.bytes() >= s.size() * s.width());
}

TEST_CASE("Intset: width_for at the exact boundaries") {
  for (int64_t v : kEdges16) CHECK(Intset::width_for(v) == 2);
  for (int64_t v : kEdges32) CHECK(Intset::width_for(v) == 4);
  for (int64_t v : kEdges64) CHECK(Intset::width_for(v) == 8);
}

TEST_CASE("Intset: upgrades append or prepend the wider value and never downgrade") {
  Intset s;
  CHECK(s.width() == 2);
  CHECK(s.empty());
  CHECK_FALSE(s.contains(0));
  CHECK_FALSE(s.remove(0));

  CHECK(s.add(5));
  CHECK(s.add(-5));
  CHECK(s.add(kI16Max));
  CHECK(s.add(kI16Min));
  CHECK_FALSE(s.add(kI16Max));
  CHECK(s.width() == 2);

  CHECK(s.add(kI16Max + 1));  // appended, 16 -> 32
  CHECK(s.width() == 4);
  CHECK(s.add(kI16Min - 1));  // fits 32 now: an ordinary insert at the front
  CHECK(s.width() == 4);
  CHECK(s.add(kI32Min - 1));  // prepended, 32 -> 64
  CHECK(s.width() == 8);
  CHECK(s.add(kI64Max));
  CHECK(s.add(kI64Min));
  check_equal(s,
              {kI64Min, kI32Min - 1, kI16Min - 1, kI16Min, -5, 5, kI16Max, kI16Max + 1, kI64Max});

  // Removing every wide value leaves the width alone.
  for (int64_t v : {kI64Min, kI32Min - 1, kI16Min - 1, kI16Max + 1, kI64Max}) CHECK(s.remove(v));
  CHECK(s.width() == 8);
  check_equal(s, {kI16Min, -5, 5, kI16Max});
  CHECK_FALSE(s.contains(kI64Max));

  // 16 -> 64 in one step, prepending.
  Intset t;
  for (int64_t v : {3, 1, 2}) t.add(v);
  CHECK(t.add(kI64Min));
  CHECK(t.width() == 8);
  check_equal(t, {kI64Min, 1, 2, 3});
  // A value narrower than the array is stored at the array's width.
  CHECK(t.add(kI16Min));
  check_equal(t, {kI64Min, kI16Min, 1, 2, 3});

  // Emptying keeps the width too (the owner deletes an empty set anyway).
  for (int64_t v : {kI64Min, kI16Min, int64_t{1}, int64_t{2}, int64_t{3}}) CHECK(t.remove(v));
  CHECK(t.empty());
  CHECK(t.width() == 8);
  CHECK(t.bytes() == 0);
  CHECK(t.add(7));
  check_equal(t, {7});
  t.clear();
  CHECK(t.width() == 2);
}

TEST_CASE("Intset: contains() on a value wider than the array is a plain miss") {
  Intset s;
  for (int64_t v : kEdges16) s.add(v);
  for (int64_t v : kEdges32) CHECK_FALSE(s.contains(v));
  for (int64_t v : kEdges64) CHECK_FALSE(s.contains(v));
  for (int64_t v : kEdges64) CHECK_FALSE(s.remove(v));
  CHECK(s.width() == 2);
}

TEST_CASE("Intset: copy and move") {
  Intset a;
  for (int64_t v : {1, -70000, 3}) a.add(v);
  Intset b(a);
  CHECK(b.width() == 4);
  check_equal(b, {-70000, 1, 3});
  b.add(9);
  CHECK(a.size() == 3);
  Intset c(std::move(b));
  CHECK(b.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
  check_equal(c, {-70000, 1, 3, 9});
  a = c;
  check_equal(a, {-70000, 1, 3, 9});
  a = std::move(c);
  check_equal(a, {-70000, 1, 3, 9});
}

TEST_CASE("Intset: random() returns members only and reaches every member of a small set") {
  const uint64_t seed = 0x1275e7;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  const std::set<int64_t> model = {kI64Min, -5, 0, 7, 40000, kI64Max};
  Intset s;
  for (int64_t v : model) s.add(v);
  std::set<int64_t> seen;
  for (int i = 0; i < 2000; ++i) {
    const int64_t v = s.random(rng());
    REQUIRE(model.count(v) == 1);
    seen.insert(v);
  }
  CHECK(seen == model);
}

// Values for a round whose allowed width is `w`: mostly a small pool (so adds collide and
// removes hit), some boundary values, some uniform values of the allowed width.
int64_t pick_value(std::mt19937_64& rng, unsigned w) {
  const unsigned kind = rng() % 10;
  if (kind < 5) return static_cast<int64_t>(rng() % 601) - 300;
  if (kind < 8) {
    const std::vector<int64_t>* groups[] = {&kEdges16, &kEdges32, &kEdges64};
    const size_t ngroups = w == 2 ? 1 : w == 4 ? 2 : 3;
    const std::vector<int64_t>& g = *groups[rng() % ngroups];
    return g[rng() % g.size()];
  }
  if (w == 2) return static_cast<int16_t>(rng());
  if (w == 4) return static_cast<int32_t>(rng());
  return static_cast<int64_t>(rng());
}

TEST_CASE("Intset: randomized model check against std::set (200k+ ops)") {
  const uint64_t seed = 20240617;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  constexpr int kRounds = 50;
  constexpr int kOpsPerRound = 4200;
  size_t ops = 0;
  size_t upgrades_when_populated = 0, added = 0, removed = 0;
  for (int round = 0; round < kRounds; ++round) {
    INFO("round " << round);
    Intset s;
    std::set<int64_t> model;
    std::vector<int64_t> history;  // values added so far (removes pick from here)
    unsigned expect_width = 2;
    for (int op = 0; op < kOpsPerRound; ++op, ++ops) {
      // The allowed width grows during the round, so every round goes through its upgrades
      // with a populated array (and some rounds stay narrow longer than others).
      const unsigned w = op < kOpsPerRound / 3 ? 2 : op < 2 * kOpsPerRound / 3 ? 4 : 8;
      const unsigned what = rng() % 20;
      if (what < 10) {
        const int64_t v = pick_value(rng, round % 5 == 0 ? 2 : w);
        const unsigned before = s.width();
        const size_t size_before = s.size();
        const bool ok = s.add(v);
        REQUIRE(ok == model.insert(v).second);
        added += ok;
        history.push_back(v);
        expect_width = std::max(expect_width, Intset::width_for(v));
        upgrades_when_populated += s.width() != before && size_before >= 100;
      } else if (what < 17) {
        const int64_t v = (!history.empty() && rng() % 4 != 0) ? history[rng() % history.size()]
                                                               : pick_value(rng, 8);
        const bool ok = s.remove(v);
        REQUIRE(ok == (model.erase(v) == 1));
        removed += ok;
      } else {
        const int64_t v = (!history.empty() && rng() % 2 != 0) ? history[rng() % history.size()]
                                                               : pick_value(rng, 8);
        REQUIRE(s.contains(v) == (model.count(v) == 1));
      }
      REQUIRE(s.size() == model.size());
      REQUIRE(s.width() == expect_width);
      if (op % 700 == 0) check_equal(s, model);
    }
    check_equal(s, model);
    if (!model.empty()) {
      for (int i = 0; i < 50; ++i) REQUIRE(model.count(s.random(rng())) == 1);
    }
  }
  MESSAGE(ops << " ops: " << added << " adds, " << removed << " removes, "
              << upgrades_when_populated << " upgrades of arrays with >= 100 values");
  CHECK(ops >= 200000);
  CHECK(upgrades_when_populated >= kRounds);
}

}  // namespace
}  // namespace shardis::core
