// AOF segments: what the writer frames, what the reader gives back, and how it tells a torn tail
// (a write cut short) from corruption (damage in place).
#include <doctest/doctest.h>
#include <shardis/persist/aof_format.h>

#include <string>
#include <string_view>
#include <vector>

namespace shardis::persist {
namespace {

struct Cmd {
  int db;
  std::vector<std::string_view> argv;
};

// A segment of header + records; ends[i] is where record i ends.
std::string segment(const std::vector<std::vector<Cmd>>& records, std::vector<size_t>* ends,
                    uint64_t first_txn = 0) {
  std::string out;
  write_aof_header(out, {kAofVersion, 1, 4, 77});
  AofRecordWriter w(out);
  uint64_t txn = first_txn;
  for (const auto& r : records) {
    w.begin(txn, static_cast<uint16_t>(r.size() > 1 ? 2 : 1));
    for (const Cmd& c : r) w.command(c.db, c.argv);
    w.end();
    if (txn != 0) ++txn;
    if (ends != nullptr) ends->push_back(out.size());
  }
  return out;
}

const std::vector<std::vector<Cmd>> kRecords = {
    {{0, {"SET", "k", "v"}}},
    {{3, {"RPUSH", std::string_view("l\0\xff", 3), "a", ""}}, {3, {"DEL", "x"}}},
    {{0, {"PEXPIREAT", "k", "1800000000000"}}},
    {{15, {"HSET", "h", "f", std::string_view("\r\n\x00", 3)}}},
};

// Reads a whole segment: the records' argv joined, and how it ended.
struct Read {
  std::vector<std::string> cmds;
  AofSegmentReader::Next last = AofSegmentReader::Next::kEnd;
  size_t offset = 0;
  std::string error;
};

Read read_all(std::string_view seg) {
  Read out;
  AofSegmentReader r(seg);
  AofSegmentHeader h;
  REQUIRE(r.read_header(&h));
  AofRecord rec;
  for (;;) {
    out.last = r.next(&rec);
    if (out.last != AofSegmentReader::Next::kRecord) break;
    for (const AofCommandView& c : rec.commands) {
      out.cmds.push_back(std::to_string(c.db) + " " + format_aof_command(c));
    }
  }
  out.offset = r.offset();
  out.error = r.error();
  return out;
}

TEST_CASE("aof: header and records round trip") {
  const std::string seg = segment(kRecords, nullptr, 41);
  CHECK(seg.substr(0, 8) == "SHARDAOF");
  AofSegmentReader r(seg);
  AofSegmentHeader h;
  REQUIRE(r.read_header(&h));
  CHECK(h.shard == 1);
  CHECK(h.shards == 4);
  CHECK(h.sequence == 77);
  AofRecord rec;
  REQUIRE(r.next(&rec) == AofSegmentReader::Next::kRecord);
  CHECK(rec.txn_id == 41);
  CHECK(rec.participants == 1);
  CHECK(rec.offset == kAofHeaderBytes);
  REQUIRE(r.next(&rec) == AofSegmentReader::Next::kRecord);
  CHECK(rec.txn_id == 42);
  CHECK(rec.participants == 2);
  REQUIRE(rec.commands.size() == 2);
  CHECK(rec.commands[0].db == 3);
  CHECK(rec.commands[0].argv[1] == std::string_view("l\0\xff", 3));
  CHECK(rec.commands[0].argv[3].empty());
  const Read all = read_all(seg);
  CHECK(all.last == AofSegmentReader::Next::kEnd);
  CHECK(all.cmds == std::vector<std::string>{"0 SET k v", "3 RPUSH \"l\\x00\\xff\" a \"\"",
                                             "3 DEL x", "0 PEXPIREAT k 1800000000000",
                                             "15 HSET h f \"\\x0d\\x0a\\x00\""});
}

TEST_CASE("aof: a bad header is refused") {
  std::string seg = segment(kRecords, nullptr);
  AofSegmentHeader h;
  for (size_t i = 0; i < kAofHeaderBytes; ++i) {
    std::string bad = seg;
    bad[i] = static_cast<char>(bad[i] ^ 1);
    AofSegmentReader r(bad);
    CAPTURE(i);
    CHECK(!r.read_header(&h));
    CHECK(r.error().find("offset") != std::string::npos);
  }
  AofSegmentReader r(std::string_view(seg).substr(0, 20));
  CHECK(!r.read_header(&h));
}

// Every cut inside the last three records loads exactly the whole records before the cut.
TEST_CASE("aof: truncation sweep") {
  std::vector<size_t> ends;
  const std::string seg = segment(kRecords, &ends);
  const size_t from = ends[0];  // the last three records start here
  for (size_t cut = from; cut <= seg.size(); ++cut) {
    CAPTURE(cut);
    const Read got = read_all(std::string_view(seg).substr(0, cut));
    size_t whole = 0;
    while (whole < ends.size() && ends[whole] <= cut) ++whole;
    const size_t prefix = ends[whole - 1];
    CHECK(got.offset == prefix);
    if (cut == prefix) {
      CHECK(got.last == AofSegmentReader::Next::kEnd);
    } else {
      CHECK(got.last == AofSegmentReader::Next::kTornTail);
      CHECK(got.error.find("offset " + std::to_string(prefix)) != std::string::npos);
    }
  }
}

TEST_CASE("aof: a zero-filled tail is torn, not corrupt") {
  std::vector<size_t> ends;
  std::string seg = segment(kRecords, &ends);
  seg.append(4096, '\0');
  const Read got = read_all(seg);
  CHECK(got.last == AofSegmentReader::Next::kTornTail);
  CHECK(got.offset == ends.back());
  CHECK(got.cmds.size() == 5);
}

// Damage in any record but the last, with valid records after it, is corruption, named at the
// damaged record's offset; damage in the last record is a torn tail.
TEST_CASE("aof: a flipped byte is corruption") {
  std::vector<size_t> ends;
  const std::string seg = segment(kRecords, &ends);
  for (size_t i = kAofHeaderBytes; i < seg.size(); ++i) {
    std::string bad = seg;
    bad[i] = static_cast<char>(bad[i] ^ 0x10);
    size_t rec = 0;
    while (ends[rec] <= i) ++rec;
    const size_t start = rec == 0 ? kAofHeaderBytes : ends[rec - 1];
    const Read got = read_all(bad);
    CAPTURE(i);
    CHECK(got.offset == start);
    CHECK(got.last == (rec + 1 < ends.size() ? AofSegmentReader::Next::kCorrupt
                                             : AofSegmentReader::Next::kTornTail));
  }
}

}  // namespace
}  // namespace shardis::persist
