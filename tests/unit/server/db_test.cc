// Db: a randomized comparison against a reference model (values, TTLs, renames, moves, active
// and lazy expiry under a manual clock), the TTL invariants, and the reclaiming of 1M keys by
// active expiry alone.
#include <doctest/doctest.h>
#include <shardis/base/clock.h>
#include <shardis/server/db.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace shardis::server {
namespace {

std::string value_of(Db& db, std::string_view key) {
  const core::Entry* e = db.peek(key);
  REQUIRE(e != nullptr);
  std::string scratch;
  return std::string(Db::string_of(e, scratch));
}

TEST_CASE("string values are encoded as Redis reports them") {
  base::ManualClock clock;
  ShardStore store(clock);
  Db& db = store.db(0);
  db.set_string("i", "12345");
  db.set_string("neg", "-9223372036854775808");
  db.set_string("lead", "012");
  db.set_string("e", std::string(44, 'e'));
  db.set_string("r", std::string(45, 'r'));
  CHECK(std::string(Db::encoding_name(db.peek("i"))) == "int");
  CHECK(std::string(Db::encoding_name(db.peek("neg"))) == "int");
  CHECK(std::string(Db::encoding_name(db.peek("lead"))) == "embstr");
  CHECK(std::string(Db::encoding_name(db.peek("e"))) == "embstr");
  CHECK(std::string(Db::encoding_name(db.peek("r"))) == "raw");
  CHECK(value_of(db, "neg") == "-9223372036854775808");
  db.set_string_keep_ttl("f", "3");  // INCRBYFLOAT's result stays text, as in Redis
  CHECK(std::string(Db::encoding_name(db.peek("f"))) == "embstr");
  db.erase("f");
  CHECK(Db::string_len(db.peek("i")) == 5);
  std::string* s = db.mutable_string("i", false);
  REQUIRE(s != nullptr);
  s->append("x");
  CHECK(std::string(Db::encoding_name(db.peek("i"))) == "raw");
  CHECK(value_of(db, "i") == "12345x");
  CHECK(db.mutable_string("absent", false) == nullptr);
  CHECK(db.mutable_string("new", true)->empty());
  CHECK(db.size() == 6);
}

TEST_CASE("expiry, update before expiry and delete before expiry under a manual clock") {
  base::ManualClock clock;
  ShardStore store(clock);
  Db& db = store.db(0);
  const int64_t t0 = clock.now_ms();

  db.set_string("a", "1");
  db.set_expire_at("a", t0 + 100);
  CHECK(db.expire_at("a") == t0 + 100);
  CHECK(db.expires() == 1);
  clock.advance_ms(99);
  CHECK(db.find("a") != nullptr);
  clock.advance_ms(1);
  CHECK(db.find("a") == nullptr);
  CHECK(db.size() == 0);
  CHECK(db.expires() == 0);

  clock.set_ms(t0);
  db.set_string("b", "1");
  db.set_expire_at("b", t0 + 100);
  db.set_expire_at("b", t0 + 500);  // update before expiry: one node, moved in place
  CHECK(db.expires() == 1);
  clock.advance_ms(200);
  CHECK(db.find("b") != nullptr);
  CHECK(db.persist("b"));
  CHECK(db.expires() == 0);
  CHECK(db.expire_at("b") == -1);
  clock.advance_ms(1000);
  CHECK(db.find("b") != nullptr);

  db.set_string("c", "1");
  db.set_expire_at("c", clock.now_ms() + 50);
  CHECK(db.erase("c"));  // delete before expiry removes the node too
  CHECK(db.expires() == 0);
  clock.advance_ms(100);
  CHECK(db.expire_some(clock.now_ms(), 100) == 0);

  db.set_string("d", "1");
  db.set_expire_at("d", clock.now_ms());  // a time not in the future deletes
  CHECK(db.find("d") == nullptr);

  db.set_string("e", "1");
  db.set_expire_at("e", clock.now_ms() + 10);
  db.set_string("e", "2");  // SET clears the TTL
  CHECK(db.expires() == 0);
  db.set_expire_at("e", clock.now_ms() + 10);
  db.set_string("e", "3", true);  // KEEPTTL keeps it
  CHECK(db.expires() == 1);
  db.set_int("e", 7);  // INCR keeps it
  CHECK(db.expire_at("e") == clock.now_ms() + 10);
  clock.advance_ms(10);
  CHECK(db.expire_some(clock.now_ms(), 100) == 1);
  CHECK(db.size() == 1);  // only "b" remains
}

TEST_CASE("set_string_expire_at sets value and TTL in one step, on new and existing keys") {
  base::ManualClock clock;
  ShardStore store(clock);
  Db& db = store.db(0);
  const int64_t t0 = clock.now_ms();
  db.set_string_expire_at("new", "v1", t0 + 100);
  CHECK(value_of(db, "new") == "v1");
  CHECK(db.expire_at("new") == t0 + 100);
  db.set_string("plain", "x");
  db.set_string_expire_at("plain", std::string(60, 'r'), t0 + 200);  // no TTL before: raw now
  CHECK(value_of(db, "plain") == std::string(60, 'r'));
  CHECK(db.expire_at("plain") == t0 + 200);
  db.set_string_expire_at("plain", "7", t0 + 50);  // had a TTL: node updated in place
  CHECK(std::string(Db::encoding_name(db.peek("plain"))) == "int");
  CHECK(db.expire_at("plain") == t0 + 50);
  CHECK(db.expires() == 2);
  db.set_string_expire_at("plain", "y", t0);  // not in the future: deleted
  CHECK(db.peek("plain") == nullptr);
  db.set_string_expire_at("never", "y", t0 - 1);
  CHECK(db.peek("never") == nullptr);
  CHECK(db.expires() == 1);
  clock.advance_ms(100);
  CHECK(db.expire_some(clock.now_ms(), 10) == 1);
  CHECK(db.size() == 0);
  CHECK(store.slab().bytes_in_use() == 0);
}

// A stand-in collection type: the Db must free, copy and measure it only through its ObjectOps.
struct FakeList {
  std::vector<std::string> items;
  static inline int live = 0;
  FakeList() { ++live; }
  FakeList(const FakeList& o) : items(o.items) { ++live; }
  ~FakeList() { --live; }
};

const ObjectOps kFakeListOps = {
    [](void* o) { delete static_cast<FakeList*>(o); },
    [](const void* o) -> void* { return new FakeList(*static_cast<const FakeList*>(o)); },
    [](const void* o) { return sizeof(FakeList) + static_cast<const FakeList*>(o)->items.size(); },
    [](const void*) { return "fakelist"; },
};

FakeList* new_list(std::initializer_list<const char*> items) {
  auto* l = new FakeList;
  for (const char* i : items) l->items.emplace_back(i);
  return l;
}

TEST_CASE("collection values are freed, copied and measured through their ObjectOps") {
  register_object_ops(ObjType::kList, &kFakeListOps);
  base::ManualClock clock;
  {
    ShardStore store(clock);
    Db& db = store.db(0);
    db.set_object("l", ObjType::kList, new_list({"a", "b"}));
    const core::Entry* e = db.find("l");
    REQUIRE(e != nullptr);
    CHECK(Db::type_of(e) == ObjType::kList);
    CHECK(std::string(type_name(Db::type_of(e))) == "list");
    CHECK(std::string(Db::encoding_name(e)) == "fakelist");
    CHECK(static_cast<FakeList*>(Db::object_of(e))->items.size() == 2);
    CHECK(db.memory_usage(e) >= sizeof(FakeList) + 2);
    CHECK(FakeList::live == 1);

    // COPY clones; RENAME and MOVE keep the same object; TTLs follow.
    CHECK(db.copy_to(db, "l", "c", false) == Db::RenameResult::kOk);
    CHECK(FakeList::live == 2);
    CHECK(Db::object_of(db.peek("c")) != Db::object_of(db.peek("l")));
    void* obj = Db::object_of(db.peek("c"));
    db.set_expire_at("c", clock.now_ms() + 100);
    CHECK(db.rename("c", "r", false) == Db::RenameResult::kOk);
    CHECK(Db::object_of(db.peek("r")) == obj);
    CHECK(db.move_to(store.db(1), "r") == Db::RenameResult::kOk);
    CHECK(Db::object_of(store.db(1).peek("r")) == obj);
    CHECK(store.db(1).expire_at("r") == clock.now_ms() + 100);
    CHECK(FakeList::live == 2);

    // Active expiry frees the object; so do SET over it, set_object over it, DEL and FLUSH.
    clock.advance_ms(100);
    CHECK(store.db(1).expire_some(clock.now_ms(), 10) == 1);
    CHECK(FakeList::live == 1);
    db.set_expire_at("l", clock.now_ms() + 50);
    db.set_object("l", ObjType::kList, new_list({"x"}));  // replaces the value, clears the TTL
    CHECK(FakeList::live == 1);
    CHECK(db.expire_at("l") == -1);
    db.set_string("l", "now a string");
    CHECK(FakeList::live == 0);
    CHECK(Db::type_of(db.peek("l")) == ObjType::kString);
    db.set_object("a", ObjType::kList, new_list({}));
    db.set_object("b", ObjType::kList, new_list({}));
    CHECK(db.erase("a"));
    CHECK(FakeList::live == 1);
    db.set_object("z", ObjType::kList, new_list({}));
    CHECK(FakeList::live == 2);
  }  // the store's destructor clears every Db
  CHECK(FakeList::live == 0);
  register_object_ops(ObjType::kList, nullptr);
}

// Reference model of one Db.
struct ModelValue {
  std::string value;
  int64_t expire_at = -1;
};

TEST_CASE("randomized Db operations match a reference model") {
  const uint64_t seed = 77001;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  base::ManualClock clock;
  ShardStore store(clock);
  Db& db = store.db(0);
  Db& other = store.db(1);
  std::map<std::string, ModelValue> model, model_other;
  auto key_of = [&](uint64_t r) {
    std::string k = "k" + std::to_string(r % 400);
    if (r % 7 == 0) k.push_back('\0');
    return k;
  };
  auto value_for = [&](uint64_t r) {
    switch (r % 4) {
      case 0:
        return std::to_string(static_cast<int64_t>(rng()) >> (r % 60));
      case 1:
        return std::string(r % 80, static_cast<char>('a' + r % 26));
      case 2:
        return std::string("\r\n\0x", 4);
      default:
        return std::string();
    }
  };
  auto live = [&](std::map<std::string, ModelValue>& m, const std::string& k) -> ModelValue* {
    auto it = m.find(k);
    if (it == m.end()) return nullptr;
    if (it->second.expire_at >= 0 && it->second.expire_at <= clock.now_ms()) {
      m.erase(it);
      return nullptr;
    }
    return &it->second;
  };
  for (int step = 0; step < 300000; ++step) {
    uint64_t r = rng();
    std::string k = key_of(r >> 8);
    switch (r % 11) {
      case 0:
      case 1: {
        std::string v = value_for(rng());
        bool keep = (r >> 40) % 2 == 0;
        db.set_string(k, v, keep);
        ModelValue* cur = live(model, k);
        int64_t exp = keep && cur ? cur->expire_at : -1;
        model[k] = ModelValue{v, exp};
        break;
      }
      case 2: {
        ModelValue* cur = live(model, k);
        CHECK(db.erase(k) == (cur != nullptr));
        model.erase(k);
        break;
      }
      case 3: {
        int64_t when = clock.now_ms() + static_cast<int64_t>(rng() % 2000) - 100;
        db.set_expire_at(k, when);
        if (ModelValue* cur = live(model, k)) {
          if (when <= clock.now_ms()) {
            model.erase(k);
          } else {
            cur->expire_at = when;
          }
        }
        break;
      }
      case 4: {
        ModelValue* cur = live(model, k);
        bool had = cur && cur->expire_at >= 0;
        CHECK(db.persist(k) == had);
        if (had) cur->expire_at = -1;
        break;
      }
      case 5: {
        ModelValue* cur = live(model, k);
        std::string* s = db.mutable_string(k, true);
        if (!cur) model[k] = ModelValue{};
        s->append("+");
        model[k].value.append("+");
        break;
      }
      case 6: {
        std::string to = key_of(rng());
        bool nx = (r >> 40) % 2 == 0;
        ModelValue* src = live(model, k);
        ModelValue* dst = live(model, to);
        Db::RenameResult res = db.rename(k, to, nx);
        if (!src) {
          CHECK(res == Db::RenameResult::kNoSuchKey);
        } else if (k == to) {
          CHECK(res == (nx ? Db::RenameResult::kTargetExists : Db::RenameResult::kOk));
        } else if (dst && nx) {
          CHECK(res == Db::RenameResult::kTargetExists);
        } else {
          CHECK(res == Db::RenameResult::kOk);
          ModelValue moved = *src;
          model.erase(k);
          model[to] = moved;
        }
        break;
      }
      case 7: {
        ModelValue* src = live(model, k);
        ModelValue* dst = live(model_other, k);
        Db::RenameResult res = db.move_to(other, k);
        if (!src) {
          CHECK(res == Db::RenameResult::kNoSuchKey);
        } else if (dst) {
          CHECK(res == Db::RenameResult::kTargetExists);
        } else {
          CHECK(res == Db::RenameResult::kOk);
          model_other[k] = *src;
          model.erase(k);
        }
        break;
      }
      case 8: {
        std::string to = key_of(rng());
        ModelValue* src = live(model_other, k);
        ModelValue* dst = live(model, to);
        bool replace = (r >> 40) % 2 == 0;
        Db::RenameResult res = other.copy_to(db, k, to, replace);
        if (!src) {
          CHECK(res == Db::RenameResult::kNoSuchKey);
        } else if (dst && !replace) {
          CHECK(res == Db::RenameResult::kTargetExists);
        } else {
          CHECK(res == Db::RenameResult::kOk);
          model[to] = *src;
        }
        break;
      }
      case 9:
        clock.advance_ms(static_cast<int64_t>(rng() % 20));
        break;
      default: {
        size_t n = db.expire_some(clock.now_ms(), rng() % 8);
        (void)n;
        break;
      }
    }
    if (step % 5000 == 0 || step == 299999) {
      for (auto* pair : {&model, &model_other}) {
        Db& d = pair == &model ? db : other;
        for (int i = 0; i < 400; ++i) {
          for (std::string k2 : {"k" + std::to_string(i), "k" + std::to_string(i) + '\0'}) {
            ModelValue* m = live(*pair, k2);
            const core::Entry* e = d.peek(k2);
            REQUIRE((e != nullptr) == (m != nullptr));
            if (!m) continue;
            std::string scratch;
            REQUIRE(std::string(Db::string_of(e, scratch)) == m->value);
            REQUIRE(d.expire_at(k2) == m->expire_at);
          }
        }
        size_t with_ttl = 0;
        for (auto& [key, mv] : *pair) with_ttl += mv.expire_at >= 0 ? 1 : 0;
        CHECK(d.size() == pair->size());
        CHECK(d.expires() == with_ttl);
      }
    }
  }
}

TEST_CASE("1M keys with random TTLs disappear through active expiry alone") {
  base::ManualClock clock;
  ShardStore store(clock);
  std::mt19937_64 rng(4242);
  const int kKeys = 1'000'000;
  const int64_t t0 = clock.now_ms();
  int64_t latest = t0;
  char key[32];
  for (int i = 0; i < kKeys; ++i) {
    int len = std::snprintf(key, sizeof(key), "key:%012d", i);
    std::string_view k(key, static_cast<size_t>(len));
    Db& db = store.db(i % 3);
    db.set_string(k, "abc");
    int64_t when = t0 + 1 + static_cast<int64_t>(rng() % 60'000);
    latest = std::max(latest, when);
    db.set_expire_at(k, when);
  }
  CHECK(store.db(0).size() + store.db(1).size() + store.db(2).size() == kKeys);
  // Advance time in steps; only the loop's per-turn work runs, and each turn is bounded.
  auto total = [&] { return store.db(0).size() + store.db(1).size() + store.db(2).size(); };
  const size_t kPerTurn = 1000;
  size_t turns = 0;
  size_t max_per_turn = 0;
  while (clock.now_ms() <= latest + 1) {
    clock.advance_ms(500);
    for (;;) {
      size_t before = total();
      bool more = store.on_turn(kPerTurn, 1'000'000);
      max_per_turn = std::max(max_per_turn, before - total());
      ++turns;
      if (!more) break;
    }
    // Everything due is gone, nothing not yet due is.
    int64_t next = store.next_expiry();
    CHECK((next == -1 || next > clock.now_ms()));
  }
  CHECK(max_per_turn == kPerTurn);
  CHECK(store.db(0).size() + store.db(1).size() + store.db(2).size() == 0);
  CHECK(store.db(0).expires() + store.db(1).expires() + store.db(2).expires() == 0);
  CHECK(store.next_expiry() == -1);
  CHECK(store.slab().bytes_in_use() == 0);
  CHECK(turns >= kKeys / kPerTurn);
  CHECK(store.db(0).expires() == 0);
}

}  // namespace
}  // namespace shardis::server
