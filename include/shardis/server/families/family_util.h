#pragma once
// Pieces that more than one command family needs: Redis 7.0 error texts, the HELP reply, expiry
// arithmetic and the subcommand dispatch of container commands (CLIENT, CONFIG, COMMAND).
// Stateless functions; safe on any shard.
#include <shardis/proto/reply_builder.h>
#include <shardis/server/command.h>
#include <shardis/server/db.h>

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

// ---- Typed keys ----

// A key looked up for a command that works on one value type.
struct TypedEntry {
  const core::Entry* entry = nullptr;  // the live entry when it holds the wanted type
  bool wrong_type = false;             // the key exists and holds another type
};
// Looks key up (lazy expiry, access clock) and checks its type. When wrong_type the caller
// replies kErrWrongType; when neither is set the key is absent.
TypedEntry find_typed(Db& db, std::string_view key, ObjType t);
// The collection object of an entry of the matching type.
template <typename T>
T* object_as(const core::Entry* e) {
  return static_cast<T*>(Db::object_of(e));
}

// ---- SCAN-style arguments (SCAN, HSCAN, SSCAN, ZSCAN) ----

inline constexpr std::string_view kErrInvalidCursor = "ERR invalid cursor";

// A cursor as Redis parses it (strtoul, base 10, of the argument as a C string): an optional
// sign (a '-' wraps around), digits, nothing after them; no leading space; the empty string is
// 0. nullopt when Redis replies kErrInvalidCursor.
std::optional<uint64_t> parse_scan_cursor(std::string_view arg);

struct ScanArgs {
  uint64_t cursor = 0;
  int64_t count = 10;
  std::string_view pattern;  // empty: no MATCH
  bool use_pattern = false;  // false for no MATCH and for "*" (Redis skips matching then)
  std::string_view type;     // SCAN only; empty: no TYPE
  bool use_type = false;
};

// [MATCH pattern] [COUNT count] [TYPE type] from args[first] on: options in any order, repeated
// ones win; TYPE only when allow_type (SCAN; the collection scans reply a syntax error). Errors
// as Redis: a COUNT that is not an integer, then below 1, then an unknown option. Returns the
// error text or an empty string.
std::string parse_scan_options(ArgList args, size_t first, bool allow_type, ScanArgs* out);

// ---- Blocking commands ----

// A blocking command's timeout argument, in seconds, as Redis's getTimeoutFromObjectOrReply
// reads it: milliseconds to wait (rounded up; 0 waits for ever), or the error text to reply.
struct BlockTimeout {
  int64_t ms = 0;
  std::string_view error;  // empty when the argument is valid
};
BlockTimeout parse_block_timeout(std::string_view arg);

// Redis's default proto-max-bulk-len: no string value may grow past it, and bit offsets stop at
// its last bit (2^32 - 1).
inline constexpr size_t kMaxStringLen = 512ull * 1024 * 1024;
inline constexpr std::string_view kErrStringTooLarge =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

}  // namespace shardis::server
