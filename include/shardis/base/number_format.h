#pragma once
// Number <-> text conversions with Redis 7.0's exact rules. Replies and argument checks must
// use these so that what Shardis accepts, rejects and prints matches redis-server byte for byte.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shardis::base {

// Redis string2ll: optional '-', digits, no leading zeros (except "0"), no '+', no spaces,
// must fit in int64. "-0" is rejected. Empty is rejected.
std::optional<int64_t> parse_int64(std::string_view s);

// Redis string2ld / getLongDoubleFromObject as used by INCRBYFLOAT: accepts what strtold
// accepts, but no leading/trailing space, and the result must not be NaN.
// (Infinity is accepted by the parser; callers decide.)
std::optional<long double> parse_long_double(std::string_view s);

// Redis getDoubleFromObject (string2d): strtod, no leading space, whole string consumed, not NaN.
std::optional<double> parse_double(std::string_view s);

// Writes the decimal form of v into buf (at least 21 bytes); returns the length.
size_t format_int64(int64_t v, char* buf);
std::string int64_to_string(int64_t v);

// Redis ld2string(..., LD_STR_HUMAN) as used by INCRBYFLOAT replies: "%.17Lf" with trailing
// zeros (and a trailing '.') removed; "-0" becomes "0".
std::string long_double_to_human(long double v);

// RESP3 double / RESP2 bulk form of a double as Redis 7.0 prints it (addReplyDouble):
// "inf", "-inf", "nan", else "%.17g".
std::string double_to_resp(double v);

// ASCII case-insensitive equality (command names, options).
bool iequals(std::string_view a, std::string_view b);

}  // namespace shardis::base
