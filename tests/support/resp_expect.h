#pragma once
// Expected replies for family tests, as the exact RESP bytes redis-server 7.0 sends.
//
// Built with append rather than a chain of operator+: g++ 12 at -O2 reports a false -Wrestrict
// on `"$" + std::to_string(n) + "\r\n" + s`.
#include <string>
#include <string_view>

namespace shardis::test {

inline const std::string kOk = "+OK\r\n";
inline const std::string kNil = "$-1\r\n";  // RESP2 null bulk
inline const std::string kSyntax = "-ERR syntax error\r\n";
inline const std::string kNotInt = "-ERR value is not an integer or out of range\r\n";

// "$<len>\r\n<s>\r\n"; s may hold any bytes.
inline std::string bulk(std::string_view s) {
  std::string out = "$";
  out.append(std::to_string(s.size()));
  out.append("\r\n");
  out.append(s);
  out.append("\r\n");
  return out;
}

// ":<v>\r\n"
inline std::string integer(long long v) {
  std::string out = ":";
  out.append(std::to_string(v));
  out.append("\r\n");
  return out;
}

// "-<msg>\r\n"
inline std::string error(std::string_view msg) {
  std::string out = "-";
  out.append(msg);
  out.append("\r\n");
  return out;
}

// The arity error; cmd is lower case, "container|sub" for a subcommand.
inline std::string wrong_args(std::string_view cmd) {
  std::string msg = "ERR wrong number of arguments for '";
  msg.append(cmd);
  msg.append("' command");
  return error(msg);
}

inline std::string invalid_expire(std::string_view cmd) {
  std::string msg = "ERR invalid expire time in '";
  msg.append(cmd);
  msg.append("' command");
  return error(msg);
}

}  // namespace shardis::test
