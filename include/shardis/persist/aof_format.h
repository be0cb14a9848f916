#pragma once
// The format of Shardis's append-only-file segments: one shard's log of the commands that
// changed its keys, in their deterministic (propagated) form, framed so that a torn or corrupt
// tail is detected.
//
// Segment (little-endian throughout):
//   header   32 bytes: "SHARDAOF", u32 version (1), u32 shard, u32 shards, u64 sequence,
//            u32 CRC-32C of the 28 bytes before it
//   records  u32 payload length, u32 CRC-32C of (the length's 4 bytes + the payload), payload
//   payload  u64 transaction id (0: none), u16 participants (shards holding a record of the
//            same transaction; 1 for a command of one shard), LEB128 command count, then per
//            command: LEB128 database, LEB128 argc, and per argument LEB128 length + bytes
// A record is the unit of atomicity: every command of one transaction on one shard is in one
// record, and a record is either read whole or not at all.
//
// Reading stops at the first record that does not check out (its length runs past the end, its
// checksum or its payload is wrong). When no valid record starts anywhere after it, it is a torn
// tail (a write cut short leaves partial data or zeros, never a valid record after garbage):
// what precedes it is the valid prefix. When a valid record follows, the bytes were damaged in
// place: corruption, which loading refuses (tools/aof-check can cut the segment there).
//
// Thread: plain values, owned by one thread.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace shardis::persist {

inline constexpr std::string_view kAofMagic = "SHARDAOF";
inline constexpr uint32_t kAofVersion = 1;
inline constexpr size_t kAofHeaderBytes = 32;
inline constexpr size_t kAofRecordHeaderBytes = 8;

struct AofSegmentHeader {
  uint32_t version = kAofVersion;
  uint32_t shard = 0;
  uint32_t shards = 1;
  uint64_t sequence = 0;
};

void write_aof_header(std::string& out, const AofSegmentHeader& h);

// Encodes one command (its database and arguments) at the end of `commands`, as a record's
// payload holds it.
void append_aof_command(std::string& commands, int db, std::span<const std::string_view> argv);
// Appends one record holding `count` commands, already encoded by append_aof_command into
// `commands`, at the end of out.
void append_aof_record(std::string& out, uint64_t txn_id, uint16_t participants, uint64_t count,
                       std::string_view commands);

// Builds one record at the end of `out`: begin(), command() per command, end().
class AofRecordWriter {
 public:
  explicit AofRecordWriter(std::string& out) : out_(out) {}
  void begin(uint64_t txn_id, uint16_t participants);
  void command(int db, std::span<const std::string_view> argv);
  // Fills in the count, length and checksum.
  void end();

 private:
  std::string& out_;
  uint64_t txn_id_ = 0;
  uint16_t participants_ = 1;
  uint64_t commands_ = 0;
  std::string body_;
};

struct AofCommandView {
  int db = 0;
  std::vector<std::string_view> argv;  // views into the segment
};

struct AofRecord {
  size_t offset = 0;  // of the record's first byte in the segment
  size_t end = 0;     // one past its last byte
  uint64_t txn_id = 0;
  uint16_t participants = 1;
  std::vector<AofCommandView> commands;
};

class AofSegmentReader {
 public:
  // segment: the whole file; it must outlive the reader and the records it returns.
  explicit AofSegmentReader(std::string_view segment) : seg_(segment) {}

  bool read_header(AofSegmentHeader* h);
  enum class Next : uint8_t { kRecord, kEnd, kTornTail, kCorrupt };
  // The next record, or why there is none. After kTornTail or kCorrupt, offset() is where the
  // bad record starts (the length of the valid prefix) and error() says what is wrong.
  Next next(AofRecord* rec);
  size_t offset() const { return pos_; }
  const std::string& error() const { return error_; }

 private:
  Next bad(Next kind, const std::string& what);
  bool record_at(size_t at, AofRecord* rec);
  bool parse_payload(std::string_view payload, AofRecord* rec);

  std::string_view seg_;
  size_t pos_ = 0;
  std::string error_;
};

// One command as aof-check prints it: arguments separated by spaces, each printable-ASCII
// argument as is (quoted when it holds a space, a quote or is empty), others as "\xNN" escapes
// in double quotes, as redis-cli prints strings.
std::string format_aof_command(const AofCommandView& c);

}  // namespace shardis::persist
