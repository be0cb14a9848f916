#include <doctest/doctest.h>
#include <shardis/base/number_format.h>
#include <shardis/core/listpack.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace shardis::core {
namespace {

using Pos = Listpack::Pos;

std::string text_of(const LpValue& v) {
  return v.to_string();
}

std::vector<std::string> forward(const Listpack& lp) {
  std::vector<std::string> out;
  for (Pos p = lp.first(); p != Listpack::kNone; p = lp.next(p))
    out.push_back(text_of(lp.value_at(p)));
  return out;
}

std::vector<std::string> backward(const Listpack& lp) {
  std::vector<std::string> out;
  for (Pos p = lp.last(); p != Listpack::kNone; p = lp.prev(p))
    out.push_back(text_of(lp.value_at(p)));
  return out;
}

bool canonical_int(std::string_view s) {
  return base::parse_int64(s).has_value();
}

const std::vector<std::string>& boundary_ints() {
  static const std::vector<std::string> v = [] {
    std::vector<int64_t> n = {0,
                              1,
                              -1,
                              127,
                              128,
                              -128,
                              -129,
                              255,
                              256,
                              32767,
                              32768,
                              -32768,
                              -32769,
                              65535,
                              65536,
                              INT32_MAX,
                              int64_t{INT32_MAX} + 1,
                              INT32_MIN,
                              int64_t{INT32_MIN} - 1,
                              INT64_MAX,
                              INT64_MIN,
                              INT64_MAX - 1,
                              INT64_MIN + 1};
    std::vector<std::string> s;
    for (int64_t x : n) s.push_back(base::int64_to_string(x));
    return s;
  }();
  return v;
}

const std::vector<std::string>& not_canonical() {
  static const std::vector<std::string> v = {"007",
                                             "-0",
                                             " 1",
                                             "+1",
                                             "1 ",
                                             "",
                                             "-",
                                             "00",
                                             "0x10",
                                             "1.5",
                                             "1e3",
                                             "--1",
                                             "9223372036854775808",
                                             "-9223372036854775809",
                                             "99999999999999999999",
                                             "123456789012345678901",
                                             std::string("1\0", 2),
                                             "\r\n",
                                             std::string(1, '\0')};
  return v;
}

std::string random_bytes(std::mt19937_64& rng, size_t n) {
  static const char kSpecial[] = {'\0', '\r', '\n', ' ', '-', '0', '9', '\xff'};
  // One generator call per 8 bytes; a quarter of the bytes become one of the special ones.
  std::string s(n, '\0');
  uint64_t r = 0;
  for (size_t i = 0; i < n; ++i, r >>= 8) {
    if (i % 8 == 0) r = rng();
    const auto b = static_cast<uint8_t>(r);
    s[i] = (b & 3) == 0 ? kSpecial[(b >> 2) % sizeof(kSpecial)] : static_cast<char>(b);
  }
  return s;
}

std::string gen_value(std::mt19937_64& rng) {
  const uint64_t r = rng() % 100;
  if (r < 12) return boundary_ints()[rng() % boundary_ints().size()];
  if (r < 22) return not_canonical()[rng() % not_canonical().size()];
  if (r < 34) {
    const int bits = 1 + static_cast<int>(rng() % 63);
    int64_t x = static_cast<int64_t>(rng() >> (64 - bits));
    if (rng() % 2) x = -x;
    return base::int64_to_string(x);
  }
  if (r < 88) return random_bytes(rng, rng() % 41);
  if (r < 97) return random_bytes(rng, 150 + rng() % 120);  // across the 191/192 tag switch
  return random_bytes(rng, 1000 + rng() % 3500);
}

TEST_CASE("listpack: entry sizes follow the smallest encoding") {
  CHECK(Listpack::entry_bytes("0") == 3);  // tag, 1 byte, back-length
  CHECK(Listpack::entry_bytes("127") == 3);
  CHECK(Listpack::entry_bytes("-128") == 3);
  CHECK(Listpack::entry_bytes("128") == 4);
  CHECK(Listpack::entry_bytes("-129") == 4);
  CHECK(Listpack::entry_bytes("32767") == 4);
  CHECK(Listpack::entry_bytes("32768") == 6);
  CHECK(Listpack::entry_bytes("-32769") == 6);
  CHECK(Listpack::entry_bytes("2147483647") == 6);
  CHECK(Listpack::entry_bytes("-2147483648") == 6);
  CHECK(Listpack::entry_bytes("2147483648") == 10);
  CHECK(Listpack::entry_bytes("-2147483649") == 10);
  CHECK(Listpack::entry_bytes("9223372036854775807") == 10);
  CHECK(Listpack::entry_bytes("-9223372036854775808") == 10);
  CHECK(Listpack::entry_bytes("") == 2);
  CHECK(Listpack::entry_bytes("007") == 5);
  CHECK(Listpack::entry_bytes(std::string(126, 'a')) == 128);  // L = 127: 1-byte back-length
  CHECK(Listpack::entry_bytes(std::string(127, 'a')) == 130);  // L = 128: 2-byte back-length
  CHECK(Listpack::entry_bytes(std::string(191, 'a')) == 194);
  CHECK(Listpack::entry_bytes(std::string(192, 'a')) == 197);  // 0xC0 tag + 2-byte length
  CHECK(Listpack::entry_bytes(std::string(20000, 'a')) == 1 + 3 + 20000 + 3);
}

TEST_CASE("listpack: canonical ints are stored as ints, everything else byte for byte") {
  Listpack lp;
  CHECK(lp.bytes() == 0);
  CHECK(lp.used_bytes() == Listpack::kHeaderBytes);
  CHECK(lp.first() == Listpack::kNone);
  CHECK(lp.last() == Listpack::kNone);
  CHECK(!lp.get(0).has_value());
  CHECK(!lp.pop_front().has_value());
  CHECK(lp.valid());
  for (const auto& s : boundary_ints()) lp.push_back(s);
  for (const auto& s : not_canonical()) lp.push_back(s);
  REQUIRE(lp.valid());
  size_t i = 0;
  for (const auto& s : boundary_ints()) {
    const auto v = lp.get(static_cast<int64_t>(i++));
    REQUIRE(v.has_value());
    CHECK(v->is_int);
    CHECK(base::int64_to_string(v->i) == s);
    CHECK(v->equals(s));
  }
  for (const auto& s : not_canonical()) {
    const auto v = lp.get(static_cast<int64_t>(i++));
    REQUIRE(v.has_value());
    CHECK(!v->is_int);
    CHECK(v->s == s);
    CHECK(v->equals(s));
  }
  std::string scratch;
  CHECK(lp.get(0)->text(scratch) == "0");
  CHECK(lp.get(-1)->text(scratch) == std::string(1, '\0'));
  CHECK(lp.get(3)->text(scratch) == "127");
  CHECK(!lp.get(3)->equals("0127"));
  CHECK(!lp.get(static_cast<int64_t>(boundary_ints().size()))->equals("7"));
}

TEST_CASE("listpack: index access, insert, replace, erase, erase_range edges") {
  Listpack lp;
  for (const char* s : {"a", "b", "c", "d", "e"}) lp.push_back(s);
  CHECK(lp.get(-1)->s == "e");
  CHECK(lp.get(-5)->s == "a");
  CHECK(!lp.get(-6).has_value());
  CHECK(!lp.get(5).has_value());
  CHECK(lp.insert(5, "f"));   // == size(): append
  CHECK(lp.insert(-6, "_"));  // before the first
  CHECK(!lp.insert(8, "x"));
  CHECK(!lp.insert(-8, "x"));
  CHECK(forward(lp) == std::vector<std::string>{"_", "a", "b", "c", "d", "e", "f"});
  CHECK(lp.replace(-1, "12345"));
  CHECK(lp.get(6)->is_int);
  CHECK(!lp.replace(7, "x"));
  CHECK(lp.erase(0));
  CHECK(!lp.erase(6));
  CHECK(lp.erase_range(-2, 100) == 2);  // count past the end stops at the end
  CHECK(forward(lp) == std::vector<std::string>{"a", "b", "c", "d"});
  CHECK(lp.erase_range(-10, 1) == 0);  // start out of range
  CHECK(lp.erase_range(4, 1) == 0);
  CHECK(lp.erase_range(1, 0) == 0);
  CHECK(lp.erase_range(1, 2) == 2);
  CHECK(backward(lp) == std::vector<std::string>{"d", "a"});
  CHECK(lp.erase_range(0, std::numeric_limits<size_t>::max()) == 2);
  CHECK(lp.empty());
  CHECK(lp.valid());
  lp.shrink_to_fit();
  CHECK(lp.bytes() == 0);
}

TEST_CASE("listpack: find with skip walks field/value pairs") {
  Listpack lp;
  // A hash as field, value, field, value: values that equal field names must not match.
  for (const char* s : {"f1", "f2", "f2", "10", "10", "v", "x", "f1"}) lp.push_back(s);
  CHECK(lp.find("f2", lp.first(), 1) == lp.seek(2));
  CHECK(lp.find("10", lp.first(), 1) == lp.seek(4));
  CHECK(lp.find("10", lp.first()) == lp.seek(3));
  CHECK(lp.find("f1", lp.next(lp.first()), 1) == lp.seek(7));  // values only: 1, 3, 5, 7
  CHECK(lp.find("x", lp.next(lp.first()), 1) == Listpack::kNone);
  CHECK(lp.find("f1", lp.next(lp.first())) == lp.seek(7));
  CHECK(lp.find("010", lp.first()) == Listpack::kNone);
  CHECK(lp.find("v", Listpack::kNone) == Listpack::kNone);
}

TEST_CASE("listpack: split, append, clone, move and self-aliasing values") {
  Listpack lp;
  for (int i = 0; i < 50; ++i)
    lp.push_back(i % 3 == 0 ? std::to_string(i) : "s" + std::to_string(i));
  Listpack right = lp.split(lp.seek(20));
  CHECK(lp.size() == 20);
  CHECK(right.size() == 30);
  CHECK(lp.valid());
  CHECK(right.valid());
  CHECK(right.get(0)->s == "s20");
  Listpack copy = right.clone();
  lp.append(right);
  CHECK(lp.size() == 50);
  CHECK(lp.valid());
  for (int i = 0; i < 50; ++i)
    CHECK(lp.get(i)->equals(i % 3 == 0 ? std::to_string(i) : "s" + std::to_string(i)));
  CHECK(forward(copy) == forward(right));
  Listpack moved = std::move(copy);
  CHECK(copy.empty());  // NOLINT(bugprone-use-after-move): moved-from is documented empty
  CHECK(moved.size() == 30);
  right = std::move(moved);
  CHECK(right.size() == 30);
  CHECK(lp.split(Listpack::kNone).empty());

  // A value viewing the listpack's own buffer survives the realloc and memmove it causes.
  Listpack self;
  self.push_back(std::string(3000, 'q'));
  for (int i = 0; i < 6; ++i) self.push_front(self.get(-1)->s);
  self.insert_at(self.seek(3), self.get(0)->s);
  self.replace_at(self.first(), self.get(2)->s);
  REQUIRE(self.valid());
  CHECK(self.size() == 8);
  for (Pos p = self.first(); p != Listpack::kNone; p = self.next(p)) {
    CHECK(self.value_at(p).s == std::string(3000, 'q'));
  }
}

TEST_CASE("listpack: buffer grows geometrically and shrinks when mostly empty") {
  Listpack lp;
  size_t reallocs = 0;
  size_t cap = lp.bytes();
  for (int i = 0; i < 10000; ++i) {
    lp.push_back("value");
    if (lp.bytes() != cap) ++reallocs, cap = lp.bytes();
  }
  INFO("reallocs = " << reallocs);
  CHECK(reallocs < 40);
  CHECK(lp.bytes() >= lp.used_bytes());
  while (lp.size() > 10) lp.pop_back();
  CHECK(lp.bytes() <= 4 * lp.used_bytes() + 64);
  CHECK(lp.valid());
  lp.shrink_to_fit();
  CHECK(lp.bytes() == lp.used_bytes());
  CHECK(lp.size() == 10);
  CHECK(lp.valid());
}

// Drives a Listpack and a std::deque through the same random operations.
TEST_CASE("listpack: randomized model test against std::deque") {
  const uint64_t seed = 0x1157'9ac4;
  MESSAGE("seed = ", seed);
  INFO("seed = ", seed);
  std::mt19937_64 rng(seed);
  Listpack lp;
  std::deque<std::string> ref;
  constexpr size_t kOps = 220000;
  size_t high = 200;  // the size swings up to `high`, then back to empty
  bool growing = true;
  size_t checkpoints = 0, finds_hit = 0, empties = 0;
  auto rand_index = [&](size_t n, size_t slack) {  // in [-n - slack, n + slack)
    const int64_t span = static_cast<int64_t>(2 * (n + slack));
    return static_cast<int64_t>(rng() % static_cast<uint64_t>(span)) -
           static_cast<int64_t>(n + slack);
  };
  auto norm = [&](int64_t i) { return i < 0 ? i + static_cast<int64_t>(ref.size()) : i; };
  for (size_t op = 0; op < kOps; ++op) {
    INFO("op = ", op);
    if (growing && ref.size() >= high) growing = false;
    if (!growing && ref.empty()) growing = true, high = 20 + rng() % 300, ++empties;
    const uint64_t r = rng() % 100;
    const int push_pct = growing ? 30 : 12;
    const int pop_pct = growing ? 12 : 30;
    if (r < static_cast<uint64_t>(push_pct)) {
      std::string v = gen_value(rng);
      if (rng() % 2) {
        lp.push_front(v);
        ref.push_front(v);
      } else {
        lp.push_back(v);
        ref.push_back(v);
      }
    } else if (r < static_cast<uint64_t>(push_pct + pop_pct)) {
      const bool front = rng() % 2;
      std::optional<std::string> got = front ? lp.pop_front() : lp.pop_back();
      if (ref.empty()) {
        CHECK(!got.has_value());
      } else {
        REQUIRE(got.has_value());
        CHECK(*got == (front ? ref.front() : ref.back()));
        front ? ref.pop_front() : ref.pop_back();
      }
    } else if (r < 52) {
      const int64_t i = rand_index(ref.size() + 1, 1);
      const int64_t k = norm(i);
      std::string v = gen_value(rng);
      const bool ok = lp.insert(i, v);
      CHECK(ok == (k >= 0 && k <= static_cast<int64_t>(ref.size())));
      if (ok) ref.insert(ref.begin() + k, v);
    } else if (r < 60) {
      const int64_t i = rand_index(ref.size(), 1);
      const int64_t k = norm(i);
      const bool ok = lp.erase(i);
      CHECK(ok == (k >= 0 && k < static_cast<int64_t>(ref.size())));
      if (ok) ref.erase(ref.begin() + k);
    } else if (r < 64) {
      // Counts past the end; while growing only near the tail (from a negative start), so the
      // size still reaches `high`.
      const bool huge = rng() % 4 == 0;
      const int64_t i =
          huge && growing ? -1 - static_cast<int64_t>(rng() % 6) : rand_index(ref.size(), 2);
      const size_t count = huge ? std::numeric_limits<size_t>::max() >> (rng() % 60) : rng() % 8;
      const int64_t k = norm(i);
      size_t expect = 0;
      if (k >= 0 && k < static_cast<int64_t>(ref.size())) {
        expect = std::min(count, ref.size() - static_cast<size_t>(k));
      }
      CHECK(lp.erase_range(i, count) == expect);
      if (expect > 0) ref.erase(ref.begin() + k, ref.begin() + k + static_cast<int64_t>(expect));
    } else if (r < 72) {
      const int64_t i = rand_index(ref.size(), 1);
      const int64_t k = norm(i);
      std::string v = gen_value(rng);
      const bool ok = lp.replace(i, v);
      CHECK(ok == (k >= 0 && k < static_cast<int64_t>(ref.size())));
      if (ok) ref[static_cast<size_t>(k)] = v;
    } else if (r < 88) {
      const int64_t i = rand_index(ref.size(), 1);
      const int64_t k = norm(i);
      const auto got = lp.get(i);
      if (k >= 0 && k < static_cast<int64_t>(ref.size())) {
        REQUIRE(got.has_value());
        const std::string& want = ref[static_cast<size_t>(k)];
        CHECK(got->to_string() == want);
        CHECK(got->is_int == canonical_int(want));
      } else {
        CHECK(!got.has_value());
      }
    } else {
      // find from a random start, with skip 0 or 1, for a present or a random value.
      const std::string v = !ref.empty() && rng() % 2 ? ref[rng() % ref.size()] : gen_value(rng);
      const size_t from = ref.empty() ? 0 : rng() % ref.size();
      const size_t skip = rng() % 2;
      size_t want = ref.size();
      for (size_t j = from; j < ref.size(); j += 1 + skip) {
        if (ref[j] == v) {
          want = j;
          break;
        }
      }
      const Pos start = ref.empty() ? Listpack::kNone : lp.seek(static_cast<int64_t>(from));
      const Pos got = lp.find(v, start, skip);
      if (want == ref.size()) {
        CHECK(got == Listpack::kNone);
      } else {
        ++finds_hit;
        CHECK(got == lp.seek(static_cast<int64_t>(want)));
      }
    }
    REQUIRE(lp.size() == ref.size());
    if (op % 2500 == 0 || op + 1 == kOps) {
      ++checkpoints;
      REQUIRE(lp.valid());
      CHECK((lp.bytes() == 0 || lp.used_bytes() <= lp.bytes()));
      const std::vector<std::string> want(ref.begin(), ref.end());
      CHECK(forward(lp) == want);
      CHECK(backward(lp) == std::vector<std::string>(want.rbegin(), want.rend()));
    }
  }
  MESSAGE("checkpoints = ", checkpoints, ", finds hit = ", finds_hit, ", emptied ", empties,
          " times");
  CHECK(empties > 10);
  CHECK(finds_hit > 1000);
}

}  // namespace
}  // namespace shardis::core
