// KEYS, SCAN and RANDOMKEY against Redis 7.0's exact replies (checked on redis-server 7.0.15),
// and the SCAN cursor encoding across shards.
#include <doctest/doctest.h>
#include <shardis/base/clock.h>
#include <shardis/proto/reply_buffer.h>
#include <shardis/proto/reply_builder.h>
#include <shardis/server/families/keyspace_scan.h>
#include <shardis/server/registry.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "support/family_harness.h"
#include "support/resp_expect.h"

namespace shardis::test {
namespace {

const std::string kInvalidCursor = "-ERR invalid cursor\r\n";

// A SCAN reply taken apart: "*2\r\n$<n>\r\n<cursor>\r\n*<m>\r\n" then m bulk strings.
struct ScanReply {
  bool ok = false;
  uint64_t cursor = 0;
  std::vector<std::string> keys;
};

// Reads "<prefix><number>\r\n" at pos.
bool read_header(const std::string& s, size_t& pos, char prefix, uint64_t& n) {
  if (pos >= s.size() || s[pos] != prefix) return false;
  size_t end = s.find("\r\n", pos);
  if (end == std::string::npos) return false;
  n = std::stoull(s.substr(pos + 1, end - pos - 1));
  pos = end + 2;
  return true;
}

bool read_bulk(const std::string& s, size_t& pos, std::string& out) {
  uint64_t len = 0;
  if (!read_header(s, pos, '$', len) || pos + len + 2 > s.size()) return false;
  out = s.substr(pos, len);
  pos += len + 2;
  return true;
}

ScanReply parse_scan_reply(const std::string& s) {
  ScanReply r;
  size_t pos = 0;
  uint64_t n = 0;
  std::string cursor;
  if (!read_header(s, pos, '*', n) || n != 2 || !read_bulk(s, pos, cursor)) return r;
  r.cursor = std::stoull(cursor);
  if (!read_header(s, pos, '*', n)) return r;
  for (uint64_t i = 0; i < n; ++i) {
    std::string key;
    if (!read_bulk(s, pos, key)) return r;
    r.keys.push_back(key);
  }
  r.ok = pos == s.size();
  return r;
}

// The keys of a KEYS reply, as a set.
std::set<std::string> parse_keys_reply(const std::string& s) {
  std::set<std::string> keys;
  size_t pos = 0;
  uint64_t n = 0;
  if (!read_header(s, pos, '*', n)) return keys;
  for (uint64_t i = 0; i < n; ++i) {
    std::string key;
    if (!read_bulk(s, pos, key)) break;
    keys.insert(key);
  }
  return keys;
}

// A full SCAN from cursor 0 back to 0 with the given options; every key once per report.
std::multiset<std::string> full_scan(FamilyHarness& h, const std::vector<std::string>& opts,
                                     int* calls = nullptr) {
  std::multiset<std::string> seen;
  uint64_t cursor = 0;
  int n = 0;
  do {
    std::vector<std::string> argv{"SCAN", std::to_string(cursor)};
    argv.insert(argv.end(), opts.begin(), opts.end());
    ScanReply r = parse_scan_reply(h.run(argv));
    REQUIRE(r.ok);
    seen.insert(r.keys.begin(), r.keys.end());
    cursor = r.cursor;
    REQUIRE(++n < 100000);
  } while (cursor != 0);
  if (calls != nullptr) *calls = n;
  return seen;
}

void fill(FamilyHarness& h, int n, const std::string& prefix = "key:") {
  for (int i = 0; i < n; ++i) {
    REQUIRE(h.run({"SET", prefix + std::to_string(i), std::to_string(i)}) == kOk);
  }
}

// ---- Cursor encoding ----

TEST_CASE("SCAN cursor encoding: cursor = table_cursor * shards + shard") {
  using server::decode_scan_cursor;
  using server::next_scan_cursor;
  // One shard: the cursor is the table cursor.
  CHECK(decode_scan_cursor(0, 1).shard == 0);
  CHECK(decode_scan_cursor(12345, 1).table == 12345);
  CHECK(next_scan_cursor(12345, 0, 1) == 12345);
  CHECK(next_scan_cursor(0, 0, 1) == 0);
  // Three shards.
  CHECK(decode_scan_cursor(0, 3).shard == 0);
  CHECK(decode_scan_cursor(0, 3).table == 0);
  CHECK(next_scan_cursor(5, 1, 3) == 16);
  CHECK(decode_scan_cursor(16, 3).table == 5);
  CHECK(decode_scan_cursor(16, 3).shard == 1);
  // A shard's scan done: the next shard from its start, which is just shard + 1.
  CHECK(next_scan_cursor(0, 0, 3) == 1);
  CHECK(next_scan_cursor(0, 1, 3) == 2);
  CHECK(decode_scan_cursor(2, 3).shard == 2);
  CHECK(decode_scan_cursor(2, 3).table == 0);
  // The last shard ends the scan.
  CHECK(next_scan_cursor(0, 2, 3) == 0);
  // Round trip.
  for (uint32_t shards : {1u, 2u, 3u, 7u, 64u}) {
    for (uint32_t shard = 0; shard < shards; ++shard) {
      for (uint64_t table : {1ull, 2ull, 1023ull, 1ull << 40}) {
        server::ScanCursor c = decode_scan_cursor(next_scan_cursor(table, shard, shards), shards);
        CHECK(c.table == table);
        CHECK(c.shard == shard);
      }
    }
  }
  // Any cursor a client sends decodes to a valid shard.
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  CHECK(decode_scan_cursor(kMax, 3).shard < 3);
  CHECK(decode_scan_cursor(kMax, 64).shard < 64);
}

// ---- KEYS ----

TEST_CASE("KEYS") {
  FamilyHarness h;
  CHECK(h.run({"KEYS", "*"}) == "*0\r\n");
  CHECK(h.run({"MSET", "one", "1", "two", "2", "three", "3", "four", "4"}) == kOk);
  CHECK(parse_keys_reply(h.run({"KEYS", "*"})) ==
        std::set<std::string>{"one", "two", "three", "four"});
  CHECK(parse_keys_reply(h.run({"KEYS", "*o*"})) == std::set<std::string>{"one", "two", "four"});
  CHECK(parse_keys_reply(h.run({"KEYS", "t??"})) == std::set<std::string>{"two"});
  CHECK(parse_keys_reply(h.run({"KEYS", "[ot]*"})) == std::set<std::string>{"one", "two", "three"});
  CHECK(h.run({"KEYS", "one"}) == "*1\r\n" + bulk("one"));
  // Case-sensitive.
  CHECK(h.run({"KEYS", "ONE"}) == "*0\r\n");
  CHECK(h.run({"KEYS", "O*"}) == "*0\r\n");
  CHECK(h.run({"KEYS"}) == wrong_args("keys"));
  CHECK(h.run({"KEYS", "a", "b"}) == wrong_args("keys"));
  // Only the selected database.
  CHECK(h.run({"SELECT", "1"}) == kOk);
  CHECK(h.run({"KEYS", "*"}) == "*0\r\n");
  h.client().resp = 3;
  CHECK(h.run({"KEYS", "*"}) == "*0\r\n");
}

TEST_CASE("KEYS and the empty key") {
  FamilyHarness h;
  CHECK(h.run({"SET", "", "e"}) == kOk);
  // The lone "*" skips matching, so it lists the empty key; "" matches it too.
  CHECK(h.run({"KEYS", "*"}) == "*1\r\n" + bulk(""));
  CHECK(h.run({"KEYS", ""}) == "*1\r\n" + bulk(""));
  CHECK(h.run({"KEYS", "?"}) == "*0\r\n");
  CHECK(h.run({"KEYS", "**"}) == "*0\r\n");
}

TEST_CASE("KEYS with binary keys and patterns") {
  FamilyHarness h;
  const std::string key("a\0b\r\n", 5);
  CHECK(h.run(std::vector<std::string>{"SET", key, "v"}) == kOk);
  CHECK(h.run({"KEYS", "*"}) == "*1\r\n" + bulk(key));
  CHECK(h.run(std::vector<std::string>{"KEYS", std::string("a\0*", 3)}) == "*1\r\n" + bulk(key));
  CHECK(h.run(std::vector<std::string>{"KEYS", std::string("\0", 1)}) == "*0\r\n");
}

TEST_CASE("KEYS leaves out expired keys") {
  FamilyHarness h;
  CHECK(h.run({"SET", "a", "1", "PX", "100"}) == kOk);
  CHECK(h.run({"SET", "b", "1"}) == kOk);
  CHECK(parse_keys_reply(h.run({"KEYS", "*"})) == std::set<std::string>{"a", "b"});
  h.clock().advance_ms(100);
  CHECK(h.run({"KEYS", "*"}) == "*1\r\n" + bulk("b"));
  CHECK(h.run({"KEYS", "a"}) == "*0\r\n");
}

// ---- SCAN ----

TEST_CASE("SCAN over 1000 keys reports each key") {
  FamilyHarness h;
  fill(h, 1000);
  int calls = 0;
  std::multiset<std::string> seen = full_scan(h, {}, &calls);
  std::set<std::string> unique(seen.begin(), seen.end());
  CHECK(unique.size() == 1000);
  CHECK(seen.size() == 1000);  // no resize during the scan: each key once
  for (int i = 0; i < 1000; ++i) CHECK(unique.count("key:" + std::to_string(i)) == 1);
  // COUNT 10 by default: many calls.
  CHECK(calls > 10);
  // A large COUNT finishes in one call.
  ScanReply all = parse_scan_reply(h.run({"SCAN", "0", "COUNT", "100000"}));
  REQUIRE(all.ok);
  CHECK(all.cursor == 0);
  CHECK(all.keys.size() == 1000);
  // The largest COUNT does not overflow.
  ScanReply huge = parse_scan_reply(h.run({"SCAN", "0", "COUNT", "9223372036854775807"}));
  CHECK(huge.cursor == 0);
  CHECK(huge.keys.size() == 1000);
}

TEST_CASE("SCAN COUNT bounds the work of one call") {
  FamilyHarness h;
  fill(h, 1000);
  ScanReply r = parse_scan_reply(h.run({"SCAN", "0", "COUNT", "5"}));
  REQUIRE(r.ok);
  CHECK(r.cursor != 0);
  CHECK(r.keys.size() >= 5);
  CHECK(r.keys.size() < 100);
  // COUNT is a hint about the work, not about the filtered result: a MATCH that hits nothing
  // still returns a cursor to continue from.
  ScanReply none = parse_scan_reply(h.run({"SCAN", "0", "MATCH", "nothing*", "COUNT", "5"}));
  REQUIRE(none.ok);
  CHECK(none.cursor != 0);
  CHECK(none.keys.empty());
  // The cursor continues where the previous call stopped.
  ScanReply next = parse_scan_reply(h.run({"SCAN", std::to_string(r.cursor), "COUNT", "5"}));
  REQUIRE(next.ok);
  for (const std::string& k : next.keys) {
    CHECK(std::find(r.keys.begin(), r.keys.end(), k) == r.keys.end());
  }
}

TEST_CASE("SCAN keeps its guarantee while the table grows and shrinks") {
  FamilyHarness h;
  fill(h, 500, "stay:");
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int step = 0;
  do {
    ScanReply r = parse_scan_reply(h.run({"SCAN", std::to_string(cursor), "COUNT", "20"}));
    REQUIRE(r.ok);
    seen.insert(r.keys.begin(), r.keys.end());
    cursor = r.cursor;
    // Grow the table mid-scan, then shrink it again.
    if (step == 3) fill(h, 3000, "grow:");
    if (step == 20) {
      for (int i = 0; i < 3000; ++i) h.run({"DEL", "grow:" + std::to_string(i)});
    }
    ++step;
  } while (cursor != 0);
  for (int i = 0; i < 500; ++i) CHECK(seen.count("stay:" + std::to_string(i)) == 1);
}

TEST_CASE("SCAN MATCH") {
  FamilyHarness h;
  fill(h, 100, "a:");
  fill(h, 100, "b:");
  std::multiset<std::string> a = full_scan(h, {"MATCH", "a:*"});
  CHECK(a.size() == 100);
  for (const std::string& k : a) CHECK(k.rfind("a:", 0) == 0);
  CHECK(full_scan(h, {"MATCH", "b:1?"}).size() == 10);
  CHECK(full_scan(h, {"match", "b:7"}) == std::multiset<std::string>{"b:7"});
  CHECK(full_scan(h, {"MATCH", "c*"}).empty());
  // The last MATCH wins.
  CHECK(full_scan(h, {"MATCH", "c*", "MATCH", "a:5"}) == std::multiset<std::string>{"a:5"});
  // "*" matches everything, the empty key included.
  CHECK(h.run({"SET", "", "e"}) == kOk);
  std::multiset<std::string> all = full_scan(h, {"MATCH", "*"});
  CHECK(all.size() == 201);
  CHECK(all.count("") == 1);
}

TEST_CASE("SCAN TYPE") {
  FamilyHarness h;
  fill(h, 50);
  CHECK(full_scan(h, {"TYPE", "string"}).size() == 50);
  CHECK(full_scan(h, {"TYPE", "STRING"}).size() == 50);
  // An unknown type is no error in 7.0: it matches nothing.
  CHECK(full_scan(h, {"TYPE", "list"}).empty());
  CHECK(full_scan(h, {"TYPE", "foo"}).empty());
  CHECK(full_scan(h, {"TYPE", "none"}).empty());
  CHECK(full_scan(h, {"TYPE", "string", "MATCH", "key:4*", "COUNT", "3"}).size() == 11);
  CHECK(full_scan(h, {"TYPE", std::string("string\0x", 8)}).size() == 50);
}

TEST_CASE("SCAN leaves out expired keys") {
  FamilyHarness h;
  fill(h, 100);
  for (int i = 0; i < 50; ++i) {
    REQUIRE(h.run({"PEXPIRE", "key:" + std::to_string(i), "100"}) == integer(1));
  }
  CHECK(full_scan(h, {}).size() == 100);
  h.clock().advance_ms(100);
  std::multiset<std::string> live = full_scan(h, {});
  CHECK(live.size() == 50);
  for (const std::string& k : live) CHECK(std::stoi(k.substr(4)) >= 50);
  CHECK(full_scan(h, {"TYPE", "none"}).empty());
  // The scan reclaimed the expired keys it met.
  CHECK(h.run({"DBSIZE"}) == integer(50));
}

TEST_CASE("SCAN cursor parsing as Redis's strtoul") {
  FamilyHarness h;
  CHECK(h.run({"SET", "k", "v"}) == kOk);
  const std::string one = "*2\r\n" + bulk("0") + "*1\r\n" + bulk("k");
  CHECK(h.run({"SCAN", "0"}) == one);
  CHECK(h.run({"SCAN", ""}) == one);
  CHECK(h.run({"SCAN", "+0"}) == one);
  CHECK(h.run({"SCAN", "-0"}) == one);
  CHECK(h.run({"SCAN", "007"}).rfind("*2\r\n", 0) == 0);
  CHECK(h.run({"SCAN", "-1"}).rfind("*2\r\n", 0) == 0);
  CHECK(h.run({"SCAN", "18446744073709551615"}).rfind("*2\r\n", 0) == 0);
  CHECK(h.run({"SCAN", "-18446744073709551615"}).rfind("*2\r\n", 0) == 0);
  CHECK(h.run(std::vector<std::string>{"SCAN", std::string("0\0x", 3)}) == one);
  CHECK(h.run({"SCAN", "18446744073709551616"}) == kInvalidCursor);
  CHECK(h.run({"SCAN", "-18446744073709551616"}) == kInvalidCursor);
  CHECK(h.run({"SCAN", "abc"}) == kInvalidCursor);
  CHECK(h.run({"SCAN", " 1"}) == kInvalidCursor);
  CHECK(h.run({"SCAN", "\t1"}) == kInvalidCursor);
  CHECK(h.run({"SCAN", "1 "}) == kInvalidCursor);
  CHECK(h.run({"SCAN", "0x1"}) == kInvalidCursor);
  CHECK(h.run({"SCAN", "+"}) == kInvalidCursor);
  CHECK(h.run({"SCAN", "-"}) == kInvalidCursor);
  CHECK(h.run({"SCAN", "1.5"}) == kInvalidCursor);
}

TEST_CASE("SCAN argument errors") {
  FamilyHarness h;
  CHECK(h.run({"SCAN"}) == wrong_args("scan"));
  CHECK(h.run({"SCAN", "0", "COUNT"}) == kSyntax);
  CHECK(h.run({"SCAN", "0", "MATCH"}) == kSyntax);
  CHECK(h.run({"SCAN", "0", "TYPE"}) == kSyntax);
  CHECK(h.run({"SCAN", "0", "COUNT", "0"}) == kSyntax);
  CHECK(h.run({"SCAN", "0", "COUNT", "-1"}) == kSyntax);
  CHECK(h.run({"SCAN", "0", "COUNT", "abc"}) == kNotInt);
  CHECK(h.run({"SCAN", "0", "COUNT", "01"}) == kNotInt);
  CHECK(h.run({"SCAN", "0", "COUNT", "9223372036854775808"}) == kNotInt);
  CHECK(h.run({"SCAN", "0", "foo", "bar"}) == kSyntax);
  CHECK(h.run({"SCAN", "0", "COUNT", "0", "MATCH"}) == kSyntax);
  CHECK(h.run({"SCAN", "0", "COUNT", "1", "COUNT", "0"}) == kSyntax);
  // The cursor is checked first.
  CHECK(h.run({"SCAN", "abc", "COUNT", "0"}) == kInvalidCursor);
}

TEST_CASE("SCAN replies the same shape in RESP3") {
  FamilyHarness h;
  h.client().resp = 3;
  CHECK(h.run({"SCAN", "0"}) == "*2\r\n" + bulk("0") + "*0\r\n");
  CHECK(h.run({"SET", "k", "v"}) == kOk);
  CHECK(h.run({"SCAN", "0"}) == "*2\r\n" + bulk("0") + "*1\r\n" + bulk("k"));
}

TEST_CASE("SCAN sees only the selected database") {
  FamilyHarness h;
  fill(h, 10);
  CHECK(h.run({"SELECT", "2"}) == kOk);
  CHECK(h.run({"SCAN", "0"}) == "*2\r\n" + bulk("0") + "*0\r\n");
  CHECK(h.run({"SET", "x", "1"}) == kOk);
  CHECK(full_scan(h, {}) == std::multiset<std::string>{"x"});
}

// One shard of several: the cursor carries the shard, and the shard's last page points at the
// next shard (or ends the scan on the last shard).
struct ShardOfMany {
  explicit ShardOfMany(uint32_t shard, uint32_t shards) : store(clock, shard, shards) {
    server::register_all_families(registry);
  }
  std::string run(const std::vector<std::string>& args) {
    return run_on_store(registry, info, store, client, args);
  }
  base::ManualClock clock;
  server::Registry registry;
  server::ServerInfo info;
  server::ShardStore store;
  server::ClientState client;
};

// Scans one shard's store from its first cursor (== shard) until the reply leaves the shard.
uint64_t scan_one_shard(ShardOfMany& s, uint32_t shard, uint32_t shards,
                        std::set<std::string>& seen) {
  uint64_t cursor = shard;
  for (int n = 0; n < 10000; ++n) {
    ScanReply r = parse_scan_reply(s.run({"SCAN", std::to_string(cursor), "COUNT", "7"}));
    REQUIRE(r.ok);
    seen.insert(r.keys.begin(), r.keys.end());
    cursor = r.cursor;
    if (cursor == 0 || server::decode_scan_cursor(cursor, shards).table == 0) return cursor;
    CHECK(server::decode_scan_cursor(cursor, shards).shard == shard);
  }
  FAIL("scan did not finish");
  return 0;
}

TEST_CASE("SCAN on one shard of three") {
  for (uint32_t shard = 0; shard < 3; ++shard) {
    CAPTURE(shard);
    ShardOfMany s(shard, 3);
    for (int i = 0; i < 300; ++i) {
      REQUIRE(s.run({"SET", "k" + std::to_string(i), "v"}) == kOk);
    }
    std::set<std::string> seen;
    uint64_t next = scan_one_shard(s, shard, 3, seen);
    CHECK(seen.size() == 300);
    CHECK(next == (shard == 2 ? 0 : shard + 1));
  }
  // An empty shard moves straight to the next one.
  ShardOfMany empty(1, 3);
  CHECK(empty.run({"SCAN", "1"}) == "*2\r\n" + bulk("2") + "*0\r\n");
  ShardOfMany last(2, 3);
  CHECK(last.run({"SCAN", "2"}) == "*2\r\n" + bulk("0") + "*0\r\n");
}

// ---- RANDOMKEY ----

TEST_CASE("RANDOMKEY") {
  FamilyHarness h;
  CHECK(h.run({"RANDOMKEY"}) == kNil);
  CHECK(h.run({"SET", "only", "v"}) == kOk);
  CHECK(h.run({"RANDOMKEY"}) == bulk("only"));
  fill(h, 20);
  std::set<std::string> picked;
  for (int i = 0; i < 300; ++i) {
    std::string r = h.run({"RANDOMKEY"});
    REQUIRE(r.rfind("$", 0) == 0);
    std::string key = r.substr(r.find("\r\n") + 2);
    key.resize(key.size() - 2);
    picked.insert(key);
  }
  for (const std::string& k : picked) CHECK((k == "only" || k.rfind("key:", 0) == 0));
  CHECK(picked.size() > 5);
  CHECK(h.run({"RANDOMKEY", "x"}) == wrong_args("randomkey"));
  CHECK(h.run({"SET", "", "e"}) == kOk);
  CHECK(h.run({"FLUSHDB"}) == kOk);
  CHECK(h.run({"SET", "", "e"}) == kOk);
  CHECK(h.run({"RANDOMKEY"}) == bulk(""));
}

TEST_CASE("RANDOMKEY skips expired keys") {
  FamilyHarness h;
  fill(h, 30);
  for (int i = 0; i < 30; ++i) {
    REQUIRE(h.run({"PEXPIRE", "key:" + std::to_string(i), "10"}) == integer(1));
  }
  CHECK(h.run({"SET", "live", "v"}) == kOk);
  h.clock().advance_ms(10);
  for (int i = 0; i < 20; ++i) CHECK(h.run({"RANDOMKEY"}) == bulk("live"));
  CHECK(h.run({"DEL", "live"}) == integer(1));
  CHECK(h.run({"RANDOMKEY"}) == kNil);
  h.client().resp = 3;
  CHECK(h.run({"RANDOMKEY"}) == "_\r\n");
}

}  // namespace
}  // namespace shardis::test
