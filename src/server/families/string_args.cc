#include "string_args.h"

#include <shardis/base/number_format.h>
#include <shardis/server/families/family_util.h>

#include <optional>

namespace shardis::server::string_args {

ExpiryError parse_expiry(std::string_view arg, bool seconds, bool relative, int64_t now,
                         int64_t* at_ms) {
  std::optional<int64_t> v = base::parse_int64(arg);
  if (!v) return ExpiryError::kNotInteger;
  if (*v <= 0) return ExpiryError::kInvalid;
  std::optional<int64_t> at = absolute_expire_ms(*v, seconds, relative ? now : 0);
  if (!at) return ExpiryError::kInvalid;
  *at_ms = *at;
  return ExpiryError::kNone;
}

bool reply_expiry_error(proto::ReplyBuilder& rb, ExpiryError e, std::string_view cmd) {
  switch (e) {
    case ExpiryError::kNone:
      return false;
    case ExpiryError::kNotInteger:
      rb.error(kErrNotInteger);
      return true;
    case ExpiryError::kInvalid:
      rb.error(err_invalid_expire(cmd));
      return true;
  }
  return false;
}

ExpiryError parse_expiry_of(ExpiryKind kind, std::string_view arg, int64_t now, int64_t* at_ms) {
  bool seconds = kind == ExpiryKind::kEx || kind == ExpiryKind::kExAt;
  bool relative = kind == ExpiryKind::kEx || kind == ExpiryKind::kPx;
  return parse_expiry(arg, seconds, relative, now, at_ms);
}

namespace {
// EX, PX, EXAT or PXAT (any case) as the expiry it names; kNone for anything else.
ExpiryKind expiry_option(std::string_view opt) {
  if (base::iequals(opt, "ex")) return ExpiryKind::kEx;
  if (base::iequals(opt, "px")) return ExpiryKind::kPx;
  if (base::iequals(opt, "exat")) return ExpiryKind::kExAt;
  if (base::iequals(opt, "pxat")) return ExpiryKind::kPxAt;
  return ExpiryKind::kNone;
}
}  // namespace

bool parse_set_options(ArgList args, SetOptions& o) {
  SetParams& params = o.params;
  ExpiryKind& expiry = o.expiry;
  std::string_view& expiry_arg = o.expiry_arg;
  for (size_t j = 3; j < args.size(); ++j) {
    std::string_view opt = args[j];
    bool has_next = j + 1 < args.size();
    auto other_expiry = [&](ExpiryKind self) {
      return params.keep_ttl || (expiry != ExpiryKind::kNone && expiry != self);
    };
    ExpiryKind kind = expiry_option(opt);
    if (base::iequals(opt, "nx") && params.cond != SetCondition::kIfPresent) {
      params.cond = SetCondition::kIfAbsent;
    } else if (base::iequals(opt, "xx") && params.cond != SetCondition::kIfAbsent) {
      params.cond = SetCondition::kIfPresent;
    } else if (base::iequals(opt, "get")) {
      params.get = true;
    } else if (base::iequals(opt, "keepttl") && expiry == ExpiryKind::kNone) {
      params.keep_ttl = true;
    } else if (kind != ExpiryKind::kNone && has_next && !other_expiry(kind)) {
      expiry = kind;
      expiry_arg = args[++j];
    } else {
      return false;
    }
  }
  return true;
}

std::vector<uint32_t> set_read_keys(ArgList args) {
  SetOptions o;
  if (!parse_set_options(args, o) || !o.params.get) return {};
  int64_t at = 0;
  if (o.expiry != ExpiryKind::kNone &&
      parse_expiry_of(o.expiry, o.expiry_arg, 0, &at) != ExpiryError::kNone) {
    return {};
  }
  return {1};
}

bool parse_getex_options(ArgList args, GetexParams& params) {
  for (size_t j = 2; j < args.size(); ++j) {
    std::string_view opt = args[j];
    bool has_next = j + 1 < args.size();
    auto other = [&](ExpiryKind self) {
      return params.persist || (params.expiry != ExpiryKind::kNone && params.expiry != self);
    };
    ExpiryKind kind = expiry_option(opt);
    if (base::iequals(opt, "persist") && params.expiry == ExpiryKind::kNone) {
      params.persist = true;
    } else if (kind != ExpiryKind::kNone && has_next && !other(kind)) {
      params.expiry = kind;
      params.expiry_arg = args[++j];
    } else {
      return false;
    }
  }
  return true;
}

std::vector<uint32_t> getex_read_keys(ArgList args) {
  GetexParams params;
  if (!parse_getex_options(args, params)) return {};
  return {1};
}

std::vector<uint32_t> first_read_key(ArgList args) {
  (void)args;
  return {1};
}

}  // namespace shardis::server::string_args
