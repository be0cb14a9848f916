#include <shardis/base/number_format.h>
#include <shardis/core/hash_object.h>
#include <shardis/core/quicklist.h>
#include <shardis/core/set_object.h>
#include <shardis/core/zset_object.h>
#include <shardis/persist/rdb_value.h>
#include <shardis/persist/redis_intset.h>
#include <shardis/persist/redis_listpack.h>
#include <shardis/persist/redis_ziplist.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace shardis::persist {
namespace {

using core::HashObject;
using core::LpValue;
using core::ObjType;
using core::Quicklist;
using core::SetObject;
using core::ZsetObject;

// redis-server's list-max-listpack-size -2: a node takes an element while its listpack, the
// element's length and 8 bytes of estimated overhead stay within 8 KiB (_quicklistNodeAllowInsert).
constexpr size_t kListNodeLimit = 8192;
constexpr size_t kListNodeOverhead = 8;
// Quicklist node containers (quicklist.h).
constexpr uint64_t kContainerPlain = 1;
constexpr uint64_t kContainerPacked = 2;

// Redis's double2ll: an integral score that a long long holds exactly, stored as an integer.
bool score_as_int(double d, int64_t* out) {
  constexpr double kHalf = static_cast<double>(INT64_MAX / 2);
  if (!(d >= -kHalf && d <= kHalf)) return false;
  const auto ll = static_cast<int64_t>(d);
  if (static_cast<double>(ll) != d) return false;
  *out = ll;
  return true;
}

void add_score(RedisListpackWriter& lp, double score) {
  int64_t ll = 0;
  if (score_as_int(score, &ll)) {
    lp.add_int(ll);
  } else {
    lp.add(redis_score_text(score));
  }
}

void write_binary_double(RdbWriter& w, double d) {
  char b[8];
  std::memcpy(b, &d, 8);  // little-endian host, as the format
  w.raw({b, 8});
}

void write_list(RdbWriter& w, const Quicklist& q) {
  std::vector<std::string> nodes;
  RedisListpackWriter lp;
  std::string scratch;
  for (Quicklist::Iterator it = q.iter(0); it.valid(); it.next()) {
    const std::string_view v = it.value().text(scratch);
    if (lp.count() > 0 && lp.bytes() + v.size() + kListNodeOverhead > kListNodeLimit) {
      nodes.push_back(lp.finish());
    }
    lp.add(v);
  }
  if (lp.count() > 0) nodes.push_back(lp.finish());
  w.len(nodes.size());
  for (const std::string& n : nodes) {
    w.len(kContainerPacked);
    w.string(n);
  }
}

void write_hash(RdbWriter& w, const HashObject& h) {
  if (h.encoding() == HashObject::Encoding::kListpack) {
    RedisListpackWriter lp;
    h.for_each([&](std::string_view f, std::string_view v) {
      lp.add(f);
      lp.add(v);
    });
    w.string(lp.finish());
    return;
  }
  w.len(h.size());
  h.for_each([&](std::string_view f, std::string_view v) {
    w.string(f);
    w.string(v);
  });
}

void write_set(RdbWriter& w, const SetObject& s) {
  if (s.encoding() == SetObject::Encoding::kIntset) {
    const core::Intset& ints = s.intset();
    std::vector<int64_t> values(ints.begin(), ints.end());
    w.string(redis_intset_blob(values, ints.width()));
    return;
  }
  w.len(s.size());
  s.for_each([&](std::string_view m) { w.string(m); });
}

void write_zset(RdbWriter& w, const ZsetObject& z) {
  if (z.encoding() == ZsetObject::Encoding::kListpack) {
    RedisListpackWriter lp;
    for (ZsetObject::Iter it = z.begin(); it.valid(); it.next()) {
      const core::ZsetElement e = it.get();
      lp.add(e.member);
      add_score(lp, e.score);
    }
    w.string(lp.finish());
    return;
  }
  // Greatest first, as redis-server writes them (its loader then inserts at the head).
  w.len(z.size());
  for (ZsetObject::Iter it = z.last(); it.valid(); it.prev()) {
    const core::ZsetElement e = it.get();
    w.string(e.member);
    write_binary_double(w, e.score);
  }
}

// ---- Reading ----

// Element counts are checked against the bytes left, so that a corrupt count cannot make a
// loop run (or a table reserve) far past what the input holds: every element takes a byte.
bool read_count(RdbReader& r, uint64_t per_element, uint64_t* n) {
  if (!r.len(n)) return false;
  if (*n > r.left() / per_element) return r.fail("collection length past the end of the input");
  return true;
}

bool read_binary_double(RdbReader& r, double* d) {
  std::string_view b;
  if (!r.raw(8, &b)) return false;
  std::memcpy(d, b.data(), 8);
  return true;
}

// RDB_TYPE_ZSET's text doubles: a length byte, 253 NaN, 254 +inf, 255 -inf, else the text.
bool read_text_double(RdbReader& r, double* d) {
  uint8_t n = 0;
  if (!r.byte(&n)) return false;
  if (n == 253) return r.fail("NaN score");
  if (n == 254 || n == 255) {
    *d = n == 254 ? HUGE_VAL : -HUGE_VAL;
    return true;
  }
  std::string_view text;
  if (!r.raw(n, &text)) return false;
  std::optional<double> v = base::parse_double(text);
  if (!v) return r.fail("bad score text");
  *d = *v;
  return true;
}

// A listpack or ziplist score as redis-server reads it (zzlGetScore): an integer, or strtod of
// the text's first 127 bytes, whatever follows the number and 0 when there is none.
bool score_of(const LpValue& v, double* d) {
  if (v.is_int) {
    *d = static_cast<double>(v.i);
    return true;
  }
  char buf[128];
  const size_t n = std::min(v.s.size(), sizeof buf - 1);
  std::memcpy(buf, v.s.data(), n);
  buf[n] = '\0';
  *d = std::strtod(buf, nullptr);
  return true;
}

// The elements of a validated blob, as an iterator of the given reader type.
template <typename Reader, typename Fn>
bool each_blob_value(std::string_view blob, Fn&& fn) {
  Reader it(blob);
  LpValue v;
  while (it.next(&v)) {
    if (!fn(v)) return false;
  }
  return true;
}

enum class Blob : uint8_t { kListpack, kZiplist };

bool validate_blob(RdbReader& r, Blob kind, std::string_view blob) {
  std::string error;
  const bool ok = kind == Blob::kListpack ? validate_redis_listpack(blob, &error)
                                          : validate_redis_ziplist(blob, &error);
  if (!ok)
    return r.fail(kind == Blob::kListpack ? "listpack integrity check failed"
                                          : "ziplist integrity check failed");
  return true;
}

// Calls fn(LpValue) for every element of a listpack or ziplist blob (already validated).
template <typename Fn>
bool each_element(Blob kind, std::string_view blob, Fn&& fn) {
  if (kind == Blob::kListpack) return each_blob_value<RedisListpackReader>(blob, fn);
  return each_blob_value<RedisZiplistReader>(blob, fn);
}

// ---- Lists ----

bool list_from_blob(RdbReader& r, Blob kind, std::string_view blob, Quicklist& q) {
  if (!validate_blob(r, kind, blob)) return false;
  std::string scratch;
  each_element(kind, blob, [&](const LpValue& v) {
    q.push_back(v.text(scratch));
    return true;
  });
  return true;
}

bool read_list(RdbReader& r, uint8_t type, RdbObject* out) {
  auto q = std::make_unique<Quicklist>();
  std::string s;
  if (type == kRdbList) {
    uint64_t n = 0;
    if (!read_count(r, 1, &n)) return false;
    for (uint64_t i = 0; i < n; ++i) {
      if (!r.string(&s)) return false;
      q->push_back(s);
    }
  } else if (type == kRdbListZiplist) {
    if (!r.string(&s) || !list_from_blob(r, Blob::kZiplist, s, *q)) return false;
  } else {
    uint64_t nodes = 0;
    if (!read_count(r, 1, &nodes)) return false;
    for (uint64_t i = 0; i < nodes; ++i) {
      uint64_t container = kContainerPacked;
      if (type == kRdbListQuicklist2) {
        if (!r.len(&container)) return false;
        if (container != kContainerPlain && container != kContainerPacked) {
          return r.fail("unknown quicklist node container");
        }
      }
      if (!r.string(&s)) return false;
      if (container == kContainerPlain) {
        q->push_back(s);
      } else if (!list_from_blob(r, type == kRdbListQuicklist2 ? Blob::kListpack : Blob::kZiplist,
                                 s, *q)) {
        return false;
      }
    }
  }
  out->empty = q->empty();
  out->type = ObjType::kList;
  out->list = std::move(q);
  return true;
}

// ---- Hashes ----

bool read_hash_pairs(RdbReader& r, Blob kind, std::string_view blob, HashObject& h) {
  if (!validate_blob(r, kind, blob)) return false;
  std::string field;
  std::string scratch;
  bool have_field = false;
  bool dup = false;
  each_element(kind, blob, [&](const LpValue& v) {
    if (!have_field) {
      field.assign(v.text(scratch));
    } else if (!h.set(field, v.text(scratch))) {
      dup = true;
      return false;
    }
    have_field = !have_field;
    return true;
  });
  if (dup) return r.fail("duplicate hash fields");
  if (have_field) return r.fail("hash with an odd number of elements");
  return true;
}

bool read_hash(RdbReader& r, uint8_t type, RdbObject* out) {
  auto h = std::make_unique<HashObject>();
  std::string s;
  if (type == kRdbHash) {
    uint64_t n = 0;
    if (!read_count(r, 2, &n)) return false;
    std::string value;
    for (uint64_t i = 0; i < n; ++i) {
      if (!r.string(&s) || !r.string(&value)) return false;
      if (!h->set(s, value)) return r.fail("duplicate hash fields");
    }
  } else if (type == kRdbHashZipmap) {
    if (!r.string(&s)) return false;
    std::vector<std::pair<std::string_view, std::string_view>> pairs;
    std::string error;
    if (!redis_zipmap_pairs(s, &pairs, &error)) return r.fail("zipmap integrity check failed");
    for (const auto& [f, v] : pairs) {
      if (!h->set(f, v)) return r.fail("duplicate hash fields");
    }
  } else {
    if (!r.string(&s)) return false;
    if (!read_hash_pairs(r, type == kRdbHashListpack ? Blob::kListpack : Blob::kZiplist, s, *h)) {
      return false;
    }
  }
  out->empty = h->empty();
  out->type = ObjType::kHash;
  out->hash = std::move(h);
  return true;
}

// ---- Sets ----

bool read_set(RdbReader& r, uint8_t type, RdbObject* out) {
  auto set = std::make_unique<SetObject>();
  std::string s;
  if (type == kRdbSet) {
    uint64_t n = 0;
    if (!read_count(r, 1, &n)) return false;
    for (uint64_t i = 0; i < n; ++i) {
      if (!r.string(&s)) return false;
      if (!set->add(s)) return r.fail("duplicate set members");
    }
  } else {
    if (!r.string(&s)) return false;
    std::vector<int64_t> values;
    std::string error;
    if (!parse_redis_intset(s, &values, &error)) return r.fail("intset integrity check failed");
    char buf[24];
    for (int64_t v : values) set->add({buf, base::format_int64(v, buf)});
  }
  out->empty = set->empty();
  out->type = ObjType::kSet;
  out->set = std::move(set);
  return true;
}

// ---- Sorted sets ----

bool add_zset_member(RdbReader& r, ZsetObject& z, double score, std::string_view member) {
  if (std::isnan(score)) return r.fail("zset with a NaN score");
  double stored = 0;
  if (z.add(score, member, 0, &stored) != ZsetObject::AddResult::kAdded) {
    return r.fail("duplicate zset members");
  }
  return true;
}

bool read_zset(RdbReader& r, uint8_t type, RdbObject* out) {
  auto z = std::make_unique<ZsetObject>();
  std::string s;
  if (type == kRdbZset || type == kRdbZset2) {
    uint64_t n = 0;
    if (!read_count(r, 2, &n)) return false;
    for (uint64_t i = 0; i < n; ++i) {
      double score = 0;
      if (!r.string(&s)) return false;
      if (!(type == kRdbZset2 ? read_binary_double(r, &score) : read_text_double(r, &score))) {
        return false;
      }
      if (!add_zset_member(r, *z, score, s)) return false;
    }
  } else {
    if (!r.string(&s)) return false;
    const Blob kind = type == kRdbZsetListpack ? Blob::kListpack : Blob::kZiplist;
    if (!validate_blob(r, kind, s)) return false;
    std::string member;
    std::string scratch;
    bool have_member = false;
    bool bad = false;
    each_element(kind, s, [&](const LpValue& v) {
      if (!have_member) {
        member.assign(v.text(scratch));
      } else {
        double score = 0;
        if (!score_of(v, &score)) {
          bad = !r.fail("bad zset score");
          return false;
        }
        if (!add_zset_member(r, *z, score, member)) {
          bad = true;
          return false;
        }
      }
      have_member = !have_member;
      return true;
    });
    if (bad) return false;
    if (have_member) return r.fail("zset with an odd number of elements");
  }
  out->empty = z->empty();
  out->type = ObjType::kZSet;
  out->zset = std::move(z);
  return true;
}

}  // namespace

RdbObject::RdbObject() = default;
RdbObject::~RdbObject() = default;
RdbObject::RdbObject(RdbObject&&) noexcept = default;
RdbObject& RdbObject::operator=(RdbObject&&) noexcept = default;

void* RdbObject::release() {
  switch (type) {
    case ObjType::kList:
      return list.release();
    case ObjType::kHash:
      return hash.release();
    case ObjType::kSet:
      return set.release();
    case ObjType::kZSet:
      return zset.release();
    case ObjType::kString:
      break;
  }
  return nullptr;
}

bool is_rdb_object_type(uint8_t b) {
  return b <= kRdbZset2 || b == kRdbModule2 || (b >= kRdbHashZipmap && b <= kRdbStreamListpacks2);
}

std::string redis_score_text(double score) {
  if (std::isinf(score)) return score > 0 ? "inf" : "-inf";
  char buf[32];
  const int n = std::snprintf(buf, sizeof buf, "%.17g", score);
  return {buf, static_cast<size_t>(n)};
}

void write_rdb_int(RdbWriter& w, int64_t value) {
  char buf[24];
  w.string({buf, base::format_int64(value, buf)});
}

uint8_t rdb_object_type(ObjType t, const void* obj) {
  switch (t) {
    case ObjType::kString:
      return kRdbString;
    case ObjType::kList:
      return kRdbListQuicklist2;
    case ObjType::kHash:
      return static_cast<const HashObject*>(obj)->encoding() == HashObject::Encoding::kListpack
                 ? kRdbHashListpack
                 : kRdbHash;
    case ObjType::kSet:
      return static_cast<const SetObject*>(obj)->encoding() == SetObject::Encoding::kIntset
                 ? kRdbSetIntset
                 : kRdbSet;
    case ObjType::kZSet:
      return static_cast<const ZsetObject*>(obj)->encoding() == ZsetObject::Encoding::kListpack
                 ? kRdbZsetListpack
                 : kRdbZset2;
  }
  return kRdbString;
}

void write_rdb_object(RdbWriter& w, ObjType t, const void* obj) {
  switch (t) {
    case ObjType::kList:
      return write_list(w, *static_cast<const Quicklist*>(obj));
    case ObjType::kHash:
      return write_hash(w, *static_cast<const HashObject*>(obj));
    case ObjType::kSet:
      return write_set(w, *static_cast<const SetObject*>(obj));
    case ObjType::kZSet:
      return write_zset(w, *static_cast<const ZsetObject*>(obj));
    case ObjType::kString:
      break;
  }
}

bool read_rdb_object(RdbReader& r, uint8_t type, RdbObject* out) {
  switch (type) {
    case kRdbString:
      out->type = ObjType::kString;
      return r.string(&out->str);
    case kRdbList:
    case kRdbListZiplist:
    case kRdbListQuicklist:
    case kRdbListQuicklist2:
      return read_list(r, type, out);
    case kRdbHash:
    case kRdbHashZipmap:
    case kRdbHashZiplist:
    case kRdbHashListpack:
      return read_hash(r, type, out);
    case kRdbSet:
    case kRdbSetIntset:
      return read_set(r, type, out);
    case kRdbZset:
    case kRdbZset2:
    case kRdbZsetZiplist:
    case kRdbZsetListpack:
      return read_zset(r, type, out);
    case kRdbStreamListpacks:
    case kRdbStreamListpacks2:
      return r.fail("streams are not supported");
    case kRdbModule2:
      return r.fail("module values are not supported");
    default:
      return r.fail("unknown object type");
  }
}

}  // namespace shardis::persist
