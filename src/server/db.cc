#include <shardis/server/db.h>
#include <xxhash.h>

namespace shardis::server {

const char* type_name(ObjType t) {
  switch (t) {
    case ObjType::kString:
      return "string";
  }
  return "none";
}

size_t Db::Hash::operator()(std::string_view s) const noexcept {
  return static_cast<size_t>(XXH3_64bits(s.data(), s.size()));
}

Value* Db::find(std::string_view key) {
  auto it = map_.find(key);
  if (it == map_.end()) return nullptr;
  if (expired(it->second)) {
    map_.erase(it);
    return nullptr;
  }
  return &it->second.value;
}

Value& Db::find_or_insert(std::string_view key, bool* inserted) {
  auto it = map_.find(key);
  if (it != map_.end() && expired(it->second)) {
    map_.erase(it);
    it = map_.end();
  }
  if (inserted) *inserted = it == map_.end();
  if (it == map_.end()) it = map_.emplace(std::string(key), Entry{}).first;
  return it->second.value;
}

Value& Db::overwrite(std::string_view key, Value v) {
  auto it = map_.find(key);
  if (it == map_.end()) {
    it = map_.emplace(std::string(key), Entry{std::move(v), -1}).first;
  } else {
    it->second.value = std::move(v);
    it->second.expire_at = -1;
  }
  return it->second.value;
}

bool Db::erase(std::string_view key) {
  auto it = map_.find(key);
  if (it == map_.end()) return false;
  bool live = !expired(it->second);
  map_.erase(it);
  return live;
}

int64_t Db::expire_at(std::string_view key) const {
  auto it = map_.find(key);
  return it == map_.end() ? -1 : it->second.expire_at;
}

void Db::set_expire_at(std::string_view key, int64_t when_ms) {
  auto it = map_.find(key);
  if (it == map_.end()) return;
  if (when_ms <= now_ms()) {
    map_.erase(it);
    return;
  }
  it->second.expire_at = when_ms;
}

bool Db::persist(std::string_view key) {
  auto it = map_.find(key);
  if (it == map_.end() || it->second.expire_at < 0) return false;
  it->second.expire_at = -1;
  return true;
}

void Db::clear() {
  map_.clear();
}

ShardStore::ShardStore(const base::Clock& clock) : clock_(&clock) {
  dbs_.reserve(kNumDbs);
  for (int i = 0; i < kNumDbs; ++i) dbs_.emplace_back(clock);
}

void ShardStore::flush_all() {
  for (auto& d : dbs_) d.clear();
}

}  // namespace shardis::server
