#pragma once
// Pieces that more than one command family needs: Redis 7.0 error texts, the HELP reply, expiry
// arithmetic and the subcommand dispatch of container commands (CLIENT, CONFIG, COMMAND).
// Stateless functions; safe on any shard.
#include <shardis/proto/reply_builder.h>
#include <shardis/server/command.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace shardis::server {

// The part of s that Redis prints where it formats an argument with "%s": up to the first NUL.
std::string_view c_str_view(std::string_view s);

// "ERR invalid expire time in '<cmd>' command"
std::string err_invalid_expire(std::string_view cmd);

// A TTL argument made absolute: `when` (seconds or milliseconds) in ms, plus base_ms (now for a
// relative time, 0 for an absolute one; never negative). nullopt when the time in ms, or the sum,
// does not fit in int64: Redis then replies err_invalid_expire.
std::optional<int64_t> absolute_expire_ms(int64_t when, bool seconds, int64_t base_ms);

// The reply to a HELP subcommand: an array of simple strings, one per line.
void reply_help(proto::ReplyBuilder& rb, std::span<const std::string_view> lines);

// One subcommand of a container command.
struct Subcommand {
  std::string_view name;      // as typed after the container, matched case-insensitively
  std::string_view fullname;  // "client|id": names it in the wrong-number-of-arguments error
  int arity;                  // counted from the container itself, Redis convention
  ConnHandler run;
};

// Runs the subcommand named by ctx.args[1] (which must exist) from `table`. Replies Redis's
// error, and runs nothing, for an unknown name ("... Try <container_upper> HELP.") or a wrong
// number of arguments.
void run_subcommand(ConnContext& ctx, std::span<const Subcommand> table,
                    std::string_view container_upper);

// Redis's default proto-max-bulk-len: no string value may grow past it, and bit offsets stop at
// its last bit (2^32 - 1).
inline constexpr size_t kMaxStringLen = 512ull * 1024 * 1024;
inline constexpr std::string_view kErrStringTooLarge =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

}  // namespace shardis::server
