#include <shardis/server/local_exec.h>

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

bool validate_command(const CommandSpec* spec, ArgList args, proto::ReplyBuilder& rb) {
  if (spec == nullptr) {
    rb.error(err_unknown_command(args));
    return false;
  }
  if (!arity_ok(*spec, args.size())) {
    rb.error(err_wrong_args(spec->name));
    return false;
  }
  if (spec->check != nullptr) {
    std::string err = spec->check(args);
    if (!err.empty()) {
      rb.error(err);
      return false;
    }
  }
  return true;
}

void run_command_here(const Registry& registry, const ServerInfo& server, ArgList args,
                      ShardStore& store, ClientState& client, proto::ReplyBuilder& rb) {
  if (args.empty()) return;
  const CommandSpec* spec = registry.find(args[0]);
  if (validate_command(spec, args, rb))
    run_spec_here(*spec, registry, server, args, store, client, rb);
}

void run_spec_here(const CommandSpec& cmd, const Registry& registry, const ServerInfo& server,
                   ArgList args, ShardStore& store, ClientState& client, proto::ReplyBuilder& rb) {
  const CommandSpec* spec = &cmd;
  switch (spec->route) {
    case Route::kConnection: {
      ConnContext ctx{args, client, rb, registry, server};
      spec->run_conn(ctx);
      return;
    }
    case Route::kKey: {
      ExecContext ctx{args, store, store.db(client.db), rb};
      spec->run(ctx);
      return;
    }
    case Route::kKeysFanout:
      if (spec->run != nullptr) {
        ExecContext ctx{args, store, store.db(client.db), rb};
        spec->run(ctx);
        return;
      }
      [[fallthrough]];
    case Route::kAllShards: {
      std::vector<uint32_t> idx;
      if (spec->route == Route::kKeysFanout) idx = key_indices(*spec, args);
      Partial part;
      ExecContext ctx{args, store, store.db(client.db), rb};
      spec->part(ctx, idx, part);
      merge_partials(*spec, args, std::span<const std::vector<uint32_t>>(&idx, 1),
                     std::span<Partial>(&part, 1), rb);
      return;
    }
  }
}

void merge_partials(const CommandSpec& spec, ArgList args,
                    std::span<const std::vector<uint32_t>> key_idx, std::span<Partial> parts,
                    proto::ReplyBuilder& rb) {
  switch (spec.merge) {
    case Merge::kNone:
      return;
    case Merge::kCustom:
      spec.merge_fn(args, parts, rb);
      return;
    case Merge::kConcat: {
      size_t n = 0;
      for (const Partial& p : parts) n += p.values.size();
      rb.array(n);
      for (const Partial& p : parts) {
        for (const auto& v : p.values) rb.bulk(*v);
      }
      return;
    }
    case Merge::kRandomOne: {
      std::vector<const std::string*> present;
      for (const Partial& p : parts) {
        for (const auto& v : p.values) {
          if (v) present.push_back(&*v);
        }
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
      for (const Partial& p : parts) sum += p.count;
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
        const auto& v = parts[r.part].values[r.pos];
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
