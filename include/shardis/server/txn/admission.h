#pragma once
// Admission: whether a command that runs on one shard may run now, or must wait behind
// transactions holding or awaiting locks on its keys (LockTable). The common case costs one
// branch: with no lock held or waited for, everything runs at once.
//
// A command that must wait is queued as a lock request of its client, so it also keeps its
// place behind that client's earlier waiting work on this shard; it runs when granted and
// releases at once (it runs to completion on this thread, so it needs no lock while running).
//
// Thread: the owning shard's only.
#include <shardis/server/command.h>
#include <shardis/server/txn/lock_table.h>

#include <functional>
#include <vector>

namespace shardis::server {

class Admission {
 public:
  explicit Admission(LockTable& locks) : locks_(locks) {}

  // True when a command of `client` (spec, args, client database) must wait.
  bool must_wait(uint64_t client, const CommandSpec& spec, ArgList args, int db) const;
  // Queues fn to run when the command's locks are free. args must stay valid until fn ran.
  void defer(uint64_t client, const CommandSpec& spec, ArgList args, int db,
             std::function<void()> fn);

  // The lock items and scope of a command.
  static LockScope scope_of(const CommandSpec& spec);
  static std::vector<LockItem> items_of(const CommandSpec& spec, ArgList args, int db);

 private:
  LockTable& locks_;
};

}  // namespace shardis::server
