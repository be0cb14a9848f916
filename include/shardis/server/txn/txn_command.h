#pragma once
// TxnCommand: a command held for later (queued by MULTI, or sent as part of a transaction),
// with its own copy of the arguments.
#include <shardis/server/command.h>

#include <string>
#include <string_view>
#include <vector>

namespace shardis::server {

struct TxnCommand {
  const CommandSpec* spec = nullptr;
  int db = 0;
  int resp = 2;
  std::string arena;
  std::vector<std::string_view> args;  // views into arena; never moved once set

  TxnCommand() = default;
  TxnCommand(const TxnCommand&) = delete;
  TxnCommand& operator=(const TxnCommand&) = delete;
  // Moving keeps the views valid only when the arena is on the heap, so set_args always puts it
  // there (see its comment).
  TxnCommand(TxnCommand&&) noexcept = default;
  TxnCommand& operator=(TxnCommand&&) noexcept = default;

  // Copies in. The arena is reserved past the small-string buffer, so the views survive moves
  // of the TxnCommand.
  void set_args(ArgList in);
};

}  // namespace shardis::server
