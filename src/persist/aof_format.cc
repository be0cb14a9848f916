#include <shardis/base/crc.h>
#include <shardis/persist/aof_format.h>

#include <cstdio>
#include <cstring>

#include "blob_bytes.h"

namespace shardis::persist {
namespace {

using blob::append_le;
using blob::load_le;
using blob::store_le;

// Records larger than this are not believed (a corrupt length must not look like a torn tail
// that could be waited for): 1 GiB, twice proto-max-bulk-len.
constexpr uint64_t kMaxRecord = uint64_t{1} << 30;

void append_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// A LEB128 value at *p (at most 10 bytes, no bits past 64); false when malformed or cut.
bool read_varint(std::string_view b, size_t* p, uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*p >= b.size()) return false;
    const uint8_t byte = blob::at(b, (*p)++);
    if (shift == 63 && byte > 1) return false;
    *v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

uint32_t record_crc(std::string_view length_and_payload) {
  return base::crc32c(0, length_and_payload);
}

}  // namespace

void write_aof_header(std::string& out, const AofSegmentHeader& h) {
  const size_t start = out.size();
  out.append(kAofMagic);
  append_le(out, h.version, 4);
  append_le(out, h.shard, 4);
  append_le(out, h.shards, 4);
  append_le(out, h.sequence, 8);
  append_le(out, base::crc32c(0, std::string_view(out).substr(start, 28)), 4);
}

void append_aof_command(std::string& commands, int db, std::span<const std::string_view> argv) {
  append_varint(commands, static_cast<uint64_t>(db));
  append_varint(commands, argv.size());
  for (std::string_view a : argv) {
    append_varint(commands, a.size());
    commands.append(a);
  }
}

void append_aof_record(std::string& out, uint64_t txn_id, uint16_t participants, uint64_t count,
                       std::string_view commands) {
  const size_t start = out.size();
  append_le(out, 0, 4);  // the length and the checksum, below
  append_le(out, 0, 4);
  append_le(out, txn_id, 8);
  append_le(out, participants, 2);
  append_varint(out, count);
  out.append(commands);
  const uint64_t len = out.size() - start - kAofRecordHeaderBytes;
  store_le(out, start, len, 4);
  const std::string_view rec = std::string_view(out).substr(start);
  uint32_t crc = record_crc(rec.substr(0, 4));
  crc = base::crc32c(crc, rec.substr(kAofRecordHeaderBytes));
  store_le(out, start + 4, crc, 4);
}

void AofRecordWriter::begin(uint64_t txn_id, uint16_t participants) {
  txn_id_ = txn_id;
  participants_ = participants;
  commands_ = 0;
  body_.clear();
}

void AofRecordWriter::command(int db, std::span<const std::string_view> argv) {
  ++commands_;
  append_aof_command(body_, db, argv);
}

void AofRecordWriter::end() {
  append_aof_record(out_, txn_id_, participants_, commands_, body_);
}

bool AofSegmentReader::read_header(AofSegmentHeader* h) {
  if (seg_.size() < kAofHeaderBytes) {
    error_ = "segment header cut short (" + std::to_string(seg_.size()) + " bytes) at offset 0";
    return false;
  }
  if (seg_.substr(0, 8) != kAofMagic) {
    error_ = "not a Shardis AOF segment (bad magic) at offset 0";
    return false;
  }
  if (load_le(seg_, 28, 4) != base::crc32c(0, seg_.substr(0, 28))) {
    error_ = "segment header checksum mismatch at offset 28";
    return false;
  }
  h->version = static_cast<uint32_t>(load_le(seg_, 8, 4));
  h->shard = static_cast<uint32_t>(load_le(seg_, 12, 4));
  h->shards = static_cast<uint32_t>(load_le(seg_, 16, 4));
  h->sequence = load_le(seg_, 20, 8);
  if (h->version != kAofVersion) {
    error_ = "unsupported AOF segment version " + std::to_string(h->version) + " at offset 8";
    return false;
  }
  pos_ = kAofHeaderBytes;
  return true;
}

AofSegmentReader::Next AofSegmentReader::bad(Next kind, const std::string& what) {
  error_ = what + " at offset " + std::to_string(pos_);
  return kind;
}

// The record at `at` checks out: its length fits, its checksum matches.
bool AofSegmentReader::record_at(size_t at, AofRecord* rec) {
  const std::string_view rest = seg_.substr(at);
  if (rest.size() < kAofRecordHeaderBytes) return false;
  const uint64_t len = load_le(rest, 0, 4);
  if (len > kMaxRecord || kAofRecordHeaderBytes + len > rest.size()) return false;
  std::string covered;
  covered.reserve(4 + len);
  covered.append(rest.substr(0, 4));
  covered.append(rest.substr(kAofRecordHeaderBytes, len));
  if (record_crc(covered) != static_cast<uint32_t>(load_le(rest, 4, 4))) return false;
  return parse_payload(rest.substr(kAofRecordHeaderBytes, len), rec);
}

AofSegmentReader::Next AofSegmentReader::next(AofRecord* rec) {
  if (pos_ >= seg_.size()) return Next::kEnd;
  if (record_at(pos_, rec)) {
    rec->offset = pos_;
    rec->end = pos_ + kAofRecordHeaderBytes + load_le(seg_, pos_, 4);
    pos_ = rec->end;
    return Next::kRecord;
  }
  // A record that does not check out. If a valid record starts anywhere after it, the bytes
  // were damaged where they lay: corruption. Otherwise nothing valid follows, which is what a
  // write cut short leaves behind (partial data, or zeros): a torn tail.
  const bool cut = seg_.size() - pos_ < kAofRecordHeaderBytes ||
                   kAofRecordHeaderBytes + load_le(seg_, pos_, 4) > seg_.size() - pos_;
  AofRecord probe;
  for (size_t at = pos_ + 1; at + kAofRecordHeaderBytes <= seg_.size(); ++at) {
    if (record_at(at, &probe)) return bad(Next::kCorrupt, cut ? "bad record length" : "bad record");
  }
  return bad(Next::kTornTail, cut ? "record cut short" : "incomplete record");
}

bool AofSegmentReader::parse_payload(std::string_view p, AofRecord* rec) {
  if (p.size() < 10) return false;
  rec->txn_id = load_le(p, 0, 8);
  rec->participants = static_cast<uint16_t>(load_le(p, 8, 2));
  rec->commands.clear();
  size_t at = 10;
  uint64_t n = 0;
  if (!read_varint(p, &at, &n) || n > p.size()) return false;
  rec->commands.resize(n);
  for (AofCommandView& c : rec->commands) {
    uint64_t db = 0;
    uint64_t argc = 0;
    if (!read_varint(p, &at, &db) || db > 0xffff || !read_varint(p, &at, &argc)) return false;
    if (argc == 0 || argc > p.size() - at) return false;
    c.db = static_cast<int>(db);
    c.argv.resize(argc);
    for (std::string_view& a : c.argv) {
      uint64_t len = 0;
      if (!read_varint(p, &at, &len) || len > p.size() - at) return false;
      a = p.substr(at, len);
      at += len;
    }
  }
  return at == p.size();
}

std::string format_aof_command(const AofCommandView& c) {
  std::string out;
  for (std::string_view a : c.argv) {
    if (!out.empty()) out.push_back(' ');
    bool plain = !a.empty();
    for (char ch : a) {
      const auto u = static_cast<unsigned char>(ch);
      if (u <= ' ' || u >= 0x7f || ch == '"' || ch == '\'' || ch == '\\') plain = false;
    }
    if (plain) {
      out.append(a);
      continue;
    }
    out.push_back('"');
    for (char ch : a) {
      const auto u = static_cast<unsigned char>(ch);
      if (ch == '"' || ch == '\\') {
        out.push_back('\\');
        out.push_back(ch);
      } else if (u >= ' ' && u < 0x7f) {
        out.push_back(ch);
      } else {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02x", u);
        out.append(buf);
      }
    }
    out.push_back('"');
  }
  return out;
}

}  // namespace shardis::persist
