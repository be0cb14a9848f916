#pragma once
// Redis's intset blob (RDB type 11, sets of integers), byte for byte:
//   u32 encoding   bytes per value: 2, 4 or 8
//   u32 length     number of values
//   values         `length` signed integers of `encoding` bytes, strictly ascending
// all little-endian.
//
// Contract
// - redis_intset_blob writes the blob of a Redis intset holding the values: the narrowest
//   encoding that holds every value, or min_width if that is wider. A new intset has the narrowest;
//   one that has lost its wide values keeps the width they gave it (Redis never narrows), which
//   min_width reproduces. No values give the empty intset, which Redis never saves and the
//   parser refuses.
// - parse_redis_intset accepts exactly what intsetValidateIntegrity(deep) accepts: a known
//   encoding, a size of exactly header + length * encoding, at least one value, strictly
//   ascending. It reads nothing outside the blob; on failure *error names the problem and its
//   offset and *out is left as it was.
//
// Thread: plain functions.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace shardis::persist {

// ascending_distinct must be strictly ascending; min_width is 2, 4 or 8.
std::string redis_intset_blob(std::span<const int64_t> ascending_distinct, unsigned min_width = 2);

// Replaces *out with the values.
bool parse_redis_intset(std::string_view blob, std::vector<int64_t>* out, std::string* error);

}  // namespace shardis::persist
