// SetObject against a std::set<std::string> model, across the intset -> hashtable conversion (by
// member count and by a first non-integer member), plus random picks, scan completeness while
// the set changes, and deep copies.
#include <doctest/doctest.h>
#include <shardis/core/set_object.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace shardis::core {
namespace {

using Enc = SetObject::Encoding;

std::vector<std::string> members_of(const SetObject& s) {
  std::vector<std::string> out;
  s.for_each([&](std::string_view m) { out.emplace_back(m); });
  return out;
}

// The set holds exactly the model's members; an intset walks them in ascending numeric order.
void check_same(const SetObject& s, const std::set<std::string>& model) {
  REQUIRE(s.size() == model.size());
  CHECK(s.empty() == model.empty());
  std::vector<std::string> got = members_of(s);
  REQUIRE(got.size() == model.size());
  if (s.encoding() == Enc::kIntset) {
    std::vector<int64_t> ints;
    for (const std::string& m : got) ints.push_back(std::stoll(m));
    CHECK(std::is_sorted(ints.begin(), ints.end()));
  }
  std::sort(got.begin(), got.end());
  CHECK(std::equal(got.begin(), got.end(), model.begin(), model.end()));
}

// A canonical integer (what may live in an intset) or not, at a chosen rate.
std::string random_member(std::mt19937_64& rng, int int_range, int non_int_percent) {
  if (static_cast<int>(rng() % 100) < non_int_percent) {
    switch (rng() % 6) {
      case 0:
        return "m" + std::to_string(rng() % 50);
      case 1:
        return "0" + std::to_string(rng() % 10);  // "01": a leading zero is not canonical
      case 2:
        return "-0";
      case 3:
        return std::string("b\0\r\n", 4) + std::to_string(rng() % 5);
      case 4:
        return "";
      default:
        return std::to_string(rng() % 10) + ".5";
    }
  }
  int64_t v = static_cast<int64_t>(rng() % (2 * int_range + 1)) - int_range;
  if (rng() % 20 == 0) v *= 1'000'000'007LL;  // some wide values (16 -> 32 -> 64-bit widths)
  return std::to_string(v);
}

bool is_canonical_int(const std::string& m) {
  if (m.empty() || m == "-0") return false;
  size_t i = m[0] == '-' ? 1 : 0;
  if (i == m.size() || (m[i] == '0' && m.size() > i + 1)) return false;
  return std::all_of(m.begin() + static_cast<long>(i), m.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

TEST_CASE("SetObject: empty set") {
  SetObject s;
  CHECK(s.encoding() == Enc::kIntset);
  CHECK(std::string(s.encoding_name()) == "intset");
  CHECK(s.empty());
  CHECK_FALSE(s.contains("1"));
  CHECK_FALSE(s.remove("1"));
  CHECK_FALSE(s.remove("x"));
  CHECK(s.scan(0, [](std::string_view) { FAIL("no members"); }) == 0);
  CHECK(s.bytes() >= sizeof(SetObject));
}

TEST_CASE("SetObject: converts at member 513, and only when it is new") {
  SetObject s;
  std::set<std::string> model;
  for (int i = 0; i < 512; ++i) {
    CHECK(s.add(std::to_string(i * 3 - 700)));
    model.insert(std::to_string(i * 3 - 700));
  }
  CHECK(s.encoding() == Enc::kIntset);
  CHECK_FALSE(s.add("-700"));  // a repeat at the limit changes nothing
  CHECK(s.encoding() == Enc::kIntset);
  check_same(s, model);
  CHECK(s.add("100000"));
  model.insert("100000");
  CHECK(s.encoding() == Enc::kHashTable);
  CHECK(std::string(s.encoding_name()) == "hashtable");
  check_same(s, model);
  // Never back, not even at one integer member.
  for (const std::string& m : std::set<std::string>(model)) {
    if (m != "5") {
      CHECK(s.remove(m));
      model.erase(m);
    }
  }
  CHECK(s.encoding() == Enc::kHashTable);
  check_same(s, model);
}

TEST_CASE("SetObject: the first non-integer member converts") {
  for (std::string_view odd : {"a", "01", "-0", "+1", " 1", "1 ", "9223372036854775808", ""}) {
    SetObject s;
    CHECK(s.add("1"));
    CHECK(s.add("9223372036854775807"));
    CHECK(s.add("-9223372036854775808"));
    CHECK(s.encoding() == Enc::kIntset);
    CHECK_FALSE(s.contains(odd));
    CHECK_FALSE(s.remove(odd));  // never converts
    CHECK(s.encoding() == Enc::kIntset);
    CHECK(s.add(odd));
    CHECK(s.encoding() == Enc::kHashTable);
    CHECK(s.contains(odd));
    CHECK(s.contains("1"));
    CHECK(s.contains("-9223372036854775808"));
    CHECK_FALSE(s.contains("1x"));
    check_same(s, {"1", "9223372036854775807", "-9223372036854775808", std::string(odd)});
  }
  // A set whose first member is not an integer is a hashtable from the start.
  SetObject t;
  CHECK(t.add("x"));
  CHECK(t.encoding() == Enc::kHashTable);
}

TEST_CASE("SetObject: binary members") {
  SetObject s;
  const std::string a("a\0b", 3);
  const std::string b("a\0c", 3);
  const std::string nul("\0", 1);
  CHECK(s.add(a));
  CHECK(s.add(b));
  CHECK(s.add(nul));
  CHECK_FALSE(s.add(a));
  CHECK(s.contains(nul));
  CHECK_FALSE(s.contains("a"));
  check_same(s, {a, b, nul});
  CHECK(s.remove(a));
  check_same(s, {b, nul});
}

// The main model run: each phase draws members with its own integer range and non-integer rate,
// so sets grow past 512 as pure intsets, convert by count, convert by a non-integer member, and
// shrink again.
TEST_CASE("SetObject: randomized model across the conversions") {
  struct Phase {
    int int_range;
    int non_int_percent;
    int add_percent;
  };
  // Even rounds convert by count (integers only until well past 512), odd rounds by a member
  // that is not an integer while the set is still small.
  const std::vector<Phase> by_count = {{300, 0, 70}, {2000, 0, 70},  {400, 0, 30},
                                       {300, 2, 60}, {5000, 30, 65}, {5000, 30, 20}};
  const std::vector<Phase> by_member = {{200, 0, 60}, {200, 1, 55}, {5000, 30, 65}, {5000, 30, 20}};
  std::mt19937_64 rng(20240611);
  size_t conversions_by_count = 0;
  size_t conversions_by_member = 0;
  for (int round = 0; round < 12; ++round) {
    SetObject s;
    std::set<std::string> model;
    bool converted = false;
    for (const Phase& p : round % 2 == 0 ? by_count : by_member) {
      for (int op = 0; op < 4000; ++op) {
        std::string m = random_member(rng, p.int_range, p.non_int_percent);
        const int dice = static_cast<int>(rng() % 100);
        if (dice < p.add_percent) {
          const bool fresh = model.insert(m).second;
          REQUIRE(s.add(m) == fresh);
          if (fresh && !converted) {
            if (!is_canonical_int(m)) {
              converted = true;
              ++conversions_by_member;
            } else if (model.size() > SetObject::kMaxIntsetEntries) {
              converted = true;
              ++conversions_by_count;
            }
          }
        } else if (dice < p.add_percent + 20 || model.empty()) {
          REQUIRE(s.remove(m) == (model.erase(m) == 1));
        } else {
          // Remove an existing member, so that sets shrink for real.
          std::string victim = s.random_member(rng());
          REQUIRE(model.count(victim) == 1);
          REQUIRE(s.remove(victim));
          model.erase(victim);
        }
        REQUIRE(s.contains(m) == (model.count(m) == 1));
        REQUIRE(s.size() == model.size());
        REQUIRE((s.encoding() == Enc::kHashTable) == converted);
      }
      check_same(s, model);
    }
  }
  CHECK(conversions_by_count > 0);
  CHECK(conversions_by_member > 0);
}

TEST_CASE("SetObject: random picks and pops") {
  for (int n : {1, 2, 7, 300, 513, 2000}) {
    for (bool strings : {false, true}) {
      SetObject s;
      std::set<std::string> model;
      for (int i = 0; i < n; ++i) {
        std::string m = strings ? "s" + std::to_string(i) : std::to_string(i * 7);
        s.add(m);
        model.insert(m);
      }
      CAPTURE(n);
      CAPTURE(strings);
      std::mt19937_64 rng(static_cast<uint64_t>(n));
      std::map<std::string, int> hits;
      const int picks = std::max(200, n * 20);
      for (int i = 0; i < picks; ++i) {
        std::string m = s.random_member(rng());
        REQUIRE(model.count(m) == 1);
        ++hits[m];
      }
      // Every member can come out (not a uniformity test: HashTable::random is not uniform).
      if (n <= 300) CHECK(hits.size() == model.size());
      while (!model.empty()) {
        std::string m = s.pop_random(rng());
        REQUIRE(model.erase(m) == 1);
        REQUIRE(s.size() == model.size());
        REQUIRE_FALSE(s.contains(m));
      }
      CHECK(s.empty());
    }
  }
}

// Members present from the start to the end of a full scan are reported at least once, while
// other members come and go between the steps (and the table grows and shrinks).
TEST_CASE("SetObject: scan completeness under changes") {
  std::mt19937_64 rng(77);
  for (int round = 0; round < 20; ++round) {
    SetObject s;
    std::set<std::string> stable;
    for (int i = 0; i < 300 + round * 50; ++i) {
      std::string m = "k" + std::to_string(i);
      s.add(m);
      stable.insert(m);
    }
    REQUIRE(s.encoding() == Enc::kHashTable);
    std::set<std::string> churn;
    std::set<std::string> seen;
    uint64_t cursor = 0;
    int steps = 0;
    do {
      cursor = s.scan(cursor, [&](std::string_view m) { seen.emplace(m); });
      // Grow or shrink between steps: adds of new members, removals of churn members only.
      const int adds = static_cast<int>(rng() % (round % 2 == 0 ? 40 : 5));
      for (int i = 0; i < adds; ++i) {
        std::string m = "c" + std::to_string(rng() % 100000);
        if (s.add(m)) churn.insert(m);
      }
      const int removes = static_cast<int>(rng() % (round % 2 == 0 ? 5 : 40));
      for (int i = 0; i < removes && !churn.empty(); ++i) {
        auto it = churn.begin();
        std::advance(it, static_cast<long>(rng() % churn.size()));
        REQUIRE(s.remove(*it));
        churn.erase(it);
      }
      ++steps;
      REQUIRE(steps < 1'000'000);
    } while (cursor != 0);
    for (const std::string& m : stable) REQUIRE(seen.count(m) == 1);
    // Nothing reported that was never in the set.
    for (const std::string& m : seen) REQUIRE((m[0] == 'k' || m[0] == 'c'));
  }
  // An intset answers in one step, ascending, with cursor 0 whatever cursor it is given.
  SetObject ints;
  for (int v : {5, -3, 100, 0}) ints.add(std::to_string(v));
  std::vector<std::string> got;
  CHECK(ints.scan(12345, [&](std::string_view m) { got.emplace_back(m); }) == 0);
  CHECK(got == std::vector<std::string>{"-3", "0", "5", "100"});
}

TEST_CASE("SetObject: copies are deep and keep the encoding") {
  for (int kind = 0; kind < 3; ++kind) {
    SetObject s;
    std::set<std::string> model;
    const int n = kind == 1 ? 600 : 40;
    for (int i = 0; i < n; ++i) {
      std::string m = kind == 2 && i == 7 ? std::string("x\0y", 3) : std::to_string(i * 11);
      s.add(m);
      model.insert(m);
    }
    SetObject copy(s);
    CHECK(copy.encoding() == s.encoding());
    check_same(copy, model);
    CHECK(copy.bytes() > 0);
    // Changing one leaves the other alone.
    REQUIRE(s.remove("0"));
    CHECK(copy.contains("0"));
    CHECK(copy.add("fresh"));
    CHECK_FALSE(s.contains("fresh"));
    std::set<std::string> after = model;
    after.erase("0");
    check_same(s, after);
    // Moves hand the members over.
    SetObject moved(std::move(copy));
    CHECK(moved.contains("fresh"));
    CHECK(moved.contains("0"));
    SetObject assigned;
    assigned.add("z");
    assigned = std::move(moved);
    CHECK(assigned.contains("fresh"));
    CHECK_FALSE(assigned.contains("z"));
  }
}

TEST_CASE("SetObject: bytes follow the contents") {
  SetObject s;
  const size_t empty = s.bytes();
  for (int i = 0; i < 100; ++i) s.add(std::to_string(i));
  const size_t ints = s.bytes();
  CHECK(ints > empty);
  s.add(std::string(1000, 'x'));
  CHECK(s.bytes() > ints + 1000);
  s.remove(std::string(1000, 'x'));
  CHECK(s.bytes() < ints + 1000 + 4096);
}

}  // namespace
}  // namespace shardis::core
