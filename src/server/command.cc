#include <shardis/server/command.h>

#include <algorithm>

namespace shardis::server {

std::vector<uint32_t> key_indices(const CommandSpec& spec, ArgList args) {
  if (spec.find_keys != nullptr) return spec.find_keys(args);
  std::vector<uint32_t> out;
  const size_t argc = args.size();
  if (!spec.has_keys || argc < 2) return out;
  int last = spec.keys.last >= 0 ? spec.keys.last : static_cast<int>(argc) + spec.keys.last;
  last = std::min(last, static_cast<int>(argc) - 1);
  for (int i = spec.keys.first; i <= last; i += spec.keys.step)
    out.push_back(static_cast<uint32_t>(i));
  return out;
}

std::vector<LockKeyRef> lock_key_refs(const CommandSpec& spec, ArgList args, int client_db) {
  if (spec.lock_keys != nullptr) return spec.lock_keys(args, client_db);
  std::vector<LockKeyRef> out;
  bool write = (spec.flags & kWrite) != 0;
  for (uint32_t i : key_indices(spec, args)) out.push_back({client_db, i, write});
  return out;
}

std::string err_wrong_args(std::string_view cmd_name) {
  std::string s = "ERR wrong number of arguments for '";
  s.append(cmd_name);
  s.append("' command");
  return s;
}

namespace {
// printf's "%s" stops at a NUL byte; Redis formats these messages with it.
std::string_view c_str_view(std::string_view s) {
  return s.substr(0, s.find('\0'));
}
}  // namespace

// Redis 7.0: "unknown command '%.128s', with args beginning with: " then "'%.*s' " per argument
// while the argument text stays under 128 bytes (each argument cut to what is left).
std::string err_unknown_command(ArgList args) {
  std::string s = "ERR unknown command '";
  s.append(c_str_view(args[0]).substr(0, 128));
  s.append("', with args beginning with: ");
  std::string rest;
  for (size_t i = 1; i < args.size() && rest.size() < 128; ++i) {
    size_t room = 128 - rest.size();
    rest.push_back('\'');
    rest.append(c_str_view(args[i]).substr(0, room));
    rest.append("' ");
  }
  s.append(rest);
  return s;
}

std::string err_unknown_subcommand(std::string_view sub, std::string_view cmd_upper) {
  std::string s = "ERR unknown subcommand '";
  s.append(c_str_view(sub).substr(0, 128));
  s.append("'. Try ");
  s.append(cmd_upper);
  s.append(" HELP.");
  return s;
}

}  // namespace shardis::server
