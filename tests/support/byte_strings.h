#pragma once
// Byte strings for tests of binary formats: from a list of byte values, or from hex text (as
// redis-cli and `xxd -p` print payloads).
#include <initializer_list>
#include <string>
#include <string_view>

namespace shardis::test {

inline std::string bytes(std::initializer_list<int> v) {
  std::string s;
  for (int b : v) s.push_back(static_cast<char>(b));
  return s;
}

// "0a0b" -> "\x0a\x0b"; the hex digits come in pairs.
inline std::string from_hex(std::string_view h) {
  std::string s;
  for (size_t i = 0; i + 1 < h.size(); i += 2) {
    s.push_back(static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  }
  return s;
}

}  // namespace shardis::test
