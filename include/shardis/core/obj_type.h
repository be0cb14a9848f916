#pragma once
// ObjType: the Redis data type a key holds, as stored in the type bits of core::Entry (three
// bits: values 0..7). The numbering is Shardis's own; formats on disk map it to theirs.
#include <cstdint>

namespace shardis::core {

enum class ObjType : uint8_t { kString = 0, kList = 1, kHash = 2, kSet = 3, kZSet = 4 };

// TYPE's reply: "string", "list", "hash", "set", "zset".
inline const char* type_name(ObjType t) {
  switch (t) {
    case ObjType::kString:
      return "string";
    case ObjType::kList:
      return "list";
    case ObjType::kHash:
      return "hash";
    case ObjType::kSet:
      return "set";
    case ObjType::kZSet:
      return "zset";
  }
  return "none";
}

}  // namespace shardis::core
