#pragma once
// Glob matching with Redis 7.0's rules (stringmatchlen), for KEYS-style patterns, CONFIG GET and
// COMMAND LIST FILTERBY PATTERN.
//
// Runs in O(|pattern| * |str|) time and constant space whatever the pattern: a pattern is a
// client argument, and "a*a*a*a*a*b" against a long key must not be able to stall a shard.
#include <string_view>

namespace shardis::base {

// Whether `str` matches `pattern`. Both are byte strings; '\0' is an ordinary byte.
//
//   *       any run of bytes, including none
//   ?       any one byte
//   [...]   one byte from a set: single bytes, ranges "a-z" (reversed ranges are swapped), "\x"
//           for a literal x; "[^...]" negates. An unterminated set runs to the end of the pattern.
//   \x      the byte x literally; a '\' at the end of the pattern is a literal '\'
//
// With `nocase`, ASCII letters compare case-insensitively, except a "\x" inside a set, which
// Redis compares exactly. Redis's quirks are kept: the empty string matches only the empty
// pattern, not even "*" (Redis's KEYS and SCAN skip matching for a lone "*", so callers that
// mirror them must do the same); "[]" matches nothing and "[^]" any byte; range ends compare as
// signed bytes; a pattern with more than 1000 '*' runs before its end matches nothing.
bool glob_match(std::string_view pattern, std::string_view str, bool nocase = false);

}  // namespace shardis::base
