// The RDB file framing: what the writer functions produce, and what the parser reads back,
// accepts and refuses.
#include <doctest/doctest.h>
#include <shardis/base/crc.h>
#include <shardis/persist/rdb_file.h>
#include <shardis/persist/rdb_value.h>

#include <cstring>
#include <string>

namespace shardis::persist {
namespace {

// A file with two databases, an expiring key, an aux field and a valid checksum.
std::string sample_file(bool checksum = true) {
  std::string out;
  RdbWriter w(out);
  RdbHeader h;
  h.ctime = 1700000000;
  h.used_mem = 123;
  write_rdb_header(w, h);
  write_rdb_select_db(w, 0, 2, 1);
  write_rdb_expire_ms(w, 1800000000000);
  w.byte(kRdbString);
  w.string("k1");
  w.string("v1");
  w.byte(kRdbString);
  w.string("k2");
  write_rdb_int(w, 42);
  write_rdb_select_db(w, 3, 1, 0);
  w.byte(kRdbString);
  w.string("k3");
  w.string(std::string(100, 'z'));
  write_rdb_eof(w);
  write_rdb_checksum(w, checksum ? base::crc64(0, out) : 0);
  return out;
}

TEST_CASE("rdb file: the header is Redis 7.0's") {
  const std::string f = sample_file();
  CHECK(f.substr(0, 9) == "REDIS0010");
  // The first aux field: 0xFA, "redis-ver", "7.0.15".
  CHECK(static_cast<unsigned char>(f[9]) == 0xFA);
  CHECK(f.substr(10, 10) == "\x09redis-ver");
  CHECK(f.substr(20, 7) ==
        "\x06"
        "7.0.15");
}

TEST_CASE("rdb file: keys come back with their database and expiry") {
  const std::string f = sample_file();
  RdbFileParser p(f);
  REQUIRE(p.read_header());
  CHECK(p.version() == 10);
  RdbKeyHeader k;
  REQUIRE(p.next(&k) == RdbFileParser::Next::kKey);
  CHECK(k.db == 0);
  CHECK(k.key == "k1");
  CHECK(k.expire_ms == 1800000000000);
  RdbObject v;
  REQUIRE(read_rdb_object(p.reader(), k.type, &v));
  CHECK(v.str == "v1");
  REQUIRE(p.next(&k) == RdbFileParser::Next::kKey);
  CHECK(k.key == "k2");
  CHECK(k.expire_ms == -1);
  REQUIRE(skip_rdb_object(p.reader(), k.type));
  REQUIRE(p.next(&k) == RdbFileParser::Next::kKey);
  CHECK(k.db == 3);
  CHECK(k.key == "k3");
  REQUIRE(read_rdb_object(p.reader(), k.type, &v));
  CHECK(v.str == std::string(100, 'z'));
  CHECK(p.next(&k) == RdbFileParser::Next::kEof);
  bool saw_ver = false;
  for (const auto& [key, value] : p.aux()) saw_ver |= key == "redis-ver" && value == "7.0.15";
  CHECK(saw_ver);
}

// Walks a whole file, reading every value; returns the parser's error or "".
std::string parse_all(const std::string& f) {
  RdbFileParser p(f);
  if (!p.read_header()) return p.error();
  RdbKeyHeader k;
  for (;;) {
    switch (p.next(&k)) {
      case RdbFileParser::Next::kEof:
        return "";
      case RdbFileParser::Next::kError:
        return p.error();
      case RdbFileParser::Next::kKey: {
        RdbObject v;
        if (!read_rdb_object(p.reader(), k.type, &v)) return p.error();
      }
    }
  }
}

TEST_CASE("rdb file: corruption and truncation are refused, naming the offset") {
  const std::string f = sample_file();
  CHECK(parse_all(f).empty());
  CHECK(parse_all(sample_file(false)).empty());  // a zero checksum is not checked, as Redis
  for (size_t i = 9; i < f.size() - 8; ++i) {
    std::string bad = f;
    bad[i] = static_cast<char>(bad[i] ^ 0x20);
    const std::string err = parse_all(bad);
    CAPTURE(i);
    CHECK(!err.empty());
    CHECK(err.find("offset") != std::string::npos);
  }
  for (size_t n = 0; n < f.size(); ++n) {
    CAPTURE(n);
    CHECK(!parse_all(f.substr(0, n)).empty());
  }
  CHECK(parse_all("REDIS0011" + f.substr(9)).find("version") != std::string::npos);
  CHECK(parse_all("RUBIS0010" + f.substr(9)).find("signature") != std::string::npos);
}

}  // namespace
}  // namespace shardis::persist
