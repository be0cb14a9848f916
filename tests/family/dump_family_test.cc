// DUMP and RESTORE against Redis 7.0's payloads and replies. The payload fixtures are what
// redis-server 7.0.15 returned from DUMP for the values named next to them.
#include <doctest/doctest.h>
#include <shardis/base/crc.h>

#include <string>
#include <string_view>
#include <vector>

#include "support/byte_strings.h"
#include "support/family_harness.h"
#include "support/resp_expect.h"

namespace shardis::test {
namespace {

// body + RDB version 10 + its CRC-64, as DUMP frames a value.
std::string with_footer(std::string body) {
  body.append("\x0a\x00", 2);
  const uint64_t crc = base::crc64(0, body);
  body.append(reinterpret_cast<const char*>(&crc), 8);
  return body;
}

struct Fixture {
  const char* key;
  const char* setup;  // how redis-server made it (documentation)
  const char* payload_hex;
  const char* encoding;  // OBJECT ENCODING after RESTORE, in both servers
};

const Fixture kRedisPayloads[] = {
    {"s", "SET s hello", "000568656c6c6f0a006372df766534200a", "embstr"},
    {"i", "SET i 12345", "00c139300a009d94ea2793fc08b9", "int"},
    {"big", "SET big -9223372036854775808",
     "00142d393232333337323033363835343737353830380a00ede2b956eb709e81", "int"},
    {"l", "RPUSH l a 1 bb -70000",
     "12010215150000000400816102010182626203f290eefe04ff0a00f9b197554d70cfe9", "quicklist"},
    {"h", "HSET h f1 v1 n 42", "10141400000004008266310382763103816e022a01ff0a003138f0c7327a23d3",
     "listpack"},
    {"si", "SADD si 1 2 300", "0b0e0200000003000000010002002c010a00e510b28e7b9529aa", "intset"},
    {"ss", "SADD ss x", "020101780a00ffe880ba760c2f09", "hashtable"},
    {"z", "ZADD z 1 a 2.5 b -3 c",
     "111a1a0000000600816302dffd02816102010181620283322e3504ff0a00a68a1ab1a9f2dcc2", "listpack"},
};

TEST_CASE("redis-server's payloads restore, and Shardis dumps the same bytes") {
  FamilyHarness h;
  for (const Fixture& f : kRedisPayloads) {
    CAPTURE(f.setup);
    const std::string payload = from_hex(f.payload_hex);
    CHECK(h.run({"RESTORE", f.key, "0", payload}) == kOk);
    CHECK(h.run({"OBJECT", "ENCODING", f.key}) == bulk(f.encoding));
    CHECK(h.run({"DUMP", f.key}) == bulk(payload));
  }
  CHECK(h.run({"GET", "s"}) == bulk("hello"));
  CHECK(h.run({"GET", "i"}) == bulk("12345"));
  CHECK(h.run({"GET", "big"}) == bulk("-9223372036854775808"));
  CHECK(h.run({"LRANGE", "l", "0", "-1"}) ==
        "*4\r\n$1\r\na\r\n$1\r\n1\r\n$2\r\nbb\r\n$6\r\n-70000\r\n");
  CHECK(h.run({"HGETALL", "h"}) == "*4\r\n$2\r\nf1\r\n$2\r\nv1\r\n$1\r\nn\r\n$2\r\n42\r\n");
  CHECK(h.run({"SMEMBERS", "si"}) == "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$3\r\n300\r\n");
  CHECK(h.run({"SMEMBERS", "ss"}) == "*1\r\n$1\r\nx\r\n");
  CHECK(h.run({"ZRANGE", "z", "0", "-1", "WITHSCORES"}) ==
        "*6\r\n$1\r\nc\r\n$2\r\n-3\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$3\r\n2.5\r\n");
}

// Values past the compact encodings' limits, and long strings that compress.
TEST_CASE("every encoding survives DUMP and RESTORE") {
  FamilyHarness h;
  std::vector<std::string> rpush{"RPUSH", "list"};
  std::vector<std::string> hset{"HSET", "hash"};
  std::vector<std::string> sadd{"SADD", "set"};
  std::vector<std::string> zadd{"ZADD", "zset"};
  for (int i = 0; i < 3000; ++i) {
    const std::string n = std::to_string(i);
    rpush.push_back("element-" + n + std::string(static_cast<size_t>(i % 50), 'x'));
    hset.push_back("field" + n);
    hset.push_back(i % 7 == 0 ? n : "value" + n);
    sadd.push_back(i % 2 == 0 ? n : "m" + n);
    zadd.push_back(i % 3 == 0 ? std::to_string(i * 0.25) : n);
    zadd.push_back("member" + n);
  }
  CHECK(h.run(rpush) == integer(3000));
  CHECK(h.run(hset) == integer(3000));
  CHECK(h.run(sadd) == integer(3000));
  CHECK(h.run(zadd) == integer(3000));
  CHECK(h.run({"SET", "long", std::string(1000, 'a') + "tail"}) == kOk);
  CHECK(h.run({"SADD", "wide", "1", "100000", "10000000000"}) == integer(3));
  const std::vector<std::vector<std::string>> reads = {{"LRANGE", "", "0", "-1"},
                                                       {"HGETALL", ""},
                                                       {"SMEMBERS", ""},
                                                       {"ZRANGE", "", "0", "-1", "WITHSCORES"},
                                                       {"GET", ""},
                                                       {"SMEMBERS", ""}};
  const char* keys[] = {"list", "hash", "set", "zset", "long", "wide"};
  const char* encodings[] = {"quicklist", "hashtable", "hashtable", "skiplist", "raw", "intset"};
  for (size_t i = 0; i < 6; ++i) {
    CAPTURE(keys[i]);
    std::string dump = h.run({"DUMP", keys[i]});
    REQUIRE(dump.size() > 10);
    const std::string payload =
        dump.substr(dump.find("\r\n") + 2, dump.size() - dump.find("\r\n") - 4);
    CHECK(h.run({"RESTORE", std::string(keys[i]) + "2", "0", payload}) == kOk);
    std::vector<std::string> a = reads[i];
    std::vector<std::string> b = reads[i];
    a[1] = keys[i];
    b[1] = std::string(keys[i]) + "2";
    const std::string original = h.run(a);
    CHECK(original.size() > 5);
    CHECK(h.run(b) == original);
    CHECK(h.run({"OBJECT", "ENCODING", b[1]}) == bulk(encodings[i]));
  }
  // rdbcompression: a long repetitive string is stored LZF-compressed (kind 3).
  const std::string dump = h.run({"DUMP", "long"});
  CHECK(dump.size() < 200);
  CHECK(static_cast<unsigned char>(dump[dump.find("\r\n") + 3]) == 0xC3);
}

TEST_CASE("CONFIG SET rdbcompression applies to DUMP") {
  FamilyHarness h;
  const std::string value = std::string(500, 'q') + "end";
  CHECK(h.run({"SET", "long", value}) == kOk);
  auto kind_byte = [&] {
    const std::string dump = h.run({"DUMP", "long"});
    return static_cast<unsigned char>(dump[dump.find("\r\n") + 3]);
  };
  CHECK(kind_byte() == 0xC3);  // LZF
  CHECK(h.run({"CONFIG", "SET", "rdbcompression", "no"}) == kOk);
  CHECK(h.run({"CONFIG", "GET", "rdbcompression"}) ==
        "*2\r\n" + bulk("rdbcompression") + bulk("no"));
  CHECK(kind_byte() == 0x41);  // a 14-bit length: 0x40 | (503 >> 8)
  CHECK(h.run({"CONFIG", "SET", "rdbcompression", "maybe"}) ==
        error("ERR CONFIG SET failed (possibly related to argument 'rdbcompression') - argument "
              "must be 'yes' or 'no'"));
}

TEST_CASE("RESTORE errors, in Redis's order") {
  FamilyHarness h;
  const std::string payload = from_hex(kRedisPayloads[0].payload_hex);
  CHECK(h.run({"SET", "k", "v"}) == kOk);
  CHECK(h.run({"RESTORE", "k", "0"}) == wrong_args("restore"));
  CHECK(h.run({"DUMP"}) == wrong_args("dump"));
  CHECK(h.run({"RESTORE", "k", "0", payload, "BOGUS"}) == kSyntax);
  CHECK(h.run({"RESTORE", "k", "0", payload, "IDLETIME"}) == kSyntax);
  CHECK(h.run({"RESTORE", "k", "0", payload, "IDLETIME", "x"}) == kNotInt);
  CHECK(h.run({"RESTORE", "k", "0", payload, "IDLETIME", "-1"}) ==
        error("ERR Invalid IDLETIME value, must be >= 0"));
  CHECK(h.run({"RESTORE", "k", "0", payload, "FREQ", "256"}) ==
        error("ERR Invalid FREQ value, must be >= 0 and <= 255"));
  CHECK(h.run({"RESTORE", "k", "0", payload, "FREQ", "1", "IDLETIME", "1"}) == kSyntax);
  CHECK(h.run({"RESTORE", "k", "0", payload, "IDLETIME", "1", "FREQ", "1"}) == kSyntax);
  CHECK(h.run({"RESTORE", "k", "x", payload}) == error("BUSYKEY Target key name already exists."));
  CHECK(h.run({"RESTORE", "n", "x", payload}) == kNotInt);
  CHECK(h.run({"RESTORE", "n", "-1", payload}) == error("ERR Invalid TTL value, must be >= 0"));
  const std::string footer = error("ERR DUMP payload version or checksum are wrong");
  CHECK(h.run({"RESTORE", "n", "0", "short"}) == footer);
  std::string flipped = payload;
  flipped[3] ^= 1;
  CHECK(h.run({"RESTORE", "n", "0", flipped}) == footer);
  std::string newer = payload;
  newer[newer.size() - 10] = 11;
  CHECK(h.run({"RESTORE", "n", "0", newer}) == footer);
  // A valid footer around a value that is not: an unknown type byte (a stream, here).
  const std::string bad_data = error("ERR Bad data format");
  CHECK(h.run({"RESTORE", "n", "0", with_footer("\x13")}) == bad_data);
  // A hash listpack with a field and no value, an empty set.
  CHECK(h.run({"RESTORE", "n", "0", with_footer(from_hex("100a0a0000000100816102ff"))}) ==
        bad_data);
  CHECK(h.run({"RESTORE", "n", "0", with_footer(from_hex("0200"))}) == bad_data);
  CHECK(h.run({"EXISTS", "n"}) == integer(0));
  // A string that runs past its part of the payload takes the footer's bytes, as in
  // redis-server (which reads the value from the whole payload); past the footer it is refused.
  CHECK(h.run({"RESTORE", "n", "0", with_footer(from_hex("000568656c"))}) == kOk);
  CHECK(h.run({"GET", "n"}) == bulk(std::string("hel\x0a\x00", 5)));
  CHECK(h.run({"RESTORE", "n2", "0", with_footer(from_hex("001468656c"))}) == bad_data);
}

TEST_CASE("RESTORE TTLs, IDLETIME, events and propagation") {
  FamilyHarness h;
  const std::string payload = from_hex(kRedisPayloads[0].payload_hex);
  const long long now = h.clock().now_ms();
  h.log().take_report();
  CHECK(h.run({"RESTORE", "a", "5000", payload}) == kOk);
  CHECK(h.run({"PTTL", "a"}) == integer(5000));
  CHECK(h.log().take_report() ==
        "[0 restore a] [RESTORE a " + std::to_string(now + 5000) + " " + payload + " ABSTTL] 1");
  CHECK(h.run({"RESTORE", "b", std::to_string(now + 7000), payload, "ABSTTL"}) == kOk);
  CHECK(h.run({"PTTL", "b"}) == integer(7000));
  CHECK(h.log().take_report() ==
        "[0 restore b] [RESTORE b " + std::to_string(now + 7000) + " " + payload + " ABSTTL] 1");
  // A TTL in the past: nothing is created; a key REPLACE removed is reported deleted.
  CHECK(h.run({"RESTORE", "c", std::to_string(now - 1), payload, "ABSTTL"}) == kOk);
  CHECK(h.run({"EXISTS", "c"}) == integer(0));
  CHECK(h.log().take_report() == "[] [] 0");
  CHECK(h.run({"RESTORE", "a", "1", payload, "ABSTTL", "REPLACE"}) == kOk);
  CHECK(h.run({"EXISTS", "a"}) == integer(0));
  CHECK(h.log().take_report() == "[0 del a] [DEL a] 1");
  // REPLACE of a live key, no TTL: the old TTL goes with the old value.
  CHECK(h.run({"RESTORE", "b", "0", payload, "REPLACE", "IDLETIME", "1000"}) == kOk);
  CHECK(h.run({"PTTL", "b"}) == integer(-1));
  CHECK(h.run({"OBJECT", "IDLETIME", "b"}) == integer(1000));
  CHECK(h.run({"RESTORE", "d", "0", payload, "FREQ", "5"}) == kOk);
  CHECK(h.log().take_report() == "[0 restore b, 0 restore d] [RESTORE b 0 " + payload +
                                     " REPLACE IDLETIME 1000, RESTORE d 0 " + payload +
                                     " FREQ 5] 2");
  CHECK(h.run({"DUMP", "missing"}) == kNil);
}

}  // namespace
}  // namespace shardis::test
