#include <shardis/base/number_format.h>
#include <shardis/server/families/family_util.h>

#include <cmath>
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

TypedEntry find_typed(Db& db, std::string_view key, ObjType t) {
  const core::Entry* e = db.find(key);
  if (e == nullptr) return {};
  if (Db::type_of(e) != t) return {nullptr, true};
  return {e, false};
}

std::optional<uint64_t> parse_scan_cursor(std::string_view arg) {
  std::string_view s = c_str_view(arg);
  if (s.empty()) return 0;
  size_t i = 0;
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    i = 1;
  }
  if (i == s.size()) return std::nullopt;
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return negative ? 0 - v : v;
}

std::string parse_scan_options(ArgList args, size_t first, bool allow_type, ScanArgs* out) {
  for (size_t i = first; i < args.size(); i += 2) {
    bool has_value = i + 1 < args.size();
    if (base::iequals(args[i], "count") && has_value) {
      std::optional<int64_t> n = base::parse_int64(args[i + 1]);
      if (!n) return std::string(kErrNotInteger);
      if (*n < 1) return std::string(kErrSyntax);
      out->count = *n;
    } else if (base::iequals(args[i], "match") && has_value) {
      out->pattern = args[i + 1];
      out->use_pattern = out->pattern != "*";
    } else if (allow_type && base::iequals(args[i], "type") && has_value) {
      out->type = c_str_view(args[i + 1]);  // Redis compares it as a C string
      out->use_type = true;
    } else {
      return std::string(kErrSyntax);
    }
  }
  return {};
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

BlockTimeout parse_block_timeout(std::string_view arg) {
  std::optional<long double> v = base::parse_long_double(arg);
  if (!v) return {0, "ERR timeout is not a float or out of range"};
  long double ms = std::ceil(*v * 1000.0L);
  // Redis converts to long long, which on x86-64 turns anything out of range (infinities
  // included) into the most negative value: "negative".
  constexpr long double kLimit = 9223372036854775807.0L;
  if (!(ms >= -kLimit && ms < kLimit)) return {0, "ERR timeout is negative"};
  auto t = static_cast<int64_t>(ms);
  if (t < 0) return {0, "ERR timeout is negative"};
  return {t, {}};
}

}  // namespace shardis::server
