#include <shardis/server/exec/executor.h>
#include <shardis/server/persist/snapshot_session.h>
#include <shardis/server/shard_services.h>

#include <algorithm>
#include <random>

namespace shardis::server {

namespace {
// Per-thread generator: merges run on whichever shard coordinates the command.
size_t random_index(size_t n) {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return static_cast<size_t>(gen() % n);
}
}  // namespace

Executor::Executor(ShardStore& store) : store_(store) {
  store_.set_observer(this);
  outcome_.set_flush_listener(this);
}

void Executor::before_flush(int db, int swapped_with) {
  for (OutcomeObserver* o : observers_) o->before_flush(db, swapped_with);
}

Executor::~Executor() {
  store_.set_observer(nullptr);
}

void Executor::add_observer(OutcomeObserver* o) {
  observers_.push_back(o);
}

void Executor::before_key_change(int db, std::string_view key) {
  if (snapshot_ != nullptr) snapshot_->before_write(db, key);
}

void Executor::before_write(const CommandSpec& spec, ArgList args, int db,
                            const std::span<const uint32_t>* key_idx) {
  if ((spec.flags & kWrite) == 0) return;
  if (!spec.has_keys) {
    snapshot_->finish_all();
    return;
  }
  if (key_idx != nullptr) {
    for (uint32_t i : *key_idx) {
      if (i < args.size()) snapshot_->before_write(db, args[i]);
    }
    return;
  }
  for (const LockKeyRef& ref : lock_key_refs(spec, args, db)) {
    if (ref.write && ref.argv < args.size()) snapshot_->before_write(ref.db, args[ref.argv]);
  }
}

const Outcome& Executor::run(const CommandSpec& spec, ArgList args, int db, proto::ReplyBuilder& rb,
                             ExecOptions opts) {
  if (snapshot_ != nullptr) before_write(spec, args, db, nullptr);
  outcome_.clear();
  ExecContext ctx{args, store_, store_.db(db), rb, outcome_};
  ctx.may_block = opts.may_block;
  ctx.serve_key = opts.serve_key;
  ctx.services = services_;
  if (spec.run != nullptr) {
    if (wants_misses(spec)) add_misses(outcome_, args, ctx.db, miss_candidates(spec, args));
    spec.run(ctx);
  } else {
    // A fanned-out command whose keys are all here: its part, then its merge.
    std::vector<uint32_t> idx;
    if (spec.route == Route::kKeysFanout) idx = key_indices(spec, args);
    if (wants_misses(spec)) add_misses(outcome_, args, ctx.db, idx);
    PartResult part;
    spec.part(ctx, idx, part);
    merge_parts(spec, args, std::span<const std::vector<uint32_t>>(&idx, 1),
                std::span<PartResult>(&part, 1), rb);
  }
  finish(&spec, args, db);
  return outcome_;
}

const Outcome& Executor::run_part(const CommandSpec& spec, ArgList args, int db,
                                  std::span<const uint32_t> key_idx, PartResult& out) {
  if (snapshot_ != nullptr) before_write(spec, args, db, &key_idx);
  outcome_.clear();
  proto::ReplyBuffer unused;
  proto::ReplyBuilder rb(unused, 2);
  ExecContext ctx{args, store_, store_.db(db), rb, outcome_};
  ctx.services = services_;
  if (wants_misses(spec)) add_misses(outcome_, args, ctx.db, key_idx);
  outcome_.set_part(key_idx);
  spec.part(ctx, key_idx, out);
  finish(&spec, args, db);
  return outcome_;
}

// Containers (OBJECT, MEMORY) carry no read-only flag of their own: their lookups fire nothing,
// as Redis's LOOKUP_NONOTIFY.
bool Executor::wants_misses(const CommandSpec& spec) const {
  return services_ != nullptr && (services_->notify_flags() & kNotifyKeyMiss) != 0 &&
         spec.has_keys && ((spec.flags & kReadOnly) != 0 || spec.read_keys != nullptr);
}

std::vector<uint32_t> Executor::miss_candidates(const CommandSpec& spec, ArgList args) {
  if ((spec.flags & kReadOnly) != 0) return key_indices(spec, args);
  return spec.read_keys != nullptr ? spec.read_keys(args) : std::vector<uint32_t>{};
}

void Executor::report_misses_elsewhere(const CommandSpec& spec, ArgList args, Db& looked_in) {
  if (!wants_misses(spec) || observers_.empty()) return;
  expiry_outcome_.clear();
  add_misses(expiry_outcome_, args, looked_in, miss_candidates(spec, args));
  expiry_outcome_.propagate_nothing();
  for (OutcomeObserver* o : observers_)
    o->on_outcome(nullptr, {}, looked_in.index(), expiry_outcome_);
}

void Executor::add_misses(Outcome& out, ArgList args, Db& db, std::span<const uint32_t> key_idx) {
  for (uint32_t i : key_idx) {
    if (i < args.size() && db.peek(args[i]) == nullptr) {
      out.event(db.index(), kNotifyKeyMiss, "keymiss", args[i]);
    }
  }
}

void Executor::finish(const CommandSpec* spec, ArgList args, int db) {
  ++stats_.commands;
  stats_.dirty += outcome_.dirty();
  for (OutcomeObserver* o : observers_) o->on_outcome(spec, args, db, outcome_);
}

void Executor::report_changes(const std::vector<KeyChangeRecord>& changes) {
  if (changes.empty() || observers_.empty()) return;
  // Grouped per database: observers get one outcome for each.
  for (size_t i = 0; i < changes.size();) {
    int db = changes[i].db;
    expiry_outcome_.clear();
    for (; i < changes.size() && changes[i].db == db; ++i) {
      const KeyChangeRecord& c = changes[i];
      if (c.event_only) {
        expiry_outcome_.event(db, c.cls, c.event, c.key);
      } else {
        expiry_outcome_.changed(db, c.cls, c.event, c.key);
      }
    }
    expiry_outcome_.propagate_nothing();  // logged where the command ran
    for (OutcomeObserver* o : observers_) o->on_outcome(nullptr, {}, db, expiry_outcome_);
  }
}

void Executor::key_expired(int db, std::string_view key) {
  ++stats_.expired_keys;
  if (observers_.empty()) return;
  // Reported as the outcome of no command, at once (before the command that found the key
  // expired finishes), as Redis propagates the DEL of a lazily expired key first.
  expiry_outcome_.clear();
  expiry_outcome_.changed(db, kNotifyExpired, "expired", key);
  expiry_outcome_.propagate({"DEL", key});
  std::string_view argv[] = {"DEL", expiry_outcome_.changes().back().key};
  for (OutcomeObserver* o : observers_) o->on_outcome(nullptr, argv, db, expiry_outcome_);
}

void Executor::key_added(int db, std::string_view key, ObjType type) {
  for (OutcomeObserver* o : observers_) o->on_key_added(db, key, type);
}

void merge_parts(const CommandSpec& spec, ArgList args,
                 std::span<const std::vector<uint32_t>> key_idx, std::span<PartResult> parts,
                 proto::ReplyBuilder& rb) {
  switch (spec.merge) {
    case Merge::kNone:
      return;
    case Merge::kCustom:
      spec.merge_fn(args, parts, rb);
      return;
    case Merge::kConcat: {
      size_t n = 0;
      for (const PartResult& p : parts) n += std::get<PartKeys>(p).keys.size();
      rb.array(n);
      for (const PartResult& p : parts) {
        for (const std::string& k : std::get<PartKeys>(p).keys) rb.bulk(k);
      }
      return;
    }
    case Merge::kRandomOne: {
      std::vector<const std::string*> present;
      for (const PartResult& p : parts) {
        for (const std::string& k : std::get<PartKeys>(p).keys) present.push_back(&k);
      }
      if (present.empty()) {
        rb.null();
      } else {
        rb.bulk(*present[random_index(present.size())]);
      }
      return;
    }
    case Merge::kOk:
      rb.ok();
      return;
    case Merge::kSumInteger: {
      int64_t sum = 0;
      for (const PartResult& p : parts) sum += std::get<PartCount>(p).n;
      rb.integer(sum);
      return;
    }
    case Merge::kArrayByIndex: {
      // (argv index, part, position in part), sorted by argv index.
      struct Ref {
        uint32_t argv;
        uint32_t part;
        uint32_t pos;
      };
      std::vector<Ref> refs;
      for (uint32_t p = 0; p < parts.size(); ++p) {
        for (uint32_t i = 0; i < key_idx[p].size(); ++i) refs.push_back({key_idx[p][i], p, i});
      }
      std::sort(refs.begin(), refs.end(),
                [](const Ref& a, const Ref& b) { return a.argv < b.argv; });
      rb.array(refs.size());
      for (const Ref& r : refs) {
        const auto& v = std::get<PartValues>(parts[r.part]).values[r.pos];
        if (v) {
          rb.bulk(*v);
        } else {
          rb.null();
        }
      }
      return;
    }
  }
}

}  // namespace shardis::server
