// HashObject against std:: models: randomized operations across the listpack -> hashtable
// conversion (by field count and by field/value length), iteration order, scans under
// concurrent inserts and deletes, random sampling and clone.
#include <doctest/doctest.h>
#include <shardis/core/hash_object.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace shardis::core {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs contents(const HashObject& h) {
  Pairs out;
  h.for_each([&](std::string_view f, std::string_view v) { out.emplace_back(f, v); });
  return out;
}

std::map<std::string, std::string> sorted(const Pairs& p) {
  return {p.begin(), p.end()};
}

// A value or field of `len` bytes: sometimes a canonical integer (stored as one in a listpack),
// sometimes text that only looks like one, sometimes arbitrary bytes including NUL and CRLF.
std::string random_text(std::mt19937_64& gen, size_t len) {
  switch (gen() % 4) {
    case 0: {
      std::string s = std::to_string(static_cast<int64_t>(gen()) >> (gen() % 64));
      return s.size() > len && len > 0 ? s.substr(0, len) : s;
    }
    case 1:
      return len == 0 ? std::string() : "0" + std::string(len - 1, '7');  // not an integer
    default: {
      std::string s(len, '\0');
      for (char& c : s) c = static_cast<char>(gen() % 256);
      return s;
    }
  }
}

// The model: field -> value, the insertion order the listpack must keep, and whether the
// object must have converted.
struct Model {
  std::unordered_map<std::string, std::string> map;
  std::vector<std::string> order;  // insertion order; kept while the hash is a listpack
  bool converted = false;

  bool set(const std::string& f, const std::string& v) {
    if (f.size() > HashObject::kMaxListpackValue || v.size() > HashObject::kMaxListpackValue) {
      converted = true;
    }
    auto [it, inserted] = map.insert_or_assign(f, v);
    if (inserted && !converted) order.push_back(f);
    if (map.size() > HashObject::kMaxListpackEntries) converted = true;
    return inserted;
  }
  bool erase(const std::string& f) {
    if (map.erase(f) == 0) return false;
    if (!converted) order.erase(std::find(order.begin(), order.end(), f));
    return true;
  }
};

void check_same(const HashObject& h, const Model& m) {
  REQUIRE(h.size() == m.map.size());
  REQUIRE(h.empty() == m.map.empty());
  CHECK(h.encoding() ==
        (m.converted ? HashObject::Encoding::kHashtable : HashObject::Encoding::kListpack));
  CHECK(std::string(h.encoding_name()) == (m.converted ? "hashtable" : "listpack"));
  Pairs got = contents(h);
  REQUIRE(got.size() == m.map.size());
  if (!m.converted) {
    for (size_t i = 0; i < got.size(); ++i) {
      REQUIRE(got[i].first == m.order[i]);
      REQUIRE(got[i].second == m.map.at(m.order[i]));
    }
  } else {
    REQUIRE(sorted(got) == std::map<std::string, std::string>(m.map.begin(), m.map.end()));
  }
}

// Random operations over a pool of `fields` names; values up to max_value bytes, and with
// probability 1/long_every a value or field over the listpack limit (0: never).
void run_model(uint64_t seed, size_t ops, size_t fields, size_t max_value, size_t long_every) {
  std::mt19937_64 gen(seed);
  HashObject h;
  Model m;
  std::vector<std::string> names;
  for (size_t i = 0; i < fields; ++i) {
    names.push_back(random_text(gen, 1 + gen() % 20) + "#" + std::to_string(i));
  }
  HashObject::Scratch scratch;
  for (size_t op = 0; op < ops; ++op) {
    const std::string& f = names[gen() % names.size()];
    const unsigned kind = gen() % 10;
    if (kind < 5) {
      size_t len = gen() % (max_value + 1);
      if (long_every != 0 && gen() % long_every == 0) len = 65 + gen() % 100;
      std::string v = random_text(gen, len);
      if (long_every != 0 && gen() % (long_every * 4) == 0) {
        std::string long_field = f + std::string(70, 'L');
        REQUIRE(h.set(long_field, v) == m.set(long_field, v));
      } else {
        REQUIRE(h.set(f, v) == m.set(f, v));
      }
    } else if (kind < 8) {
      REQUIRE(h.erase(f) == m.erase(f));
    } else {
      auto it = m.map.find(f);
      std::optional<std::string_view> got = h.get(f, scratch);
      REQUIRE(got.has_value() == (it != m.map.end()));
      REQUIRE(h.contains(f) == (it != m.map.end()));
      REQUIRE(h.value_len(f) == (it == m.map.end() ? 0 : it->second.size()));
      if (got) REQUIRE(*got == it->second);
    }
    if (op % 997 == 0) check_same(h, m);
  }
  check_same(h, m);
  // Emptying a converted hash keeps it a hashtable; it never converts back.
  std::vector<std::string> keys;
  for (const auto& [k, v] : m.map) keys.push_back(k);
  for (const std::string& k : keys) REQUIRE(h.erase(k));
  m.map.clear();
  m.order.clear();
  check_same(h, m);
}

TEST_CASE("HashObject model: stays a listpack under the limits") {
  run_model(1, 60000, 300, 64, 0);
}

TEST_CASE("HashObject model: converts by field count") {
  run_model(2, 80000, 900, 30, 0);
}

TEST_CASE("HashObject model: converts by value or field length") {
  run_model(3, 60000, 200, 64, 500);
}

TEST_CASE("HashObject model: large hashtable with resizes both ways") {
  std::mt19937_64 gen(4);
  HashObject h;
  Model m;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 20000; ++i) {
      std::string f = "f" + std::to_string(gen() % 30000);
      std::string v = random_text(gen, gen() % 100);
      REQUIRE(h.set(f, v) == m.set(f, v));
    }
    check_same(h, m);
    for (int i = 0; i < 25000; ++i) {
      std::string f = "f" + std::to_string(gen() % 30000);
      REQUIRE(h.erase(f) == m.erase(f));
    }
    check_same(h, m);
  }
}

TEST_CASE("HashObject conversion thresholds") {
  SUBCASE("by count: 512 fields stay, 513 convert") {
    HashObject h;
    for (size_t i = 0; i < HashObject::kMaxListpackEntries; ++i) {
      CHECK(h.set("f" + std::to_string(i), "v"));
    }
    CHECK(h.encoding() == HashObject::Encoding::kListpack);
    CHECK_FALSE(h.set("f0", "updated"));
    CHECK(h.encoding() == HashObject::Encoding::kListpack);
    CHECK(h.set("extra", "v"));
    CHECK(h.encoding() == HashObject::Encoding::kHashtable);
    CHECK(h.size() == HashObject::kMaxListpackEntries + 1);
    HashObject::Scratch s;
    CHECK(h.get("f0", s) == std::optional<std::string_view>("updated"));
    CHECK(h.erase("extra"));
    CHECK(h.encoding() == HashObject::Encoding::kHashtable);
  }
  SUBCASE("by length: 64 bytes stay, 65 convert") {
    HashObject h;
    CHECK(h.set(std::string(64, 'f'), std::string(64, 'v')));
    CHECK(h.encoding() == HashObject::Encoding::kListpack);
    CHECK_FALSE(h.set(std::string(64, 'f'), std::string(65, 'v')));
    CHECK(h.encoding() == HashObject::Encoding::kHashtable);
    HashObject g;
    CHECK(g.set(std::string(65, 'f'), ""));
    CHECK(g.encoding() == HashObject::Encoding::kHashtable);
    HashObject::Scratch s;
    CHECK(g.get(std::string(65, 'f'), s) == std::optional<std::string_view>(""));
  }
}

TEST_CASE("HashObject listpack keeps insertion order and updates in place") {
  HashObject h;
  CHECK(h.set("b", "1"));
  CHECK(h.set("a", "2"));
  CHECK(h.set("c", "-7"));
  CHECK_FALSE(h.set("b", "x"));
  CHECK(h.erase("a"));
  CHECK(h.set("a", "007"));
  Pairs want = {{"b", "x"}, {"c", "-7"}, {"a", "007"}};
  CHECK(contents(h) == want);
  CHECK(h.value_len("c") == 2);
  CHECK_FALSE(h.erase("zz"));
}

TEST_CASE("HashObject binary and integer-like fields and values") {
  for (bool big : {false, true}) {
    HashObject h;
    if (big) h.convert_to_hashtable();
    const std::string f1("a\0b", 3), f2("a\0c", 3), v1("\r\n\0", 3);
    CHECK(h.set(f1, v1));
    CHECK(h.set(f2, "12"));
    CHECK(h.set("", ""));
    CHECK(h.set("12", "-9223372036854775808"));
    CHECK(h.set("-0", "+1"));
    HashObject::Scratch s;
    CHECK(h.get(f1, s) == std::optional<std::string_view>(v1));
    CHECK(h.get(f2, s) == std::optional<std::string_view>("12"));
    CHECK(h.get("", s) == std::optional<std::string_view>(""));
    CHECK(h.get("12", s) == std::optional<std::string_view>("-9223372036854775808"));
    CHECK(h.get("-0", s) == std::optional<std::string_view>("+1"));
    CHECK_FALSE(h.get("0", s).has_value());
    CHECK_FALSE(h.get(std::string("a\0", 2), s).has_value());
    CHECK(h.size() == 5);
  }
}

TEST_CASE("HashNode updates its value in place when the block has room") {
  HashNode* n = HashNode::create("field", std::string(100, 'x'));
  const size_t cap = n->alloc_bytes();
  CHECK(cap >= 8 + 5 + 100);
  HashNode* m = HashNode::set_value(n, std::string(90, 'y'));
  CHECK(m == n);
  CHECK(m->field() == "field");
  CHECK(m->value() == std::string(90, 'y'));
  // Growing past the block moves it.
  HashNode* g = HashNode::set_value(m, std::string(cap + 10, 'z'));
  CHECK(g->field() == "field");
  CHECK(g->value() == std::string(cap + 10, 'z'));
  // Shrinking to a sliver of a large block gives the memory back.
  HashNode* s = HashNode::set_value(g, "v");
  CHECK(s->value() == "v");
  CHECK(s->alloc_bytes() < cap);
  // A value that views the node's own bytes.
  HashNode* a = HashNode::set_value(s, s->field().substr(1, 3));
  CHECK(a->value() == "iel");
  HashNode::destroy(a);
}

// Every field present when a full scan starts and never removed during it is reported at least
// once, while other fields are inserted and removed between steps.
void scan_under_churn(uint64_t seed, size_t initial, size_t count_per_step) {
  std::mt19937_64 gen(seed);
  HashObject h;
  std::set<std::string> stable;
  for (size_t i = 0; i < initial; ++i) {
    std::string f = "s" + std::to_string(i);
    h.set(f, "v");
    stable.insert(f);
  }
  std::set<std::string> removed;  // stable fields removed during the scan
  std::set<std::string> seen;
  uint64_t cursor = 0;
  size_t steps = 0;
  size_t churn_id = 0;
  do {
    size_t got = 0;
    do {
      cursor = h.scan(cursor, [&](std::string_view f, std::string_view v) {
        CHECK(v == "v");
        seen.emplace(f);
        ++got;
      });
    } while (cursor != 0 && got < count_per_step);
    // Churn: inserts (which grow the table), deletes of churn fields and of a few stable ones.
    for (int k = 0; k < 8; ++k) h.set("c" + std::to_string(churn_id++), "v");
    for (int k = 0; k < 6; ++k) h.erase("c" + std::to_string(gen() % (churn_id + 1)));
    if (gen() % 4 == 0) {
      std::string f = "s" + std::to_string(gen() % initial);
      if (h.erase(f)) removed.insert(f);
    }
    ++steps;
    REQUIRE(steps < 100000);
  } while (cursor != 0);
  for (const std::string& f : stable) {
    if (!removed.count(f)) REQUIRE(seen.count(f) == 1);
  }
}

TEST_CASE("HashObject scan covers every stable field under inserts and deletes") {
  scan_under_churn(5, 100, 10);   // listpack: one step reports everything
  scan_under_churn(6, 600, 10);   // hashtable from the start, grows during the scan
  scan_under_churn(7, 5000, 50);  // larger table
  scan_under_churn(8, 3000, 1);   // the smallest steps
}

TEST_CASE("HashObject listpack scan reports everything whatever the cursor") {
  HashObject h;
  h.set("a", "1");
  h.set("b", "2");
  size_t n = 0;
  CHECK(h.scan(12345, [&](std::string_view, std::string_view) { ++n; }) == 0);
  CHECK(n == 2);
  HashObject e;
  CHECK(e.scan(0, [&](std::string_view, std::string_view) { ++n; }) == 0);
  CHECK(n == 2);
}

TEST_CASE("HashObject sampling") {
  std::mt19937_64 gen(9);
  for (size_t size : {1, 5, 100, 512, 513, 3000}) {
    HashObject h;
    std::map<std::string, std::string> model;
    for (size_t i = 0; i < size; ++i) {
      std::string f = "f" + std::to_string(i);
      std::string v = std::to_string(i * 7);
      h.set(f, v);
      model[f] = v;
    }
    // With repeats: every pick is present with its value; all fields get picked eventually.
    std::map<std::string, size_t> hits;
    const size_t picks = size * 30;
    size_t calls = 0;
    h.sample_with_repeats(picks, gen, [&](std::string_view f, std::string_view v) {
      ++calls;
      auto it = model.find(std::string(f));
      REQUIRE(it != model.end());
      REQUIRE(it->second == v);
      ++hits[it->first];
    });
    CHECK(calls == picks);
    CHECK(hits.size() == size);
    // Distinct: exactly min(count, size) different present pairs.
    for (size_t count : {size_t{1}, size / 3, size / 2, size - 1, size, size + 10}) {
      if (count == 0) continue;
      std::set<std::string> got;
      size_t n = 0;
      h.sample_distinct(count, gen, [&](std::string_view f, std::string_view v) {
        ++n;
        auto it = model.find(std::string(f));
        REQUIRE(it != model.end());
        REQUIRE(it->second == v);
        got.emplace(f);
      });
      CHECK(n == std::min(count, size));
      CHECK(got.size() == n);
    }
    // The whole hash, in iteration order, when count >= size.
    Pairs whole;
    h.sample_distinct(size, gen,
                      [&](std::string_view f, std::string_view v) { whole.emplace_back(f, v); });
    CHECK(whole == contents(h));
  }
  HashObject empty;
  size_t n = 0;
  empty.sample_with_repeats(10, gen, [&](std::string_view, std::string_view) { ++n; });
  empty.sample_distinct(10, gen, [&](std::string_view, std::string_view) { ++n; });
  CHECK(n == 0);
}

TEST_CASE("HashObject clone is deep and keeps the encoding") {
  std::mt19937_64 gen(10);
  for (size_t size : {0, 3, 600}) {
    HashObject h;
    for (size_t i = 0; i < size; ++i) h.set("f" + std::to_string(i), random_text(gen, 10));
    HashObject c = h.clone();
    CHECK(c.encoding() == h.encoding());
    CHECK(contents(c) == contents(h));
    CHECK(c.bytes() > 0);
    c.set("only-in-clone", "x");
    CHECK_FALSE(h.contains("only-in-clone"));
    if (size > 0) {
      c.erase("f0");
      CHECK(h.contains("f0"));
    }
    HashObject moved = std::move(c);
    CHECK(moved.contains("only-in-clone"));
  }
}

TEST_CASE("HashObject bytes grow with contents") {
  HashObject h;
  const size_t empty = h.bytes();
  h.set("f", "v");
  CHECK(h.bytes() > empty);
  for (int i = 0; i < 1000; ++i) h.set("f" + std::to_string(i), std::string(50, 'x'));
  CHECK(h.bytes() > 1000 * 50);
  for (int i = 0; i < 1000; ++i) h.erase("f" + std::to_string(i));
  h.erase("f");
  CHECK(h.bytes() < 1000);
}

}  // namespace
}  // namespace shardis::core
