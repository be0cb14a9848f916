#include <shardis/core/entry.h>

#include <cassert>

namespace shardis::core {

namespace {

constexpr size_t kShortKeyMax = 254;

int int_width(int64_t v) {
  if (v >= INT8_MIN && v <= INT8_MAX) return 1;
  if (v >= INT16_MIN && v <= INT16_MAX) return 2;
  if (v >= INT32_MIN && v <= INT32_MAX) return 4;
  return 8;
}

size_t value_bytes(const EntryValue& v) {
  switch (v.kind) {
    case ValueKind::kInt:
      return 1 + static_cast<size_t>(int_width(v.i));
    case ValueKind::kEmb:
      return 1 + v.emb.size();
    case ValueKind::kRaw:
    case ValueKind::kObject:
      return sizeof(void*);
  }
  return 0;
}

// Writes v at out (value_bytes(v) bytes).
void write_value(uint8_t* out, const EntryValue& v) {
  switch (v.kind) {
    case ValueKind::kInt: {
      int w = int_width(v.i);
      out[0] = static_cast<uint8_t>(w);
      switch (w) {
        case 1: {
          int8_t x = static_cast<int8_t>(v.i);
          std::memcpy(out + 1, &x, 1);
          break;
        }
        case 2: {
          int16_t x = static_cast<int16_t>(v.i);
          std::memcpy(out + 1, &x, 2);
          break;
        }
        case 4: {
          int32_t x = static_cast<int32_t>(v.i);
          std::memcpy(out + 1, &x, 4);
          break;
        }
        default:
          std::memcpy(out + 1, &v.i, 8);
      }
      return;
    }
    case ValueKind::kEmb:
      assert(v.emb.size() <= Entry::kMaxEmbLen);
      out[0] = static_cast<uint8_t>(v.emb.size());
      if (!v.emb.empty()) std::memcpy(out + 1, v.emb.data(), v.emb.size());
      return;
    case ValueKind::kRaw:
    case ValueKind::kObject:
      std::memcpy(out, &v.ptr, sizeof(void*));
      return;
  }
}

}  // namespace

size_t Entry::bytes_for(size_t key_len, bool ttl, const EntryValue& v) {
  size_t header = key_len > kShortKeyMax ? 7 : 4;
  return header + (ttl ? 4 : 0) + key_len + value_bytes(v);
}

Entry* Entry::create(Slab& slab, uint8_t type, std::string_view key, bool ttl, const EntryValue& v,
                     uint16_t clock) {
  size_t n = bytes_for(key.size(), ttl, v);
  auto* out = static_cast<uint8_t*>(slab.alloc(n));
  bool long_key = key.size() > kShortKeyMax;
  out[0] =
      static_cast<uint8_t>((type & 7) | (static_cast<uint8_t>(v.kind) << 3) | (ttl ? kTtlBit : 0) |
                           (long_key ? kLongKeyBit : 0) | (v.private_copy ? kPrivateBit : 0));
  std::memcpy(out + 1, &clock, 2);
  size_t off = 3;
  if (long_key) {
    uint32_t len = static_cast<uint32_t>(key.size());
    std::memcpy(out + 3, &len, 4);
    off = 7;
  } else {
    out[3] = static_cast<uint8_t>(key.size());
    off = 4;
  }
  if (ttl) {
    uint32_t none = 0;
    std::memcpy(out + off, &none, 4);
    off += 4;
  }
  if (!key.empty()) std::memcpy(out + off, key.data(), key.size());
  write_value(out + off + key.size(), v);
  return reinterpret_cast<Entry*>(out);
}

Entry* Entry::rebuild(Slab& slab, Entry* old, bool ttl, const EntryValue& v) {
  Entry* e = create(slab, old->type(), old->key(), ttl, v, old->clock());
  if (ttl && old->has_ttl()) e->set_ttl_index(old->ttl_index());
  free_block(slab, old);
  return e;
}

void Entry::free_block(Slab& slab, Entry* e) {
  slab.free(e, e->bytes());
}

int64_t Entry::int_value() const {
  const uint8_t* v = p() + value_off();
  switch (v[0]) {
    case 1: {
      int8_t x;
      std::memcpy(&x, v + 1, 1);
      return x;
    }
    case 2: {
      int16_t x;
      std::memcpy(&x, v + 1, 2);
      return x;
    }
    case 4: {
      int32_t x;
      std::memcpy(&x, v + 1, 4);
      return x;
    }
    default: {
      int64_t x;
      std::memcpy(&x, v + 1, 8);
      return x;
    }
  }
}

std::string_view Entry::emb() const {
  const uint8_t* v = p() + value_off();
  return {reinterpret_cast<const char*>(v + 1), v[0]};
}

void* Entry::ptr() const {
  void* q;
  std::memcpy(&q, p() + value_off(), sizeof(void*));
  return q;
}

void Entry::set_ptr(void* q) {
  std::memcpy(p() + value_off(), &q, sizeof(void*));
}

size_t Entry::bytes() const {
  size_t n = value_off();
  const uint8_t* v = p() + n;
  switch (kind()) {
    case ValueKind::kInt:
      return n + 1 + v[0];
    case ValueKind::kEmb:
      return n + 1 + v[0];
    case ValueKind::kRaw:
    case ValueKind::kObject:
      return n + sizeof(void*);
  }
  return n;
}

}  // namespace shardis::core
