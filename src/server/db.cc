#include <shardis/base/number_format.h>
#include <shardis/server/db.h>
#include <xxhash.h>

#include <algorithm>
#include <chrono>

namespace shardis::server {

namespace {

// The table hashes with its own seed: routing hashes the same bytes (unseeded) to pick the
// shard, so reusing that hash would leave every shard using only a fraction of its buckets.
constexpr uint64_t kTableSeed = 0x9e3779b97f4a7c15ull;

// Bytes a heap string costs beyond its pointer: the std::string and its buffer.
size_t raw_bytes(const std::string* s) {
  size_t heap = s->capacity() > 15 ? s->capacity() + 1 : 0;
  return sizeof(std::string) + heap;
}

// The value an existing entry holds, as an EntryValue that can rebuild it. Views point into e.
core::EntryValue value_of(const core::Entry* e) {
  switch (e->kind()) {
    case core::ValueKind::kInt: {
      core::EntryValue v = core::EntryValue::of_int(e->int_value());
      v.private_copy = e->private_copy();
      return v;
    }
    case core::ValueKind::kEmb:
      return core::EntryValue::of_emb(e->emb());
    case core::ValueKind::kRaw:
    case core::ValueKind::kObject:
      return core::EntryValue::of_ptr(e->kind(), e->ptr());
  }
  return {};
}

uint64_t next_random(uint64_t x) {
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return x;
}

constexpr size_t kObjTypes = 8;
const ObjectOps* g_object_ops[kObjTypes] = {};

const ObjectOps& ops_of(const core::Entry* e) {
  return *g_object_ops[e->type() % kObjTypes];
}

}  // namespace

void register_object_ops(ObjType t, const ObjectOps* ops) {
  g_object_ops[static_cast<size_t>(t) % kObjTypes] = ops;
}

uint64_t EntryTraits::hash(std::string_view key) {
  return XXH3_64bits_withSeed(key.data(), key.size(), kTableSeed);
}

Db::~Db() {
  clear();
}

// ---- Reads ----

core::Entry** Db::lookup(std::string_view key, uint64_t h) {
  core::Entry** slot = table_.find(key, h);
  if (slot == nullptr) return nullptr;
  if (is_expired(*slot)) {
    erase_slot(key, h);
    report_expired(key);
    return nullptr;
  }
  return slot;
}

bool Db::is_expired(const core::Entry* e) const {
  return e->has_ttl() && ttl_.when(e->ttl_index()) <= now_ms();
}

bool Db::contains_raw(std::string_view key) const {
  return table_.find(key, EntryTraits::hash(key)) != nullptr;
}

bool Db::logically_expired(std::string_view key) const {
  core::Entry* const* slot = table_.find(key, EntryTraits::hash(key));
  return slot != nullptr && is_expired(*slot);
}

const core::Entry* Db::find(std::string_view key) {
  core::Entry** slot = lookup(key);
  if (slot == nullptr) return nullptr;
  (*slot)->set_clock(shared_->access_clock);
  return *slot;
}

const core::Entry* Db::peek(std::string_view key) {
  core::Entry** slot = lookup(key);
  return slot == nullptr ? nullptr : *slot;
}

std::string_view Db::string_of(const core::Entry* e, std::string& scratch) {
  switch (e->kind()) {
    case core::ValueKind::kInt:
      scratch.resize(24);
      scratch.resize(base::format_int64(e->int_value(), scratch.data()));
      return scratch;
    case core::ValueKind::kEmb:
      return e->emb();
    case core::ValueKind::kRaw:
      return *e->raw();
    case core::ValueKind::kObject:
      break;
  }
  return {};
}

std::string Db::string_copy(const core::Entry* e) {
  std::string scratch;
  std::string_view v = string_of(e, scratch);
  if (v.data() == scratch.data()) return scratch;
  return std::string(v);
}

size_t Db::string_len(const core::Entry* e) {
  switch (e->kind()) {
    case core::ValueKind::kInt: {
      char buf[24];
      return base::format_int64(e->int_value(), buf);
    }
    case core::ValueKind::kEmb:
      return e->emb().size();
    case core::ValueKind::kRaw:
      return e->raw()->size();
    case core::ValueKind::kObject:
      break;
  }
  return 0;
}

const char* Db::encoding_name(const core::Entry* e) {
  switch (e->kind()) {
    case core::ValueKind::kInt:
      return "int";
    case core::ValueKind::kEmb:
      return "embstr";
    case core::ValueKind::kRaw:
      return "raw";
    case core::ValueKind::kObject:
      return ops_of(e).encoding(e->ptr());
  }
  return "unknown";
}

bool Db::is_shared_integer(const core::Entry* e) {
  constexpr int64_t kSharedIntegers = 10000;  // Redis's OBJ_SHARED_INTEGERS
  return e->type() == static_cast<uint8_t>(ObjType::kString) &&
         e->kind() == core::ValueKind::kInt && !e->private_copy() && e->int_value() >= 0 &&
         e->int_value() < kSharedIntegers;
}

int64_t Db::idle_seconds(const core::Entry* e) const {
  return static_cast<uint16_t>(shared_->access_clock - e->clock());
}

void Db::set_idle_seconds(std::string_view key, int64_t seconds) {
  core::Entry** slot = lookup(key);
  if (slot == nullptr) return;
  const auto idle = static_cast<uint16_t>(std::min<int64_t>(seconds, UINT16_MAX));
  (*slot)->set_clock(static_cast<uint16_t>(shared_->access_clock - idle));
}

size_t Db::memory_usage(const core::Entry* e) const {
  size_t n = core::Slab::block_size(e->bytes());
  // The entry's share of its bucket: 64 bytes for 7 slots.
  n += 64 / 7;
  if (e->kind() == core::ValueKind::kRaw) n += raw_bytes(e->raw());
  if (e->kind() == core::ValueKind::kObject) n += ops_of(e).bytes(e->ptr());
  if (e->has_ttl()) n += sizeof(Heap::Node);
  return n;
}

// ---- Writes ----

core::EntryValue Db::encode_string(std::string_view value, bool allow_int, std::string** raw_out) {
  *raw_out = nullptr;
  // Redis's tryObjectEncoding: a canonical integer of up to 20 characters is stored as one.
  if (allow_int && value.size() <= 20) {
    if (std::optional<int64_t> v = base::parse_int64(value)) return core::EntryValue::of_int(*v);
  }
  if (value.size() <= core::Entry::kMaxEmbLen) return core::EntryValue::of_emb(value);
  *raw_out = new std::string(value);
  return core::EntryValue::of_ptr(core::ValueKind::kRaw, *raw_out);
}

void Db::insert_new(std::string_view key, uint64_t h, uint8_t type, const core::EntryValue& v) {
  core::Entry* e = core::Entry::create(shared_->slab, type, key, false, v, shared_->access_clock);
  table_.insert(e, h);
  report_added(key, type);
}

core::Entry* Db::replace_value(core::Entry** slot, const core::EntryValue& v, uint8_t type) {
  core::Entry* old = *slot;
  bool ttl = old->has_ttl();
  core::Entry* e =
      core::Entry::create(shared_->slab, type, old->key(), ttl, v, shared_->access_clock);
  if (ttl) {
    e->set_ttl_index(old->ttl_index());
    ttl_.rebind(e->ttl_index(), e);
  }
  core::Entry::free_block(shared_->slab, old);
  *slot = e;
  return e;
}

void Db::store_string(std::string_view key, const core::EntryValue& v, bool keep_ttl) {
  uint64_t h = EntryTraits::hash(key);
  core::Entry** slot = lookup(key, h);
  if (slot == nullptr) {
    insert_new(key, h, static_cast<uint8_t>(ObjType::kString), v);
    return;
  }
  if (!keep_ttl) drop_ttl(slot);
  free_payload(*slot);
  replace_value(slot, v, static_cast<uint8_t>(ObjType::kString));
}

void Db::set_string(std::string_view key, std::string_view value, bool keep_ttl) {
  std::string* raw = nullptr;
  store_string(key, encode_string(value, true, &raw), keep_ttl);
}

void Db::set_string_expire_at(std::string_view key, std::string_view value, int64_t when_ms) {
  uint64_t h = EntryTraits::hash(key);
  if (when_ms <= now_ms()) {
    if (lookup(key, h) != nullptr) erase_slot(key, h);
    return;
  }
  std::string* raw = nullptr;
  core::EntryValue v = encode_string(value, true, &raw);
  core::Entry** slot = lookup(key, h);
  const uint8_t type = static_cast<uint8_t>(ObjType::kString);
  if (slot != nullptr && (*slot)->has_ttl()) {
    free_payload(*slot);
    core::Entry* e = replace_value(slot, v, type);
    ttl_.update(e->ttl_index(), when_ms);
    return;
  }
  core::Entry* e = core::Entry::create(shared_->slab, type, key, true, v, shared_->access_clock);
  if (slot != nullptr) {
    free_payload(*slot);
    core::Entry::free_block(shared_->slab, *slot);
    *slot = e;
  } else {
    table_.insert(e, h);
  }
  ttl_.push(when_ms, e);
  if (slot == nullptr) report_added(key, type);
}

void Db::set_object(std::string_view key, ObjType t, void* obj) {
  uint64_t h = EntryTraits::hash(key);
  core::EntryValue v = core::EntryValue::of_ptr(core::ValueKind::kObject, obj);
  core::Entry** slot = lookup(key, h);
  if (slot == nullptr) {
    insert_new(key, h, static_cast<uint8_t>(t), v);
    return;
  }
  drop_ttl(slot);
  free_payload(*slot);
  replace_value(slot, v, static_cast<uint8_t>(t));
}

void Db::set_string_keep_ttl(std::string_view key, std::string_view value) {
  std::string* raw = nullptr;
  store_string(key, encode_string(value, false, &raw), true);
}

void Db::set_int(std::string_view key, int64_t value) {
  uint64_t h = EntryTraits::hash(key);
  core::EntryValue v = core::EntryValue::of_int(value);
  core::Entry** slot = lookup(key, h);
  if (slot == nullptr) {
    insert_new(key, h, static_cast<uint8_t>(ObjType::kString), v);
    return;
  }
  free_payload(*slot);
  replace_value(slot, v, static_cast<uint8_t>(ObjType::kString));
}

std::string* Db::mutable_string(std::string_view key, bool create) {
  uint64_t h = EntryTraits::hash(key);
  core::Entry** slot = lookup(key, h);
  if (slot == nullptr) {
    if (!create) return nullptr;
    auto* s = new std::string();
    insert_new(key, h, static_cast<uint8_t>(ObjType::kString),
               core::EntryValue::of_ptr(core::ValueKind::kRaw, s));
    return s;
  }
  core::Entry* e = *slot;
  if (e->kind() == core::ValueKind::kRaw) return e->raw();
  std::string scratch;
  auto* s = new std::string(string_of(e, scratch));
  replace_value(slot, core::EntryValue::of_ptr(core::ValueKind::kRaw, s), e->type());
  return s;
}

void Db::free_payload(core::Entry* e) {
  if (e->kind() == core::ValueKind::kRaw) {
    delete e->raw();
    e->set_ptr(nullptr);
  } else if (e->kind() == core::ValueKind::kObject) {
    ops_of(e).destroy(e->ptr());
    e->set_ptr(nullptr);
  }
}

void Db::destroy(core::Entry* e) {
  if (e->has_ttl()) ttl_.remove(e->ttl_index());
  free_payload(e);
  core::Entry::free_block(shared_->slab, e);
}

void Db::erase_slot(std::string_view key, uint64_t h) {
  core::Entry* e = table_.erase(key, h);
  if (e != nullptr) destroy(e);
}

bool Db::erase(std::string_view key) {
  uint64_t h = EntryTraits::hash(key);
  if (lookup(key, h) == nullptr) return false;
  erase_slot(key, h);
  return true;
}

// ---- TTL ----

void Db::drop_ttl(core::Entry** slot) {
  core::Entry* old = *slot;
  if (!old->has_ttl()) return;
  ttl_.remove(old->ttl_index());
  *slot = core::Entry::rebuild(shared_->slab, old, false, value_of(old));
}

void Db::add_ttl(core::Entry** slot, int64_t when_ms) {
  core::Entry* old = *slot;
  if (old->has_ttl()) {
    ttl_.update(old->ttl_index(), when_ms);
    return;
  }
  core::Entry* e = core::Entry::rebuild(shared_->slab, old, true, value_of(old));
  *slot = e;
  ttl_.push(when_ms, e);
}

int64_t Db::expire_at(std::string_view key) {
  core::Entry** slot = lookup(key);
  if (slot == nullptr || !(*slot)->has_ttl()) return -1;
  return ttl_.when((*slot)->ttl_index());
}

void Db::set_expire_at(std::string_view key, int64_t when_ms) {
  uint64_t h = EntryTraits::hash(key);
  core::Entry** slot = lookup(key, h);
  if (slot == nullptr) return;
  if (when_ms <= now_ms()) {
    erase_slot(key, h);
    return;
  }
  add_ttl(slot, when_ms);
}

bool Db::persist(std::string_view key) {
  core::Entry** slot = lookup(key);
  if (slot == nullptr || !(*slot)->has_ttl()) return false;
  drop_ttl(slot);
  return true;
}

// ---- Moving keys ----

Db::RenameResult Db::rename(std::string_view from, std::string_view to, bool nx) {
  uint64_t hf = EntryTraits::hash(from);
  core::Entry** src = lookup(from, hf);
  if (src == nullptr) return RenameResult::kNoSuchKey;
  (*src)->set_clock(shared_->access_clock);  // looked up for writing: an access, as in Redis
  if (from == to) return nx ? RenameResult::kTargetExists : RenameResult::kOk;
  uint64_t ht = EntryTraits::hash(to);
  if (lookup(to, ht) != nullptr) {
    if (nx) return RenameResult::kTargetExists;
    erase_slot(to, ht);
  }
  // Expiring or erasing `to` may have moved `from`'s slot: take the entry by key.
  core::Entry* old = table_.erase(from, hf);
  bool ttl = old->has_ttl();
  // Redis looks the source up for writing (an access) and re-adds the same object: the renamed
  // key reads as just used.
  core::Entry* e = core::Entry::create(shared_->slab, old->type(), to, ttl, value_of(old),
                                       shared_->access_clock);
  if (ttl) {
    e->set_ttl_index(old->ttl_index());
    ttl_.rebind(e->ttl_index(), e);
  }
  core::Entry::free_block(shared_->slab, old);
  table_.insert(e, ht);
  report_added(to, e->type());
  return RenameResult::kOk;
}

Db::RenameResult Db::copy_to(Db& dst, std::string_view from, std::string_view to, bool replace) {
  uint64_t hf = EntryTraits::hash(from);
  core::Entry** from_slot = lookup(from, hf);
  if (from_slot == nullptr) return RenameResult::kNoSuchKey;
  (*from_slot)->set_clock(shared_->access_clock);  // Redis reads the source as an access
  uint64_t ht = EntryTraits::hash(to);
  if (dst.lookup(to, ht) != nullptr) {
    if (!replace) return RenameResult::kTargetExists;
    dst.erase_slot(to, ht);
  }
  // Erasing in dst (possibly this Db) may have moved the source's slot: look it up again.
  const core::Entry* src = *table_.find(from, hf);
  core::EntryValue v = value_of(src);
  if (src->kind() == core::ValueKind::kRaw) {
    v.ptr = new std::string(*src->raw());
  } else if (src->kind() == core::ValueKind::kObject) {
    v.ptr = ops_of(src).clone(src->ptr());
  }
  v.private_copy = true;  // Redis's COPY duplicates even a shared integer
  int64_t when = src->has_ttl() ? ttl_.when(src->ttl_index()) : -1;
  core::Entry* e = core::Entry::create(dst.shared_->slab, src->type(), to, when >= 0, v,
                                       dst.shared_->access_clock);
  core::Entry** slot = dst.table_.insert(e, ht);
  if (when >= 0) dst.ttl_.push(when, *slot);
  dst.report_added(to, e->type());
  return RenameResult::kOk;
}

Db::RenameResult Db::move_to(Db& dst, std::string_view key) {
  uint64_t h = EntryTraits::hash(key);
  core::Entry** slot = lookup(key, h);
  if (slot == nullptr) return RenameResult::kNoSuchKey;
  (*slot)->set_clock(shared_->access_clock);  // looked up for writing: an access, as in Redis
  if (dst.lookup(key, h) != nullptr) return RenameResult::kTargetExists;
  core::Entry* e = table_.erase(key, h);
  int64_t when = -1;
  if (e->has_ttl()) {
    when = ttl_.when(e->ttl_index());
    ttl_.remove(e->ttl_index());
  }
  dst.table_.insert(e, h);
  if (when >= 0) dst.ttl_.push(when, e);
  dst.report_added(key, e->type());
  return RenameResult::kOk;
}

void Db::swap(Db& other) noexcept {
  std::swap(table_, other.table_);
  ttl_.swap(other.ttl_);
}

// ---- Detached keys ----

DetachedKey::DetachedKey(DetachedKey&& o) noexcept
    : db(o.db),
      key(std::move(o.key)),
      present(o.present),
      type(o.type),
      kind(o.kind),
      int_value(o.int_value),
      emb(std::move(o.emb)),
      ptr(o.ptr),
      private_copy(o.private_copy),
      expire_at(o.expire_at),
      clock(o.clock) {
  o.present = false;
  o.ptr = nullptr;
}

DetachedKey& DetachedKey::operator=(DetachedKey&& o) noexcept {
  if (this != &o) {
    this->~DetachedKey();
    new (this) DetachedKey(std::move(o));
  }
  return *this;
}

DetachedKey::~DetachedKey() {
  if (ptr == nullptr) return;
  if (kind == core::ValueKind::kRaw) {
    delete static_cast<std::string*>(ptr);
  } else if (kind == core::ValueKind::kObject) {
    g_object_ops[static_cast<size_t>(type) % kObjTypes]->destroy(ptr);
  }
}

void Db::detach(std::string_view key, DetachedKey& out) {
  out = DetachedKey();
  out.db = index_;
  out.key.assign(key);
  uint64_t h = EntryTraits::hash(key);
  if (lookup(key, h) == nullptr) return;
  core::Entry* e = table_.erase(key, h);
  out.present = true;
  out.type = static_cast<ObjType>(e->type());
  out.kind = e->kind();
  out.private_copy = e->private_copy();
  out.clock = e->clock();
  switch (e->kind()) {
    case core::ValueKind::kInt:
      out.int_value = e->int_value();
      break;
    case core::ValueKind::kEmb:
      out.emb.assign(e->emb());
      break;
    case core::ValueKind::kRaw:
    case core::ValueKind::kObject:
      out.ptr = e->ptr();
      e->set_ptr(nullptr);  // the record owns it now
      break;
  }
  if (e->has_ttl()) {
    out.expire_at = ttl_.when(e->ttl_index());
    ttl_.remove(e->ttl_index());
  }
  core::Entry::free_block(shared_->slab, e);
}

void Db::attach(DetachedKey& in) {
  uint64_t h = EntryTraits::hash(in.key);
  bool existed = lookup(in.key, h) != nullptr;
  if (existed) erase_slot(in.key, h);
  if (!in.present || (in.expire_at >= 0 && in.expire_at <= now_ms())) {
    in = DetachedKey();  // frees the value of a key whose time has passed
    return;
  }
  core::EntryValue v;
  switch (in.kind) {
    case core::ValueKind::kInt:
      v = core::EntryValue::of_int(in.int_value);
      break;
    case core::ValueKind::kEmb:
      v = core::EntryValue::of_emb(in.emb);
      break;
    case core::ValueKind::kRaw:
    case core::ValueKind::kObject:
      v = core::EntryValue::of_ptr(in.kind, in.ptr);
      break;
  }
  v.private_copy = in.private_copy;
  bool ttl = in.expire_at >= 0;
  auto type = static_cast<uint8_t>(in.type);
  core::Entry* e = core::Entry::create(shared_->slab, type, in.key, ttl, v, in.clock);
  core::Entry** slot = table_.insert(e, h);
  if (ttl) ttl_.push(in.expire_at, *slot);
  in.ptr = nullptr;  // the Db owns the value now
  in.present = false;
  if (!existed) report_added(in.key, type);
}

// ---- Whole keyspace ----

void Db::clear() {
  table_.clear([this](core::Entry* e) {
    free_payload(e);
    core::Entry::free_block(shared_->slab, e);
  });
  ttl_.clear();
}

const core::Entry* Db::random(uint64_t rnd) {
  // As Redis's dbRandomKey: retry past expired keys, a bounded number of times.
  for (int tries = 0; tries < 100; ++tries) {
    core::Entry* e = table_.random(rnd);
    if (e == nullptr) return nullptr;
    if (!is_expired(e)) return e;
    std::string key(e->key());
    erase_slot(key, EntryTraits::hash(key));
    report_expired(key);
    rnd = next_random(rnd + 0x9e3779b97f4a7c15ull);
  }
  return nullptr;
}

size_t Db::expire_some(int64_t now_ms, size_t max_keys) {
  size_t n = 0;
  while (n < max_keys && !ttl_.empty() && ttl_.top().when <= now_ms) {
    core::Entry* e = ttl_.top().handle;
    std::string_view key = e->key();
    core::Entry* removed = table_.erase(key, EntryTraits::hash(key));
    report_expired(key);  // before destroy: key points into the entry
    destroy(removed);
    ++n;
  }
  return n;
}

int64_t Db::ttl_remaining_sum(int64_t now_ms) const {
  int64_t sum = 0;
  for (uint32_t i = 0; i < ttl_.size(); ++i) {
    int64_t left = ttl_.when(i) - now_ms;
    if (left > 0) sum += left;
  }
  return sum;
}

// ---- ShardStore ----

ShardStore::ShardStore(const base::Clock& clock, uint32_t shard_id, uint32_t shards)
    : shared_(std::make_unique<DbShared>(clock)), shard_id_(shard_id), shards_(shards) {
  dbs_.reserve(kNumDbs);
  for (int i = 0; i < kNumDbs; ++i) dbs_.emplace_back(*shared_, i);
  refresh_clock();
  persist_state_.lastsave_s = clock.now_ms() / 1000;
}

void ShardStore::flush_all() {
  for (auto& d : dbs_) d.clear();
}

void ShardStore::refresh_clock() {
  shared_->access_clock = static_cast<uint16_t>(shared_->clock->now_ms() / 1000);
}

bool ShardStore::on_turn(size_t max_keys, int64_t budget_us) {
  const int64_t now = shared_->clock->now_ms();
  shared_->access_clock = static_cast<uint16_t>(now / 1000);
  constexpr size_t kRehashBucketsPerTurn = 64;
  for (auto& d : dbs_) d.rehash_step(kRehashBucketsPerTurn);

  // Expiry pops due keys off the TTL heaps: nothing to do (and no clock to read) when no heap's
  // first key is due.
  auto any_due = [&] {
    for (auto& d : dbs_) {
      int64_t next = d.next_expiry();
      if (next >= 0 && next <= now) return true;
    }
    return false;
  };
  if (!any_due()) return false;
  constexpr size_t kSlice = 64;  // keys between clock reads
  auto start = std::chrono::steady_clock::now();
  size_t done = 0;
  int idle_dbs = 0;
  while (done < max_keys && idle_dbs < kNumDbs) {
    size_t n = dbs_[expire_cursor_].expire_some(now, std::min(kSlice, max_keys - done));
    done += n;
    if (n < kSlice) {
      ++idle_dbs;
      expire_cursor_ = (expire_cursor_ + 1) % kNumDbs;
    } else {
      idle_dbs = 0;
      auto spent = std::chrono::steady_clock::now() - start;
      if (std::chrono::duration_cast<std::chrono::microseconds>(spent).count() >= budget_us) {
        break;
      }
    }
  }
  return any_due();
}

int64_t ShardStore::next_expiry() const {
  int64_t best = -1;
  for (const auto& d : dbs_) {
    int64_t n = d.next_expiry();
    if (n >= 0 && (best < 0 || n < best)) best = n;
  }
  return best;
}

}  // namespace shardis::server
