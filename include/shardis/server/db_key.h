#pragma once
// A key qualified by its database, as one string: the database number (4 bytes, host order)
// followed by the key's bytes. The per-shard tables that index keys of every database (locks,
// watches, blocked clients) key their maps by it. Binary safe; an empty key is fine.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace shardis::server {

// Writes the name of (db, key) into out, replacing its contents.
inline void db_key_into(std::string& out, int db, std::string_view key) {
  auto d = static_cast<uint32_t>(db);
  out.assign(reinterpret_cast<const char*>(&d), sizeof(d));
  out.append(key);
}

inline std::string db_key(int db, std::string_view key) {
  std::string name;
  db_key_into(name, db, key);
  return name;
}

// The database and the key of a name made by db_key.
inline int db_key_db(std::string_view name) {
  uint32_t d = 0;
  std::memcpy(&d, name.data(), sizeof(d));
  return static_cast<int>(d);
}
inline std::string_view db_key_key(std::string_view name) {
  return name.substr(sizeof(uint32_t));
}

}  // namespace shardis::server
