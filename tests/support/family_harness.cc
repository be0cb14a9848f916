#include "support/family_harness.h"

#include <shardis/proto/reply_buffer.h>
#include <shardis/proto/reply_builder.h>
#include <shardis/server/local_exec.h>

namespace shardis::test {

FamilyHarness::FamilyHarness() : store_(clock_) {
  server::register_all_families(registry_);
  client_.id = 1;
}

std::string FamilyHarness::run(std::initializer_list<std::string_view> args) {
  std::vector<std::string_view> argv(args);
  proto::ReplyBuffer out;
  proto::ReplyBuilder rb(out, client_.resp);
  store_.refresh_clock();  // the server refreshes it once per loop turn
  server::run_command_here(registry_, info_, argv, store_, client_, rb);
  return out.to_string();
}

std::string FamilyHarness::run(const std::vector<std::string>& args) {
  std::vector<std::string_view> argv(args.begin(), args.end());
  proto::ReplyBuffer out;
  proto::ReplyBuilder rb(out, client_.resp);
  store_.refresh_clock();  // the server refreshes it once per loop turn
  server::run_command_here(registry_, info_, argv, store_, client_, rb);
  return out.to_string();
}

}  // namespace shardis::test
