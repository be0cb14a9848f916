// Glob matching. The table's expected values are redis-server 7.0.15 replies: KEYS for the
// case-sensitive rows (one key, the row's string, in an otherwise empty database), CONFIG GET
// for the case-insensitive ones (the row's string is a parameter name).
#include <doctest/doctest.h>
#include <shardis/base/glob.h>

#include <algorithm>
#include <bitset>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace shardis::base {
namespace {

using namespace std::string_literals;

struct Case {
  std::string pattern;
  std::string str;
  bool nocase;
  bool want;
};

const Case kCases[] = {
    // The empty string matches only the empty pattern. (KEYS "*" lists the empty key because
    // KEYS skips matching for a lone "*"; KEYS "**" does not list it.)
    {""s, ""s, false, true},
    {""s, "a"s, false, false},
    {"*"s, ""s, false, false},
    {"**"s, ""s, false, false},
    {"?"s, ""s, false, false},
    {"[^]"s, ""s, false, false},
    // '*' and '?'.
    {"*"s, "a"s, false, true},
    {"**"s, "ab"s, false, true},
    {"?"s, "a"s, false, true},
    {"?"s, "ab"s, false, false},
    {"??"s, "ab"s, false, true},
    {"a*"s, "a"s, false, true},
    {"a*"s, "abc"s, false, true},
    {"*c"s, "abc"s, false, true},
    {"*b*"s, "abc"s, false, true},
    {"a*c"s, "ac"s, false, true},
    {"a*c"s, "ab"s, false, false},
    {"a*b*c"s, "aXbYc"s, false, true},
    {"a*b*c"s, "acb"s, false, false},
    {"h*llo"s, "heeeello"s, false, true},
    {"user:*:name"s, "user:42:name"s, false, true},
    {"user:*:name"s, "user:42:nam"s, false, false},
    {"a"s, "A"s, false, false},
    // NUL is an ordinary byte.
    {"?"s, "\x00"s, false, true},
    {"a?b"s,
     "a\x00"
     "b"s,
     false, true},
    {"a\x00"
     "b"s,
     "a\x00"
     "b"s,
     false, true},
    {"a\x00"
     "b"s,
     "a"s, false, false},
    {"[\x00"
     "]"s,
     "\x00"s, false, true},
    {"a[\x00"
     "-\x01"
     "]b"s,
     "a\x00"
     "b"s,
     false, true},
    // Sets and ranges.
    {"h[ae]llo"s, "hello"s, false, true},
    {"h[^e]llo"s, "hallo"s, false, true},
    {"h[^e]llo"s, "hello"s, false, false},
    {"[a-z]"s, "z"s, false, true},
    {"[a-z]"s, "-"s, false, false},
    {"[A-Z]"s, "a"s, false, false},
    {"[^a]"s, "a"s, false, false},
    {"[^a]"s, "b"s, false, true},
    {"[^a-c]"s, "d"s, false, true},
    {"[^a-c]"s, "b"s, false, false},
    {"[!a]"s, "b"s, false, false},  // '!' is not a negation
    {"[!a]"s, "!"s, false, true},
    {"[*]"s, "*"s, false, true},
    {"[*]"s, "a"s, false, false},
    {"[?]"s, "a"s, false, false},
    {"[-a]"s, "-"s, false, true},
    {"[-]"s, "-"s, false, true},
    {"[^-]"s, "-"s, false, false},
    {"[a-b-c]"s, "-"s, false, true},
    {"[a-b-c]"s, "c"s, false, true},
    // Reversed ranges are swapped.
    {"[z-a]"s, "a"s, false, true},
    {"[z-a]"s, "x"s, false, true},
    {"[z-a]"s, "A"s, false, false},
    {"[Z-a]"s, "_"s, false, true},
    {"[Z-a]"s, "b"s, false, false},
    // "[a-]": the ']' is the range's end ("]-a" swapped), so the set is not closed there.
    {"[a-]"s, "]"s, false, true},
    {"[a-]"s, "_"s, false, true},
    {"[a-]"s, "a"s, false, true},
    {"[a-]"s, "b"s, false, false},
    {"[a-]"s, "-"s, false, false},
    {"[a-]]"s, "^"s, false, true},
    {"[a-]]"s, "^]"s, false, false},
    // "[]" is an empty set; "[^]" is any byte.
    {"[]"s, "]"s, false, false},
    {"[]"s, "a"s, false, false},
    {"[]]"s, "]"s, false, false},
    {"[]]"s, "]]"s, false, false},
    {"[]a]"s, "a]"s, false, false},
    {"[^]"s, "a"s, false, true},
    {"[^]"s, "]"s, false, true},
    {"[^]"s, "\x00"s, false, true},
    {"[^]a"s, "xa"s, false, true},
    {"[^]a"s, "a"s, false, false},
    // An unterminated set runs to the end of the pattern.
    {"["s, "["s, false, false},
    {"["s, "a"s, false, false},
    {"[^"s, "x"s, false, true},
    {"[a"s, "a"s, false, true},
    {"[a"s, "b"s, false, false},
    {"ab["s, "abc"s, false, false},
    {"a[b"s, "ab"s, false, true},
    {"*["s, "a"s, false, false},
    // Range ends compare as signed bytes: [a-\xff] is [\xff-a], which holds '\0' but not '\x80'.
    {"[a-\xff"
     "]"s,
     "\xff"s, false, true},
    {"[a-\xff"
     "]"s,
     "\x00"s, false, true},
    {"[a-\xff"
     "]"s,
     "\x80"s, false, false},
    {"[a-\xff"
     "]"s,
     "b"s, false, false},
    {"[\x80"
     "-\xff"
     "]"s,
     "\x80"s, false, true},
    {"[\x80"
     "-\xff"
     "]"s,
     "a"s, false, false},
    // Escapes, outside and inside sets; a '\' at the end is a literal '\'.
    {"\\"s, "\\"s, false, true},
    {"\\"s, "a"s, false, false},
    {"a\\"s, "a\\"s, false, true},
    {"a\\"s, "a"s, false, false},
    {"*\\"s, "x\\"s, false, true},
    {"\\*"s, "*"s, false, true},
    {"\\*"s, "a"s, false, false},
    {"\\?"s, "?"s, false, true},
    {"\\?"s, "a"s, false, false},
    {"\\a"s, "a"s, false, true},
    {"[\\]]"s, "]"s, false, true},
    {"[\\]]"s, "\\"s, false, false},
    {"[\\"s, "\\"s, false, true},
    {"[\\a-z]"s, "-"s, false, true},
    {"[\\a-z]"s, "b"s, false, false},
    {"[a\\-z]"s, "-"s, false, true},
    {"[a\\-z]"s, "b"s, false, false},
    // Case-insensitive.
    {"P?RT"s, "port"s, true, true},
    {"PORT*"s, "port"s, true, true},
    {"*ORT"s, "port"s, true, true},
    {"[P]ort"s, "port"s, true, true},
    {"[^P]ort"s, "port"s, true, false},
    {"[^Q]ort"s, "port"s, true, true},
    {"[O-Q]ort"s, "port"s, true, true},
    {"[o-q]ORT"s, "port"s, true, true},
    {"[Q-O]ORT"s, "port"s, true, true},
    {"[p-p]ort"s, "port"s, true, true},
    {"[P-P]ort"s, "port"s, true, true},
    {"[^p-q]ort"s, "port"s, true, false},
    {"H[A-Z]"s, "hz"s, true, true},
    // Range ends are swapped first, then folded: both of these are the empty range "z-a".
    {"[Z-a]ort"s, "port"s, true, false},
    {"[a-Z]ort"s, "port"s, true, false},
    // An escaped byte compares without case outside a set, exactly inside one.
    {"\\P?rt"s, "port"s, true, true},
    {"\\p?RT"s, "port"s, true, true},
    {"h\\Z*"s, "hz"s, true, true},
    {"[\\P]ort"s, "port"s, true, false},
    {"[\\p]ort"s, "port"s, true, true},
};

TEST_CASE("glob_match agrees with redis-server on the table") {
  for (const Case& c : kCases) {
    CAPTURE(c.pattern);
    CAPTURE(c.str);
    CAPTURE(c.nocase);
    CHECK(glob_match(c.pattern, c.str, c.nocase) == c.want);
  }
}

// ---- Reference: the rules written as a plain recursive definition (exponential) ----

int signed_byte(char c) {
  return static_cast<signed char>(c);
}

int lower(int c) {
  return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

// The bytes that the element at the start of `pat` (not '*') accepts, and its length.
struct RefElement {
  std::bitset<256> accepts;
  size_t len = 1;
};

RefElement ref_element(std::string_view pat, bool nocase) {
  RefElement e;
  auto accept_if = [&](auto pred) {
    for (int b = 0; b < 256; ++b) {
      if (pred(static_cast<char>(b))) e.accepts.set(static_cast<size_t>(b));
    }
  };
  auto same = [&](char x, char y) {
    return nocase ? lower(signed_byte(x)) == lower(signed_byte(y)) : x == y;
  };
  if (pat[0] == '?') {
    e.accepts.set();
  } else if (pat[0] == '\\' && pat.size() >= 2) {
    e.len = 2;
    accept_if([&](char b) { return same(b, pat[1]); });
  } else if (pat[0] != '[') {
    accept_if([&](char b) { return same(b, pat[0]); });
  } else {
    size_t i = 1;
    bool negate = i < pat.size() && pat[i] == '^';
    if (negate) ++i;
    for (;;) {
      if (i + 1 < pat.size() && pat[i] == '\\') {
        char x = pat[i + 1];
        accept_if([&](char b) { return b == x; });
        i += 2;
      } else if (i < pat.size() && pat[i] == ']') {
        ++i;
        break;
      } else if (i == pat.size()) {
        break;
      } else if (i + 2 < pat.size() && pat[i + 1] == '-') {
        int lo = std::min(signed_byte(pat[i]), signed_byte(pat[i + 2]));
        int hi = std::max(signed_byte(pat[i]), signed_byte(pat[i + 2]));
        if (nocase) {
          lo = lower(lo);
          hi = lower(hi);
        }
        accept_if([&](char b) {
          int v = nocase ? lower(signed_byte(b)) : signed_byte(b);
          return v >= lo && v <= hi;
        });
        i += 3;
      } else {
        char x = pat[i];
        accept_if([&](char b) { return same(b, x); });
        ++i;
      }
    }
    if (negate) e.accepts.flip();
    e.len = i;
  }
  return e;
}

bool ref_rest(std::string_view pat, std::string_view str, bool nocase) {
  if (pat.empty()) return str.empty();
  if (pat[0] == '*') {
    return ref_rest(pat.substr(1), str, nocase) ||
           (!str.empty() && ref_rest(pat, str.substr(1), nocase));
  }
  if (str.empty()) return false;
  RefElement e = ref_element(pat, nocase);
  return e.accepts.test(static_cast<uint8_t>(str[0])) &&
         ref_rest(pat.substr(e.len), str.substr(1), nocase);
}

bool ref_match(std::string_view pat, std::string_view str, bool nocase) {
  return str.empty() ? pat.empty() : ref_rest(pat, str, nocase);
}

std::string random_text(std::mt19937& rng, std::string_view alphabet, size_t max_len) {
  std::uniform_int_distribution<size_t> len(0, max_len);
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::string s;
  for (size_t n = len(rng); n > 0; --n) s.push_back(alphabet[pick(rng)]);
  return s;
}

TEST_CASE("glob_match agrees with the recursive reference on random short inputs") {
  const std::string pattern_alphabet = "ab*?[]^-\\A\0\xff"s;
  const std::string string_alphabet = "abAB-]^\\\0\xff"s;
  std::mt19937 rng(20240611);
  for (int i = 0; i < 200000; ++i) {
    std::string pat = random_text(rng, pattern_alphabet, 8);
    std::string str = random_text(rng, string_alphabet, 7);
    bool nocase = (i & 1) != 0;
    bool want = ref_match(pat, str, nocase);
    if (glob_match(pat, str, nocase) != want) {
      CAPTURE(pat);
      CAPTURE(str);
      CAPTURE(nocase);
      FAIL_CHECK("glob_match differs from the reference");
    }
  }
}

TEST_CASE("patterns that are exponential for a backtracking matcher") {
  const std::string as(100000, 'a');
  CHECK_FALSE(glob_match("a*a*a*a*a*a*a*a*b", as));
  CHECK(glob_match("a*a*a*a*a*a*a*a*b", as + "b"));
  CHECK_FALSE(glob_match("*a*a*a*a*a*a*a*a*a*a*a*[b]", as, true));
  CHECK(glob_match("*a*a*a*a*a*a*a*a*a*a*a*[b]", as + "B", true));
  CHECK_FALSE(glob_match("*?*?*?*?*?*?*?*?*\\b", as));
}

// Redis gives up after 1000 nested '*' runs (a trailing '*' does not nest); checked with KEYS on
// a key of 1200 'a's.
TEST_CASE("more than 1000 inner '*' runs match nothing, as in redis-server") {
  const std::string as(1200, 'a');
  std::string runs_1000;
  for (int i = 0; i < 1000; ++i) runs_1000 += "*a";
  CHECK(glob_match(runs_1000, as));
  CHECK(glob_match(runs_1000 + "*", as));
  CHECK(glob_match(runs_1000 + "***", as));
  CHECK_FALSE(glob_match(runs_1000 + "*a", as));
  std::string escaped_1001;
  for (int i = 0; i < 1001; ++i) escaped_1001 += "*\\*";
  CHECK_FALSE(glob_match(escaped_1001, std::string(1200, '*')));
}

}  // namespace
}  // namespace shardis::base
