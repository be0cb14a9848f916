#include <shardis/server/txn/admission.h>

namespace shardis::server {

namespace {

class Deferred final : public LockRequest {
 public:
  Deferred(LockTable& locks, std::function<void()> fn) : locks_(locks), fn_(std::move(fn)) {}
  void on_granted() override {
    fn_();
    locks_.release(*this);
    delete this;
  }

 private:
  LockTable& locks_;
  std::function<void()> fn_;
};

}  // namespace

LockScope Admission::scope_of(const CommandSpec& spec) {
  if (spec.has_keys) return LockScope::kKeys;
  return (spec.flags & kWrite) != 0 ? LockScope::kShardWrite : LockScope::kShardRead;
}

std::vector<LockItem> Admission::items_of(const CommandSpec& spec, ArgList args, int db) {
  std::vector<LockItem> items;
  for (const LockKeyRef& r : lock_key_refs(spec, args, db)) {
    items.push_back({r.db, args[r.argv], r.write});
  }
  return items;
}

bool Admission::must_wait(uint64_t client, const CommandSpec& spec, ArgList args, int db) const {
  if (locks_.idle() || spec.lock == LockPolicy::kNone) return false;
  return locks_.must_wait(client, items_of(spec, args, db), scope_of(spec));
}

void Admission::defer(uint64_t client, const CommandSpec& spec, ArgList args, int db,
                      std::function<void()> fn) {
  auto* d = new Deferred(locks_, std::move(fn));
  d->items = items_of(spec, args, db);
  d->scope = scope_of(spec);
  d->client = client;
  if (locks_.acquire(*d)) d->on_granted();
}

}  // namespace shardis::server
