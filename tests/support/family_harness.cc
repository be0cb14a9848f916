#include "support/family_harness.h"

#include <shardis/proto/reply_buffer.h>
#include <shardis/proto/reply_builder.h>
#include <shardis/server/exec/executor.h>
#include <shardis/server/route/router.h>

namespace shardis::test {

FamilyHarness::FamilyHarness() {
  server::register_all_families(registry_);
  core_ = std::make_unique<server::ShardCore>(0, nullptr, registry_, info_, clock_,
                                              server::CoreOptions{}, *this, nullptr);
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

}  // namespace shardis::test
