// BZPOPMIN, BZPOPMAX, BZMPOP and ZMPOP: replies (RESP2 and RESP3), argument errors in Redis's
// order, what a pop reports (events, dirty count, logged form), and the blocking contract: with
// nothing to pop a command that may block writes no reply and sets the outcome blocked, one that
// may not (MULTI) replies a null array, and a blocked client being served pops from the one key
// named by serve_key. Expected replies, events and logged forms were recorded from
// redis-server 7.0.15 (its append-only file for the logged forms).
#include <doctest/doctest.h>
#include <shardis/proto/reply_buffer.h>
#include <shardis/proto/reply_builder.h>
#include <shardis/server/command.h>
#include <shardis/server/exec/executor.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "support/family_harness.h"
#include "support/outcome_expect.h"
#include "support/resp_expect.h"

namespace shardis::test {
namespace {

const std::string kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const std::string kNullArray = "*-1\r\n";
const std::string kTimeoutNotFloat = "-ERR timeout is not a float or out of range\r\n";
const std::string kTimeoutNegative = "-ERR timeout is negative\r\n";
const std::string kNumkeys = "-ERR numkeys should be greater than 0\r\n";
const std::string kCount = "-ERR count should be greater than 0\r\n";

Reported run(FamilyHarness& h, std::initializer_list<std::string_view> cmd) {
  return run_reported(h, cmd);
}

// A command run straight through the shard's executor, as the blocking engine runs it.
struct Direct {
  Reported reported;
  bool blocked = false;
};

Direct run_direct(FamilyHarness& h, std::initializer_list<std::string_view> cmd,
                  server::ExecOptions opts, int resp = 2) {
  std::vector<std::string_view> argv(cmd);
  const server::CommandSpec* spec = h.registry().find(argv[0]);
  REQUIRE(spec != nullptr);
  proto::ReplyBuffer buf;
  proto::ReplyBuilder rb(buf, resp);
  h.store().refresh_clock();
  const server::Outcome& out = h.core().executor().run(*spec, argv, h.client().db, rb, opts);
  Direct d;
  d.blocked = out.blocked();
  d.reported = take_reported(h, buf.to_string());
  return d;
}

constexpr server::ExecOptions kMayBlock{.may_block = true, .serve_key = 0};
server::ExecOptions serving(uint32_t key_idx) {
  return {.may_block = true, .serve_key = key_idx};
}

// [key, [[member, score], ...]] in RESP2.
std::string mpop_reply(std::string_view key, std::initializer_list<std::string_view> pairs) {
  std::string out = "*2\r\n" + bulk(key) + "*" + std::to_string(pairs.size() / 2) + "\r\n";
  for (auto it = pairs.begin(); it != pairs.end(); it += 2) {
    out += "*2\r\n" + bulk(it[0]) + bulk(it[1]);
  }
  return out;
}

TEST_CASE("Registration: flags, keys and what the blocking engine reads") {
  FamilyHarness h;
  const server::CommandSpec* bz = h.registry().find("bzpopmin");
  REQUIRE(bz != nullptr);
  CHECK(bz->flags == (server::kWrite | server::kNoScript | server::kBlocking | server::kFast));
  CHECK(bz->block.timeout_arg == -1);
  CHECK((bz->block.wait_keys == nullptr));
  CHECK(bz->block.type == server::ObjType::kZSet);
  std::vector<std::string_view> args{"bzpopmin", "a", "b", "0"};
  CHECK(server::key_indices(*bz, args) == std::vector<uint32_t>{1, 2});

  const server::CommandSpec* bm = h.registry().find("bzmpop");
  REQUIRE(bm != nullptr);
  CHECK(bm->flags == (server::kWrite | server::kBlocking | server::kMovableKeys));
  CHECK(bm->block.timeout_arg == 1);
  CHECK(bm->block.type == server::ObjType::kZSet);
  std::vector<std::string_view> margs{"bzmpop", "0", "2", "a", "b", "MIN", "COUNT", "3"};
  CHECK(server::key_indices(*bm, margs) == std::vector<uint32_t>{3, 4});

  const server::CommandSpec* zm = h.registry().find("zmpop");
  REQUIRE(zm != nullptr);
  CHECK(zm->flags == (server::kWrite | server::kMovableKeys));
  CHECK(zm->block.timeout_arg == 0);
  std::vector<std::string_view> zargs{"zmpop", "1", "a", "MAX"};
  CHECK(server::key_indices(*zm, zargs) == std::vector<uint32_t>{2});
}

TEST_CASE("BZPOPMIN and BZPOPMAX pop from the first sorted set, logged as ZPOPMIN/ZPOPMAX") {
  FamilyHarness h;
  load(h, {"ZADD", "z", "1", "a", "2", "b", "3", "c"});
  CHECK(run(h, {"BZPOPMIN", "nokey", "z", "0"}) ==
        Reported{"*3\r\n" + bulk("z") + bulk("a") + bulk("1"), {"0 zpopmin z"}, {"ZPOPMIN z"}, 1});
  CHECK(run(h, {"BZPOPMAX", "z", "0"}) ==
        Reported{"*3\r\n" + bulk("z") + bulk("c") + bulk("3"), {"0 zpopmax z"}, {"ZPOPMAX z"}, 1});
  CHECK(run(h, {"BZPOPMAX", "z", "1.5"}) == Reported{"*3\r\n" + bulk("z") + bulk("b") + bulk("2"),
                                                     {"0 zpopmax z", "0 del z"},
                                                     {"ZPOPMAX z"},
                                                     1});
  // Nothing to pop and not allowed to block (as inside MULTI): a null array.
  CHECK(run_direct(h, {"BZPOPMIN", "z", "nokey", "0"}, {}).reported == quiet(kNullArray));
}

TEST_CASE("BZPOPMIN looks at the keys in order: WRONGTYPE only before the first sorted set") {
  FamilyHarness h;
  load(h, {"ZADD", "z", "1", "a"});
  load(h, {"SET", "str", "x"});
  CHECK(run(h, {"BZPOPMIN", "nokey", "str", "z", "0"}) == quiet(kWrongType));
  CHECK(run(h, {"BZPOPMIN", "z", "str", "0"}) ==
        Reported{"*3\r\n" + bulk("z") + bulk("a") + bulk("1"),
                 {"0 zpopmin z", "0 del z"},
                 {"ZPOPMIN z"},
                 1});
  CHECK(run(h, {"BZPOPMIN", "z", "str", "0"}) == quiet(kWrongType));
  CHECK(run(h, {"BZMPOP", "0", "2", "str", "z", "MIN"}) == quiet(kWrongType));
  CHECK(run(h, {"ZMPOP", "2", "nokey", "str", "MIN"}) == quiet(kWrongType));
}

TEST_CASE("The timeout is checked before any key") {
  FamilyHarness h;
  load(h, {"SET", "str", "x"});
  CHECK(run(h, {"BZPOPMIN", "str", "x"}) == quiet(kTimeoutNotFloat));
  CHECK(run(h, {"BZPOPMAX", "str", "-1"}) == quiet(kTimeoutNegative));
  CHECK(run(h, {"BZPOPMIN", "str", "inf"}) == quiet(kTimeoutNegative));
  CHECK(run(h, {"BZPOPMIN", "str", "1e30"}) == quiet(kTimeoutNegative));
  CHECK(run(h, {"BZMPOP", "x", "1", "str", "MIN"}) == quiet(kTimeoutNotFloat));
  CHECK(run(h, {"BZMPOP", "-1", "1", "str", "MIN"}) == quiet(kTimeoutNegative));
  CHECK(run(h, {"BZPOPMIN", "str"}) == quiet(wrong_args("bzpopmin")));
  CHECK(run(h, {"BZMPOP", "0", "1", "str"}) == quiet(wrong_args("bzmpop")));
}

TEST_CASE("BZMPOP checks numkeys, MIN|MAX and COUNT before the timeout; ZMPOP likewise") {
  FamilyHarness h;
  load(h, {"ZADD", "z", "1", "a"});
  CHECK(run(h, {"BZMPOP", "x", "0", "z", "MIN"}) == quiet(kNumkeys));
  CHECK(run(h, {"BZMPOP", "x", "y", "z", "MIN"}) == quiet(kNumkeys));
  CHECK(run(h, {"BZMPOP", "x", "1", "z", "MINN"}) == quiet(kSyntax));
  CHECK(run(h, {"BZMPOP", "x", "2", "z", "MIN"}) == quiet(kSyntax));
  CHECK(run(h, {"BZMPOP", "x", "1", "z", "MIN", "COUNT", "0"}) == quiet(kCount));
  CHECK(run(h, {"BZMPOP", "0", "1", "z", "MIN", "COUNT", "0"}) == quiet(kCount));
  CHECK(run(h, {"ZMPOP", "0", "z", "MAX"}) == quiet(kNumkeys));
  CHECK(run(h, {"ZMPOP", "x", "z", "MAX"}) == quiet(kNumkeys));
  CHECK(run(h, {"ZMPOP", "-5", "z", "MAX"}) == quiet(kNumkeys));
  CHECK(run(h, {"ZMPOP", "5", "z", "MAX"}) == quiet(kSyntax));
  CHECK(run(h, {"ZMPOP", "9223372036854775807", "z", "MAX"}) == quiet(kSyntax));
  CHECK(run(h, {"ZMPOP", "2", "z", "MAX"}) == quiet(kSyntax));
  CHECK(run(h, {"ZMPOP", "1", "z", "MAXX"}) == quiet(kSyntax));
  CHECK(run(h, {"ZMPOP", "1", "z", "MAX", "COUNT"}) == quiet(kSyntax));
  CHECK(run(h, {"ZMPOP", "1", "z", "MAX", "COUNT", "x"}) == quiet(kCount));
  CHECK(run(h, {"ZMPOP", "1", "z", "MAX", "COUNT", "-1"}) == quiet(kCount));
  CHECK(run(h, {"ZMPOP", "1", "z", "MAX", "COUNT", "1", "COUNT", "2"}) == quiet(kSyntax));
  CHECK(run(h, {"ZMPOP", "1", "z", "MAX", "LIMIT", "1"}) == quiet(kSyntax));
  CHECK(run(h, {"ZMPOP", "1", "z"}) == quiet(wrong_args("zmpop")));
  CHECK(run(h, {"ZCARD", "z"}).reply == ":1\r\n");
}

TEST_CASE("ZMPOP and BZMPOP pop up to COUNT elements, logged as ZPOPMIN/ZPOPMAX key count") {
  FamilyHarness h;
  load(h, {"ZADD", "z", "1", "a", "2", "b", "3", "c"});
  CHECK(run(h, {"ZMPOP", "2", "nokey", "z", "MIN"}) ==
        Reported{mpop_reply("z", {"a", "1"}), {"0 zpopmin z"}, {"ZPOPMIN z 1"}, 1});
  CHECK(run(h, {"zmpop", "1", "z", "max", "count", "5"}) ==
        Reported{
            mpop_reply("z", {"c", "3", "b", "2"}), {"0 zpopmax z", "0 del z"}, {"ZPOPMAX z 2"}, 2});
  CHECK(run(h, {"ZMPOP", "1", "z", "MAX"}) == quiet(kNullArray));
  load(h, {"ZADD", "z", "1", "a", "2", "b", "3", "c"});
  CHECK(run(h, {"BZMPOP", "0", "1", "z", "MIN", "COUNT", "2"}) ==
        Reported{mpop_reply("z", {"a", "1", "b", "2"}), {"0 zpopmin z"}, {"ZPOPMIN z 2"}, 2});
  CHECK(run(h, {"BZMPOP", "0", "2", "nokey", "z", "MAX"}) ==
        Reported{mpop_reply("z", {"c", "3"}), {"0 zpopmax z", "0 del z"}, {"ZPOPMAX z 1"}, 1});
  CHECK(run_direct(h, {"BZMPOP", "0", "2", "nokey", "z", "MAX"}, {}).reported == quiet(kNullArray));
}

TEST_CASE("RESP3: scores are doubles; nothing to pop is a null") {
  FamilyHarness h;
  load(h, {"HELLO", "3"});
  load(h, {"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"});
  CHECK(run(h, {"BZPOPMIN", "z", "0"}).reply == "*3\r\n" + bulk("z") + bulk("a") + ",1\r\n");
  CHECK(run(h, {"BZMPOP", "0", "1", "z", "MAX", "COUNT", "2"}).reply ==
        "*2\r\n" + bulk("z") + "*2\r\n*2\r\n" + bulk("d") + ",4\r\n*2\r\n" + bulk("c") + ",3\r\n");
  CHECK(run(h, {"ZMPOP", "1", "z", "MIN"}).reply ==
        "*2\r\n" + bulk("z") + "*1\r\n*2\r\n" + bulk("b") + ",2\r\n");
  CHECK(run(h, {"ZMPOP", "1", "z", "MIN"}) == quiet("_\r\n"));
  CHECK(run_direct(h, {"BZPOPMAX", "z", "0"}, {}, 3).reported == quiet("_\r\n"));
  CHECK(run_direct(h, {"BZMPOP", "0", "1", "z", "MIN"}, {}, 3).reported == quiet("_\r\n"));
}

TEST_CASE("Inside MULTI the blocking pops reply a null array, and their errors come at EXEC") {
  FamilyHarness h;
  load(h, {"ZADD", "z", "1", "a", "2", "b", "3", "c"});
  CHECK(h.run({"MULTI"}) == kOk);
  CHECK(h.run({"BZPOPMIN", "nokey", "0"}) == "+QUEUED\r\n");
  CHECK(h.run({"BZMPOP", "0", "1", "nokey", "MIN"}) == "+QUEUED\r\n");
  CHECK(h.run({"BZPOPMIN", "z", "0"}) == "+QUEUED\r\n");
  CHECK(h.run({"BZMPOP", "0", "1", "z", "MAX", "COUNT", "1"}) == "+QUEUED\r\n");
  CHECK(h.run({"BZPOPMIN", "nokey", "x"}) == "+QUEUED\r\n");
  CHECK(h.run({"EXEC"}) == "*5\r\n*-1\r\n*-1\r\n*3\r\n" + bulk("z") + bulk("a") + bulk("1") +
                               mpop_reply("z", {"c", "3"}) + kTimeoutNotFloat);
  CHECK(h.log().take_events() == std::vector<std::string>{"0 zpopmin z", "0 zpopmax z"});
  CHECK(h.log().take_propagated() == std::vector<std::string>{"ZPOPMIN z", "ZPOPMAX z 1"});
}

TEST_CASE("Allowed to block with nothing to pop: no reply, blocked, nothing reported") {
  FamilyHarness h;
  for (std::initializer_list<std::string_view> cmd :
       {std::initializer_list<std::string_view>{"BZPOPMIN", "a", "b", "0"},
        {"BZPOPMAX", "a", "0.5"},
        {"BZMPOP", "0", "2", "a", "b", "MIN", "COUNT", "3"}}) {
    Direct d = run_direct(h, cmd, kMayBlock);
    CHECK(d.blocked);
    CHECK(d.reported == quiet(""));
  }
  // A key of another type before any sorted set still fails at once.
  load(h, {"SET", "str", "x"});
  Direct wrong = run_direct(h, {"BZPOPMIN", "a", "str", "0"}, kMayBlock);
  CHECK_FALSE(wrong.blocked);
  CHECK(wrong.reported == quiet(kWrongType));
  // ZMPOP never blocks.
  Direct zmpop = run_direct(h, {"ZMPOP", "1", "a", "MIN"}, kMayBlock);
  CHECK_FALSE(zmpop.blocked);
  CHECK(zmpop.reported == quiet(kNullArray));
  // Data there: served at once even when allowed to block.
  load(h, {"ZADD", "b", "7", "m"});
  Direct now = run_direct(h, {"BZPOPMIN", "a", "b", "0"}, kMayBlock);
  CHECK_FALSE(now.blocked);
  CHECK(now.reported == Reported{"*3\r\n" + bulk("b") + bulk("m") + bulk("7"),
                                 {"0 zpopmin b", "0 del b"},
                                 {"ZPOPMIN b"},
                                 1});
}

TEST_CASE("Serving a blocked client pops from the ready key only") {
  FamilyHarness h;
  load(h, {"ZADD", "a", "1", "x"});
  load(h, {"ZADD", "b", "5", "p", "6", "q"});
  // b became ready: a is not looked at although it has data.
  Direct d = run_direct(h, {"BZPOPMAX", "a", "b", "0"}, serving(2));
  CHECK_FALSE(d.blocked);
  CHECK(d.reported ==
        Reported{"*3\r\n" + bulk("b") + bulk("q") + bulk("6"), {"0 zpopmax b"}, {"ZPOPMAX b"}, 1});
  Direct m = run_direct(h, {"BZMPOP", "0", "2", "a", "b", "MIN", "COUNT", "10"}, serving(4));
  CHECK_FALSE(m.blocked);
  CHECK(m.reported ==
        Reported{mpop_reply("b", {"p", "5"}), {"0 zpopmin b", "0 del b"}, {"ZPOPMIN b 1"}, 1});
  // The ready key turned out empty: blocked again, no reply.
  Direct again = run_direct(h, {"BZPOPMIN", "a", "b", "0"}, serving(2));
  CHECK(again.blocked);
  CHECK(again.reported == quiet(""));
  Direct again_m = run_direct(h, {"BZMPOP", "0", "2", "a", "b", "MAX"}, serving(4));
  CHECK(again_m.blocked);
  CHECK(again_m.reported == quiet(""));
  CHECK(run(h, {"ZCARD", "a"}).reply == ":1\r\n");
  // RESP3 while serving.
  load(h, {"ZADD", "b", "2.5", "r"});
  Direct r3 = run_direct(h, {"BZPOPMIN", "a", "b", "0"}, serving(2), 3);
  CHECK(r3.reported.reply == "*3\r\n" + bulk("b") + bulk("r") + ",2.5\r\n");
}

TEST_CASE("WATCH sees the keys the pops change") {
  FamilyHarness h;
  load(h, {"ZADD", "z", "1", "a", "2", "b", "3", "c"});
  // Blocking on another key (no wait here: run as inside MULTI) leaves z alone.
  h.run({"WATCH", "z"});
  run_direct(h, {"BZPOPMIN", "nokey", "0"}, {});
  h.run({"MULTI"});
  h.run({"PING"});
  CHECK(h.run({"EXEC"}) == kWatchRan);
  take_reported(h, {});
  CHECK(run_watched(h, "z", {"BZPOPMIN", "z", "0"}) == kWatchAborted);
  CHECK(run_watched(h, "z", {"ZMPOP", "1", "nokey", "MIN"}) == kWatchRan);
  CHECK(run_watched(h, "z", {"ZMPOP", "1", "z", "MIN"}) == kWatchAborted);
  CHECK(run_watched(h, "z", {"BZMPOP", "0", "1", "z", "MAX"}) == kWatchAborted);
}

}  // namespace
}  // namespace shardis::test
