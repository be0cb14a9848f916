#include <shardis/server/db_key.h>
#include <shardis/server/txn/watch_table.h>

#include <cstring>

namespace shardis::server {

std::string_view WatchTable::name_of(int db, std::string_view key) {
  db_key_into(scratch_, db, key);
  return scratch_;
}

WatchTable::Entry* WatchTable::find(int db, std::string_view key) {
  if (entries_.empty()) return nullptr;
  auto it = entries_.find(std::string(name_of(db, key)));
  return it == entries_.end() ? nullptr : &it->second;
}

WatchStamp WatchTable::watch(int db, std::string_view key) {
  auto [it, fresh] = entries_.try_emplace(std::string(name_of(db, key)));
  Entry& e = it->second;
  if (fresh) {
    e.version = ++counter_;
    e.expiry_version = ++counter_;
  }
  ++e.watchers;
  return {e.version, e.expiry_version, store_.db(db).logically_expired(key)};
}

void WatchTable::unwatch(int db, std::string_view key) {
  auto it = entries_.find(std::string(name_of(db, key)));
  if (it == entries_.end()) return;
  if (--it->second.watchers == 0) entries_.erase(it);
}

bool WatchTable::changed(int db, std::string_view key, const WatchStamp& at) {
  Entry* e = find(db, key);
  if (e == nullptr) return true;  // not watched any more: cannot vouch for it
  if (e->version != at.version) return true;
  if (at.expired) return false;
  return e->expiry_version != at.expiry_version || store_.db(db).logically_expired(key);
}

void WatchTable::before_flush(int db, int other) {
  if (entries_.empty()) return;
  for (auto& [name, e] : entries_) {
    int key_db = db_key_db(name);
    if (db >= 0 && key_db != db) continue;
    std::string_view key = db_key_key(name);
    bool exists = store_.db(key_db).contains_raw(key);
    if (!exists && other >= 0) exists = store_.db(other).contains_raw(key);
    if (exists) e.version = ++counter_;
  }
}

void WatchTable::on_outcome(const CommandSpec*, ArgList, int, const Outcome& out) {
  if (entries_.empty()) return;
  for (const Outcome::Change& c : out.changes()) {
    Entry* e = find(c.db, c.key);
    if (e == nullptr) continue;
    if (c.cls == kNotifyExpired) {
      e->expiry_version = ++counter_;
    } else {
      e->version = ++counter_;
    }
  }
}

}  // namespace shardis::server
