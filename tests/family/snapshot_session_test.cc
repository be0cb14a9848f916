// SnapshotSession against a model: keys written, overwritten, deleted and created while the walk
// runs in small steps (with the hash table growing and shrinking meanwhile), through the
// executor's hook; the part must hold exactly the keys as they were when the session opened.
#include <doctest/doctest.h>
#include <shardis/server/persist/snapshot.h>
#include <shardis/server/persist/snapshot_session.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <utility>

#include "support/family_harness.h"

namespace shardis::test {
namespace {

using Model = std::map<std::pair<int, std::string>, std::string>;

std::string temp_dir() {
  char name[] = "/tmp/shardis-session-XXXXXX";
  REQUIRE(::mkdtemp(name) != nullptr);
  return name;
}

// Every string key of every database of store.
Model contents(server::ShardStore& store) {
  Model m;
  for (int i = 0; i < server::ShardStore::kNumDbs; ++i) {
    store.db(i).for_each([&](const core::Entry* e) {
      m[{i, std::string(e->key())}] = server::Db::string_copy(e);
    });
  }
  return m;
}

// Loads the part's file into a fresh store and returns its contents.
Model load_part(const server::SnapshotPart& part) {
  base::ManualClock clock;
  server::ShardStore store(clock, 0, 1);
  server::LoadStats stats;
  std::string error;
  CHECK_MESSAGE(server::load_snapshot_file(store, part.path, true, &stats, &error), error);
  return contents(store);
}

void set(FamilyHarness& h, int db, const std::string& key, const std::string& value) {
  h.run({"SELECT", std::to_string(db)});
  h.run({"SET", key, value});
}

TEST_CASE("SnapshotSession: the part is the cut, whatever changes while the walk runs") {
  for (uint64_t seed : {1u, 2u, 3u}) {
    FamilyHarness h;
    const std::string dir = temp_dir();
    h.store().persist().dir = dir;
    std::mt19937_64 rng(seed);
    for (int i = 0; i < 4000; ++i) set(h, i % 3 == 0 ? 3 : 0, "k" + std::to_string(i), "v");
    const Model cut = contents(h.store());
    server::SnapshotSession s(h.store(), true, 1);
    h.core().executor().set_snapshot(&s);
    int next_new = 0;
    while (!s.complete()) {
      for (int op = 0; op < 20; ++op) {
        const int db = rng() % 2 == 0 ? 0 : 3;
        const std::string old_key = "k" + std::to_string(rng() % 4000);
        switch (rng() % 4) {
          case 0:
            set(h, db, old_key, "changed");
            break;
          case 1:
            h.run({"SELECT", std::to_string(db)});
            h.run({"DEL", old_key});
            break;
          case 2:
            set(h, db, "new" + std::to_string(next_new++), "n");
            break;
          default:
            h.run({"SELECT", std::to_string(db)});
            h.run({"RENAME", old_key, "renamed" + std::to_string(next_new++)});
            break;
        }
      }
      // Now and then a burst that makes the table grow, then shrink.
      if (rng() % 50 == 0) {
        for (int j = 0; j < 3000; ++j) set(h, 0, "burst" + std::to_string(j), "b");
        for (int j = 0; j < 3000; ++j) h.run({"DEL", "burst" + std::to_string(j)});
      }
      s.step(5);
    }
    h.core().executor().set_snapshot(nullptr);
    server::SnapshotPart part = s.take();
    REQUIRE_MESSAGE(part.ok, part.error);
    CHECK(part.keys == cut.size());
    CHECK(load_part(part) == cut);
    CHECK(s.remembered() == 0);
    ::unlink(part.path.c_str());
    ::rmdir(dir.c_str());
  }
}

TEST_CASE("SnapshotSession: a table that shrinks under the walk reports no key twice") {
  uint64_t again = 0;
  for (int round = 0; round < 12; ++round) {
    FamilyHarness h;
    const std::string dir = temp_dir();
    h.store().persist().dir = dir;
    for (int i = 0; i < 16000; ++i) set(h, 0, "k" + std::to_string(i), std::to_string(i));
    const Model cut = contents(h.store());
    server::SnapshotSession s(h.store(), true, 3);
    h.core().executor().set_snapshot(&s);
    s.step(700 + 1300 * round);
    // Almost every key goes: the table shrinks to a small fraction of its size (halving after
    // halving, rehashed step by step) while the walk is part-way; its cursor then has bits above
    // the small table's mask, and the scan reports again some keys behind it.
    for (int i = 0; i < 15800; ++i) {
      h.run({"DEL", "k" + std::to_string(i)});
      if (i % 100 == 0) h.store().on_turn(0, 1000);  // moves resizes on
    }
    for (int turn = 0; turn < 200; ++turn) h.store().on_turn(0, 1000);
    while (!s.step(20)) h.run({"SET", "x", "y"});
    h.core().executor().set_snapshot(nullptr);
    again += s.reported_again();
    server::SnapshotPart part = s.take();
    REQUIRE_MESSAGE(part.ok, part.error);
    CHECK(part.keys == cut.size());
    CHECK(load_part(part) == cut);
    ::unlink(part.path.c_str());
    ::rmdir(dir.c_str());
  }
  CHECK(again > 0);  // the case this test is about did happen
}

TEST_CASE("SnapshotSession: a write over a whole database finishes the part first") {
  FamilyHarness h;
  const std::string dir = temp_dir();
  h.store().persist().dir = dir;
  for (int i = 0; i < 500; ++i) set(h, i % 2, "k" + std::to_string(i), std::to_string(i));
  const Model cut = contents(h.store());
  server::SnapshotSession s(h.store(), true, 2);
  h.core().executor().set_snapshot(&s);
  s.step(3);
  CHECK_FALSE(s.complete());
  h.run({"FLUSHALL"});
  CHECK(s.complete());
  h.core().executor().set_snapshot(nullptr);
  server::SnapshotPart part = s.take();
  REQUIRE_MESSAGE(part.ok, part.error);
  CHECK(load_part(part) == cut);
  ::unlink(part.path.c_str());
  ::rmdir(dir.c_str());
}

}  // namespace
}  // namespace shardis::test
