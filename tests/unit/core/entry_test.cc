// Entry layout: every value kind and key length round-trips, sizes are as documented, and the
// TTL index and access clock live where the layout says.
#include <doctest/doctest.h>
#include <shardis/core/entry.h>

#include <cstdint>
#include <limits>
#include <string>

namespace shardis::core {
namespace {

TEST_CASE("a 16-byte key with a 3-byte value takes 24 bytes") {
  Slab slab;
  std::string key = "key:000000000001";
  REQUIRE(key.size() == 16);
  Entry* e = Entry::create(slab, 0, key, false, EntryValue::of_emb("abc"), 7);
  CHECK(e->bytes() == 24);
  CHECK(Slab::block_size(e->bytes()) == 24);
  CHECK(e->key() == key);
  CHECK(e->kind() == ValueKind::kEmb);
  CHECK(e->emb() == "abc");
  CHECK(e->clock() == 7);
  CHECK_FALSE(e->has_ttl());
  Entry::free_block(slab, e);
  CHECK(slab.bytes_in_use() == 0);
}

TEST_CASE("integers of every width round-trip") {
  Slab slab;
  const int64_t values[] = {0,
                            1,
                            -1,
                            127,
                            -128,
                            128,
                            -129,
                            32767,
                            -32768,
                            32768,
                            2147483647,
                            -2147483648LL,
                            2147483648LL,
                            std::numeric_limits<int64_t>::max(),
                            std::numeric_limits<int64_t>::min()};
  for (int64_t v : values) {
    Entry* e = Entry::create(slab, 0, "k", false, EntryValue::of_int(v), 0);
    CHECK(e->kind() == ValueKind::kInt);
    CHECK(e->int_value() == v);
    CHECK(e->key() == "k");
    Entry::free_block(slab, e);
  }
  CHECK(slab.bytes_in_use() == 0);
}

TEST_CASE("binary keys and long keys round-trip") {
  Slab slab;
  std::string bin("a\0b\r\nc", 6);
  std::string long_key(300, 'x');
  long_key[150] = '\0';
  for (const std::string& key : {bin, long_key, std::string()}) {
    Entry* e = Entry::create(slab, 3, key, true, EntryValue::of_emb(bin), 9);
    e->set_ttl_index(123456);
    CHECK(e->key() == key);
    CHECK(e->type() == 3);
    CHECK(e->emb() == bin);
    CHECK(e->has_ttl());
    CHECK(e->ttl_index() == 123456);
    CHECK(e->bytes() == Entry::bytes_for(key.size(), true, EntryValue::of_emb(bin)));
    Entry::free_block(slab, e);
  }
}

TEST_CASE("rebuild keeps key, type, clock and TTL index; pointers change in place") {
  Slab slab;
  std::string big(100, 'v');
  auto* raw = new std::string(big);
  Entry* e = Entry::create(slab, 0, "key", true, EntryValue::of_ptr(ValueKind::kRaw, raw), 5);
  e->set_ttl_index(42);
  CHECK(*e->raw() == big);
  Entry* r = Entry::rebuild(slab, e, true, EntryValue::of_int(-5));
  CHECK(r->key() == "key");
  CHECK(r->clock() == 5);
  CHECK(r->ttl_index() == 42);
  CHECK(r->int_value() == -5);
  Entry* n = Entry::rebuild(slab, r, false, EntryValue::of_ptr(ValueKind::kRaw, raw));
  CHECK_FALSE(n->has_ttl());
  auto* other = new std::string("x");
  n->set_ptr(other);
  CHECK(n->raw() == other);
  delete raw;
  delete other;
  Entry::free_block(slab, n);
  CHECK(slab.bytes_in_use() == 0);
}

}  // namespace
}  // namespace shardis::core
