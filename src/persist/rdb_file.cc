#include <shardis/base/crc.h>
#include <shardis/base/number_format.h>
#include <shardis/persist/rdb_file.h>
#include <shardis/persist/rdb_value.h>

#include <cstdio>
#include <cstring>

namespace shardis::persist {
namespace {

void write_le64(RdbWriter& w, uint64_t v) {
  char b[8];
  std::memcpy(b, &v, 8);  // little-endian host, as the format
  w.raw({b, 8});
}

bool read_le(RdbReader& r, size_t n, uint64_t* v) {
  std::string_view b;
  if (!r.raw(n, &b)) return false;
  *v = 0;
  std::memcpy(v, b.data(), n);
  return true;
}

// Skips `n` strings.
bool skip_strings(RdbReader& r, uint64_t n, std::string& scratch) {
  for (uint64_t i = 0; i < n; ++i) {
    if (!r.string(&scratch)) return false;
  }
  return true;
}

}  // namespace

void write_rdb_aux(RdbWriter& w, std::string_view key, std::string_view value) {
  w.byte(kOpAux);
  w.string(key);
  w.string(value);
}

void write_rdb_header(RdbWriter& w, const RdbHeader& h) {
  char magic[16];
  std::snprintf(magic, sizeof magic, "REDIS%04d", kRdbFileVersion);
  w.raw(magic);
  write_rdb_aux(w, "redis-ver", h.redis_ver);
  write_rdb_aux(w, "redis-bits", "64");
  write_rdb_aux(w, "ctime", base::int64_to_string(h.ctime));
  write_rdb_aux(w, "used-mem", base::int64_to_string(h.used_mem));
  for (const auto& [k, v] : h.extra) write_rdb_aux(w, k, v);
  write_rdb_aux(w, "aof-base", h.aof_base ? "1" : "0");
}

void write_rdb_select_db(RdbWriter& w, int db, uint64_t keys, uint64_t expires) {
  w.byte(kOpSelectDb);
  w.len(static_cast<uint64_t>(db));
  w.byte(kOpResizeDb);
  w.len(keys);
  w.len(expires);
}

void write_rdb_expire_ms(RdbWriter& w, int64_t when_ms) {
  w.byte(kOpExpireMs);
  write_le64(w, static_cast<uint64_t>(when_ms));
}

void write_rdb_eof(RdbWriter& w) {
  w.byte(kOpEof);
}

void write_rdb_checksum(RdbWriter& w, uint64_t crc) {
  write_le64(w, crc);
}

RdbFileParser::RdbFileParser(std::string_view file) : file_(file), r_(file) {}

bool RdbFileParser::read_header() {
  std::string_view magic;
  if (!r_.raw(9, &magic)) return false;
  if (magic.substr(0, 5) != kRdbMagic)
    return r_.fail("wrong signature trying to load DB from file");
  int v = 0;
  for (char c : magic.substr(5)) {
    if (c < '0' || c > '9') return r_.fail("bad RDB format version");
    v = v * 10 + (c - '0');
  }
  if (v < 1 || v > kRdbFileVersion) return r_.fail("can't handle this RDB format version");
  version_ = v;
  return true;
}

RdbFileParser::Next RdbFileParser::next(RdbKeyHeader* key) {
  key->expire_ms = -1;
  key->idle_s = -1;
  key->freq = -1;
  std::string scratch;
  for (;;) {
    uint8_t op = 0;
    if (!r_.byte(&op)) return Next::kError;
    uint64_t n = 0;
    switch (op) {
      case kOpExpireMs:
        if (!read_le(r_, 8, &n)) return Next::kError;
        key->expire_ms = static_cast<int64_t>(n);
        continue;
      case kOpExpireSec:
        if (!read_le(r_, 4, &n)) return Next::kError;
        key->expire_ms = static_cast<int64_t>(static_cast<int32_t>(n)) * 1000;
        continue;
      case kOpIdle:
        if (!r_.len(&n)) return Next::kError;
        key->idle_s = static_cast<int64_t>(n);
        continue;
      case kOpFreq: {
        uint8_t f = 0;
        if (!r_.byte(&f)) return Next::kError;
        key->freq = f;
        continue;
      }
      case kOpSelectDb:
        if (!r_.len(&n)) return Next::kError;
        if (n > 0xffff) {
          r_.fail("database index out of range");
          return Next::kError;
        }
        db_ = static_cast<int>(n);
        continue;
      case kOpResizeDb: {
        uint64_t expires = 0;
        if (!r_.len(&n) || !r_.len(&expires)) return Next::kError;
        continue;
      }
      case kOpAux: {
        std::string k;
        std::string v;
        if (!r_.string(&k) || !r_.string(&v)) return Next::kError;
        aux_.emplace_back(std::move(k), std::move(v));
        continue;
      }
      case kOpFunction2:
        if (!r_.string(&scratch)) return Next::kError;
        ++functions_skipped_;
        continue;
      case kOpFunction:
        r_.fail("pre-release function format not supported");
        return Next::kError;
      case kOpModuleAux:
        r_.fail("module data is not supported");
        return Next::kError;
      case kOpEof: {
        if (version_ < 5) return Next::kEof;
        const size_t covered = r_.offset();
        uint64_t stored = 0;
        if (!read_le(r_, 8, &stored)) return Next::kError;
        if (stored != 0 && stored != base::crc64(0, file_.substr(0, covered))) {
          r_.fail("wrong RDB checksum");
          return Next::kError;
        }
        return Next::kEof;
      }
      default:
        if (!is_rdb_object_type(op)) {
          r_.fail("unknown RDB opcode");
          return Next::kError;
        }
        key->db = db_;
        key->type = op;
        if (!r_.string(&key->key)) return Next::kError;
        return Next::kKey;
    }
  }
}

bool skip_rdb_object(RdbReader& r, uint8_t type) {
  std::string s;
  uint64_t n = 0;
  switch (type) {
    case kRdbString:
    case kRdbHashZipmap:
    case kRdbListZiplist:
    case kRdbSetIntset:
    case kRdbZsetZiplist:
    case kRdbHashZiplist:
    case kRdbHashListpack:
    case kRdbZsetListpack:
      return r.string(&s);
    case kRdbList:
    case kRdbSet:
    case kRdbListQuicklist:
      return r.len(&n) && skip_strings(r, n, s);
    case kRdbHash:
      return r.len(&n) && n <= UINT64_MAX / 2 && skip_strings(r, 2 * n, s);
    case kRdbZset:
    case kRdbZset2: {
      if (!r.len(&n)) return false;
      for (uint64_t i = 0; i < n; ++i) {
        if (!r.string(&s)) return false;
        std::string_view d;
        uint8_t b = 0;
        if (type == kRdbZset2) {
          if (!r.raw(8, &d)) return false;
        } else if (!r.byte(&b) || (b < 253 && !r.raw(b, &d))) {
          return false;
        }
      }
      return true;
    }
    case kRdbListQuicklist2:
      if (!r.len(&n)) return false;
      for (uint64_t i = 0; i < n; ++i) {
        uint64_t container = 0;
        if (!r.len(&container) || !r.string(&s)) return false;
      }
      return true;
    default:
      return r.fail("unsupported object type");
  }
}

}  // namespace shardis::persist
