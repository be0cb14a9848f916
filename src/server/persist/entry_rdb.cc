#include <shardis/base/crc.h>
#include <shardis/server/persist/entry_rdb.h>

#include <cstring>

namespace shardis::server {

void write_entry(persist::RdbWriter& w, const core::Entry* e, bool with_key) {
  const ObjType t = Db::type_of(e);
  const void* obj = t == ObjType::kString ? nullptr : Db::object_of(e);
  w.byte(persist::rdb_object_type(t, obj));
  if (with_key) w.string(e->key());
  if (t != ObjType::kString) {
    persist::write_rdb_object(w, t, obj);
    return;
  }
  switch (e->kind()) {
    case core::ValueKind::kInt:
      persist::write_rdb_int(w, e->int_value());
      return;
    case core::ValueKind::kEmb:
      w.string(e->emb());
      return;
    case core::ValueKind::kRaw:
    case core::ValueKind::kObject:
      w.string(*e->raw());
      return;
  }
}

void store_rdb_object(Db& db, std::string_view key, persist::RdbObject&& value) {
  if (value.type == ObjType::kString) {
    db.set_string(key, value.str);
    return;
  }
  db.set_object(key, value.type, value.release());
}

std::string dump_payload(const core::Entry* e, bool compress) {
  std::string out;
  persist::RdbWriter w(out, compress);
  write_entry(w, e, false);
  w.byte(kRdbVersion & 0xff);
  w.byte(kRdbVersion >> 8);
  const uint64_t crc = base::crc64(0, out);
  char b[8];
  std::memcpy(b, &crc, 8);  // little-endian host, as the format
  w.raw({b, 8});
  return out;
}

PayloadStatus read_dump_payload(std::string_view payload, persist::RdbObject* out,
                                std::string* why) {
  constexpr size_t kFooter = 10;
  if (payload.size() < kFooter) return PayloadStatus::kBadFooter;
  const auto* footer =
      reinterpret_cast<const unsigned char*>(payload.data() + payload.size() - kFooter);
  const uint16_t version = static_cast<uint16_t>(footer[0] | (footer[1] << 8));
  if (version > kRdbVersion) return PayloadStatus::kBadFooter;
  uint64_t crc = 0;
  std::memcpy(&crc, footer + 2, 8);
  if (crc != base::crc64(0, payload.substr(0, payload.size() - 8))) {
    return PayloadStatus::kBadFooter;
  }
  // As redis-server, the value is read from the whole payload: bytes between the value and the
  // footer are not looked at, and a value may even run into the footer.
  persist::RdbReader r(payload);
  uint8_t type = 0;
  if (!r.byte(&type) || !persist::read_rdb_object(r, type, out) || out->empty) {
    if (why != nullptr) *why = out->empty ? "empty collection" : r.error();
    return PayloadStatus::kBadData;
  }
  return PayloadStatus::kOk;
}

}  // namespace shardis::server
