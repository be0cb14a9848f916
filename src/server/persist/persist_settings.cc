#include <shardis/base/number_format.h>
#include <shardis/server/persist/persist_settings.h>

#include <cstdlib>
#include <sstream>

namespace shardis::server {

bool parse_save_rules(const std::string& value, std::vector<std::pair<int64_t, int64_t>>* rules) {
  std::istringstream in(value);
  std::vector<std::string> words;
  std::string w;
  while (in >> w) words.push_back(w);
  if (words.size() % 2 != 0) return false;
  rules->clear();
  for (size_t i = 0; i < words.size(); i += 2) {
    char* end = nullptr;
    const long long secs = std::strtoll(words[i].c_str(), &end, 10);
    if (*end != '\0' || secs < 0) return false;
    const long long changes = std::strtoll(words[i + 1].c_str(), &end, 10);
    if (*end != '\0' || changes < 0) return false;
    rules->emplace_back(secs, changes);
  }
  return true;
}

const char* fsync_name(PersistSettings::Fsync f) {
  switch (f) {
    case PersistSettings::Fsync::kAlways:
      return "always";
    case PersistSettings::Fsync::kEverysec:
      return "everysec";
    case PersistSettings::Fsync::kNo:
      return "no";
  }
  return "everysec";
}

bool parse_fsync(std::string_view v, PersistSettings::Fsync* out) {
  for (auto f : {PersistSettings::Fsync::kAlways, PersistSettings::Fsync::kEverysec,
                 PersistSettings::Fsync::kNo}) {
    if (base::iequals(v, fsync_name(f))) {
      *out = f;
      return true;
    }
  }
  return false;
}

}  // namespace shardis::server
