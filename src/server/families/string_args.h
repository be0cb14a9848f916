#pragma once
// Option parsing of the string commands, with Redis 7.0's rules: expiry arguments (SET
// EX/PX/EXAT/PXAT, SETEX, PSETEX, GETEX), SET's and GETEX's option lists, and the keys SET ... GET,
// GETEX, GETSET and GETDEL read (CommandSpec::read_keys), which must parse exactly as the
// commands do: a command Redis refuses before its lookup fires no keymiss. Used by
// string_family.cc; pure functions of the arguments.
#include <shardis/proto/reply_builder.h>
#include <shardis/server/command.h>

#include <cstdint>
#include <string_view>
#include <vector>

namespace shardis::server::string_args {

enum class ExpiryError : uint8_t { kNone, kNotInteger, kInvalid };

// The absolute expiry (ms since epoch) for an expiry argument, with Redis's rules: the value must
// be a positive integer, and the time in milliseconds, after adding `now` for a relative one,
// must fit in int64.
ExpiryError parse_expiry(std::string_view arg, bool seconds, bool relative, int64_t now,
                         int64_t* at_ms);

// Replies the error for a failed parse_expiry; false when there was none.
bool reply_expiry_error(proto::ReplyBuilder& rb, ExpiryError e, std::string_view cmd);

enum class ExpiryKind : uint8_t { kNone, kEx, kPx, kExAt, kPxAt };

ExpiryError parse_expiry_of(ExpiryKind kind, std::string_view arg, int64_t now, int64_t* at_ms);

enum class SetCondition : uint8_t { kAlways, kIfAbsent, kIfPresent };

struct SetParams {
  SetCondition cond = SetCondition::kAlways;
  bool get = false;        // reply with the old value instead of OK
  bool keep_ttl = false;   // keep the TTL of an existing key
  int64_t expire_at = -1;  // absolute ms, or -1 for no TTL
};

// SET's options (args[3..]) as Redis parses them.
struct SetOptions {
  SetParams params;
  ExpiryKind expiry = ExpiryKind::kNone;
  std::string_view expiry_arg;
};

// False on a syntax error. The whole option list is checked before the expiry value is parsed,
// as Redis does.
bool parse_set_options(ArgList args, SetOptions& o);

// GETEX's TTL change: none, a new absolute expiry, or removing the TTL.
struct GetexParams {
  ExpiryKind expiry = ExpiryKind::kNone;
  std::string_view expiry_arg;
  bool persist = false;
};

// GETEX's options (args[2..]); false on a syntax error. An option may repeat (the last value
// wins); two different ones are a syntax error.
bool parse_getex_options(ArgList args, GetexParams& params);

// read_keys: SET ... GET reads its key once its options parsed and its expiry is valid; without
// GET it does not.
std::vector<uint32_t> set_read_keys(ArgList args);
// read_keys: GETEX reads its key once its options parsed (the expiry value is checked after the
// lookup).
std::vector<uint32_t> getex_read_keys(ArgList args);
// read_keys of GETSET and GETDEL: the key, always.
std::vector<uint32_t> first_read_key(ArgList args);

}  // namespace shardis::server::string_args
