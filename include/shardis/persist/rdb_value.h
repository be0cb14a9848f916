#pragma once
// One value in Redis's RDB encoding (RDB version 10, Redis 7.0): the object-type byte and the
// value that follows it, as a DUMP payload and every key of an RDB file hold them.
//
// Writing picks the type Redis 7.0 writes for the value's encoding:
//   string                      0  RDB_TYPE_STRING (integer encoding when Redis uses it)
//   list (quicklist)           18  RDB_TYPE_LIST_QUICKLIST_2: packed nodes, each a listpack cut
//                                  at 8 KiB as a list built by RPUSH is in redis-server
//   hash listpack / hashtable  16 / 4   RDB_TYPE_HASH_LISTPACK / RDB_TYPE_HASH
//   set intset / hashtable     11 / 2   RDB_TYPE_SET_INTSET / RDB_TYPE_SET
//   zset listpack / skiplist   17 / 5   RDB_TYPE_ZSET_LISTPACK / RDB_TYPE_ZSET_2 (greatest
//                                  first, binary doubles)
// Listpacks and intsets are rebuilt in Redis's own byte format (persist/redis_listpack.h,
// redis_intset.h), so a small value's bytes equal redis-server's for the same contents.
//
// Reading accepts every type redis-server 7.0 loads except streams and modules: also the older
// list (1), zset with text scores (3), zipmap (9), ziplist (10, 12, 13) and quicklist of ziplists
// (14). Every blob is validated deeply before use, duplicates and NaN scores are refused, and an
// empty collection is reported (RdbObject::empty). Values are built through the
// objects' own inserts, so each gets the encoding Shardis's (and Redis's) limits give it.
//
// Thread: plain functions; the objects read or built belong to the calling thread.
#include <shardis/core/obj_type.h>
#include <shardis/persist/rdb_codec.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace shardis::core {
class Entry;
class HashObject;
class Quicklist;
class SetObject;
class ZsetObject;
}  // namespace shardis::core

namespace shardis::persist {

// RDB object types (Redis's rdb.h).
enum RdbType : uint8_t {
  kRdbString = 0,
  kRdbList = 1,
  kRdbSet = 2,
  kRdbZset = 3,
  kRdbHash = 4,
  kRdbZset2 = 5,
  kRdbModule2 = 7,
  kRdbHashZipmap = 9,
  kRdbListZiplist = 10,
  kRdbSetIntset = 11,
  kRdbZsetZiplist = 12,
  kRdbHashZiplist = 13,
  kRdbListQuicklist = 14,
  kRdbStreamListpacks = 15,
  kRdbHashListpack = 16,
  kRdbZsetListpack = 17,
  kRdbListQuicklist2 = 18,
  kRdbStreamListpacks2 = 19,
};

// True for the bytes that start a value (as opposed to an RDB file's opcodes 0xF5..0xFF).
bool is_rdb_object_type(uint8_t b);

// A value read back. Exactly the member of its type is set; a collection object is owned here
// until release() hands it over (it was made with new, as the Db's ObjectOps free it).
struct RdbObject {
  core::ObjType type = core::ObjType::kString;
  std::string str;  // kString
  std::unique_ptr<core::Quicklist> list;
  std::unique_ptr<core::HashObject> hash;
  std::unique_ptr<core::SetObject> set;
  std::unique_ptr<core::ZsetObject> zset;
  // A collection with no elements: redis-server skips such a key when loading a file, and
  // RESTORE refuses it.
  bool empty = false;

  RdbObject();
  ~RdbObject();
  RdbObject(RdbObject&&) noexcept;
  RdbObject& operator=(RdbObject&&) noexcept;
  // The collection object, now the caller's; nullptr for a string.
  void* release();
};

// The RDB type byte of a value of type t in its current encoding (obj as the Db holds it, or
// nullptr for a string). A DUMP payload writes it, then the value; an RDB file writes it, the
// key, then the value.
uint8_t rdb_object_type(core::ObjType t, const void* obj);
// Writes the value (without its type byte) of a string held as an integer (a string held as
// bytes is RdbWriter::string), and of a collection of type t.
void write_rdb_int(RdbWriter& w, int64_t value);
void write_rdb_object(RdbWriter& w, core::ObjType t, const void* obj);

// Reads one value of RDB type `type` (the byte already read). false on malformed or unsupported
// data, with the reason in r.error().
bool read_rdb_object(RdbReader& r, uint8_t type, RdbObject* out);

// Redis's d2string for a score that is not an integer: "%.17g", "inf", "-inf".
std::string redis_score_text(double score);

}  // namespace shardis::persist
