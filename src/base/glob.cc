#include <shardis/base/glob.h>

#include <cstddef>
#include <utility>

namespace shardis::base {
namespace {

// Redis gives up (no match) once its recursion passes this many '*' runs; kept so that replies
// agree with redis-server for every pattern.
constexpr size_t kMaxStarRuns = 1000;

// Redis compares bytes as `char`, which is signed on x86-64: in a range, '\x80'..'\xff' sort
// below '\0'. Pinned to signed here so that Shardis answers the same on every platform.
int byte_value(char c) {
  return static_cast<signed char>(c);
}

int fold(int c, bool nocase) {
  return nocase && c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

// Matches the set starting at pattern[pos] ('[') against c. Returns the index just past the set.
size_t match_set(std::string_view pattern, size_t pos, char c, bool nocase, bool* matched) {
  const size_t end = pattern.size();
  size_t p = pos + 1;
  const bool negate = p < end && pattern[p] == '^';
  if (negate) ++p;
  bool hit = false;
  while (p < end) {
    if (pattern[p] == '\\' && end - p >= 2) {
      hit = hit || pattern[p + 1] == c;  // exact even with nocase, as in Redis
      p += 2;
    } else if (pattern[p] == ']') {
      ++p;
      break;
    } else if (end - p >= 3 && pattern[p + 1] == '-') {
      int lo = byte_value(pattern[p]);
      int hi = byte_value(pattern[p + 2]);
      if (lo > hi) std::swap(lo, hi);
      // Folded after ordering, as Redis does: "[Z-a]" is empty without case.
      const int v = fold(byte_value(c), nocase);
      hit = hit || (v >= fold(lo, nocase) && v <= fold(hi, nocase));
      p += 3;
    } else {
      hit = hit || fold(byte_value(pattern[p]), nocase) == fold(byte_value(c), nocase);
      ++p;
    }
  }
  *matched = hit != negate;
  return p;
}

// Matches the one-byte element starting at pattern[pos] (anything but '*') against c. Returns
// the index just past the element.
size_t match_element(std::string_view pattern, size_t pos, char c, bool nocase, bool* matched) {
  char literal = pattern[pos];
  size_t next = pos + 1;
  switch (literal) {
    case '?':
      *matched = true;
      return next;
    case '[':
      return match_set(pattern, pos, c, nocase, matched);
    case '\\':
      if (next < pattern.size()) literal = pattern[next++];
      break;
    default:
      break;
  }
  *matched = fold(byte_value(literal), nocase) == fold(byte_value(c), nocase);
  return next;
}

// The number of '*' runs followed by at least one more element.
size_t inner_star_runs(std::string_view pattern) {
  size_t runs = 0;
  size_t p = 0;
  while (p < pattern.size()) {
    if (pattern[p] == '*') {
      while (p < pattern.size() && pattern[p] == '*') ++p;
      if (p < pattern.size()) ++runs;
    } else {
      bool ignored;
      p = match_element(pattern, p, '\0', false, &ignored);
    }
  }
  return runs;
}

}  // namespace

// Every element but '*' consumes exactly one byte, so on a mismatch it is enough to let the most
// recent '*' take one more byte and retry from there: letting an earlier '*' take more never
// helps, since whatever it would take, the most recent '*' can take instead. A retry rescans at
// most the pattern, and there are at most |str| of them: O(|pattern| * |str|), no recursion.
bool glob_match(std::string_view pattern, std::string_view str, bool nocase) {
  if (str.empty()) return pattern.empty();
  if (inner_star_runs(pattern) > kMaxStarRuns) return false;
  const size_t npos = std::string_view::npos;
  size_t p = 0;
  size_t s = 0;
  size_t star_p = npos;  // the element after the most recent '*' run
  size_t star_s = 0;     // where in str that '*' run's current attempt resumes
  while (s < str.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      while (p < pattern.size() && pattern[p] == '*') ++p;
      if (p == pattern.size()) return true;
      star_p = p;
      star_s = s;
      continue;
    }
    if (p < pattern.size()) {
      bool matched = false;
      size_t next = match_element(pattern, p, str[s], nocase, &matched);
      if (matched) {
        p = next;
        ++s;
        continue;
      }
    }
    if (star_p == npos) return false;
    p = star_p;
    s = ++star_s;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace shardis::base
