#include <shardis/base/number_format.h>
#include <shardis/server/families/family_util.h>

#include <limits>

namespace shardis::server {

std::string_view c_str_view(std::string_view s) {
  return s.substr(0, s.find('\0'));
}

std::string err_invalid_expire(std::string_view cmd) {
  std::string s = "ERR invalid expire time in '";
  s.append(cmd);
  s.append("' command");
  return s;
}

std::optional<int64_t> absolute_expire_ms(int64_t when, bool seconds, int64_t base_ms) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  if (seconds) {
    if (when > kMax / 1000 || when < kMin / 1000) return std::nullopt;
    when *= 1000;
  }
  if (when > kMax - base_ms) return std::nullopt;
  return when + base_ms;
}

void reply_help(proto::ReplyBuilder& rb, std::span<const std::string_view> lines) {
  rb.array(lines.size());
  for (std::string_view l : lines) rb.simple(l);
}

void run_subcommand(ConnContext& ctx, std::span<const Subcommand> table,
                    std::string_view container_upper) {
  std::string_view sub = ctx.args[1];
  for (const Subcommand& s : table) {
    if (!base::iequals(sub, s.name)) continue;
    size_t argc = ctx.args.size();
    bool ok =
        s.arity >= 0 ? argc == static_cast<size_t>(s.arity) : argc >= static_cast<size_t>(-s.arity);
    if (!ok) return ctx.rb.error(err_wrong_args(s.fullname));
    return s.run(ctx);
  }
  ctx.rb.error(err_unknown_subcommand(sub, container_upper));
}

}  // namespace shardis::server
