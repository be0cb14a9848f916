// HashTable against a std::unordered_map model, plus the properties the contract promises:
// bounded rehash work per call, scan coverage across resizes, random() over present entries.
#include <doctest/doctest.h>
#include <shardis/core/hash_table.h>
#include <xxhash.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace shardis::core {
namespace {

struct Entry {
  std::string key;
  size_t live_pos = 0;  // index in the model's vector of live entries
  uint64_t seen = 0;    // epoch of the last walk that reported this entry
  bool alive = true;
};

uint64_t xxh3(std::string_view k) {
  return XXH3_64bits(k.data(), k.size());
}

struct Traits {
  static std::string_view key(const Entry* e) { return e->key; }
  static uint64_t hash(std::string_view k) { return xxh3(k); }
};

// Eight bucket indexes and 256 fragments: long chains and many equal fragments.
struct FewBucketsTraits {
  static std::string_view key(const Entry* e) { return e->key; }
  static uint64_t hash(std::string_view k) { return xxh3(k) & 0xff00000000000007ULL; }
};

// Every key has the same hash: one chain, every fragment equal, only key compares decide.
struct OneHashTraits {
  static std::string_view key(const Entry* e) { return e->key; }
  static uint64_t hash(std::string_view) { return 0x5a00000000000000ULL; }
};

using Table = HashTable<Entry, Traits>;
constexpr size_t kStep = Table::kRehashStepBuckets;

// 0..40 arbitrary bytes; about one byte in three is '\0', '\r' or '\n'.
std::string random_key(std::mt19937_64& rng) {
  static constexpr char kSpecial[] = {'\0', '\r', '\n'};
  std::string k(rng() % 41, '\0');
  uint64_t bits = 0;
  for (size_t i = 0; i < k.size(); ++i) {
    if (i % 4 == 0) bits = rng();
    const auto b = static_cast<uint8_t>(bits);
    const auto sel = static_cast<uint8_t>(bits >> 8);
    bits >>= 16;
    k[i] = sel % 8 < 3 ? kSpecial[sel % 8] : static_cast<char>(b);
  }
  return k;
}

// Runs interleaved operations on a HashTable and a reference map and compares them.
template <typename Tr>
class Model {
 public:
  explicit Model(uint64_t seed) : rng_(seed) {}
  ~Model() {
    for (Entry* e : live_) delete e;
  }

  struct Stats {
    size_t ops = 0;
    size_t grows = 0;
    size_t shrinks = 0;
    size_t ops_while_rehashing = 0;
    size_t checks_before_resize = 0;
    size_t checks_while_rehashing = 0;
    size_t checks_after_resize = 0;
    size_t max_size = 0;
    size_t peaks = 0;    // times the size reached `high`
    size_t troughs = 0;  // and came back down to `low`
  };

  // Runs operations until `ops` have been done; the size swings between `high` and `low`.
  void run(size_t ops, size_t high, size_t low, size_t churn_ops) {
    enum class Phase { kGrow, kShrink, kChurn } phase = Phase::kGrow;
    size_t churn_left = 0;
    while (stats_.ops < ops) {
      int insert_pct = 0;
      int erase_pct = 0;
      switch (phase) {
        case Phase::kGrow:
          insert_pct = 72, erase_pct = 16;
          if (ref_.size() >= high) phase = Phase::kShrink, ++stats_.peaks;
          break;
        case Phase::kShrink:
          insert_pct = 16, erase_pct = 72;
          if (ref_.size() <= low) phase = Phase::kChurn, churn_left = churn_ops, ++stats_.troughs;
          break;
        case Phase::kChurn:
          // Around empty: the table frees and re-creates its single bucket often.
          insert_pct = ref_.size() < 12 ? 45 : 30, erase_pct = 45;
          if (--churn_left == 0) phase = Phase::kGrow;
          break;
      }
      one_op(insert_pct, erase_pct);
    }
    full_check();
  }

  const Stats& stats() const { return stats_; }

 private:
  using T = HashTable<Entry, Tr>;

  void one_op(int insert_pct, int erase_pct) {
    ++stats_.ops;
    const int r = static_cast<int>(rng_() % 1000);
    const bool was_rehashing = table_.rehashing();
    const size_t buckets_before = table_.bucket_count();
    if (r < insert_pct * 10) {
      op_insert();
    } else if (r < (insert_pct + erase_pct) * 10) {
      if (!live_.empty() && rng_() % 16 != 0) {
        op_erase(live_[rng_() % live_.size()]);
      } else {
        op_erase_absent();
      }
    } else if (r < 985) {
      op_find();
    } else if (r < 995) {
      op_random();
    } else if (r < 999) {
      const size_t n = 1 + rng_() % 64;
      table_.rehash_step(n);
      if (table_.last_step_moved() > n) FAIL("rehash_step moved more than asked, op ", stats_.ops);
    } else if (rng_() % 500 == 0) {
      full_check();  // an "iterate" operation
    }
    if (table_.size() != ref_.size()) FAIL("size differs at op ", stats_.ops);
    stats_.max_size = std::max(stats_.max_size, ref_.size());

    const bool now_rehashing = table_.rehashing();
    if (now_rehashing) ++stats_.ops_while_rehashing;
    const size_t buckets_after = table_.bucket_count();
    if (buckets_before > 0 && buckets_after > buckets_before) ++stats_.grows;
    if (buckets_after > 0 && buckets_after < buckets_before) ++stats_.shrinks;
    if (!was_rehashing && now_rehashing) rehash_ops_ = 0;
    if (now_rehashing) {
      ++rehash_ops_;
      // Powers of four: a few checks per resize, early and late in it.
      if ((rehash_ops_ & (rehash_ops_ - 1)) == 0 && (std::countr_zero(rehash_ops_) % 2) == 0) {
        full_check(/*with_finds=*/true);
        ++stats_.checks_while_rehashing;
      }
    } else if (was_rehashing) {
      full_check();
      ++stats_.checks_after_resize;
    }
  }

  bool about_to_grow() const {
    return !table_.rehashing() && table_.size() + 1 > 7 * table_.bucket_count();
  }
  bool about_to_shrink() const {
    const size_t n = table_.bucket_count();
    return !table_.rehashing() && n > 1 && table_.size() > 1 && (table_.size() - 1) * 8 < n * 7;
  }

  void op_insert() {
    std::string k = random_key(rng_);
    if (auto it = ref_.find(k); it != ref_.end()) {  // short keys repeat: a find of a present key
      find_present(it->second);
      return;
    }
    if (about_to_grow()) {
      full_check();
      ++stats_.checks_before_resize;
    }
    auto* e = new Entry{std::move(k)};
    Entry** slot = table_.insert(e, Tr::hash(e->key));
    if (slot == nullptr || *slot != e) FAIL("insert returned a wrong slot, op ", stats_.ops);
    if (table_.last_step_moved() > kStep) FAIL("insert moved too many buckets, op ", stats_.ops);
    ref_.emplace(e->key, e);
    e->live_pos = live_.size();
    live_.push_back(e);
  }

  void op_erase(Entry* e) {
    if (about_to_shrink()) {
      full_check();
      ++stats_.checks_before_resize;
    }
    Entry* got = table_.erase(e->key, Tr::hash(e->key));
    if (got != e) FAIL("erase of a present key returned ", got, " not ", e, ", op ", stats_.ops);
    if (table_.last_step_moved() > kStep) FAIL("erase moved too many buckets, op ", stats_.ops);
    if (table_.find(e->key, Tr::hash(e->key)) != nullptr) FAIL("erased key still found");
    ref_.erase(e->key);
    Entry* last = live_.back();
    live_[e->live_pos] = last;
    last->live_pos = e->live_pos;
    live_.pop_back();
    delete e;
  }

  void op_erase_absent() {
    std::string k = random_key(rng_);
    if (ref_.count(k)) return;
    if (table_.erase(k, Tr::hash(k)) != nullptr) FAIL("erase of an absent key returned an entry");
  }

  void find_present(Entry* e) {
    Entry** slot = table_.find(e->key, Tr::hash(e->key));
    if (slot == nullptr || *slot != e) FAIL("present key not found, op ", stats_.ops);
  }

  void op_find() {
    if (!live_.empty() && rng_() % 2 == 0) {
      find_present(live_[rng_() % live_.size()]);
      return;
    }
    std::string k = random_key(rng_);
    Entry** slot = table_.find(k, Tr::hash(k));
    auto it = ref_.find(k);
    Entry* want = it == ref_.end() ? nullptr : it->second;
    if ((slot ? *slot : nullptr) != want) FAIL("find of a random key differs, op ", stats_.ops);
  }

  void op_random() {
    Entry* e = table_.random(rng_());
    if (ref_.empty()) {
      if (e != nullptr) FAIL("random() on an empty table returned an entry");
      return;
    }
    auto it = e ? ref_.find(e->key) : ref_.end();
    if (it == ref_.end() || it->second != e) FAIL("random() returned an absent entry");
  }

  // The table's content equals the reference: each entry once, no other entry. `with_finds`
  // also looks every entry up (while a resize is in flight, find must look in both arrays).
  void full_check(bool with_finds = false) {
    const uint64_t epoch = ++epoch_;
    size_t n = 0;
    bool ok = true;
    table_.for_each([&](Entry* e) {
      ok = ok && e->seen != epoch && e->live_pos < live_.size() && live_[e->live_pos] == e;
      e->seen = epoch;
      ++n;
    });
    if (!ok || n != ref_.size()) FAIL("for_each differs from the model at op ", stats_.ops);
    for (Entry* e : live_) {
      if (e->seen != epoch) FAIL("for_each missed an entry at op ", stats_.ops);
      if (with_finds) find_present(e);
    }
  }
  std::mt19937_64 rng_;
  T table_;
  std::unordered_map<std::string, Entry*> ref_;
  std::vector<Entry*> live_;
  uint64_t epoch_ = 0;
  size_t rehash_ops_ = 0;
  Stats stats_;
};

TEST_CASE("hash_table: randomized model test, 3M operations across many resizes") {
  const uint64_t seed = 0x5eed2024;
  MESSAGE("seed = ", seed);
  INFO("seed = ", seed);
  Model<Traits> m(seed);
  m.run(3'000'000, 300'000, 5, 60'000);
  const auto& s = m.stats();
  MESSAGE("peaks ", s.peaks, ", troughs ", s.troughs, ", grows ", s.grows, ", shrinks ", s.shrinks,
          ", ops while rehashing ", s.ops_while_rehashing, ", checks before/during/after ",
          s.checks_before_resize, "/", s.checks_while_rehashing, "/", s.checks_after_resize);
  CHECK(s.ops >= 3'000'000);
  CHECK(s.max_size >= 300'000);
  CHECK(s.peaks >= 2);
  CHECK(s.troughs >= 2);
  CHECK(s.grows >= 100);  // 1 -> 65536 buckets three times, and many small ones in the churn
  CHECK(s.shrinks >= 100);
  CHECK(s.ops_while_rehashing >= 20'000);
  CHECK(s.checks_before_resize >= 60);
  CHECK(s.checks_while_rehashing >= 150);
  CHECK(s.checks_after_resize >= 40);
}

TEST_CASE("hash_table: model test with long chains (8 bucket indexes)") {
  const uint64_t seed = 77;
  INFO("seed = ", seed);
  Model<FewBucketsTraits> m(seed);
  m.run(300'000, 4'000, 3, 5'000);
  CHECK(m.stats().grows >= 10);
  CHECK(m.stats().shrinks >= 5);
}

TEST_CASE("hash_table: model test with one hash value for every key") {
  const uint64_t seed = 78;
  INFO("seed = ", seed);
  Model<OneHashTraits> m(seed);
  m.run(60'000, 300, 2, 2'000);
  CHECK(m.stats().grows >= 10);
  CHECK(m.stats().shrinks >= 5);
}

// Keys "k:<i>", owned by the vector (stable addresses).
std::vector<std::unique_ptr<Entry>> make_entries(size_t n, std::string_view prefix = "k:") {
  std::vector<std::unique_ptr<Entry>> v;
  v.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    v.push_back(std::make_unique<Entry>(Entry{std::string(prefix) + std::to_string(i)}));
  }
  return v;
}

TEST_CASE("hash_table: no insert moves more than kRehashStepBuckets buckets, growing to 1M") {
  const size_t n = 1'000'000;
  auto entries = make_entries(n);
  Table t;
  size_t violations = 0;
  size_t resizes = 0;
  size_t short_resizes = 0;
  size_t miscounted = 0;
  bool in_resize = false;
  size_t old_count = 0, calls = 0, moved = 0;
  for (size_t i = 0; i < n; ++i) {
    const size_t before = t.bucket_count();
    const bool was = t.rehashing();
    t.insert(entries[i].get(), xxh3(entries[i]->key));
    if (t.last_step_moved() > kStep) ++violations;
    if (!was && before > 0 && t.bucket_count() != before) {
      // A grow started with this insert (it may also finish in it when the old array is tiny).
      in_resize = true;
      old_count = before;
      calls = moved = 0;
      if (before > 0) CHECK(t.bucket_count() == 2 * before);
    }
    if (in_resize) {
      ++calls;
      moved += t.last_step_moved();
      if (!t.rehashing()) {
        in_resize = false;
        ++resizes;
        // Every old bucket is moved exactly once, so the resize took at least old/kStep calls.
        if (moved != old_count) ++miscounted;
        if (calls < (old_count + kStep - 1) / kStep) ++short_resizes;
      }
    }
  }
  // The last grow (started at 917504 keys, from 131072 buckets, one bucket per insert) is still
  // in flight at 1M keys; the shard loop would finish it with rehash_step between turns.
  CHECK(t.rehashing());
  while (t.rehash_step(64)) {
    CHECK(t.last_step_moved() <= 64);
    moved += t.last_step_moved();
  }
  moved += t.last_step_moved();
  CHECK(moved == old_count);
  ++resizes;
  CHECK(violations == 0);
  CHECK(miscounted == 0);
  CHECK(short_resizes == 0);
  CHECK(resizes == 18);  // 1 -> 262144 buckets
  CHECK(t.size() == n);
  CHECK(t.bucket_count() == 262144);
  CHECK_FALSE(t.rehashing());
  size_t missing = 0;
  for (auto& e : entries) {
    Entry** s = t.find(e->key, xxh3(e->key));
    if (s == nullptr || *s != e.get()) ++missing;
  }
  CHECK(missing == 0);
  // 64-byte buckets at >= 50% load plus chains: well under 24 bytes per key.
  MESSAGE("bucket bytes per key at 1M: ", double(t.bucket_bytes()) / double(t.size()));
  CHECK(t.bucket_bytes() <= 24 * t.size());
  CHECK(t.bucket_bytes() >= 64 * t.bucket_count());
  // Just before the last grow ~40% of the 131072 old buckets had a child; those went with the old
  // array. At ~3.8 entries per bucket few chains remain.
  CHECK(t.bucket_bytes() <= 64 * t.bucket_count() * 11 / 10);
}

TEST_CASE("hash_table: rehash_step is bounded and finishes a resize") {
  auto entries = make_entries(7 * 4096 + 1);
  Table t;
  for (size_t i = 0; i + 1 < entries.size(); ++i) t.insert(entries[i].get(), xxh3(entries[i]->key));
  while (t.rehashing()) t.rehash_step(1000);
  REQUIRE(t.bucket_count() == 4096);
  t.insert(entries.back().get(), xxh3(entries.back()->key));  // starts 4096 -> 8192
  REQUIRE(t.rehashing());
  CHECK(t.bucket_count() == 8192);
  CHECK(t.last_step_moved() == kStep);
  size_t steps = 0;
  bool more = true;
  while (more) {
    more = t.rehash_step(3);
    CHECK(t.last_step_moved() == 3);
    ++steps;
  }
  CHECK(steps == (4096 - kStep) / 3);  // 4080 = 3 * 1360: the last step moves 3 and finishes
  CHECK(t.rehash_step(3) == false);
  CHECK(t.last_step_moved() == 0);
  for (auto& e : entries) REQUIRE(t.find(e->key, xxh3(e->key)) != nullptr);
}

TEST_CASE("hash_table: empty table, first insert, erase of the last entry") {
  Table t;
  CHECK(t.size() == 0);
  CHECK(t.bucket_count() == 0);
  CHECK(t.bucket_bytes() == 0);
  CHECK(t.find("", xxh3("")) == nullptr);
  CHECK(t.erase("x", xxh3("x")) == nullptr);
  CHECK(t.random(123) == nullptr);
  int calls = 0;
  CHECK(t.scan(0, [&](Entry*) { ++calls; }) == 0);
  t.for_each([&](Entry*) { ++calls; });
  CHECK(calls == 0);

  Entry a{std::string("\0a\r\n", 4)};
  t.insert(&a, xxh3(a.key));
  CHECK(t.bucket_count() == 1);
  CHECK(t.bucket_bytes() == 64);
  CHECK(t.find(std::string_view("\0a\r", 3), xxh3(std::string_view("\0a\r", 3))) == nullptr);
  Entry** s = t.find(a.key, xxh3(a.key));
  REQUIRE(s != nullptr);
  CHECK(*s == &a);
  CHECK(t.random(1) == &a);
  CHECK(t.erase(a.key, xxh3(a.key)) == &a);
  CHECK(t.size() == 0);
  CHECK(t.bucket_bytes() == 0);  // the last erase frees the buckets
  CHECK(t.scan(0, [&](Entry*) { ++calls; }) == 0);
  CHECK(calls == 0);
}

TEST_CASE("hash_table: clear, move and destruction with chains") {
  auto entries = make_entries(5000);
  HashTable<Entry, FewBucketsTraits> t;
  for (auto& e : entries) t.insert(e.get(), FewBucketsTraits::hash(e->key));
  CHECK(t.bucket_bytes() > 64 * t.bucket_count());  // chains exist

  HashTable<Entry, FewBucketsTraits> moved(std::move(t));
  CHECK(t.size() == 0);
  CHECK(t.bucket_bytes() == 0);
  CHECK(moved.size() == 5000);
  for (auto& e : entries) {
    Entry** s = moved.find(e->key, FewBucketsTraits::hash(e->key));
    REQUIRE(s != nullptr);
    CHECK(*s == e.get());
  }
  t = std::move(moved);
  CHECK(t.size() == 5000);

  size_t cleared = 0;
  t.clear([&](Entry* e) {
    CHECK(e->seen == 0);
    e->seen = 1;
    ++cleared;
  });
  CHECK(cleared == 5000);
  CHECK(t.size() == 0);
  CHECK(t.bucket_bytes() == 0);
  CHECK(t.find(entries[0]->key, FewBucketsTraits::hash(entries[0]->key)) == nullptr);

  // The destructor frees child buckets too (the sanitizer build reports leaks).
  HashTable<Entry, FewBucketsTraits> dropped;
  for (auto& e : entries) dropped.insert(e.get(), FewBucketsTraits::hash(e->key));
}

TEST_CASE("hash_table: chains stay compact when their oldest entries go first") {
  // Eight chains of ~90 entries. Emptying one chain oldest-first (heads before tails) while the
  // others keep the table from shrinking: a chain that kept empty buckets around would look
  // non-empty with no entries (random() would divide by zero) and would never give them back.
  auto entries = make_entries(720);
  HashTable<Entry, FewBucketsTraits> t;
  for (auto& e : entries) t.insert(e.get(), FewBucketsTraits::hash(e->key));
  const size_t buckets = t.bucket_count();
  std::mt19937_64 rng(5);
  for (uint64_t chain = 0; chain < 2; ++chain) {
    for (auto& e : entries) {
      if ((FewBucketsTraits::hash(e->key) & 7) != chain) continue;
      REQUIRE(t.erase(e->key, FewBucketsTraits::hash(e->key)) == e.get());
      Entry* r = t.random(rng());
      REQUIRE(r != nullptr);
      REQUIRE(t.find(r->key, FewBucketsTraits::hash(r->key)) != nullptr);
    }
    for (int k = 0; k < 1000; ++k) {
      Entry* r = t.random(rng());
      REQUIRE(r != nullptr);
      REQUIRE((FewBucketsTraits::hash(r->key) & 7) != chain);
    }
  }
  REQUIRE_FALSE(t.rehashing());
  REQUIRE(t.bucket_count() == buckets);  // no resize rebuilt the chains meanwhile
  size_t n = 0;
  t.for_each([&](Entry* e) {
    CHECK((FewBucketsTraits::hash(e->key) & 7) >= 2);
    ++n;
  });
  CHECK(n == t.size());
  // random() reaches every remaining entry, so no chain is skipped as empty by mistake either.
  std::unordered_map<Entry*, int> seen;
  for (int k = 0; k < 40000; ++k) ++seen[t.random(rng())];
  CHECK(seen.size() == t.size());
}

// Collects a full scan; returns the number of scan calls.
template <typename Tab>
size_t full_scan(const Tab& t, std::unordered_map<Entry*, int>& counts) {
  uint64_t cursor = 0;
  size_t calls = 0;
  do {
    cursor = t.scan(cursor, [&](Entry* e) { ++counts[e]; });
    ++calls;
  } while (cursor != 0);
  return calls;
}

TEST_CASE("hash_table: scan of a stable table reports each entry exactly once") {
  auto entries = make_entries(10000);
  Table t;
  for (auto& e : entries) t.insert(e.get(), xxh3(e->key));
  while (t.rehashing()) t.rehash_step(kStep);

  SUBCASE("not rehashing") {
    std::unordered_map<Entry*, int> counts;
    CHECK(full_scan(t, counts) == t.bucket_count());
    CHECK(counts.size() == entries.size());
    for (auto& [e, c] : counts) CHECK_MESSAGE(c == 1, e->key);
  }
  SUBCASE("frozen in the middle of a grow") {
    auto more = make_entries(12000, "m:");
    size_t i = 0;
    while (!t.rehashing()) {
      t.insert(more[i].get(), xxh3(more[i]->key));
      ++i;
    }
    t.rehash_step(100);
    REQUIRE(t.rehashing());
    std::unordered_map<Entry*, int> counts;
    full_scan(t, counts);
    CHECK(counts.size() == t.size());
    for (auto& [e, c] : counts) CHECK_MESSAGE(c == 1, e->key);
    t.clear([](Entry*) {});
  }
  SUBCASE("frozen in the middle of a shrink") {
    size_t i = 0;
    while (!t.rehashing()) {
      REQUIRE(t.erase(entries[i]->key, xxh3(entries[i]->key)) == entries[i].get());
      ++i;
    }
    t.rehash_step(30);
    REQUIRE(t.rehashing());
    std::unordered_map<Entry*, int> counts;
    full_scan(t, counts);
    CHECK(counts.size() == t.size());
    for (auto& [e, c] : counts) CHECK_MESSAGE(c == 1, e->key);
    for (size_t j = 0; j < i; ++j) CHECK(counts.count(entries[j].get()) == 0);
  }
}

// A full scan while other keys come and go between the calls, with grows and shrinks.
void scan_under_mutation(uint64_t seed, size_t ops_per_call, size_t burst) {
  INFO("seed = ", seed, ", ops per call = ", ops_per_call, ", burst = ", burst);
  std::mt19937_64 rng(seed);
  std::deque<Entry> pool;  // every entry ever made; erased ones are marked dead, never freed
  std::vector<Entry*> volatile_live;
  Table t;
  auto add = [&](std::string key) {
    pool.push_back(Entry{std::move(key)});
    Entry* e = &pool.back();
    t.insert(e, xxh3(e->key));
    return e;
  };
  std::vector<Entry*> stable;
  for (int i = 0; i < 3000; ++i) stable.push_back(add("stable:" + std::to_string(i)));
  size_t serial = 0;
  size_t grows = 0, shrinks = 0;
  auto count_resize = [&](size_t before) {
    if (t.bucket_count() > before) ++grows;
    if (t.bucket_count() < before) ++shrinks;
  };
  auto add_volatile = [&] {
    const size_t before = t.bucket_count();
    Entry* e = add("v:" + std::to_string(serial++));
    volatile_live.push_back(e);
    count_resize(before);
  };
  auto erase_volatile = [&] {
    const size_t before = t.bucket_count();
    size_t k = rng() % volatile_live.size();
    Entry* e = volatile_live[k];
    REQUIRE(t.erase(e->key, xxh3(e->key)) == e);
    e->alive = false;
    volatile_live[k] = volatile_live.back();
    volatile_live.pop_back();
    count_resize(before);
  };
  for (int i = 0; i < 20000; ++i) add_volatile();
  grows = shrinks = 0;

  bool growing = true;
  size_t calls_while_rehashing = 0, calls = 0, dead_reported = 0;
  std::unordered_map<Entry*, int> reported;
  uint64_t cursor = 0;
  do {
    cursor = t.scan(cursor, [&](Entry* e) {
      if (!e->alive) ++dead_reported;
      ++reported[e];
    });
    ++calls;
    if (t.rehashing()) ++calls_while_rehashing;
    if (burst > 0 && rng() % 100 == 0) {
      // A sudden swing between two scan calls: several grows or shrinks at once.
      const bool up = volatile_live.size() < 30000;
      for (size_t j = 0; j < burst && (up || !volatile_live.empty()); ++j) {
        up ? add_volatile() : erase_volatile();
      }
    }
    for (size_t k = 0; k < ops_per_call; ++k) {
      if (growing && volatile_live.size() >= 60000) growing = false;
      if (!growing && volatile_live.size() <= 100) growing = true;
      const bool insert = volatile_live.empty() || (rng() % 100) < (growing ? 70u : 30u);
      insert ? add_volatile() : erase_volatile();
    }
  } while (cursor != 0);

  MESSAGE("scan calls ", calls, " (", calls_while_rehashing, " while rehashing), grows ", grows,
          ", shrinks ", shrinks);
  CHECK(dead_reported == 0);
  CHECK(grows >= 2);
  CHECK(shrinks >= 2);
  CHECK(calls_while_rehashing >= 10);
  size_t missed = 0;
  for (Entry* e : stable) missed += reported.count(e) == 0;
  CHECK(missed == 0);
}

TEST_CASE("hash_table: scan reports every entry present throughout, across grows and shrinks") {
  scan_under_mutation(1, 60, 0);
  scan_under_mutation(2, 25, 0);
  scan_under_mutation(3, 40, 30000);
  scan_under_mutation(4, 200, 20000);
}

TEST_CASE("hash_table: random() returns present entries and reaches all of them") {
  std::mt19937_64 rng(99);
  auto entries = make_entries(20000);
  Table t;
  auto check_random = [&](size_t present_from, size_t present_to, size_t draws) {
    std::unordered_map<Entry*, int> seen;
    for (size_t i = 0; i < draws; ++i) {
      Entry* e = t.random(rng());
      REQUIRE(e != nullptr);
      ++seen[e];
    }
    size_t outside = 0;
    for (auto& [e, c] : seen) {
      Entry** s = t.find(e->key, xxh3(e->key));
      if (s == nullptr || *s != e) ++outside;
    }
    CHECK(outside == 0);
    size_t missing = 0;
    for (size_t i = present_from; i < present_to; ++i) missing += seen.count(entries[i].get()) == 0;
    CHECK(missing == 0);
  };

  CHECK(t.random(rng()) == nullptr);
  for (size_t i = 0; i < 20; ++i) t.insert(entries[i].get(), xxh3(entries[i]->key));
  check_random(0, 20, 20000);

  // Frozen in a grow: both arrays hold entries.
  size_t n = 20;
  while (!t.rehashing() || t.bucket_count() < 64) {
    t.insert(entries[n].get(), xxh3(entries[n]->key));
    ++n;
  }
  REQUIRE(t.rehashing());
  check_random(0, n, 200 * n);

  // Sparse: every key has the same hash, so one chain among thousands of empty buckets; probing
  // gives up and random() walks from a random bucket.
  HashTable<Entry, OneHashTraits> one;
  for (size_t i = 0; i < 1000; ++i) one.insert(entries[i].get(), OneHashTraits::hash(""));
  while (one.rehashing()) one.rehash_step(kStep);
  REQUIRE(one.bucket_count() >= 128);
  std::unordered_map<Entry*, int> seen;
  for (int i = 0; i < 20000; ++i) {
    Entry* e = one.random(rng());
    REQUIRE(e != nullptr);
    REQUIRE(one.find(e->key, OneHashTraits::hash("")) != nullptr);
    ++seen[e];
  }
  CHECK(seen.size() == 1000);
}

}  // namespace
}  // namespace shardis::core
