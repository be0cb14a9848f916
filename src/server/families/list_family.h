#pragma once
// What the list command files share (list_family.cc, list_blocking_family.cc): the list at a
// key, the pop and the move that every popping command is made of, and how each reports what it
// changed (Redis's keyspace events, modified keys and dirty count), so that LPOP and BLPOP, LMOVE
// and BLMOVE cannot drift apart.
//
// Lifetimes: a Quicklist* lives until its key is deleted or overwritten (entry pointers die at
// the next non-const Db call, list objects do not).
#include <shardis/core/quicklist.h>
#include <shardis/server/command.h>
#include <shardis/server/db.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shardis::server {

enum class ListStatus : uint8_t { kOk, kNoKey, kWrongType };

// LEFT (the head) or RIGHT (the tail).
enum class ListEnd : uint8_t { kHead, kTail };

// "left" or "right" in any case; nullopt for anything else (Redis replies a syntax error).
std::optional<ListEnd> parse_list_end(std::string_view s);

// The events of a pop and of a push at `end`: "lpop" / "rpop", "lpush" / "rpush".
inline std::string_view pop_event(ListEnd end) {
  return end == ListEnd::kHead ? "lpop" : "rpop";
}
inline std::string_view push_event(ListEnd end) {
  return end == ListEnd::kHead ? "lpush" : "rpush";
}

// The list at key: nullptr with kNoKey or kWrongType when there is none.
struct ListRef {
  ListStatus status = ListStatus::kOk;
  core::Quicklist* list = nullptr;
};
ListRef find_list(Db& db, std::string_view key);

// What a pop removed, and whether the key went with its last element.
struct ListPopped {
  uint64_t n = 0;
  bool deleted = false;
};

// Pops up to `count` (>= 1) elements of q, the non-empty list at key, from `end`, and replies
// them with the key: [key, element] when single (BLPOP, BRPOP), else [key, [element, ...]]
// (LMPOP, BLMPOP). The key is deleted when the list is left empty. Reports nothing.
ListPopped pop_with_key(ExecContext& ctx, std::string_view key, core::Quicklist* q, ListEnd end,
                        uint64_t count, bool single);

// What a command that popped reports, as Redis's listElementsRemoved: the "lpop"/"rpop" event
// with the key modified (dirty: the elements popped), then "del" when the key went.
void report_pop(ExecContext& ctx, std::string_view key, ListEnd end, const ListPopped& p);

struct ListMoved {
  ListStatus status = ListStatus::kOk;  // kNoKey: the source is missing
  std::string value;
  bool src_deleted = false;
};

// Pops from src at `from` and pushes onto dst at `to` (created when missing). dst's type is
// checked before anything is popped; src == dst rotates the list in place. Reports nothing.
ListMoved move_element(Db& db, std::string_view src, std::string_view dst, ListEnd from,
                       ListEnd to);

// What LMOVE reports for a move, as Redis's lmoveGenericCommand: dst modified with its push
// event, then src modified with its pop event (one change counted), then "del" when src went.
void report_move(ExecContext& ctx, std::string_view src, std::string_view dst, ListEnd from,
                 ListEnd to, bool src_deleted);

}  // namespace shardis::server
