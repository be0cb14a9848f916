#include "support/family_harness.h"

#include <shardis/proto/reply_buffer.h>
#include <shardis/proto/reply_builder.h>
#include <shardis/server/exec/executor.h>
#include <shardis/server/route/router.h>
#include <shardis/server/routing.h>
#include <shardis/server/txn/txn.h>

#include <algorithm>
#include <utility>

namespace shardis::test {

void OutcomeLog::on_outcome(const server::CommandSpec*, server::ArgList args, int,
                            const server::Outcome& out) {
  out.for_each_in_order([this](int db, uint32_t, std::string_view event, std::string_view key) {
    std::string e = std::to_string(db) + " ";
    e.append(event.empty() ? std::string_view("(modified)") : event);
    e.push_back(' ');
    e.append(key);
    events_.push_back(std::move(e));
  });
  dirty_ += out.dirty();
  auto join = [](std::span<const std::string_view> argv) {
    std::string line;
    for (std::string_view a : argv) {
      if (!line.empty()) line.push_back(' ');
      line.append(a);
    }
    return line;
  };
  switch (out.prop_mode()) {
    case server::Outcome::PropMode::kNothing:
      break;
    case server::Outcome::PropMode::kVerbatim:
      if (out.wrote()) propagated_.push_back(join(args));
      break;
    case server::Outcome::PropMode::kRewritten:
      for (size_t i = 0; i < out.rewritten_count(); ++i) {
        std::vector<std::string_view> argv = out.rewritten(i);
        propagated_.push_back(join(argv));
      }
      break;
  }
}

std::vector<std::string> OutcomeLog::take_events() {
  std::vector<std::string> out;
  out.swap(events_);
  return out;
}

std::vector<std::string> OutcomeLog::take_propagated() {
  std::vector<std::string> out;
  out.swap(propagated_);
  return out;
}

uint64_t OutcomeLog::take_dirty() {
  uint64_t d = dirty_;
  dirty_ = 0;
  return d;
}

std::string OutcomeLog::take_report() {
  auto join = [](const std::vector<std::string>& v) {
    std::string out;
    for (const std::string& s : v) {
      if (!out.empty()) out.append(", ");
      out.append(s);
    }
    return out;
  };
  std::string out = "[" + join(take_events()) + "] [";
  out.append(join(take_propagated()));
  out.append("] ");
  out.append(std::to_string(take_dirty()));
  return out;
}

FamilyHarness::FamilyHarness() {
  server::register_all_families(registry_);
  server::CoreOptions options;
  options.persist.save = "";  // as the servers tests start: no snapshot rules
  core_ = std::make_unique<server::ShardCore>(0, nullptr, registry_, info_, clock_, options, *this,
                                              nullptr);
  core_->executor().add_observer(&log_);
  conn_ = std::make_unique<server::Connection>(-1, 1);
  core_->add_client(*conn_);
}

FamilyHarness::~FamilyHarness() {
  core_->remove_client(*conn_);
}

std::string FamilyHarness::run_args(std::span<const std::string_view> argv) {
  store().refresh_clock();  // the server refreshes it once per loop turn
  core_->run_command(*conn_, argv);
  std::string out = conn_->out.to_string();
  conn_->out.clear();
  return out;
}

std::string FamilyHarness::run(std::initializer_list<std::string_view> args) {
  std::vector<std::string_view> argv(args);
  return run_args(argv);
}

std::string FamilyHarness::run(const std::vector<std::string>& args) {
  std::vector<std::string_view> argv(args.begin(), args.end());
  return run_args(argv);
}

std::string run_on_store(const server::Registry& registry, const server::ServerInfo& info,
                         server::ShardStore& store, server::ClientState& client,
                         const std::vector<std::string>& args) {
  std::vector<std::string_view> argv(args.begin(), args.end());
  proto::ReplyBuffer out;
  proto::ReplyBuilder rb(out, client.resp);
  store.refresh_clock();
  const server::CommandSpec* spec = registry.find(argv[0]);
  if (server::validate_command(spec, argv, rb)) {
    if (spec->route == server::Route::kConnection) {
      server::ConnContext ctx{argv, client, rb, registry, info};
      spec->run_conn(ctx);
    } else {
      server::Executor exec(store);
      exec.run(*spec, argv, client.db, rb);
    }
  }
  return out.to_string();
}

SpreadStores::SpreadStores(uint32_t shards) {
  for (uint32_t i = 0; i < shards; ++i) {
    stores_.push_back(std::make_unique<server::ShardStore>(whole_.clock(), i, shards));
  }
}

uint32_t SpreadStores::owner(std::string_view key) const {
  return server::shard_of(key, static_cast<uint32_t>(stores_.size()));
}

std::string SpreadStores::run_on(server::ShardStore& store, const std::vector<std::string>& args) {
  return run_on_store(whole_.registry(), info_, store, client(), args);
}

std::string SpreadStores::run_on_owner(std::string_view key, const std::vector<std::string>& args) {
  return run_on(*stores_[owner(key)], args);
}

std::string SpreadStores::load(const std::vector<std::string>& args) {
  run_on(*stores_[owner(args[1])], args);
  return whole_.run(args);
}

std::string SpreadStores::run_spread(const std::vector<std::string>& args) {
  std::vector<std::string_view> argv(args.begin(), args.end());
  const server::CommandSpec* spec = whole_.registry().find(argv[0]);
  {
    proto::ReplyBuffer out;
    proto::ReplyBuilder rb(out, client().resp);
    if (!server::validate_command(spec, argv, rb)) return out.to_string();
  }
  // No valid keys: the command runs (and replies its error) where it was received.
  std::vector<uint32_t> idx = server::key_indices(*spec, argv);
  if (idx.empty()) return run_on(*stores_[0], args);
  const uint32_t first = owner(argv[idx[0]]);
  if (std::all_of(idx.begin(), idx.end(), [&](uint32_t i) { return owner(argv[i]) == first; })) {
    return run_on(*stores_[first], args);
  }
  ++migrated_;
  server::TxnCommand cmd;
  cmd.spec = spec;
  cmd.db = client().db;
  cmd.resp = client().resp;
  cmd.set_args(argv);
  // Each (db, key) once, by owner in ascending order, as the participants detach them.
  std::vector<std::pair<uint32_t, std::pair<int, std::string>>> names;
  for (const server::LockKeyRef& r : server::lock_key_refs(*spec, cmd.args, cmd.db)) {
    std::string_view key = cmd.args[r.argv];
    std::pair<uint32_t, std::pair<int, std::string>> name{owner(key), {r.db, std::string(key)}};
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  std::stable_sort(names.begin(), names.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<server::DetachedKey> keys(names.size());
  for (size_t k = 0; k < names.size(); ++k) {
    server::ShardStore& store = *stores_[names[k].first];
    store.refresh_clock();
    store.db(names[k].second.first).detach(names[k].second.second, keys[k]);
  }
  proto::ReplyBuffer out;
  std::vector<server::KeyChangeRecord> changes;  // for the owners' observers; these have none
  whole_.core().run_scratch(cmd, keys, out, changes, server::ExecOptions{});
  for (size_t k = 0; k < keys.size(); ++k) {
    stores_[names[k].first]->db(keys[k].db).attach(keys[k]);
  }
  return out.to_string();
}

template <typename Run>
std::string SpreadStores::key_state(std::string_view key, Run&& run) {
  const std::string k(key);
  const std::string type = run({"TYPE", k});
  std::string state = type + run({"OBJECT", "ENCODING", k}) + run({"PTTL", k});
  if (type == "+set\r\n") {
    state += run({"SMEMBERS", k});
  } else if (type == "+zset\r\n") {
    state += run({"ZRANGE", k, "0", "-1", "WITHSCORES"});
  } else if (type == "+hash\r\n") {
    state += run({"HGETALL", k});
  } else if (type == "+list\r\n") {
    state += run({"LRANGE", k, "0", "-1"});
  } else if (type == "+string\r\n") {
    state += run({"GET", k});
  }
  return state;
}

std::string SpreadStores::key_state_whole(std::string_view key) {
  return key_state(key, [&](const std::vector<std::string>& args) { return whole_.run(args); });
}

std::string SpreadStores::key_state_spread(std::string_view key) {
  return key_state(key,
                   [&](const std::vector<std::string>& args) { return run_on_owner(key, args); });
}

}  // namespace shardis::test
