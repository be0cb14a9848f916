// libFuzzer target for the AOF segment reader (persist/aof_format.h). The input is read as a
// segment (a valid header is put in front of it when the first byte is even, so that the
// records are reached). Checked, crashing on the first violation:
//   * the reader never reads past its input (ASan), and its offset stays within it;
//   * records come back in order, each inside the input, and the reader ends with kEnd exactly
//     at the end of the input, or with kTornTail/kCorrupt and an error naming an offset;
//   * every record read, written again by AofRecordWriter, reads back with the same commands;
//   * cutting the input at the reported offset leaves a segment that reads to kEnd.
#include <shardis/persist/aof_format.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using shardis::persist::AofRecord;
using shardis::persist::AofRecordWriter;
using shardis::persist::AofSegmentHeader;
using shardis::persist::AofSegmentReader;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

void check_rewrite(const AofRecord& rec) {
  std::string out;
  AofRecordWriter w(out);
  w.begin(rec.txn_id, rec.participants);
  for (const auto& c : rec.commands) w.command(c.db, c.argv);
  w.end();
  std::string seg;
  shardis::persist::write_aof_header(seg, {});
  seg += out;
  AofSegmentReader r(seg);
  AofSegmentHeader h;
  require(r.read_header(&h));
  AofRecord back;
  require(r.next(&back) == AofSegmentReader::Next::kRecord);
  require(back.txn_id == rec.txn_id && back.participants == rec.participants);
  require(back.commands.size() == rec.commands.size());
  for (size_t i = 0; i < rec.commands.size(); ++i) {
    require(back.commands[i].db == rec.commands[i].db);
    require(back.commands[i].argv == rec.commands[i].argv);
  }
  require(r.next(&back) == AofSegmentReader::Next::kEnd);
}

// Reads seg to its end; returns the offset where it stopped, and whether it ended cleanly.
size_t read_through(std::string_view seg, bool check, bool* clean) {
  AofSegmentReader r(seg);
  AofSegmentHeader h;
  if (!r.read_header(&h)) {
    require(r.error().find("offset") != std::string::npos);
    *clean = false;
    return 0;
  }
  AofRecord rec;
  size_t last_end = r.offset();
  for (;;) {
    const AofSegmentReader::Next n = r.next(&rec);
    require(r.offset() <= seg.size());
    if (n == AofSegmentReader::Next::kRecord) {
      require(rec.offset == last_end && rec.end > rec.offset && rec.end <= seg.size());
      last_end = rec.end;
      if (check) check_rewrite(rec);
      continue;
    }
    *clean = n == AofSegmentReader::Next::kEnd;
    if (*clean) {
      require(r.offset() == seg.size());
    } else {
      require(r.offset() == last_end);
      require(r.error().find("offset") != std::string::npos);
    }
    return r.offset();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string seg;
  if (data[0] % 2 == 0) shardis::persist::write_aof_header(seg, {0, 0, 1, 0});
  seg.append(reinterpret_cast<const char*>(data) + 1, size - 1);
  bool clean = false;
  const size_t stop = read_through(seg, true, &clean);
  if (!clean && stop > 0) {
    bool again = false;
    require(read_through(std::string_view(seg).substr(0, stop), false, &again) == stop);
    require(again);
  }
  return 0;
}
