#include <doctest/doctest.h>
#include <shardis/base/number_format.h>
#include <shardis/core/quicklist.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace shardis::core {
namespace {

std::vector<std::string> forward(const Quicklist& q) {
  std::vector<std::string> out;
  for (auto it = q.iter(0); it.valid(); it.next()) out.push_back(it.value().to_string());
  return out;
}

std::vector<std::string> backward(const Quicklist& q) {
  std::vector<std::string> out;
  for (auto it = q.iter(-1); it.valid(); it.prev()) out.push_back(it.value().to_string());
  return out;
}

std::vector<std::string> numbered(int n, const std::string& prefix = "v") {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i));
  return out;
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

// Values scaled to the node size: mostly several per node, a few larger than a whole node.
std::string gen_value(std::mt19937_64& rng, size_t node_bytes) {
  static const char* const kTricky[] = {"007",
                                        "-0",
                                        " 1",
                                        "+1",
                                        "",
                                        "127",
                                        "128",
                                        "-32769",
                                        "2147483648",
                                        "-9223372036854775808",
                                        "9223372036854775808"};
  const uint64_t r = rng() % 100;
  if (r < 10) return kTricky[rng() % std::size(kTricky)];
  if (r < 25) return base::int64_to_string(static_cast<int64_t>(rng()) >> (rng() % 64));
  if (r < 60) return random_bytes(rng, rng() % 24);
  if (r < 97) return random_bytes(rng, rng() % (node_bytes / 3 + 1));
  if (r < 99) return random_bytes(rng, node_bytes / 2 + rng() % node_bytes);
  return random_bytes(rng, node_bytes + 1 + rng() % (node_bytes / 4 + 8));  // a node of its own
}

TEST_CASE("quicklist: pushes fill the end node, pops free it, no other node is touched") {
  Quicklist q(64);
  CHECK(q.empty());
  CHECK(q.node_count() == 0);
  CHECK(q.bytes() == 0);
  CHECK(!q.pop_front().has_value());
  CHECK(!q.pop_back().has_value());
  CHECK(!q.get(0).has_value());
  CHECK(!q.iter(0).valid());
  const auto vals = numbered(100);
  for (const auto& v : vals) q.push_back(v);
  REQUIRE(q.check_invariants());
  CHECK(q.size() == 100);
  // 8-byte header, then entries of 4 bytes ("vN" plus tag and back-length) or 5 ("vNN"): the
  // first node takes v0..v12, the others 11 each.
  CHECK(q.node_count() == 9);
  CHECK(forward(q) == vals);
  for (int i = 0; i < 100; ++i) {
    const size_t nodes = q.node_count();
    CHECK(q.pop_front() == vals[static_cast<size_t>(i)]);
    CHECK(nodes - q.node_count() <= 1);
  }
  CHECK(q.node_count() == 0);
  CHECK(q.bytes() == 0);
  CHECK(q.check_invariants());

  // A value over the limit gets a node of its own; the next small one starts another node.
  Quicklist d;
  d.push_back("a");
  d.push_back(std::string(10000, 'x'));
  d.push_back("b");
  CHECK(d.node_count() == 3);
  CHECK(d.check_invariants());
  CHECK(d.get(1)->s.size() == 10000);
  CHECK(d.get(-1)->s == "b");
}

TEST_CASE("quicklist: index access, set, inserts that split full nodes") {
  Quicklist q(64);
  std::vector<std::string> ref = numbered(60);
  for (const auto& v : ref) q.push_back(v);
  for (int i = -60; i < 60; ++i) {
    CHECK(q.get(i)->to_string() == ref[static_cast<size_t>(i < 0 ? i + 60 : i)]);
  }
  CHECK(!q.get(60).has_value());
  CHECK(!q.get(-61).has_value());
  const size_t nodes = q.node_count();
  // Middle of a full node: the node splits.
  CHECK(q.insert_before(5, "mid"));
  ref.insert(ref.begin() + 5, "mid");
  CHECK(q.node_count() > nodes);
  CHECK(q.insert_after(-1, "tail"));
  ref.push_back("tail");
  CHECK(q.insert_before(0, "head"));
  ref.insert(ref.begin(), "head");
  CHECK(q.insert_after(20, "after20"));
  ref.insert(ref.begin() + 21, "after20");
  CHECK(!q.insert_before(static_cast<int64_t>(ref.size()), "x"));
  CHECK(!q.insert_after(-static_cast<int64_t>(ref.size()) - 1, "x"));
  // set with a value too large for the node, and with one larger than any node.
  CHECK(q.set(30, std::string(40, 'L')));
  ref[30] = std::string(40, 'L');
  CHECK(q.set(-3, std::string(200, 'H')));
  ref[ref.size() - 3] = std::string(200, 'H');
  CHECK(q.set(0, "12345"));
  ref[0] = "12345";
  CHECK(q.get(0)->is_int);
  CHECK(!q.set(static_cast<int64_t>(ref.size()), "x"));
  REQUIRE(q.check_invariants());
  CHECK(forward(q) == ref);
  CHECK(backward(q) == std::vector<std::string>(ref.rbegin(), ref.rend()));
}

TEST_CASE("quicklist: erase_range edge cases") {
  for (size_t node_bytes : {size_t{32}, size_t{64}, Quicklist::kDefaultNodeBytes}) {
    INFO("node_bytes = ", node_bytes);
    auto make = [&] {
      Quicklist q(node_bytes);
      for (const auto& v : numbered(50)) q.push_back(v);
      return q;
    };
    auto expect = [&](const Quicklist& q, std::vector<std::string> want) {
      CHECK(q.check_invariants());
      CHECK(forward(q) == want);
      CHECK(backward(q) == std::vector<std::string>(want.rbegin(), want.rend()));
    };
    std::vector<std::string> all = numbered(50);
    {
      Quicklist q = make();
      CHECK(q.erase_range(45, 100) == 5);  // count past the end
      expect(q, {all.begin(), all.begin() + 45});
    }
    {
      Quicklist q = make();
      CHECK(q.erase_range(-3, 100) == 3);  // negative start counts from the tail
      expect(q, {all.begin(), all.begin() + 47});
    }
    {
      Quicklist q = make();
      CHECK(q.erase_range(-51, 5) == 0);  // start out of range
      CHECK(q.erase_range(50, 5) == 0);
      CHECK(q.erase_range(3, 0) == 0);
      expect(q, all);
    }
    {
      Quicklist q = make();
      CHECK(q.erase_range(-50, std::numeric_limits<size_t>::max()) == 50);
      CHECK(q.node_count() == 0);
      CHECK(q.bytes() == 0);
      expect(q, {});
    }
    {
      Quicklist q = make();
      CHECK(q.erase_range(7, 31) == 31);  // partial, whole nodes, partial
      std::vector<std::string> want(all.begin(), all.begin() + 7);
      want.insert(want.end(), all.begin() + 38, all.end());
      expect(q, want);
    }
    {
      Quicklist q = make();
      CHECK(q.erase_range(0, 1) == 1);
      CHECK(q.erase_range(-1, 1) == 1);
      expect(q, {all.begin() + 1, all.begin() + 49});
    }
  }
}

TEST_CASE("quicklist: iterator erase in both directions (LREM)") {
  Quicklist q(48);
  std::deque<std::string> ref;
  for (int i = 0; i < 90; ++i) {
    const std::string v = i % 3 == 0 ? "x" : "v" + std::to_string(i);
    q.push_back(v);
    ref.push_back(v);
  }
  // Remove the first 10 "x" walking forward.
  int removed = 0;
  for (auto it = q.iter(0); it.valid() && removed < 10;) {
    if (it.value().equals("x")) {
      it = q.erase(it, true);
      ++removed;
    } else {
      it.next();
    }
  }
  for (auto i = ref.begin(); i != ref.end() && removed > 0;) {
    if (*i == "x") {
      i = ref.erase(i);
      --removed;
    } else {
      ++i;
    }
  }
  REQUIRE(q.check_invariants());
  CHECK(forward(q) == std::vector<std::string>(ref.begin(), ref.end()));
  // Remove every "x" walking backward, and every element of the last node.
  for (auto it = q.iter(-1); it.valid();) {
    it = it.value().equals("x") ? q.erase(it, false) : (it.prev(), it);
  }
  std::erase(ref, "x");
  REQUIRE(q.check_invariants());
  CHECK(backward(q) == std::vector<std::string>(ref.rbegin(), ref.rend()));
  for (auto it = q.iter(0); it.valid();) it = q.erase(it, true);
  CHECK(q.empty());
  CHECK(q.node_count() == 0);
  CHECK(q.check_invariants());
}

TEST_CASE("quicklist: from_listpack / to_listpack, clone, move") {
  Listpack lp;
  std::vector<std::string> ref;
  for (int i = 0; i < 3000; ++i) {
    ref.push_back(i % 4 == 0 ? std::to_string(i * 1000) : std::string(1 + i % 37, 'a' + i % 26));
    lp.push_back(ref.back());
  }
  const size_t used = lp.used_bytes();
  Quicklist q = Quicklist::from_listpack(std::move(lp));
  CHECK(lp.empty());  // NOLINT(bugprone-use-after-move)
  REQUIRE(q.check_invariants());
  CHECK(q.size() == 3000);
  CHECK(q.node_count() >= used / Quicklist::kDefaultNodeBytes + 1);
  CHECK(q.node_count() <= 2 * (used / Quicklist::kDefaultNodeBytes + 1));
  CHECK(forward(q) == ref);

  Quicklist c = q.clone();
  CHECK(c.check_invariants());
  CHECK(forward(c) == ref);
  Quicklist m = std::move(c);
  CHECK(c.empty());  // NOLINT(bugprone-use-after-move)
  CHECK(c.node_count() == 0);
  CHECK(m.size() == 3000);

  Listpack back = q.to_listpack();
  CHECK(q.empty());
  CHECK(q.node_count() == 0);
  CHECK(q.bytes() == 0);
  REQUIRE(back.valid());
  CHECK(back.size() == 3000);
  CHECK(back.used_bytes() == used);
  for (size_t i = 0; i < ref.size(); i += 97)
    CHECK(back.get(static_cast<int64_t>(i))->equals(ref[i]));

  // A listpack within the limit becomes one node; an empty one no node.
  Listpack small;
  small.push_back("a");
  small.push_back("1");
  Quicklist s = Quicklist::from_listpack(std::move(small));
  CHECK(s.node_count() == 1);
  CHECK(s.size() == 2);
  CHECK(Quicklist::from_listpack(Listpack()).node_count() == 0);
  // Single-node to_listpack hands the node's listpack over.
  Listpack one = s.to_listpack();
  CHECK(one.size() == 2);
  CHECK(one.get(1)->is_int);
}

// Drives a Quicklist and a std::deque through the same random operations.
void run_model(size_t node_bytes, uint64_t seed, size_t ops, size_t max_high) {
  INFO("seed = ", seed, ", node_bytes = ", node_bytes);
  MESSAGE("seed = ", seed, ", node_bytes = ", node_bytes);
  std::mt19937_64 rng(seed);
  Quicklist q(node_bytes);
  std::deque<std::string> ref;
  size_t high = max_high;
  bool growing = true;
  size_t empties = 0, max_nodes = 0, node_adds = 0, node_drops = 0, conversions = 0;
  auto rand_index = [&](size_t n, size_t slack) {  // in [-n - slack, n + slack)
    const int64_t span = static_cast<int64_t>(2 * (n + slack));
    return static_cast<int64_t>(rng() % static_cast<uint64_t>(span)) -
           static_cast<int64_t>(n + slack);
  };
  auto norm = [&](int64_t i) { return i < 0 ? i + static_cast<int64_t>(ref.size()) : i; };
  auto in_range = [&](int64_t k) { return k >= 0 && k < static_cast<int64_t>(ref.size()); };
  for (size_t op = 0; op < ops; ++op) {
    INFO("op = ", op);
    if (growing && ref.size() >= high) growing = false;
    if (!growing && ref.empty()) growing = true, high = 10 + rng() % max_high, ++empties;
    const size_t nodes_before = q.node_count();
    const uint64_t r = rng() % 1000;
    const uint64_t push = growing ? 300 : 120;
    const uint64_t pop = growing ? 120 : 300;
    if (r < push) {
      std::string v = gen_value(rng, node_bytes);
      if (rng() % 2) {
        q.push_front(v);
        ref.push_front(v);
      } else {
        q.push_back(v);
        ref.push_back(v);
      }
      REQUIRE(q.node_count() - nodes_before <= 1);
    } else if (r < push + pop) {
      const bool front = rng() % 2;
      std::optional<std::string> got = front ? q.pop_front() : q.pop_back();
      if (ref.empty()) {
        CHECK(!got.has_value());
      } else {
        REQUIRE(got.has_value());
        CHECK(*got == (front ? ref.front() : ref.back()));
        front ? ref.pop_front() : ref.pop_back();
      }
      REQUIRE(nodes_before - q.node_count() <= 1);
    } else if (r < 530) {
      const int64_t i = rand_index(ref.size(), 1);
      const int64_t k = norm(i);
      const auto got = q.get(i);
      if (in_range(k)) {
        REQUIRE(got.has_value());
        CHECK(got->to_string() == ref[static_cast<size_t>(k)]);
      } else {
        CHECK(!got.has_value());
      }
    } else if (r < 600) {
      const int64_t i = rand_index(ref.size(), 1);
      const int64_t k = norm(i);
      std::string v = gen_value(rng, node_bytes);
      const bool after = rng() % 2;
      const bool ok = after ? q.insert_after(i, v) : q.insert_before(i, v);
      CHECK(ok == in_range(k));
      if (ok) ref.insert(ref.begin() + k + (after ? 1 : 0), v);
    } else if (r < 650) {
      const int64_t i = rand_index(ref.size(), 1);
      const int64_t k = norm(i);
      std::string v = gen_value(rng, node_bytes);
      const bool ok = q.set(i, v);
      CHECK(ok == in_range(k));
      if (ok) ref[static_cast<size_t>(k)] = v;
    } else if (r < 700) {
      const int64_t i = rand_index(ref.size(), 1);
      const int64_t k = norm(i);
      const bool ok = q.erase(i);
      CHECK(ok == in_range(k));
      if (ok) ref.erase(ref.begin() + k);
    } else if (r < 730) {
      // Ranges up to or past the end; while growing they start near the tail (negative start),
      // so the size still reaches `high`.
      const uint64_t kind = rng() % 4;
      const int64_t i =
          kind < 2 && growing ? -1 - static_cast<int64_t>(rng() % 4) : rand_index(ref.size(), 2);
      const int64_t k = norm(i);
      size_t count;
      switch (kind) {
        case 0:
          count = std::numeric_limits<size_t>::max() >> (rng() % 64);
          break;
        case 1:
          count = in_range(k) ? ref.size() - static_cast<size_t>(k) : 1;  // exactly to the end
          break;
        default:
          count = rng() % (growing ? 4 : ref.size() / 4 + 3);
          break;
      }
      const size_t expect = in_range(k) ? std::min(count, ref.size() - static_cast<size_t>(k)) : 0;
      CHECK(q.erase_range(i, count) == expect);
      if (expect > 0) ref.erase(ref.begin() + k, ref.begin() + k + static_cast<int64_t>(expect));
    } else if (r < 990) {
      // Walk a stretch from a random index, forward or backward, without re-seeking.
      const int64_t i = ref.empty() ? 0 : rand_index(ref.size(), 0);
      int64_t k = norm(i);
      const bool fwd = rng() % 2;
      auto it = q.iter(i);
      for (int steps = static_cast<int>(rng() % 40); steps >= 0; --steps) {
        if (!in_range(k)) {
          CHECK(!it.valid());
          break;
        }
        REQUIRE(it.valid());
        CHECK(it.value().equals(ref[static_cast<size_t>(k)]));
        fwd ? it.next() : it.prev();
        k += fwd ? 1 : -1;
      }
    } else if (r < 998) {
      // LREM-style: erase up to `limit` copies of a present value through the iterator.
      const std::string v = ref.empty() ? "none" : ref[rng() % ref.size()];
      const bool fwd = rng() % 2;
      size_t limit = 1 + rng() % 4;
      auto it = q.iter(fwd ? 0 : -1);
      size_t left = limit;
      while (it.valid() && left > 0) {
        if (it.value().equals(v)) {
          it = q.erase(it, fwd);
          --left;
        } else {
          fwd ? it.next() : it.prev();
        }
      }
      if (fwd) {
        for (auto j = ref.begin(); j != ref.end() && limit > 0;) {
          if (*j == v) {
            j = ref.erase(j), --limit;
          } else {
            ++j;
          }
        }
      } else {
        for (size_t j = ref.size(); j-- > 0 && limit > 0;) {
          if (ref[j] == v) ref.erase(ref.begin() + static_cast<int64_t>(j)), --limit;
        }
      }
    } else if (q.bytes() <= 16 * node_bytes) {
      // Round trip through a single listpack, as a list type converting both ways would (a list
      // converts back only once it is small, so this is not done for large ones).
      ++conversions;
      Listpack lp = q.to_listpack();
      REQUIRE(lp.valid());
      REQUIRE(lp.size() == ref.size());
      CHECK(q.node_count() == 0);
      q = Quicklist::from_listpack(std::move(lp), node_bytes);
      REQUIRE(q.check_invariants());
    }
    REQUIRE(q.size() == ref.size());
    max_nodes = std::max(max_nodes, q.node_count());
    if (q.node_count() > nodes_before) node_adds += q.node_count() - nodes_before;
    if (q.node_count() < nodes_before) node_drops += nodes_before - q.node_count();
    if (op % 3000 == 0 || op + 1 == ops) {
      REQUIRE(q.check_invariants());
      const std::vector<std::string> want(ref.begin(), ref.end());
      CHECK(forward(q) == want);
      CHECK(backward(q) == std::vector<std::string>(want.rbegin(), want.rend()));
    }
  }
  MESSAGE("max nodes = ", max_nodes, ", node adds = ", node_adds, ", node drops = ", node_drops,
          ", emptied ", empties, " times, conversions = ", conversions);
  CHECK(node_adds > 5000);
  CHECK(node_drops > 5000);
  CHECK(empties > 3);
}

TEST_CASE("quicklist: randomized model test, 64-byte nodes") {
  run_model(64, 0x9017'c0de, 320000, 700);
}

TEST_CASE("quicklist: randomized model test, default 8 KiB nodes") {
  run_model(Quicklist::kDefaultNodeBytes, 0x51ab'0008, 300000, 1500);
}

}  // namespace
}  // namespace shardis::core
