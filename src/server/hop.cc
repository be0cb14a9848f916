#include <shardis/server/hop.h>

namespace shardis::server {

void RemoteCommand::copy_args(ArgList in) {
  size_t total = 0;
  for (std::string_view a : in) total += a.size();
  arena.clear();
  arena.reserve(total);
  args.clear();
  args.reserve(in.size());
  for (std::string_view a : in) arena.append(a);
  size_t off = 0;
  for (std::string_view a : in) {
    args.emplace_back(arena.data() + off, a.size());
    off += a.size();
  }
}

}  // namespace shardis::server
