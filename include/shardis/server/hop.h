#pragma once
// Cross-shard messages. A command that needs another shard becomes one RemoteCommand, created
// and freed by the origin shard (the one holding the client connection). Each Hop on an SPSC
// queue points at it.
//
// Ownership and lifetime:
//   * The origin allocates the RemoteCommand, copies the arguments into its arena, and frees it
//     when every part has come back. Targets only read args/spec/db/resp, and each target writes
//     only its own parts[i] (or reply, for a single-target command). The queue's release/acquire
//     pair orders those writes before the origin reads them.
//   * conn and slot are origin-side pointers: only the origin thread dereferences them.
#include <shardis/proto/reply_buffer.h>
#include <shardis/server/command.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shardis::server {

class Connection;

// A reply position in a connection's request order, filled later.
struct ReplySlot {
  proto::ReplyBuffer buf;
  bool done = false;
};

struct RemoteCommand {
  const CommandSpec* spec = nullptr;
  int db = 0;
  int resp = 2;
  uint64_t client = 0;  // the client's id: its commands keep their order behind locks
  std::string arena;    // argument bytes, never resized after args are set
  std::vector<std::string_view> args;  // views into arena

  // One part per target shard; for Route::kKey there is exactly one and reply is used.
  std::vector<uint32_t> part_shard;
  std::vector<std::vector<uint32_t>> key_idx;  // argv indices per part (fan-out only)
  std::vector<PartResult> parts;               // fan-out results, parts[i] written by part_shard[i]
  proto::ReplyBuffer reply;                    // single-target reply, in the client's protocol
  bool may_block = false;  // a blocking command outside MULTI: it may wait on its owner
  uint64_t wait_id = 0;    // set by the owner when it did: the client now waits (no reply yet)

  // Origin-only.
  Connection* conn = nullptr;
  ReplySlot* slot = nullptr;
  uint32_t pending = 0;  // parts still away

  // Copies in into arena and points args at the copies.
  void copy_args(ArgList in);
};

class ShardCore;

// A message a shard starts itself for another shard (bytes for one of its clients, a watch to
// drop, a wake-up): applied there by apply(), on the receiving shard's thread. Allocated by the
// sender, freed by the receiver once applied. apply() must not wait for anything: the push
// rings drain because applying never blocks.
struct PushMessage {
  virtual ~PushMessage() = default;
  virtual void apply(ShardCore& core) = 0;
};

// Ring item. Requests travel on the request rings and are answered by a response on the ring
// back (which returns the sender's credit); pushes travel on the push rings and are never
// answered.
struct Hop {
  enum Kind : uint8_t {
    kCommand,      // RemoteCommand* ptr: run part `part` (or the whole command) here
    kCommandDone,  // the same RemoteCommand, back at its origin
    kPush,         // PushMessage* ptr
    kTxnStep,      // Txn* ptr: participant `part` runs its current step
    kTxnStepDone,  // the step ran; the participant keeps its locks (and the credit stays used)
    kTxnDone,      // the participant released: the transaction's credit for it comes back
  };
  void* ptr = nullptr;
  uint32_t part = 0;
  Kind kind = kCommand;

  // Responses travel on the request rings without taking a credit.
  bool is_response() const {
    return kind == kCommandDone || kind == kTxnStepDone || kind == kTxnDone;
  }
  // Responses that give the sender's credit back.
  bool returns_credit() const { return kind == kCommandDone || kind == kTxnDone; }
};

}  // namespace shardis::server
