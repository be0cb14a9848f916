// LockTable against its contract: random requests from several clients over a few keys (reads,
// writes, whole-shard reads and writes), acquired and released in random order. After every step
// no two granted requests conflict, requests of one client are granted in arrival order, a
// request that must_wait() says may run at once is granted at once, and releasing what is held
// always lets every request through in the end (no deadlock).
#include <doctest/doctest.h>
#include <shardis/server/txn/lock_table.h>

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace shardis::server {
namespace {

struct Req : LockRequest {
  int id = 0;
  bool granted = false;
  int callbacks = 0;
  std::vector<std::string> names;  // owns the keys the items view
  void on_granted() override {
    granted = true;
    ++callbacks;
  }
};

struct Model {
  std::vector<std::unique_ptr<Req>> all;
  std::vector<Req*> live;                        // acquired and not released
  std::map<uint64_t, std::vector<int>> arrival;  // client -> ids in arrival order
  std::map<uint64_t, std::vector<int>> grants;   // client -> ids in grant order
};

// Whether a and b may hold their locks at the same time.
bool conflict(const Req& a, const Req& b) {
  auto shard_mode = [](const Req& r) {
    if (r.scope == LockScope::kShardWrite) return 3;
    if (r.scope == LockScope::kShardRead) return 2;
    for (const LockItem& i : r.items) {
      if (i.write) return 1;
    }
    return 0;
  };
  static const bool compat[4][4] = {{true, true, true, false},
                                    {true, true, false, false},
                                    {true, false, true, false},
                                    {false, false, false, false}};
  if (!compat[shard_mode(a)][shard_mode(b)]) return true;
  for (const LockItem& x : a.items) {
    for (const LockItem& y : b.items) {
      if (x.db == y.db && x.key == y.key && (x.write || y.write)) return true;
    }
  }
  return false;
}

void check_no_conflicts(const Model& m) {
  std::vector<const Req*> held;
  for (const Req* r : m.live) {
    if (r->granted) held.push_back(r);
  }
  for (size_t i = 0; i < held.size(); ++i) {
    for (size_t j = i + 1; j < held.size(); ++j) {
      INFO("requests " << held[i]->id << " and " << held[j]->id);
      CHECK_FALSE(conflict(*held[i], *held[j]));
    }
  }
}

Req* make(Model& m, std::mt19937& rng, int id) {
  auto r = std::make_unique<Req>();
  r->id = id;
  int kind = static_cast<int>(rng() % 20);
  if (kind == 0) {
    r->scope = LockScope::kShardWrite;
  } else if (kind == 1) {
    r->scope = LockScope::kShardRead;
  } else {
    size_t n = 1 + rng() % 3;
    r->names.reserve(n);
    for (size_t i = 0; i < n; ++i) r->names.push_back("k" + std::to_string(rng() % 6));
    for (const std::string& k : r->names) {
      r->items.push_back({static_cast<int>(rng() % 2), k, rng() % 2 == 0});
    }
  }
  r->client = rng() % 4;  // 0: no client order
  m.all.push_back(std::move(r));
  return m.all.back().get();
}

void note_grant(Model& m, Req* r) {
  if (r->client != 0) m.grants[r->client].push_back(r->id);
}

TEST_CASE("lock table: random requests never conflict, keep client order, never deadlock") {
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    std::mt19937 rng(seed);
    LockTable table;
    Model m;
    int next_id = 0;
    for (int step = 0; step < 3000; ++step) {
      bool add = m.live.size() < 3 || rng() % 3 != 0;
      if (add) {
        Req* r = make(m, rng, next_id++);
        bool may_run = !table.must_wait(r->client, r->items, r->scope);
        if (r->client != 0) m.arrival[r->client].push_back(r->id);
        bool now = table.acquire(*r);
        if (may_run) CHECK(now);
        if (now) {
          r->granted = true;
          note_grant(m, r);
        }
        m.live.push_back(r);
      } else {
        // Release a granted request (or withdraw a waiting one, now and then).
        std::vector<Req*> candidates;
        for (Req* r : m.live) {
          if (r->granted || rng() % 8 == 0) candidates.push_back(r);
        }
        if (candidates.empty()) continue;
        Req* r = candidates[rng() % candidates.size()];
        bool was_granted = r->granted;
        table.release(*r);
        if (!was_granted && r->client != 0) std::erase(m.arrival[r->client], r->id);
        std::erase(m.live, r);
        std::vector<Req*> before;
        for (Req* x : m.live) {
          if (!x->granted) before.push_back(x);
        }
        table.run_granted();
        for (Req* x : before) {
          if (x->granted) note_grant(m, x);
        }
      }
      check_no_conflicts(m);
    }
    // Drain: release granted requests until none is left; every waiter must get through.
    for (int rounds = 0; !m.live.empty() && rounds < 100000; ++rounds) {
      auto it = std::find_if(m.live.begin(), m.live.end(), [](Req* r) { return r->granted; });
      REQUIRE(it != m.live.end());  // someone waits and nobody holds: a deadlock
      Req* r = *it;
      table.release(*r);
      m.live.erase(it);
      std::vector<Req*> before;
      for (Req* x : m.live) {
        if (!x->granted) before.push_back(x);
      }
      table.run_granted();
      for (Req* x : before) {
        if (x->granted) note_grant(m, x);
      }
      check_no_conflicts(m);
    }
    CHECK(m.live.empty());
    CHECK(table.idle());
    for (const auto& [client, ids] : m.arrival) {
      INFO("seed " << seed << " client " << client);
      CHECK(m.grants[client] == ids);
    }
    for (const auto& r : m.all) CHECK(r->callbacks <= 1);
  }
}

TEST_CASE("lock table: a whole-shard write waits for key holders and blocks later ones") {
  LockTable table;
  Req a, flush, b;
  std::string ka = "a", kb = "b";
  a.items = {{0, ka, true}};
  flush.scope = LockScope::kShardWrite;
  b.items = {{0, kb, false}};
  CHECK(table.acquire(a));
  CHECK_FALSE(table.acquire(flush));
  CHECK(table.must_wait(0, b.items, LockScope::kKeys));  // nothing overtakes the waiting flush
  CHECK_FALSE(table.acquire(b));
  table.release(a);
  table.run_granted();
  CHECK(flush.granted);
  CHECK_FALSE(b.granted);
  table.release(flush);
  table.run_granted();
  CHECK(b.granted);
  table.release(b);
  CHECK(table.idle());
}

TEST_CASE("lock table: readers share a key, a writer waits for both") {
  LockTable table;
  std::string k = "k";
  Req r1, r2, w;
  r1.items = {{0, k, false}};
  r2.items = {{0, k, false}};
  w.items = {{0, k, true}};
  CHECK(table.acquire(r1));
  CHECK(table.acquire(r2));
  CHECK_FALSE(table.acquire(w));
  CHECK(table.must_wait(0, {{0, k, false}}, LockScope::kKeys));        // FIFO: behind the writer
  CHECK_FALSE(table.must_wait(0, {{1, k, false}}, LockScope::kKeys));  // another db
  table.release(r1);
  table.run_granted();
  CHECK_FALSE(w.granted);
  table.release(r2);
  table.run_granted();
  CHECK(w.granted);
  table.release(w);
  CHECK(table.idle());
}

}  // namespace
}  // namespace shardis::server
